"""The JSON answer of an invoice list page, rendered once per cached Stripe list.

The embed asks for the same cached page again and again, and shaping and encoding it was most
of what a cached answer cost. A rendering is kept by the identity of the cached list (held, so
the identity cannot be reused) and only while the clock stays between the same due dates:
`past_due` is the one part of a page that depends on the time. The renderings kept are bounded
in bytes, the oldest dropped first.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from edge import shapes

# id(listed["data"]) -> (that list, has_more, next_cursor, valid after, valid until, body)
_Entry = tuple[list[Any], bool, "str | None", float, float, bytes]


class Pages:
    def __init__(self, max_bytes: int = 8 * 2**20) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._rendered: dict[int, _Entry] = {}

    def response(self, listed: shapes.Obj, now: float) -> Response:
        """The same answer as JSONResponse(shapes.page(listed, now)), byte for byte."""
        data = listed["data"]
        has_more, cursor = listed["has_more"], listed["next_cursor"]
        entry = self._rendered.get(id(data))
        if (
            entry is not None
            and entry[0] is data
            and entry[1] == has_more
            and entry[2] == cursor
            and entry[3] < now <= entry[4]
        ):
            return Response(entry[5], media_type="application/json")
        body = render(shapes.page(listed, now))
        if data and len(body) <= self.max_bytes:
            if entry is not None:
                self._drop(id(data))
            while self.bytes + len(body) > self.max_bytes:
                self._drop(next(iter(self._rendered)))
            after, until = _window(data, now)
            self._rendered[id(data)] = (data, has_more, cursor, after, until, body)
            self.bytes += len(body)
        return Response(body, media_type="application/json")

    def _drop(self, key: int) -> None:
        self.bytes -= len(self._rendered.pop(key)[5])


def render(content: Any) -> bytes:
    # Exactly JSONResponse.render.
    return json.dumps(
        content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


def _window(data: list[shapes.Obj], now: float) -> tuple[float, float]:
    """The times strictly after the first and up to the second at which every invoice of
    `data` has the `past_due` it has at `now`."""
    after, until = float("-inf"), float("inf")
    for invoice in data:
        due = invoice.get("due_date")
        if invoice.get("status") != "open" or due is None:
            continue
        if due < now:
            after = max(after, due)
        else:
            until = min(until, due)
    return after, until
