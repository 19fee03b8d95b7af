"""Answers rendered once: the JSON of a list page, of an invoice's detail and of what a customer
owes, kept in the cache entry of the data it is made from.

The embed asks for the same cached answers again and again, and shaping and encoding them was
most of what a warm request cost. A rendering lives and dies with its cache entry (so the cache's
bound and webhooks cover it), and it is made again when the other cached objects it was made
from are replaced, or when the clock passes a due date: `past_due` is the one part of these
answers that depends on the time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from typing import Any

from starlette.responses import Response

from edge import shapes

Obj = dict[str, Any]
# JSONResponse's json.dumps, without building an encoder for every call.
ENCODE = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
).encode


class Rendering:
    __slots__ = ("after", "body", "sources", "until")

    def __init__(self) -> None:
        self.sources: tuple[object, ...] = ()
        # Valid for times strictly after `after`, up to `until`: at first for none.
        self.after, self.until = math.inf, -math.inf
        self.body = b""

    def answer(
        self,
        now: float,
        make: Callable[[float], Any],
        invoices: Iterable[Obj],
        sources: tuple[object, ...] = (),
    ) -> bytes:
        """render(make(now)), from the last rendering while it still holds. `invoices` are those
        whose `past_due` the answer shows; `sources`, the other cached objects it reads."""
        if (
            self.after < now <= self.until
            and len(sources) == len(self.sources)
            and all(a is b for a, b in zip(sources, self.sources, strict=True))
        ):
            return self.body
        self.body = render(make(now))
        self.after, self.until = window(invoices, now)
        self.sources = sources
        return self.body


def page(listed: Obj, now: float) -> bytes:
    """The JSON of `shapes.page(listed, now)`, from the rendering kept with the cached page."""
    rendering: Rendering = listed["rendering"]
    return rendering.answer(now, lambda at: shapes.page(listed, at), listed["data"])


def joined(head: Obj, tail: dict[str, bytes]) -> bytes:
    """The JSON of `head` with the members of `tail` after its own, their values rendered
    already: render({**head, **tail}) without encoding what is kept encoded."""
    parts = [render(head)[:-1]]
    for name, value in tail.items():
        parts += [b"," if len(parts) > 1 or head else b"", render(name), b":", value]
    return b"".join(parts) + b"}"


def answer(body: bytes) -> Response:
    return Response(body, media_type="application/json")


def render(content: Any) -> bytes:
    """Exactly JSONResponse.render."""
    return ENCODE(content).encode("utf-8")


def window(invoices: Iterable[Obj], now: float) -> tuple[float, float]:
    """The times strictly after the first and up to the second at which every invoice has
    the `past_due` it has at `now`."""
    after, until = -math.inf, math.inf
    for invoice in invoices:
        due = invoice.get("due_date")
        if invoice.get("status") != "open" or due is None:
            continue
        if due < now:
            after = max(after, due)
        else:
            until = min(until, due)
    return after, until
