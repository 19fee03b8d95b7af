"""The events the sandbox has sent, as `GET /v1/events` shows them."""

from __future__ import annotations

from typing import Any

from sandbox.params import EXPAND, LIST, check
from sandbox.state import Sandbox


def retrieve(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    return sb.store.render(sb.store.get("event", ids["id"]), p.get("expand", ()))


def listing(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**LIST, "type": "str", "types": "strs"})
    wanted = set(p.get("types") or ()) | ({p["type"]} if p.get("type") else set())
    rows = [e for e in sb.store.ordered("event") if not wanted or e["type"] in wanted]
    return sb.store.render(sb.store.page("event", rows, p, "/v1/events"), p.get("expand", ()))


ROUTES = [
    ("GET", "/v1/events", listing),
    ("GET", "/v1/events/{id}", retrieve),
]
