"""The request line the proxy's own handler writes is the line `logging` would have written."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from edge.logs import JsonLines, Lines

LINES: list[dict[str, Any]] = [
    {
        "event": "request",
        "request_id": "0123456789abcdef",
        "method": "GET",
        "path": '/v1/invoices/in_1?q=\u00e9"\\\u2028',
        "status": 200,
        "duration_ms": 0.3,
    },
    {
        "event": "request",
        "request_id": "r",
        "method": "POST",
        "path": "/v1/session",
        "status": 429,
        "duration_ms": 12.0,
        "code": "rate_limited",
        "also_refused": 3,
    },
    {"event": "request", "flag": True, "none": None, "list": [1, "\u00e9"], "big": 1e20},
]


@pytest.mark.parametrize("fields", LINES)
def test_a_request_line_is_what_the_json_formatter_writes(fields: dict[str, Any]) -> None:
    handler = Lines()
    written: list[str] = []
    handler.write_pending = lambda: written.extend(handler.pending)  # type: ignore[method-assign]
    handler.write_request(dict(fields))
    record = logging.LogRecord("invoice_portal", logging.INFO, "", 0, json.dumps(fields), (), None)
    expected = JsonLines().format(record) + "\n"
    # The same text but for the time, which each took from its own clock.
    assert written[0].startswith('{"time": ') and written[0].endswith("}\n")
    assert written[0].split(', "level"', 1)[1] == expected.split(', "level"', 1)[1]
