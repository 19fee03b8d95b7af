"""Stripe's form encoding (`items[0][price]=...`) and per-endpoint parameter checking.

A spec maps each accepted parameter to its kind: "str", "int", "bool", "ts" (an integer or a
`gt/gte/lt/lte` range), "strs" (a list of strings), "map" (metadata), a tuple of allowed
values, a nested spec dict, or a one-element list holding the spec of each list entry.
Anything else is refused the way Stripe refuses it, naming the parameter.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from sandbox.errors import StripeError, invalid, missing_parameter, unknown_parameter

Spec = dict[str, Any]

EXPAND: Spec = {"expand": "strs"}
LIST: Spec = {
    "expand": "strs",
    "limit": "int",
    "starting_after": "str",
    "ending_before": "str",
    "created": "ts",
}
SEARCH: Spec = {"expand": "strs", "query": "str", "limit": "int", "page": "str"}

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_INT = re.compile(r"^-?\d{1,19}$")
MAX_INT = 2**63 - 1


def parse(text: str) -> dict[str, Any]:
    """Decode a form body or query string into nested dicts and lists."""
    try:
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=2000)
    except ValueError as exc:
        raise invalid("Too many parameters in this request.") from exc
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if not match:
            raise unknown_parameter(key)
        path = [match.group(1)] + re.findall(r"\[([^\[\]]*)\]", match.group(2))
        node: dict[str, Any] = root
        for depth, part in enumerate(path):
            name = path[0] + "".join(f"[{p}]" for p in path[1:depth])
            if part == "":
                part = str(sum(1 for k in node if k.isdigit()))
            if depth == len(path) - 1:
                if isinstance(node.get(part), dict):
                    raise invalid(f"Invalid hash: {name or part}", name or part)
                node[part] = value
            else:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    raise invalid(f"Invalid hash: {key}", key)
                node = child
    return _listify(root)  # type: ignore[no-any-return]


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if node and all(k.isdigit() for k in node):
        return [_listify(node[k]) for k in sorted(node, key=int)]
    return {k: _listify(v) for k, v in node.items()}


def check(raw: dict[str, Any], spec: Spec, required: tuple[str, ...] = ()) -> dict[str, Any]:
    out = _object(raw, spec, "")
    for name in required:
        if out.get(name) in (None, ""):
            raise missing_parameter(name)
    return out


def _object(raw: Any, spec: Spec, prefix: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise invalid(f"Invalid object: {prefix}", prefix)
    out: dict[str, Any] = {}
    for key, value in raw.items():
        name = f"{prefix}[{key}]" if prefix else key
        if key not in spec:
            raise unknown_parameter(name)
        out[key] = _coerce(value, spec[key], name)
    return out


def _coerce(value: Any, kind: Any, name: str) -> Any:
    if value == "" and kind not in ("str", "map"):
        return None
    if isinstance(kind, dict):
        return _object(value, kind, name)
    if isinstance(kind, list):
        if isinstance(value, dict):
            value = list(value.values())
        if not isinstance(value, list):
            raise invalid(f"Invalid array: {name}", name)
        return [_coerce(v, kind[0], f"{name}[{i}]") for i, v in enumerate(value)]
    if isinstance(kind, tuple):
        if value not in kind:
            raise invalid(f"Invalid {name}: must be one of {', '.join(kind)}", name)
        return value
    if kind == "str":
        if not isinstance(value, str):
            raise invalid(f"Invalid string: {name}", name)
        if len(value) > 5000:
            raise invalid(f"Invalid string: {value[:20]}...; must be at most 5000 characters", name)
        return value
    if kind == "int":
        return integer(value, name)
    if kind == "bool":
        if value not in ("true", "false"):
            raise invalid(f"Invalid boolean: {value}", name)
        return value == "true"
    if kind == "strs":
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in values):
            raise invalid(f"Invalid array: {name}", name)
        return values
    if kind == "map":
        if not isinstance(value, dict):
            if value == "":
                return {}
            raise invalid(f"Invalid hash: {name}", name)
        for k, v in value.items():
            if not isinstance(v, str) or len(k) > 40 or len(v) > 500:
                raise invalid(f"Invalid metadata: {name}[{k}]", f"{name}[{k}]")
        return value
    if kind == "ts":
        if isinstance(value, dict):
            return _object(value, {op: "int" for op in ("gt", "gte", "lt", "lte")}, name)
        return integer(value, name)
    raise AssertionError(kind)


def integer(value: Any, name: str) -> int:
    if not isinstance(value, str) or not _INT.match(value) or abs(int(value)) > MAX_INT:
        shown = value if isinstance(value, str) else "(object)"
        raise StripeError(
            400, f"Invalid integer: {shown[:100]}", param=name, code="parameter_invalid_integer"
        )
    return int(value)
