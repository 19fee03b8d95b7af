"""The accountant's downloads: a date range of the customer's invoices as a CSV, or their PDFs
as a zip streamed file by file; only the token's customers' invoices, bounded, charged to the
token's limit, and refused before any Stripe call when the owner has them off."""

from __future__ import annotations

import gc
import io
import json
import tracemalloc
import uuid
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
import stripe

from sandbox.testing import SandboxServer

from .conftest import ORIGIN, Proxy, bearer, start

pytestmark = pytest.mark.usefixtures("fresh")

HEADER = "number,date,status,currency,subtotal,tax,total,amount_paid,amount_remaining\r\n"
PLAIN = {"Content-Type": "text/plain;charset=UTF-8", "Origin": ORIGIN}


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def customer(sandbox: SandboxServer, email: str | None = None) -> stripe.Customer:
    email = email or f"export-{uuid.uuid4().hex[:12]}@example.com"
    return sandbox.client().v1.customers.create({"email": email, "name": "Anna Accounts"})


def invoice(
    sandbox: SandboxServer, customer_id: str, amount: int, currency: str = "eur", **more: Any
) -> stripe.Invoice:
    """A finalized invoice of one line of `amount`."""
    client = sandbox.client()
    params = {"customer": customer_id, "collection_method": "send_invoice", "days_until_due": 30}
    draft = client.v1.invoices.create(
        cast("stripe.params.InvoiceCreateParams", {**params, "currency": currency, **more})
    )
    assert draft.id is not None
    client.v1.invoice_items.create(
        {"customer": customer_id, "invoice": draft.id, "amount": amount, "currency": currency}
    )
    return client.v1.invoices.finalize_invoice(draft.id)


def export(http: httpx.Client, session: dict[str, Any], kind: str, **query: str) -> httpx.Response:
    range_ = {"from": today(), "to": today(), **query}
    return http.get(f"/v1/invoices/export.{kind}", params=range_, headers=bearer(session))


