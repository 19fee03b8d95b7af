"""The HTTP API of the customer's own records: the accountant's downloads and the billing
details. Each token call in both forms (`access.authorise`), each behind its owner switch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from edge import access, billing_details, exports, features, parts, tokens
from edge.gateway import Gateway
from edge.store import Store

# A download is the customer's alone: no cache on the way may keep it.
PRIVATE = {"Cache-Control": "private, no-store"}


async def export_csv(request: Request) -> Response:
    listed = await _listed(request, "csv")
    return StreamingResponse(
        exports.csv_chunks(listed.rows),
        media_type="text/csv; charset=utf-8",
        headers=PRIVATE | listed.attachment,
    )


async def export_zip(request: Request) -> Response:
    listed = await _listed(request, "zip")
    # Every PDF it will fetch, before the first: a refused export costs Stripe nothing more.
    await listed.charge(len(listed.rows))
    headers = {"Invoice-Portal-Files": str(len(listed.rows))} | listed.attachment
    return StreamingResponse(
        exports.zip_chunks(listed.gateway, listed.rows),
        media_type="application/zip",
        headers=PRIVATE | headers,
    )


@dataclass(frozen=True)
class Listed:
    """An export's invoices, read before its answer starts, and what the rest of it needs."""

    gateway: Gateway
    rows: list[dict[str, Any]]
    charge: exports.Charge
    attachment: dict[str, str]


async def _listed(request: Request, kind: str) -> Listed:
    """Authorised, switched on, the range checked, and its invoices listed (charged to the
    token's limit page by page), at most MAX_ROWS for a CSV, PORTAL_EXPORT_MAX_INVOICES for a
    zip."""
    settings, gateway, store = parts.unpacked(request)
    claims, given = await access.authorise(request, exports.FIELDS)
    features.require(settings, "export")
    start, end = exports.period(given)
    charge = _charge(store, claims)
    most = exports.MAX_ROWS if kind == "csv" else settings.export_max_invoices
    bounds = exports.created(start, end)
    rows = await exports.invoices(gateway, claims.customers, bounds, most, charge)
    return Listed(gateway, rows, charge, _attachment(f"invoices-{start}-{end}.{kind}"))


async def read_billing_details(request: Request) -> Response:
    settings, gateway, _ = parts.unpacked(request)
    claims, _ = await access.authorise(request, set())
    features.require(settings, "billing_details")
    customer = billing_details.customer_of(claims.customers)
    return JSONResponse(await billing_details.read(gateway, customer))


async def update_billing_details(request: Request) -> Response:
    settings, gateway, store = parts.unpacked(request)
    claims, given = await access.authorise(request, billing_details.UPDATE_FIELDS)
    features.require(settings, "billing_details")
    customer = billing_details.customer_of(claims.customers)
    wanted = billing_details.changes(given)
    have = await billing_details.current(gateway, customer) if "tax_ids" in wanted else []
    # The writes, and reading the details back (the customer and its tax IDs).
    await _charge(store, claims)(billing_details.calls(wanted, have) + 2)
    await billing_details.update(gateway, customer, wanted, have)
    return JSONResponse(await billing_details.read(gateway, customer))


routes = [
    Route("/v1/invoices/export.csv", export_csv, methods=["GET", "POST"]),
    Route("/v1/invoices/export.zip", export_zip, methods=["GET", "POST"]),
    Route("/v1/billing_details", read_billing_details, methods=["GET", "POST"]),
    Route("/v1/billing_details/update", update_billing_details, methods=["POST"]),
]


def _charge(store: Store, claims: tokens.Claims) -> exports.Charge:
    """Hits on the token's limit (as `access.authorise` counts it) for the Stripe calls and
    PDF fetches a request makes past its first."""

    async def charge(cost: int) -> None:
        if cost > 0 and claims.customers:
            await store.hit("token", "|".join(claims.customers), cost)

    return charge


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}
