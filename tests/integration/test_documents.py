"""An invoice's receipt and credit notes: the receipt of the charge that paid it, its credit
notes newest first, each left out (never refused) when the owner turns it off or the key may
not read it; a switch off costs no Stripe call, and an invoice never credited costs none."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import anyio
import httpx
import pytest

from edge import details, documents
from edge.gateway import RECEIPT, Gateway
from edge.settings import Settings
from sandbox.app import create_app as create_sandbox
from sandbox.testing import SandboxServer

from .conftest import Proxy, bearer, settings_for, start
from .test_contract import conforms

pytestmark = pytest.mark.usefixtures("fresh")
Obj = dict[str, Any]


async def read_documents(gateway: Gateway, invoice: Obj, settings: Settings) -> Obj:
    """`{"receipt_url", "credit_notes"}` of an invoice, as the detail reads them
    (`details._parts`): the paid payment (only when it would read it for the card that paid),
    then `documents.load` and `documents.shape`."""
    payments = None
    if settings.allow_receipts and invoice.get("status") == "paid" and invoice.get("amount_paid"):
        payments = await gateway.list_invoice_payments(invoice["id"], "paid")
    return documents.shape(await documents.load(gateway, invoice, payments, settings))


def documents_of(settings: Settings, invoice_id: str) -> Obj:
    """What the detail of `invoice_id` shows of its documents, read through a real gateway."""

    async def read() -> Obj:
        async with httpx.AsyncClient(timeout=10) as http:
            gateway = Gateway(settings, http)
            invoice = await gateway.retrieve_invoice(invoice_id)
            return await read_documents(gateway, invoice, settings)

    return anyio.run(read)


def invoice_named(sandbox: SandboxServer, email: str, description: str) -> str:
    stripe = sandbox.client()
    for customer in sandbox.customers(email):
        for inv in stripe.v1.invoices.list({"customer": customer, "limit": 100}).data:
            if inv.description == description and inv.id:
                return inv.id
    raise AssertionError(f"no {description!r} for {email}")


def stripe_notes(sandbox: SandboxServer, invoice_id: str) -> list[Obj]:
    listed = sandbox.client().v1.credit_notes.list({"invoice": invoice_id}).data
    fields = ("id", "number", "status", "reason", "amount", "currency", "created", "memo", "pdf")
    return [{f: note[f] for f in fields} for note in listed]


def stripe_receipt(sandbox: SandboxServer, invoice_id: str) -> str:
    payments = sandbox.client().v1.invoice_payments.list(
        {"invoice": invoice_id, "status": "paid", "expand": [RECEIPT]}
    )
    return str(payments.data[0].payment.payment_intent.latest_charge.receipt_url)  # type: ignore[union-attr]


def test_a_paid_credited_invoice_shows_its_receipt_and_its_credit_note(
    sandbox: SandboxServer,
) -> None:
    invoice_id = invoice_named(sandbox, "jane@example.com", "Onboarding workshop")
    shown = documents_of(settings_for(sandbox.url), invoice_id)
    assert shown["receipt_url"] == stripe_receipt(sandbox, invoice_id)
    assert shown["credit_notes"] == stripe_notes(sandbox, invoice_id)
    [note] = shown["credit_notes"]
    assert note["reason"] == "product_unsatisfactory" and note["status"] == "issued"
    assert note["memo"] == "The second hour of the workshop was cancelled."
    # What the customer opens: the receipt page and the credit note's PDF.
    receipt = httpx.get(shown["receipt_url"])
    assert receipt.status_code == 200 and "Receipt from" in receipt.text
    pdf = httpx.get(note["pdf"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_an_open_invoice_shows_its_credit_note_and_no_receipt(sandbox: SandboxServer) -> None:
    invoice_id = invoice_named(sandbox, "amelie@example.fr", "Formation")
    sandbox.reset_calls()
    shown = documents_of(settings_for(sandbox.url), invoice_id)
    assert shown["receipt_url"] is None
    assert [n["reason"] for n in shown["credit_notes"]] == ["order_change"]
    assert shown["credit_notes"][0]["currency"] == "eur"
    assert "GET /v1/invoice_payments" not in sandbox.calls()["by_endpoint"]


def test_an_invoice_never_credited_costs_no_credit_note_call(sandbox: SandboxServer) -> None:
    jane = sandbox.customers("jane@example.com")[0]
    paid = sandbox.client().v1.invoices.list({"customer": jane, "status": "paid"}).data
    invoice_id = next(i.id for i in paid if not i.post_payment_credit_notes_amount and i.id)
    sandbox.reset_calls()
    shown = documents_of(settings_for(sandbox.url), invoice_id)
    assert shown == {"receipt_url": stripe_receipt(sandbox, invoice_id), "credit_notes": []}
    assert "GET /v1/credit_notes" not in sandbox.calls()["by_endpoint"]


def test_with_receipts_and_credit_notes_off_nothing_is_asked(sandbox: SandboxServer) -> None:
    invoice_id = invoice_named(sandbox, "jane@example.com", "Onboarding workshop")
    settings = settings_for(sandbox.url, allow_receipts=False, allow_credit_notes=False)
    sandbox.reset_calls()
    assert documents_of(settings, invoice_id) == {"receipt_url": None, "credit_notes": []}
    assert sandbox.calls()["by_endpoint"] == {"GET /v1/invoices/{id}": 1}


def test_voided_and_issued_credit_notes_are_listed_newest_first(sandbox: SandboxServer) -> None:
    stripe = sandbox.client()
    _, invoice = sandbox.customer_owing("pm_card_visa", 10000)
    assert invoice.id is not None
    first = stripe.v1.credit_notes.create({"invoice": invoice.id, "amount": 1000})
    second = stripe.v1.credit_notes.create(
        {"invoice": invoice.id, "amount": 2000, "reason": "duplicate", "memo": "Billed twice"}
    )
    stripe.v1.credit_notes.void_credit_note(str(first.id))
    shown = documents_of(settings_for(sandbox.url), invoice.id)["credit_notes"]
    assert [(n["id"], n["status"]) for n in shown] == [(second.id, "issued"), (first.id, "void")]
    assert shown[0] | {"created": 0} == {
        "id": second.id,
        "number": second.number,
        "status": "issued",
        "reason": "duplicate",
        "amount": 2000,
        "currency": "usd",
        "created": 0,
        "memo": "Billed twice",
        "pdf": second.pdf,
    }
    assert shown[1]["reason"] is None and shown[1]["memo"] is None


@pytest.fixture(scope="module")
def in_process() -> Iterator[Any]:
    """A sandbox in this process, whose restricted keys' permissions a test can take away."""
    yield create_sandbox(seed="demo")


