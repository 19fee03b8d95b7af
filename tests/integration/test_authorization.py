"""Two customers, every endpoint: each one's token on the other's invoices is 404 every time."""

from __future__ import annotations

import httpx
import pytest

from sandbox.testing import SandboxServer

from .conftest import bearer, start

pytestmark = pytest.mark.usefixtures("fresh")
PEOPLE = ["jane@example.com", "hans@example.de"]


def requests_for(invoice_id: str) -> list[tuple[str, str, dict[str, str]]]:
    return [
        ("GET", f"/v1/invoices/{invoice_id}", {}),
        ("GET", f"/v1/invoices/{invoice_id}/pdf", {}),
        ("GET", f"/v1/invoices/{invoice_id}/pdf", {"Accept": "application/json"}),
        ("POST", f"/v1/invoices/{invoice_id}/pay", {"Idempotency-Key": "matrix"}),
    ]


@pytest.mark.parametrize(("owner", "intruder"), [PEOPLE, PEOPLE[::-1]])
def test_a_token_never_reaches_another_customers_invoices(
    http: httpx.Client, sandbox: SandboxServer, owner: str, intruder: str
) -> None:
    theirs = start(http, owner, scope="all", limit=100)["invoices"]["data"]
    mine = start(http, intruder, scope="all", limit=100)
    open_ones = [i for i in theirs if i["status"] == "open"]
    targets = [theirs[0], *open_ones[:1]]
    stripe = sandbox.client()
    before = {i["id"]: stripe.v1.invoices.retrieve(i["id"]).status for i in targets}
    for invoice in targets:
        for method, path, headers in requests_for(invoice["id"]):
            answer = http.request(method, path, headers={**bearer(mine), **headers})
            assert answer.status_code == 404, (method, path, answer.text)
            assert answer.json() == {"error": {"code": "not_found", "message": "no such object"}}
    unknown = [
        http.request(method, path, headers={**bearer(mine), **headers}).json()
        for method, path, headers in requests_for("in_1DoesNotExistAtAll00000")
    ]
    assert all(u == {"error": {"code": "not_found", "message": "no such object"}} for u in unknown)
    assert {i: stripe.v1.invoices.retrieve(i).status for i in before} == before
    listed = http.get("/v1/invoices", params={"scope": "all", "limit": 100}, headers=bearer(mine))
    assert not {i["id"] for i in listed.json()["data"]} & {i["id"] for i in theirs}


def test_an_empty_portal_token_reaches_nothing(http: httpx.Client) -> None:
    theirs = start(http, "jane@example.com", scope="all")["invoices"]["data"][0]
    nobody = start(http, "nobody@example.com")
    for method, path, headers in requests_for(theirs["id"]):
        answer = http.request(method, path, headers={**bearer(nobody), **headers})
        assert answer.status_code == 404, (method, path)
