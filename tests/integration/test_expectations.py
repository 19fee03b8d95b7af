"""The scenarios of tests/expectations.py against the proxy under uvicorn in CPython: the same
functions tests/pyodide/test_worker.py runs against the proxy as a Worker in Pyodide, so the
two runtimes are held to one set of answers."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from sandbox.testing import SandboxServer
from tests import expectations as expect

pytestmark = pytest.mark.usefixtures("fresh")


@pytest.mark.parametrize(
    "scenario",
    [
        expect.session_with_its_first_page,
        expect.next_page_from_the_tokens_cursor,
        expect.invoice_detail_with_its_lines,
        expect.pdf_as_a_redirect_or_its_address,
        expect.a_wrong_hash_is_403,
        expect.another_customers_invoice_is_404,
        expect.a_preflight_from_the_site,
    ],
    ids=lambda scenario: scenario.__name__,
)
def test_the_proxy_answers(http: httpx.Client, scenario: Callable[[httpx.Client], object]) -> None:
    scenario(http)


def test_paying_with_the_saved_card(http: httpx.Client, sandbox: SandboxServer) -> None:
    expect.paying_with_the_saved_card(http, sandbox)
