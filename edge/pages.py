"""The JSON answer of an invoice list page, rendered once per cached Stripe list.

The embed asks for the same cached page again and again, and shaping and encoding it was most
of what a cached answer cost. A rendering is kept by the identity of the cached list (held, so
the identity cannot be reused) and only while the clock stays between the same due dates:
`past_due` is the one part of a page that depends on the time.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from edge import shapes

MAX_ENTRIES = 256

# id(listed["data"]) -> (that list, has_more, next_cursor, valid after, valid until, body)
_Entry = tuple[list[Any], bool, "str | None", float, float, bytes]
_rendered: dict[int, _Entry] = {}


def response(listed: shapes.Obj, now: float) -> Response:
    """The same answer as JSONResponse(shapes.page(listed, now)), byte for byte."""
    data = listed["data"]
    has_more, cursor = listed["has_more"], listed["next_cursor"]
    entry = _rendered.get(id(data))
    if (
        entry is not None
        and entry[0] is data
        and entry[1] == has_more
        and entry[2] == cursor
        and entry[3] < now <= entry[4]
    ):
        return Response(entry[5], media_type="application/json")
    body = render(shapes.page(listed, now))
    if data:
        if len(_rendered) >= MAX_ENTRIES:
            del _rendered[next(iter(_rendered))]
        after, until = _window(data, now)
        _rendered[id(data)] = (data, has_more, cursor, after, until, body)
    return Response(body, media_type="application/json")


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