def test_the_csv_lists_the_range_oldest_first_in_major_units(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    client = sandbox.client()
    anna = customer(sandbox)
    open_eur = invoice(sandbox, anna.id, 1234)
    rate = client.v1.tax_rates.create({"display_name": "VAT", "percentage": 20, "inclusive": False})
    taxed = invoice(sandbox, anna.id, 5000, default_tax_rates=[rate.id])
    assert taxed.id is not None
    client.v1.invoices.pay(taxed.id, {"paid_out_of_band": True})
    yen = invoice(sandbox, anna.id, 1200, "jpy")
    client.v1.invoices.create({"customer": anna.id})  # a draft: never exported
    session = start(http, str(anna.email))

    # The UTC day each invoice was made (a run across midnight makes two), and the range from
    # the first of them to today.
    first, taxed_on, yen_on = (
        datetime.fromtimestamp(i.created, UTC).date().isoformat() for i in (open_eur, taxed, yen)
    )
    end = today()
    answer = export(http, session, "csv", **{"from": first, "to": end})

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    name = f"invoices-{first}-{end}.csv"
    assert answer.headers["content-disposition"] == f'attachment; filename="{name}"'
    assert answer.text == (
        HEADER
        + f"{open_eur.number},{first},open,eur,12.34,0.00,12.34,0.00,12.34\r\n"
        + f"{taxed.number},{taxed_on},paid,eur,50.00,10.00,60.00,60.00,0.00\r\n"
        + f"{yen.number},{yen_on},open,jpy,1200,0,1200,0,1200\r\n"
    )
    # The embed's form of the call: the same file.
    body = json.dumps({"token": session["token"], "from": first, "to": end})
    simple = http.post("/v1/invoices/export.csv", content=body, headers=PLAIN)
    assert simple.status_code == 200 and simple.text == answer.text


def test_an_export_holds_every_customer_of_the_email_and_no_one_else(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    email = f"merged-{uuid.uuid4().hex[:12]}@example.com"
    first, second = customer(sandbox, email), customer(sandbox, email)
    ours = [invoice(sandbox, first.id, 100), invoice(sandbox, second.id, 200)]
    stranger = invoice(sandbox, customer(sandbox).id, 300)
    session = start(http, email)

    rows = export(http, session, "csv").text.splitlines()[1:]
    # The zip as the embed asks for it: the token and the range in a text/plain body.
    body = json.dumps({"token": session["token"], "from": today(), "to": today()})
    zipped = http.post("/v1/invoices/export.zip", content=body, headers=PLAIN)
    assert zipped.headers["invoice-portal-files"] == "2"
    archive = zipfile.ZipFile(io.BytesIO(zipped.content))

    assert sorted(row.split(",")[0] for row in rows) == sorted(str(i.number) for i in ours)
    assert sorted(archive.namelist()) == sorted(f"{i.number}.pdf" for i in ours)
    assert str(stranger.number) not in "".join(rows)


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ({"from": ""}, "from"),
        ({"to": "2026-02-30"}, "to"),
        ({"from": "2026-1-1"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "to"),
    ],
)
def test_a_bad_date_is_refused_naming_the_field(
    http: httpx.Client, sandbox: SandboxServer, query: dict[str, str], param: str
) -> None:
    session = start(http, "jane@example.com")
    sandbox.reset_calls()
    for kind in ("csv", "zip"):
        answer = export(http, session, kind, **query)
        assert answer.status_code == 400, answer.text
        error = answer.json()["error"]
        assert (error["code"], error["param"]) == ("invalid_request", param)
        assert param in error["message"]
    assert sandbox.calls()["total"] == 0


def test_a_range_longer_than_366_days_is_too_large(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    session = start(http, "jane@example.com")
    leap_year = export(http, session, "csv", **{"from": "2024-01-01", "to": "2024-12-31"})
    assert leap_year.status_code == 200, leap_year.text
    far = export(http, session, "csv", **{"from": "9999-12-31", "to": "9999-12-31"})
    assert (far.status_code, far.text) == (200, HEADER)
    sandbox.reset_calls()
    longer = export(http, session, "zip", **{"from": "2024-01-01", "to": "2025-01-01"})
    assert longer.status_code == 400
    assert longer.json()["error"]["code"] == "export_too_large"
    assert "shorter range" in longer.json()["error"]["message"]
    assert sandbox.calls()["total"] == 0


def test_more_invoices_than_the_bound_is_refused_before_any_pdf_is_fetched(
    make_proxy: Callable[..., Proxy], faults: SandboxServer
) -> None:
    proxy = make_proxy(export_max_invoices=2)
    anna = customer(faults)
    for amount in (100, 200, 300):
        invoice(faults, anna.id, amount)
    # A fault any PDF fetch would use up.
    faults.fault(status=500, count=1, path="/pdf/invoices/")
    with proxy.client() as http:
        session = start(http, str(anna.email))
        answer = export(http, session, "zip")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "export_too_large" and "more than 2 invoices" in error["message"]
    assert faults._control("GET", "/_sandbox/faults")["faults"], "a PDF was fetched"


def test_exports_are_refused_before_any_stripe_call_when_turned_off(
    make_proxy: Callable[..., Proxy], sandbox: SandboxServer
) -> None:
    proxy = make_proxy(allow_export=False)
    with proxy.client() as http:
        session = start(http, "jane@example.com")
        sandbox.reset_calls()
        for kind in ("csv", "zip"):
            answer = export(http, session, kind)
            assert answer.status_code == 403
            assert answer.json()["error"]["code"] == "feature_disabled"
    assert sandbox.calls()["total"] == 0


def test_the_zip_is_refused_with_429_when_its_pdfs_would_pass_the_token_limit(
    make_proxy: Callable[..., Proxy], sandbox: SandboxServer
) -> None:
    proxy = make_proxy(limit_per_token="6/minute")
    anna = customer(sandbox)
    for amount in range(100, 106):
        invoice(sandbox, anna.id, amount)
    with proxy.client() as http:
        session = start(http, str(anna.email))
        assert export(http, session, "csv").status_code == 200  # two hits: the call, one page
        refused = export(http, session, "zip")  # one, one page, six PDFs
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1


def test_a_pdf_stripe_cannot_serve_is_named_in_missing_txt(
    http: httpx.Client, faults: SandboxServer
) -> None:
    anna = customer(faults)
    kept, lost = invoice(faults, anna.id, 100), invoice(faults, anna.id, 200)
    faults.fault(status=500, count=1, path=f"/pdf/invoices/{lost.id}")
    session = start(http, str(anna.email))
    answer = export(http, session, "zip")
    assert answer.status_code == 200
    assert answer.headers["invoice-portal-files"] == "2"
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    assert archive.namelist() == [f"{kept.number}.pdf", "MISSING.txt"]
    assert archive.read("MISSING.txt").decode() == f"{lost.number}.pdf: Stripe answered 500\n"


def streamed_peak(http: httpx.Client, session: dict[str, Any], saved: Path) -> int:
    """The most memory this process held at once while the zip's body came in (the proxy
    runs in it), written to `saved` as it came."""
    range_ = {"from": today(), "to": today()}
    tracemalloc.start()
    try:
        with (
            http.stream(
                "GET", "/v1/invoices/export.zip", params=range_, headers=bearer(session)
            ) as answer,
            saved.open("wb") as file,
        ):
            assert answer.status_code == 200
            assert answer.headers["content-type"] == "application/zip"
            # From here on only the zip is made: the listing before it is behind us.
            tracemalloc.reset_peak()
            for n, chunk in enumerate(answer.iter_bytes()):
                file.write(chunk)
                if n % 10 == 0:
                    gc.collect()  # the peak is what is held, not garbage awaiting the collector
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_zip_of_a_hundred_pdfs_is_streamed_without_holding_it(
    http: httpx.Client, sandbox: SandboxServer, tmp_path: Path
) -> None:
    few, many = customer(sandbox), customer(sandbox)
    invoice(sandbox, few.id, 100)
    made = [invoice(sandbox, many.id, 100 + n) for n in range(100)]

    # Drawn by the sandbox first (it keeps them), so that the zip comes at the proxy's pace.
    pdfs = {f"{i.number}.pdf": httpx.get(str(i.invoice_pdf)).content for i in made}

    one = streamed_peak(http, start(http, str(few.email)), tmp_path / "one.zip")
    hundred = streamed_peak(http, start(http, str(many.email)), tmp_path / "hundred.zip")

    archive = zipfile.ZipFile(tmp_path / "hundred.zip")
    assert archive.namelist() == [f"{i.number}.pdf" for i in made]
    assert {name: archive.read(name) for name in archive.namelist()} == pdfs
    assert all(pdf.startswith(b"%PDF-") for pdf in pdfs.values())
    # The proxy held a PDF at a time, never the zip: a hundred cost hardly more than one.
    sizes = sum(len(pdf) for pdf in pdfs.values())
    assert hundred < sizes * 0.6 and hundred - one < sizes / 3, (one, hundred, sizes)


def test_list_filters_are_refused_before_any_stripe_call_when_turned_off(
    make_proxy: Callable[..., Proxy], sandbox: SandboxServer
) -> None:
    proxy = make_proxy(allow_filters=False)
    with proxy.client() as http:
        session = start(http, "jane@example.com", scope="all")
        sandbox.reset_calls()
        answers = [
            http.get("/v1/invoices", params={"status": "paid"}, headers=bearer(session)),
            http.get(
                "/v1/invoices", params={"created[gte]": "1700000000"}, headers=bearer(session)
            ),
            http.post(
                "/v1/invoices",
                content=json.dumps({"token": session["token"], "created": {"lt": 1700000000}}),
                headers=PLAIN,
            ),
        ]
        assert sandbox.calls()["total"] == 0
        for answer in answers:
            assert answer.status_code == 403, answer.text
            assert answer.json()["error"]["code"] == "feature_disabled"
        # Without a filter the list is there as ever.
        listed = http.get("/v1/invoices", params={"scope": "all"}, headers=bearer(session))
        assert listed.status_code == 200 and listed.json()["data"]


def test_the_allowed_page_may_read_the_file_count_and_name(http: httpx.Client) -> None:
    session = start(http, "jane@example.com")
    body = json.dumps({"token": session["token"], "from": today(), "to": today()})
    answer = http.post("/v1/invoices/export.zip", content=body, headers=PLAIN)
    assert answer.headers["access-control-allow-origin"] == ORIGIN
    exposed = {
        h.strip().lower() for h in answer.headers["access-control-expose-headers"].split(",")
    }
    assert {"invoice-portal-files", "content-disposition"} <= exposed
