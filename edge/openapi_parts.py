"""The pieces the OpenAPI document's operations share: answers, parameters, links, and the
errors every token endpoint can give."""

from __future__ import annotations

from edge.schemas import Schema, ref


def error(description: str, codes: list[str], headers: Schema | None = None) -> Schema:
    answer: Schema = {
        "description": f"{description} (codes: {', '.join(codes)})",
        "content": {"application/json": {"schema": ref("Error")}},
    }
    return answer | ({"headers": headers} if headers else {})


def answer(description: str, schema: Schema) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def query(name: str, schema: Schema, description: str | None = None) -> Schema:
    more = {"description": description} if description else {}
    return {"name": name, "in": "query", "schema": schema} | more


def link(operation_id: str, parameters: dict[str, str] | None = None) -> Schema:
    token = {"header.Authorization": "Bearer {$response.body#/token}"}
    return {"operationId": operation_id, "parameters": token | (parameters or {})}


INVOICE_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^in_[A-Za-z0-9]{1,250}$"},
}
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
TOKEN_ERRORS = error(
    "Missing, invalid or expired token",
    ["missing_token", "invalid_token", "expired_token"],
    {"WWW-Authenticate": {"schema": {"type": "string", "const": "Bearer"}}},
)
NOT_FOUND = error(
    "No such invoice, another customer's, or one never shown to this token's customers "
    "(answered without asking Stripe)",
    ["not_found"],
)
RATE_LIMITED = error(
    "Too many requests: from this address or for this email or customer (session), with this "
    "token, or the proxy's budget of Stripe calls is spent; Retry-After and error.retry_after "
    "give the whole seconds to wait",
    ["rate_limited"],
    {"Retry-After": {"required": True, "schema": {"type": "integer", "minimum": 1}}},
)
UPSTREAM = {
    "502": error("Stripe cannot be reached or refused", ["upstream_unavailable"]),
    "504": error("Stripe did not answer in time", ["upstream_timeout"]),
}

SIMPLE = (
    "The embed's form of this call: a CORS simple request (POST, Content-Type text/plain, no "
    "Authorization header), which a browser sends without a preflight. The body is one JSON "
    "object: token, the session's token, and the parameters. The answers are those of the "
    "Authorization form."
)


def with_token(schema: Schema) -> Schema:
    """A request body's schema with the session's token added to it."""
    token = {"type": "string", "description": "the session's token"}
    required = ["token", *schema.get("required", [])]
    return schema | {"properties": {"token": token, **schema["properties"]}, "required": required}


def simple_request(operation: Schema, body: dict[str, Schema] | None = None) -> Schema:
    """The POST twin of a token GET: the same answers (never a redirect), the token and the
    GET's parameters in a text/plain body."""
    schema = {"type": "object", "additionalProperties": False, "properties": body or {}}
    responses = {k: v for k, v in operation["responses"].items() if k != "302"}
    return {
        "operationId": operation["operationId"] + "Simple",
        "summary": operation["summary"],
        "description": SIMPLE,
        "parameters": [p for p in operation.get("parameters", []) if p["in"] == "path"],
        "requestBody": {
            "required": True,
            "content": {"text/plain": {"schema": with_token(schema)}},
        },
        "responses": {
            "400": error("Malformed body or parameter", ["invalid_request"]),
            **responses,
            "413": error("Body over 16 KB", ["body_too_large"]),
            "415": error("Body not text/plain", ["unsupported_media_type"]),
        },
    }
