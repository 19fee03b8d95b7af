"""Stripe's search query language, the part of it that fits customers, invoices, subscriptions.

`email:'jane@example.com'`, `name~'Jan'`, `metadata['plan']:'pro'`, `total>1000`,
`created>=1700000000`, clauses joined by all-AND or all-OR.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sandbox import fixtures
from sandbox.errors import invalid

_CLAUSE = re.compile(
    r"""^\s*(?:metadata\[['"](?P<key>[^'"]+)['"]\]|(?P<field>[a-z_]+))\s*"""
    r"""(?P<op>:|~|>=|<=|>|<)\s*(?:'(?P<single>[^']*)'|"(?P<double>[^"]*)"|(?P<num>-?\d+))\s*$"""
)


def matcher(query: str, fields: dict[str, str]) -> Callable[[dict[str, Any]], bool]:
    """A predicate for a query; `fields` maps each searchable field to its key in the object."""
    joins = set(re.findall(r"\s(AND|OR)\s", query))
    if len(joins) > 1:
        raise invalid("Queries cannot mix AND and OR.", "query")
    tests = [_clause(part, fields, query) for part in re.split(r"\s(?:AND|OR)\s", query)]
    if joins == {"OR"}:
        return lambda obj: any(test(obj) for test in tests)
    return lambda obj: all(test(obj) for test in tests)


def _clause(text: str, fields: dict[str, str], query: str) -> Callable[[dict[str, Any]], bool]:
    match = _CLAUSE.match(text)
    if not match:
        raise invalid(f"Invalid query: {query}", "query")
    op, key, field = match["op"], match["key"], match["field"]
    raw = match["num"] if match["num"] is not None else (match["single"] or match["double"] or "")
    if key is not None:
        return lambda obj: str((obj.get("metadata") or {}).get(key)) == raw
    if field not in fields:
        raise invalid(f"Field '{field}' is an unsupported search field for this resource.", "query")
    name = fields[field]
    if op == ":":
        return lambda obj: str(_get(obj, name)).lower() == raw.lower()
    if op == "~":
        return lambda obj: raw.lower() in str(_get(obj, name) or "").lower()
    try:
        bound = int(raw)
    except ValueError:
        raise invalid(f"Invalid query: {query}", "query") from None
    compare: Callable[[int], bool] = {
        ">": lambda a: a > bound,
        "<": lambda a: a < bound,
        ">=": lambda a: a >= bound,
        "<=": lambda a: a <= bound,
    }[op]
    return lambda obj: isinstance(_get(obj, name), int) and compare(_get(obj, name))


def _get(obj: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None  # type: ignore[assignment]
    return obj


def result(
    rows: list[dict[str, Any]], params: dict[str, Any], limit: int, url: str
) -> dict[str, Any]:
    page = params.get("page") or "page_0"
    offset = int(page[5:]) if re.fullmatch(r"page_\d{1,9}", page) else None
    if offset is None:
        raise invalid("Invalid page: must be a next_page value from a previous search.", "page")
    chunk = rows[offset : offset + limit]
    more = offset + limit < len(rows)
    found = fixtures.search_result(chunk, more, f"page_{offset + limit}" if more else None, url)
    expand = params.get("expand") or []
    if "total_count" in expand:  # Stripe counts every match only when asked to
        expand.remove("total_count")
        found["total_count"] = len(rows)
    return found
