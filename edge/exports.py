"""The accountant's downloads: the token's invoices of a date range as CSV, or their PDFs as
a zip, both streamed.

Stripe lists newest first and cannot start from the oldest, so the range is listed whole
before the answer starts (one Stripe call per 100 invoices, each charged to the token's limit)
and kept as a few fields per invoice; then the CSV is written row by row, and the zip PDF by
PDF through a sink drained after each file, so that neither is ever held whole.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import anyio
import httpx

from edge import shapes
from edge.errors import ApiError, invalid
from edge.gateway import Gateway

Obj = dict[str, Any]
FIELDS = {"from", "to"}
COLUMNS = "number,date,status,currency,subtotal,tax,total,amount_paid,amount_remaining".split(",")
AMOUNTS = ("subtotal", "tax", "total", "amount_paid", "amount_remaining")
MAX_DAYS = 366
DAY_SECONDS = 86400
# The CSV's bound: 20 Stripe pages, which fit in one request's deadline (PORTAL_EXPORT_MAX_
# INVOICES bounds the zip). A year of more than five invoices a day is no one's portal.
MAX_ROWS = 2000
ROWS_PER_CHUNK = 100
# Stripe's currencies whose amounts are not in hundredths (docs.stripe.com/currencies).
ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())
THREE_DECIMAL = frozenset("bhd jod kwd omr tnd".split())
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
Charge = Callable[[int], Awaitable[None]]


def period(given: Obj) -> tuple[date, date]:
    """The range asked for: `from` and `to`, YYYY-MM-DD, inclusive, at most MAX_DAYS."""
    start, end = _day(given, "from"), _day(given, "to")
    if end < start:
        raise invalid("to", "to must be the same day as from or later")
    if (end - start).days >= MAX_DAYS:
        raise too_large(f"the range is longer than {MAX_DAYS} days")
    return start, end


def _day(given: Obj, name: str) -> date:
    value = given.get(name)
    if value is None or value == "":
        raise invalid(name, f"{name} is required: a date, YYYY-MM-DD")
    if not isinstance(value, str) or not DATE.fullmatch(value):
        raise invalid(name, f"{name} must be a date, YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(name, f"{name} is not a date of the calendar") from None


def too_large(why: str) -> ApiError:
    return ApiError(400, "export_too_large", f"{why}: choose a shorter range")


def created(start: date, end: date) -> dict[str, int]:
    """Stripe's created bounds of the days from `start` to `end`, UTC."""
    first = datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp()
    last = datetime(end.year, end.month, end.day, tzinfo=UTC).timestamp() + DAY_SECONDS - 1
    return {"gte": max(0, int(first)), "lte": max(0, int(last))}


async def invoices(
    gateway: Gateway,
    customers: tuple[str, ...],
    bounds: dict[str, int],
    most: int,
    charge: Charge,
) -> list[Obj]:
    """Every invoice of these customers created within `bounds`, drafts left out, oldest
    first, as the few fields an export uses; export_too_large past `most`. Each page after
    the first is charged before it is asked for."""
    found: list[Obj] = []
    pages = 0
    for customer in customers:
        params: Obj = {"customer": customer, "created": bounds, "limit": 100}
        mine: list[Obj] = []
        while True:
            if pages:
                await charge(1)
            pages += 1
            page = await gateway.list_invoices(params)
            mine += [_kept(i) for i in page["data"] if shapes.visible(i, customers)]
            if len(found) + len(mine) > most:
                raise too_large(f"there are more than {most} invoices in this range")
            if not page["has_more"] or not page["data"]:
                break
            params = {**params, "starting_after": page["data"][-1]["id"]}
        found += reversed(mine)
    # Stable: invoices of the same second keep Stripe's order.
    found.sort(key=lambda invoice: invoice["created"] or 0)
    return found


