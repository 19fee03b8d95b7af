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
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from starlette.responses import Response

from edge import shapes
from edge.cache import TTLCache

Obj = dict[str, Any]
CONTENT_TYPE = (b"content-type", b"application/json")
# JSONResponse's json.dumps, without building an encoder for every call.
ENCODE = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
).encode


class Rendering:
    __slots__ = ("after", "body", "ids", "sources", "until")

    def __init__(self) -> None:
        self.sources: tuple[object, ...] = ()
        # Their ids, which cannot be reused while `sources` holds them.
        self.ids: tuple[int, ...] = ()
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
        ids = tuple(map(id, sources))
        if self.after < now <= self.until and ids == self.ids:
            return self.body
        self.body = render(make(now))
        self.after, self.until = window(invoices, now)
        self.sources, self.ids = sources, ids
        return self.body


def page(listed: Obj, now: float) -> bytes:
    """The JSON of `shapes.page(listed, now)`, from the rendering kept with the cached page."""
    rendering: Rendering = listed["rendering"]
    return rendering.answer(now, lambda at: shapes.page(listed, at), listed["data"])


def merged(head: Obj, rest: bytes) -> bytes:
    """The JSON of `head` with the members of `rest`, the JSON of an object, after its own."""
    if rest == b"{}":
        return render(head)
    if not head:
        return rest
    return render(head)[:-1] + b"," + rest[1:]


async def kept(
    cache: TTLCache,
    key: Hashable,
    tags: Iterable[str],
    now: float,
    make: Callable[[float], Any],
    invoices: list[Obj],
    sources: tuple[object, ...],
) -> bytes:
    """`Rendering.answer` of an answer made of several cached objects, which none of them can
    keep alone: its rendering is a cache entry of its own under `key` (with `tags`)."""

    async def load() -> tuple[Rendering, Iterable[str]]:
        rendering = Rendering()
        # Rendered before it is kept, so that the cache counts the rendering's bytes too.
        rendering.answer(now, make, invoices, sources)
        return rendering, tags

    rendering: Rendering = await cache.fetch(key, load)
    return rendering.answer(now, make, invoices, sources)


def answer(body: bytes) -> Response:
    return Answer(body)


class Answer(Response):
    """Response(body, media_type="application/json"), its headers written straight away: the
    same two, without the checks a response of any content and headers needs."""

    media_type = "application/json"

    def __init__(self, body: bytes) -> None:
        self.status_code = 200
        self.background = None
        self.body = body
        self.raw_headers = [(b"content-length", b"%d" % len(body)), CONTENT_TYPE]


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
