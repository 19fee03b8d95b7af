"""Everything one running sandbox holds: its objects, webhooks, faults, counters and replays."""

from __future__ import annotations

import gc
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sandbox import shapes
from sandbox.store import Store
from sandbox.webhooks import Webhooks


@dataclass
class Fault:
    status: int | None = None
    hang: float | None = None
    count: int = 1
    path: str | None = None


@dataclass
class Replay:
    fingerprint: str
    status: int
    body: bytes


@dataclass
class Sandbox:
    seed: str | None = "demo"
    webhooks: Webhooks = field(default_factory=Webhooks)
    store: Store = field(default_factory=Store)
    faults: list[Fault] = field(default_factory=list)
    latency_ms: int = 0
    calls: Counter[str] = field(default_factory=Counter)
    replays: dict[tuple[str, str], Replay] = field(default_factory=dict)
    personas: dict[str, Any] = field(default_factory=dict)
    idempotency_key: str | None = None
    quiet: bool = False

    def reset(self) -> None:
        from sandbox.seed import load  # the seed builds through the API's own operations

        self.store = Store()
        self.replays.clear()
        self.quiet = True
        # The seed makes tens of thousands of objects that live until the next reset, without
        # reference cycles: the cyclic collector would walk them again and again, while they
        # are made and after, for nothing. Frozen, they are still freed once unreferenced.
        collecting = gc.isenabled()
        gc.collect()  # what is garbage now must not be frozen with the seed
        gc.disable()
        try:
            self.personas = load(self, self.seed) if self.seed else {"customers": {}}
        finally:
            self.quiet = False
            gc.freeze()
            if collecting:
                gc.enable()

    def emit(self, type: str, obj: dict[str, Any], before: dict[str, Any] | None = None) -> None:
        """Record and send an event; `before` (a copy taken before an update) gives the
        `previous_attributes` Stripe puts on `*.updated` events."""
        if self.quiet:
            return
        store = self.store
        rendered = store.render(obj)
        previous = None if before is None else changes(store.render(before), rendered)
        if previous == {}:
            return  # Stripe sends no `*.updated` event for an update that changed nothing
        event = shapes.event(
            store.new_id("event"), store.now(), type, rendered, self.idempotency_key, previous
        )
        store.add("event", event)
        self.webhooks.send(event)

    def take_fault(self, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.path is None or path.startswith(fault.path):
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                return fault
        return None


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Stripe's `previous_attributes`: the earlier value of every attribute that changed;
    for a nested hash only its changed keys, and null for a key that was not there."""
    out: dict[str, Any] = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            out[key] = changes(old, new)
        else:
            out[key] = old
    return out