def _kept(inv: Obj) -> Obj:
    taxes = inv.get("total_taxes")
    tax = sum(t.get("amount") or 0 for t in taxes) if taxes else inv.get("tax") or 0
    return {
        "id": inv["id"],
        "number": inv.get("number"),
        "created": inv.get("created"),
        "status": inv.get("status"),
        "currency": inv.get("currency") or "",
        "subtotal": inv.get("subtotal"),
        "tax": tax,
        "total": inv.get("total"),
        "amount_paid": inv.get("amount_paid"),
        "amount_remaining": inv.get("amount_remaining"),
        "invoice_pdf": inv.get("invoice_pdf"),
    }


def major(amount: int | None, currency: str) -> str:
    """Minor units as a decimal string of the currency's major unit: 1234 eur is "12.34",
    1200 jpy is "1200"."""
    if amount is None:
        return ""
    places = 0 if currency in ZERO_DECIMAL else 3 if currency in THREE_DECIMAL else 2
    return f"{Decimal(amount).scaleb(-places):.{places}f}"


def day(created: int | None) -> str:
    return datetime.fromtimestamp(created or 0, UTC).date().isoformat()


async def csv_chunks(rows: list[Obj]) -> AsyncIterator[bytes]:
    """The CSV, header first, ROWS_PER_CHUNK rows at a time."""
    for at in range(0, len(rows) + 1, ROWS_PER_CHUNK):
        text = io.StringIO()
        writer = csv.writer(text)
        if at == 0:
            writer.writerow(COLUMNS)
        for row in rows[at : at + ROWS_PER_CHUNK]:
            currency = row["currency"]
            writer.writerow(
                [row["number"] or row["id"], day(row["created"]), row["status"], currency]
                + [major(row[name], currency) for name in AMOUNTS]
            )
        yield text.getvalue().encode("utf-8")


class Sink:
    """Where the zip is written: only what zipfile wrote since the last `drain`. zipfile may go
    back within it (each file is written whole, so its header gets its size and checksum, as
    every unzip tool expects), never before it."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.drained = 0

    def write(self, data: bytes) -> int:
        return self.buffer.write(data)

    def tell(self) -> int:
        return self.drained + self.buffer.tell()

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence != 0 or offset < self.drained:
            raise OSError("that part of the zip is sent already")
        return self.drained + self.buffer.seek(offset - self.drained)

    def flush(self) -> None:
        """Nothing is kept but what `drain` gives."""

    def close(self) -> None:
        """The zip's end is drained like the rest."""

    def drain(self) -> bytes:
        data = self.buffer.getvalue()
        self.drained += len(data)
        self.buffer = io.BytesIO()
        return data


async def zip_chunks(gateway: Gateway, rows: list[Obj]) -> AsyncIterator[bytes]:
    """The zip of the invoices' PDFs, one file at a time; a PDF that cannot be had becomes a
    line of MISSING.txt."""
    sink, names, missing = Sink(), set[str](), []
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED) as archive:
        for row in rows:
            name = UNSAFE.sub("_", row["number"] or row["id"]) + ".pdf"
            name = name if name not in names else f"{row['id']}.pdf"
            names.add(name)
            try:
                data = await _pdf(gateway, row["invoice_pdf"])
            except (ValueError, TimeoutError, httpx.HTTPError) as error:
                reason = str(error) if isinstance(error, ValueError) else "could not be fetched"
                missing.append(f"{name}: {reason}\n")
                continue
            archive.writestr(zipfile.ZipInfo(name, _stamp(row["created"])), data)
            del data
            yield sink.drain()
        if missing:
            archive.writestr(zipfile.ZipInfo("MISSING.txt", _stamp(None)), "".join(missing))
    yield sink.drain()


async def _pdf(gateway: Gateway, url: Any) -> bytes:
    if not isinstance(url, str) or not url:
        raise ValueError("Stripe has no PDF of this invoice")
    with anyio.fail_after(gateway.settings.stripe_deadline):
        async with aclosing(gateway.pdf_chunks(url)) as chunks:
            return b"".join([chunk async for chunk in chunks])


def _stamp(created: int | None) -> tuple[int, int, int, int, int, int]:
    when = datetime.fromtimestamp(max(created or 0, 315532800), UTC)  # zip times start in 1980
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)
