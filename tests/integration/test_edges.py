"""What arrives at the proxy's door: bad input, browsers, headers, logs, the OpenAPI document."""

from __future__ import annotations

import json
import logging
import socket
import time
from typing import Any

import httpx
import pytest

from edge.hashing import make_hash
from edge.openapi import document

from .conftest import ORIGIN, SECRET, Proxy, bearer, signed, start

JANE = signed("jane@example.com")


@pytest.fixture(scope="module")
def jane(proxy: Proxy) -> dict[str, Any]:
    with proxy.client() as client:
        return start(client, "jane@example.com", scope="all")


def raw_request(url: str, request: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


BAD_SESSIONS = [
    ("{not json", 400),
    ("[1, 2]", 400),
    ('"jane@example.com"', 400),
    (json.dumps({**JANE, "admin": True}), 400),
    (json.dumps({**JANE, "limit": "10"}), 400),
    (json.dumps({**JANE, "limit": True}), 400),
    (json.dumps({**JANE, "limit": 0}), 400),
    (json.dumps({**JANE, "limit": 101}), 400),
    (json.dumps({**JANE, "expires": "soon"}), 400),
    (json.dumps({**JANE, "expires": 1e300}), 400),
    (json.dumps({**JANE, "scope": "everything"}), 400),
    (json.dumps({**JANE, "subscription": "../sub"}), 400),
    (json.dumps({**JANE, "customer": "cus_A"}), 400),
    (json.dumps({"email": ["jane@example.com"], "hash": JANE["hash"]}), 400),
    (json.dumps({"email": "x" * 10_000 + "@example.com", "hash": JANE["hash"]}), 400),
    (json.dumps({**JANE, "hash": "f" * 10_000}), 400),
    (json.dumps({"email": "jane@example.com\u0000", "hash": JANE["hash"]}), 400),
    (json.dumps({"customer": "cus_..%2F..", "hash": JANE["hash"]}), 400),
    (json.dumps({"customer": "jane@example.com", "hash": JANE["hash"]}), 400),
    (json.dumps({"email": "cus_ABC", "hash": JANE["hash"]}), 400),
    (json.dumps({"hash": JANE["hash"]}), 400),
    (json.dumps({**JANE, "hash": 12}), 400),
    ('{"email": "jane@example.com", "email": {"$ne": 1}}', 400),
    (b"\xff\xfe{}", 400),
    (json.dumps({**JANE, "pad": "x" * 20_000}), 413),
]


@pytest.mark.parametrize(("body", "status"), BAD_SESSIONS)
def test_malformed_sessions_are_4xx_json_errors(
    http: httpx.Client, body: str | bytes, status: int
) -> None:
    answer = http.post("/v1/session", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["code"] in ("invalid_request", "body_too_large")


@pytest.mark.parametrize("media_type", ["application/x-www-form-urlencoded", "text/html", ""])
def test_a_body_that_is_not_json_content_is_415(http: httpx.Client, media_type: str) -> None:
    answer = http.post(
        "/v1/session", content=json.dumps(JANE), headers={"Content-Type": media_type}
    )
    assert answer.status_code == 415
    assert answer.json()["error"]["code"] == "unsupported_media_type"


def test_a_session_sent_as_text_plain_needs_no_preflight_and_is_answered(
    http: httpx.Client,
) -> None:
    answer = http.post(
        "/v1/session",
        content=json.dumps(JANE),
        headers={"Content-Type": "text/plain;charset=UTF-8", "Origin": ORIGIN},
    )
    assert answer.status_code == 200 and answer.json()["token"]
    assert answer.headers["access-control-allow-origin"] == ORIGIN


def test_a_text_plain_session_from_another_origin_is_not_readable_there(http: httpx.Client) -> None:
    answer = http.post(
        "/v1/session",
        content=json.dumps(JANE),
        headers={"Content-Type": "text/plain", "Origin": "https://evil.example"},
    )
    assert "access-control-allow-origin" not in answer.headers


def test_an_oversized_body_without_a_length_is_cut_off_with_413(proxy: Proxy) -> None:
    chunk = b"x" * 8192
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(4)) + b"0\r\n\r\n"
    head = b"POST /v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    answer = raw_request(
        proxy.url, head + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body
    )
    assert answer.startswith(b"HTTP/1.1 413")
    assert b'"body_too_large"' in answer