def seeded(app: Any, email: str, description: str) -> str:
    sb = app.state.sandbox
    owner = {c["id"] for c in sb.store.objects["customer"].values() if c["email"] == email}
    return next(
        str(i["id"])
        for i in sb.store.objects["invoice"].values()
        if i["customer"] in owner and i["description"] == description
    )


@pytest.mark.parametrize("taken", ["charge", "credit_note"])
def test_a_key_that_may_not_read_them_leaves_them_out(
    in_process: Any, monkeypatch: pytest.MonkeyPatch, taken: str
) -> None:
    from sandbox import permissions

    monkeypatch.delitem(permissions.GRANTED, taken)
    invoice_id = seeded(in_process, "jane@example.com", "Onboarding workshop")
    settings = settings_for("http://sandbox.test")

    async def read() -> tuple[list[Obj], Obj | None]:
        transport = httpx.ASGITransport(app=in_process)
        async with httpx.AsyncClient(transport=transport) as http:
            gateway = Gateway(settings, http)
            invoice = await gateway.retrieve_invoice(invoice_id)
            shown = [await read_documents(gateway, invoice, settings) for _ in range(2)]
            # The card that paid is still shown: only the charge's expansion was dropped.
            payments = await gateway.list_invoice_payments(invoice_id, "paid")
            return shown, payments

    shown, payments = anyio.run(read)
    assert shown[0] == shown[1]
    if taken == "charge":
        assert shown[0]["receipt_url"] is None
        assert [n["reason"] for n in shown[0]["credit_notes"]] == ["product_unsatisfactory"]
    else:
        assert shown[0]["receipt_url"] and shown[0]["credit_notes"] == []
    assert payments is not None and details.paid_with(payments) is not None


def walk_to(client: httpx.Client, session: Obj, invoice_id: str) -> None:
    """Lists the customer's invoices until `invoice_id` has been shown, so it may be opened."""
    page = session["invoices"]
    while invoice_id not in {i["id"] for i in page["data"]}:
        assert page["has_more"], invoice_id
        query = {"scope": "all", "limit": 100, "starting_after": page["next_cursor"]}
        page = client.get("/v1/invoices", params=query, headers=bearer(session)).json()


def test_the_detail_shows_the_receipt_and_credit_notes(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    invoice_id = invoice_named(sandbox, "jane@example.com", "Onboarding workshop")
    session = start(http, "jane@example.com", scope="all", limit=100)
    walk_to(http, session, invoice_id)
    answer = http.get(f"/v1/invoices/{invoice_id}", headers=bearer(session))
    assert answer.status_code == 200, answer.text
    detail = answer.json()
    conforms(detail, "InvoiceDetail")
    assert detail["receipt_url"] == stripe_receipt(sandbox, invoice_id)
    assert detail["credit_notes"] == stripe_notes(sandbox, invoice_id)
    # Hans never sees it.
    hans = start(http, "hans@example.de")
    assert http.get(f"/v1/invoices/{invoice_id}", headers=bearer(hans)).status_code == 404


def test_the_detail_leaves_them_out_when_off(
    make_proxy: Callable[..., Proxy], sandbox: SandboxServer
) -> None:
    invoice_id = invoice_named(sandbox, "jane@example.com", "Onboarding workshop")
    proxy = make_proxy(allow_receipts=False, allow_credit_notes=False)
    with proxy.client() as client:
        session = start(client, "jane@example.com", scope="all", limit=100)
        walk_to(client, session, invoice_id)
        sandbox.reset_calls()
        detail = client.get(f"/v1/invoices/{invoice_id}", headers=bearer(session)).json()
    assert detail["receipt_url"] is None and detail["credit_notes"] == []
    assert "GET /v1/credit_notes" not in sandbox.calls()["by_endpoint"]


def test_a_fresh_customers_invoice_has_no_documents(sandbox: SandboxServer) -> None:
    _, invoice = sandbox.customer_owing("pm_card_visa", 1234, item=f"Work {uuid.uuid4().hex}")
    assert invoice.id is not None
    assert documents_of(settings_for(sandbox.url), invoice.id) == {
        "receipt_url": None,
        "credit_notes": [],
    }
