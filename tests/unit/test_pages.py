from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.responses import JSONResponse

from edge import pages, shapes
from edge.cache import TTLCache, size_of


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
    page = {"object": "list", "data": data, "has_more": True, "next_cursor": "in_3"}
    return page | {"rendering": pages.Rendering()}


LISTED = _listed()


def _past_due(listed: dict[str, Any], now: float) -> list[bool]:
    body = json.loads(pages.page(listed, now))
    return [invoice["past_due"] for invoice in body["data"]]


def test_a_repeated_page_answers_exactly_what_json_response_would() -> None:
    for now in (1500.0, 1500.5, 2500.0, 2500.0, 3500.0):
        answer = pages.answer(pages.page(dict(LISTED), now))
        expected = JSONResponse(shapes.page(LISTED, now))
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


def test_a_rendering_is_made_again_when_the_other_objects_it_reads_are_replaced() -> None:
    rendering = pages.Rendering()
    first, second = {"n": 1}, {"n": 2}
    assert rendering.answer(1.0, lambda now: dict(first), [], (first,)) == b'{"n":1}'
    assert rendering.answer(2.0, lambda now: dict(second), [], (first,)) == b'{"n":1}'
    assert rendering.answer(3.0, lambda now: dict(second), [], (second,)) == b'{"n":2}'


def test_the_cache_counts_the_bytes_of_a_rendering_kept_with_its_page() -> None:
    listed = _listed()
    before = size_of(listed)
    body = pages.page(listed, 2500.0)
    assert size_of(listed) >= before + len(body)


def test_an_answer_merged_into_a_rendered_object_is_the_json_of_the_whole() -> None:
    head = {"token": 't\u00e9"', "expires_at": 1}
    rest = {"livemode": False, "invoices": shapes.page(LISTED, 2500.0)}
    assert pages.merged(head, pages.render(rest)) == JSONResponse(head | rest).body
    assert pages.merged(head, b"{}") == JSONResponse(head).body
    assert pages.merged({}, b'{"a":1}') == b'{"a":1}'


@pytest.mark.anyio
async def test_a_kept_answer_is_made_again_when_its_sources_or_their_customer_change() -> None:
    cache = TTLCache(30)
    made: list[float] = []

    def make(now: float) -> dict[str, Any]:
        made.append(now)
        return {"n": len(made)}

    async def kept(sources: tuple[object, ...], now: float) -> bytes:
        return await pages.kept(cache, ("session", "cus_a"), ["cus_a"], now, make, [], sources)

    first, second = {"id": "cus_a"}, {"id": "cus_a"}
    assert await kept((first,), 1.0) == b'{"n":1}'
    assert await kept((first,), 2.0) == b'{"n":1}'
    # An equal object that is not the one it was made from: made again.
    assert await kept((second,), 3.0) == b'{"n":2}'
    assert cache.forget(["cus_a"]) == 1
    assert await kept((second,), 4.0) == b'{"n":3}'
    assert made == [1.0, 3.0, 4.0]
