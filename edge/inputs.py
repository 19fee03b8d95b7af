"""What the API accepts: bodies, query values and the token, checked before any work.

Anything a visitor sends is refused here with a 4xx naming the parameter; nothing malformed
reaches the gateway or Stripe.
"""

from __future__ import annotations

import codecs
import json
import re
import time
from typing import Any

from starlette.requests import Request
from starlette.types import Scope

from edge import features, tokens
from edge.errors import ApiError, invalid
from edge.settings import Settings

MAX_DEPTH = 32
# Where the request's headers by name are kept in its scope.
HEADERS_KEY = "invoice_portal.headers"
CREATED_BOUNDS = ("gt", "gte", "lt", "lte")
# Stripe's created bounds: an object in a body, `created[lt]=...` in a query.
CREATED = ("created", *(f"created[{op}]" for op in CREATED_BOUNDS))
MAX_TIME = 2**40  # unix seconds: some 35,000 years; Stripe refuses larger
SUBSCRIPTION_PATTERN = re.compile(r"sub_[A-Za-z0-9]{1,250}")


async def json_object(
    request: Request, media_types: tuple[str, ...] = ("application/json",)
) -> dict[str, Any]:
    given = media_type(request)
    if given not in media_types:
        raise ApiError(
            415, "unsupported_media_type", f"send the body as JSON ({' or '.join(media_types)})"
        )
    raw = await request.body()
    text = _utf8(raw)
    try:
        body = json.loads(raw if text is None else text)
    except (ValueError, RecursionError):
        raise invalid("body", "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise invalid("body", "the body must be a JSON object")
    # Text that can hold neither a value deeper than MAX_DEPTH (each level opens a bracket)
    # nor a lone surrogate (only a \u escape can, in text read as UTF-8) needs no walk.
    if text is None or "\\u" in text or text.count("{") + text.count("[") >= MAX_DEPTH:
        _check_values(body)
    return body


def _utf8(raw: bytes) -> str | None:
    """The body as `json.loads` reads bytes that are UTF-8 without a byte order mark or NUL
    (bytes in UTF-16 or UTF-32 have NULs); None for any other bytes."""
    if raw.startswith(codecs.BOM_UTF8) or b"\x00" in raw:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _check_values(value: Any) -> None:
    """Refuse JSON deeper than MAX_DEPTH, and strings that are not Unicode (lone surrogates,
    which JSON's \\u escapes can carry but no answer or log line could ever encode)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise invalid("body", f"the body is nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, str):
            _unicode(item)
        elif isinstance(item, dict):
            for key, child in item.items():
                _unicode(key)
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def _unicode(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid("body", "the body has a string that is not valid Unicode") from None


def media_type(request: Request) -> str:
    return (header(request, b"content-type") or "").split(";")[0].strip().lower()


def header(request: Request, name: bytes) -> str | None:
    """The first value of a header (`name` in lower case), read from the request as the
    server gave it: what `request.headers.get` answers, without building `Headers`. The
    headers by name are made once per request (by `Front`, which reads them first)."""
    value: bytes | None = named_headers(request.scope).get(name)
    return None if value is None else value.decode("latin-1")


def named_headers(scope: Scope) -> dict[bytes, bytes]:
    """The request's headers by their lower-case name, kept in the scope."""
    named: dict[bytes, bytes] | None = scope.get(HEADERS_KEY)
    if named is None:
        # Reversed, so that a repeated header's first value is the one kept.
        named = scope[HEADERS_KEY] = dict(reversed(scope["headers"]))
    return named


def bearer(request: Request, settings: Settings, memo: tokens.Memo) -> tokens.Claims:
    given = header(request, b"authorization")
    if not given:
        raise ApiError(
            401,
            "missing_token",
            "a token is required: an Authorization: Bearer header, or token in a text/plain body",
        )
    scheme, _, token = given.partition(" ")
    token = token.strip()
    if not token or scheme.lower() != "bearer":
        raise ApiError(401, "invalid_token", "the Authorization header is not a Bearer token")
    return claims(token, settings, memo)


def body_token(body: dict[str, Any], settings: Settings, memo: tokens.Memo) -> tokens.Claims:
    """The claims of the token a text/plain body carries, taken out of the body."""
    token = body.pop("token", None)
    if token is None:
        raise ApiError(401, "missing_token", "a token is required: token in the body")
    if not isinstance(token, str) or not token.strip():
        raise ApiError(401, "invalid_token", "token must be the session's token")
    return claims(token.strip(), settings, memo)


def claims(token: str, settings: Settings, memo: tokens.Memo) -> tokens.Claims:
    try:
        return tokens.verify(
            settings.hash_secrets,
            token,
            livemode=not settings.test_mode,
            now=int(time.time()),
            memo=memo,
        )
    except tokens.TokenError as error:
        raise ApiError(401, error.code, error.message) from None


def refuse_unknown(given: dict[str, Any], known: set[str]) -> None:
    for name in given:
        if name not in known:
            shown = name[:100].encode("utf-8", "replace").decode("utf-8")
            raise invalid(shown, f"unknown parameter {shown!r}")


def optional(body: dict[str, Any], name: str, kind: type) -> Any:
    value = body.get(name)
    if kind is int and isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON has one number type: 206.0 is the integer 206
    # bool is an int in Python, never in JSON.
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise invalid(name, f"{name} has the wrong type")
    return value


def parameter(given: dict[str, Any], name: str, kind: type = str) -> Any:
    """A parameter of either form of a call: a query value (where an empty value is an absent
    one, and a number is its digits) or a JSON value of a text/plain body."""
    value = given.get(name)
    if value is None or value == "":
        return None
    if kind is int and isinstance(value, str):
        return integer(value, name, 13)
    return optional(given, name, kind)


def created(given: dict[str, Any]) -> dict[str, int] | None:
    """Stripe's `created` bounds, as `created[gte]=...` query values or a `created` object of
    a body: unix seconds, any of gt, gte, lt, lte."""
    bounds = given.get("created")
    if bounds is None:
        bounds = {op: given.get(f"created[{op}]") for op in CREATED_BOUNDS}
    elif not isinstance(bounds, dict):
        raise invalid("created", "created must be an object of gt, gte, lt, lte")
    found: dict[str, int] = {}
    for op, value in bounds.items():
        name = f"created[{str(op)[:10]}]"
        if op not in CREATED_BOUNDS:
            raise invalid(name, f"{name} is not a bound: give gt, gte, lt or lte")
        number = parameter({name: value}, name, int)
        if number is not None and not 0 <= number < MAX_TIME:
            raise invalid(name, f"{name} must be a unix time in seconds")
        if number is not None:
            found[op] = number
    return found or None


def integer(value: str, name: str, digits: int = 6) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > digits:
        raise invalid(name, f"{name} must be a whole number")
    return int(value)


def limit(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 100:
        raise invalid("limit", "limit must be a whole number from 1 to 100")
    return value


def scope(value: Any, settings: Settings) -> str:
    if value not in ("subscription", "all"):
        raise invalid("scope", "scope must be subscription or all")
    if value == "all":
        features.require(settings, "show_all")
    return str(value)


def subscription(value: Any) -> str | None:
    if value is not None and not (isinstance(value, str) and SUBSCRIPTION_PATTERN.fullmatch(value)):
        raise invalid("subscription", "subscription must be a subscription id (sub_...)")
    return value
