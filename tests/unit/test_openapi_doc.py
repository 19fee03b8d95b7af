"""docs/openapi.json is the document the proxy serves, so the committed description of the
HTTP API cannot drift from the proxy."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import anyio
import httpx

from edge.app import create_app
from edge.settings import Settings

ROOT = str(Path(__file__).resolve().parents[2])
# `tools` is not part of the installed package.
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tools.openapi import DOC, text  # noqa: E402

SETTINGS = {
    "STRIPE_SECRET_KEY": "sk_test_abc123",
    "PORTAL_HASH_SECRETS": "secret-one",
    "PORTAL_ALLOWED_ORIGINS": "https://shop.example.com",
}


async def served() -> httpx.Response:
    transport = httpx.ASGITransport(app=create_app(Settings.from_env(SETTINGS)))
    async with httpx.AsyncClient(transport=transport, base_url="http://proxy") as client:
        return await client.get("/v1/openapi.json")


def test_the_committed_openapi_document_is_the_one_the_proxy_serves() -> None:
    answer = anyio.run(served)
    assert answer.status_code == 200
    assert json.loads(DOC.read_text("utf-8")) == answer.json(), "run: python -m tools.openapi"


def test_the_committed_openapi_document_is_written_as_the_tool_writes_it() -> None:
    assert DOC.read_text("utf-8") == text(), "run: python -m tools.openapi"
