from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse

from edge import pages, shapes

# One renderer for the module, as the app keeps one: later calls may answer from its renderings.
RENDERER = pages.Pages()


def _invoice(number: int, status: str, due_date: int | None) -> dict[str, Any]:
    return {
        "id": f"in_{number}",
        "number": f"N-{number}",
        "status": status,
        "due_date": due_date,
        "created": 1000 + number,
        "currency": "eur",
        "total": 100 * number,
        "customer": "cus_a",
        "description": "Ünïcode",
    }


def _listed() -> dict[str, Any]:
    data = [_invoice(1, "open", 2000), _invoice(2, "open", 3000), _invoice(3, "paid", None)]
    return {"object": "list", "data": data, "has_more": True, "next_cursor": "in_3"}


def _past_due(listed: dict[str, Any], now: float) -> list[bool]:
    body = json.loads(bytes(RENDERER.response(listed, now).body))
    return [invoice["past_due"] for invoice in body["data"]]


def test_a_repeated_page_answers_exactly_what_json_response_would() -> None:
    listed = _listed()
    for now in (1500.0, 1500.5, 2500.0, 2500.0, 3500.0):
        answer = RENDERER.response(dict(listed), now)
        expected = JSONResponse(shapes.page(listed, now))
        assert answer.body == expected.body
        assert answer.raw_headers == expected.raw_headers


def test_a_cached_page_turns_past_due_as_the_clock_passes_each_due_date() -> None:
    listed = _listed()
    assert _past_due(listed, 1999.0) == [False, False, False]
    assert _past_due(listed, 2000.0) == [False, False, False]
    assert _past_due(listed, 2000.001) == [True, False, False]
    assert _past_due(listed, 3000.5) == [True, True, False]
    # A clock set back is answered as it now reads, too.
    assert _past_due(listed, 1500.0) == [False, False, False]


def test_a_page_of_another_list_is_never_answered_from_a_rendering_of_an_earlier_one() -> None:
    first, second = _listed(), _listed()
    second["data"][0]["total"] = 999
    second["has_more"], second["next_cursor"] = False, None
    RENDERER.response(first, 1500.0)
    body = json.loads(bytes(RENDERER.response(second, 1500.0).body))
    assert body["data"][0]["total"] == 999
    assert body["has_more"] is False and body["next_cursor"] is None


def test_renderings_kept_stay_within_their_byte_bound() -> None:
    renderer = pages.Pages(max_bytes=2000)
    for _ in range(50):
        renderer.response(_listed(), 1500.0)
        assert 0 < renderer.bytes <= 2000