@pytest.mark.parametrize(
    "path",
    [
        "/v1/invoices/..%2F..%2Fcustomers",
        "/v1/invoices/in_%00abc",
        "/v1/invoices/in_abc%FF%FE",
        "/v1/invoices/" + "in_" + "a" * 10_000,
        "/v1/invoices/%2e%2e",
        "/v1/invoices/in_abc/pdf/..%2F..%2F",
        "/v1/nothing-here",
        "/v1/invoices/in_%2Fabc/pay",
    ],
)
def test_path_tricks_are_404_json(http: httpx.Client, jane: dict[str, Any], path: str) -> None:
    session = jane
    answer = raw_request(
        http.base_url.__str__().rstrip("/"),
        f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {session['token']}\r\n"
        "Connection: close\r\n\r\n".encode(),
    )
    status = int(answer.split(b" ", 2)[1])
    assert 400 <= status < 500, answer[:200]
    assert b'"error"' in answer


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "ten"},
        {"limit": "-1"},
        {"limit": "1000000000000"},
        {"status": "draft"},
        {"scope": "mine"},
        {"subscription": "sub_../x"},
        {"starting_after": "x" * 10_000},
        {"unknown": "1"},
        {"limit": "１０"},
    ],
)
def test_malformed_queries_are_400(
    http: httpx.Client, jane: dict[str, Any], query: dict[str, str]
) -> None:
    session = jane
    answer = http.get("/v1/invoices", params=query, headers=bearer(session))
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, "missing_token"),
        ("Basic dXNlcjpwYXNz", "invalid_token"),
        ("Bearer", "invalid_token"),
        ("Bearer not.a.token", "invalid_token"),
        ("Bearer " + "x" * 9000, "invalid_token"),
    ],
)
def test_missing_and_forged_tokens_are_401(
    http: httpx.Client, authorization: str | None, code: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    for method, path in [
        ("GET", "/v1/invoices"),
        ("GET", "/v1/invoices/in_1abc"),
        ("GET", "/v1/invoices/in_1abc/pdf"),
        ("POST", "/v1/invoices/in_1abc/pay"),
    ]:
        answer = http.request(method, path, headers=headers)
        assert answer.status_code == 401, (method, path)
        assert answer.json()["error"]["code"] == code
        assert answer.headers["www-authenticate"] == "Bearer"


def test_an_expired_token_is_401_expired_token(http: httpx.Client, proxy: Proxy) -> None:
    from edge import tokens

    token, _ = tokens.issue(
        [SECRET],
        customers=["cus_A"],
        subscriptions=[],
        default_subscription=None,
        livemode=False,
        now=1_000_000,
        lifetime=900,
    )
    answer = http.get("/v1/invoices", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "expired_token"


@pytest.mark.parametrize("key", ["x" * 256, "tab\there", "ünïcode"])
def test_a_malformed_idempotency_key_is_400(
    http: httpx.Client, jane: dict[str, Any], key: str
) -> None:
    session = jane
    invoice_id = session["invoices"]["data"][0]["id"]
    answer = http.post(
        f"/v1/invoices/{invoice_id}/pay",
        headers={**bearer(session), "Idempotency-Key": key.encode()},  # type: ignore[arg-type]
    )
    assert answer.status_code == 400 and answer.json()["error"]["param"] == "Idempotency-Key"


def test_a_pay_body_other_than_an_empty_object_is_400(
    http: httpx.Client, jane: dict[str, Any]
) -> None:
    session = jane
    invoice_id = session["invoices"]["data"][0]["id"]
    answer = http.post(
        f"/v1/invoices/{invoice_id}/pay", json={"amount": 1}, headers=bearer(session)
    )
    assert answer.status_code == 400


def test_a_wrong_method_is_405_json(http: httpx.Client) -> None:
    answer = http.delete("/v1/session")
    assert answer.status_code == 405 and answer.json()["error"]["code"] == "method_not_allowed"


def test_an_allowed_origin_gets_cors_headers_and_a_preflight(http: httpx.Client) -> None:
    preflight = http.options(
        "/v1/invoices/in_1abc/pay",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, idempotency-key, content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    allowed = preflight.headers["access-control-allow-headers"].lower()
    assert {"authorization", "idempotency-key", "content-type"} <= set(
        allowed.replace(" ", "").split(",")
    )
    answer = http.post("/v1/session", json=JANE, headers={"Origin": ORIGIN})
    assert answer.headers["access-control-allow-origin"] == ORIGIN
    assert "x-request-id" in answer.headers["access-control-expose-headers"].lower()


def test_a_foreign_origin_gets_no_cors_headers(http: httpx.Client) -> None:
    answer = http.post("/v1/session", json=JANE, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in answer.headers
    preflight = http.options(
        "/v1/session",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code >= 400
    assert "access-control-allow-origin" not in preflight.headers


def test_every_answer_has_security_headers_and_a_request_id(http: httpx.Client) -> None:
    answers = [
        http.post("/v1/session", json=JANE),
        http.get("/v1/invoices"),
        http.get("/nowhere"),
        http.get("/healthz"),
    ]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["content-security-policy"].startswith("default-src 'none'")
        assert len(answer.headers["x-request-id"]) >= 16
    echoed = http.get("/healthz", headers={"X-Request-Id": "trace-123"})
    assert echoed.headers["x-request-id"] == "trace-123"


def test_logs_are_json_with_the_request_id_and_never_a_secret(
    http: httpx.Client, proxy: Proxy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="invoice_portal")
    session = start(http, "jane@example.com")
    http.get("/v1/invoices", headers={**bearer(session), "X-Request-Id": "look-for-me"})
    http.post("/v1/session", json=signed("jane@example.com") | {"hash": "0" * 64})
    lines = [r.getMessage() for r in caplog.records if r.name == "invoice_portal"]
    records = [json.loads(line) for line in lines]
    assert any(r.get("request_id") == "look-for-me" and r["status"] == 200 for r in records)
    text = "\n".join(lines)
    for secret in [proxy.settings.stripe_secret_key, SECRET, JANE["hash"], session["token"]]:
        assert secret not in text


def test_the_served_openapi_document_is_the_validated_one(http: httpx.Client) -> None:
    # tests/unit/test_openapi.py validates document() and checks it lists every route.
    assert http.get("/v1/openapi.json").json() == document()


def test_a_method_an_endpoint_does_not_take_is_405_naming_the_ones_it_does(
    http: httpx.Client,
) -> None:
    answer = http.delete("/v1/session")
    assert answer.status_code == 405
    assert answer.json()["error"]["code"] == "method_not_allowed"
    assert answer.headers["allow"] == "POST"


def test_empty_query_values_are_absent_ones(http: httpx.Client, jane: dict[str, Any]) -> None:
    answer = http.get("/v1/invoices?limit=&scope=&status=&subscription=", headers=bearer(jane))
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["data"]) <= 10


def test_expires_written_as_a_whole_float_is_the_same_unix_time(http: httpx.Client) -> None:
    expires = int(time.time()) + 600
    body = {"email": "jane@example.com", "expires": float(expires)}
    body["hash"] = make_hash(SECRET, "jane@example.com", expires)
    assert http.post("/v1/session", json=body).status_code == 200
    body["expires"] = expires + 0.5
    answer = http.post("/v1/session", json=body)
    assert answer.status_code == 400 and answer.json()["error"]["param"] == "expires"
