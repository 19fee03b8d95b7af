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
    [expect.session_with_its_first_page, *expect.SCENARIOS],
    ids=lambda scenario: scenario.__name__,
)
def test_the_proxy_answers(http: httpx.Client, scenario: Callable[[httpx.Client], object]) -> None:
    scenario(http)


def test_paying_with_the_saved_card(http: httpx.Client, sandbox: SandboxServer) -> None:
    expect.paying_with_the_saved_card(http, sandbox)
