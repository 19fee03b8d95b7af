"""What the owner has turned on, as the session reports it to the embed; every one of these is
also enforced by the proxy (403 `feature_disabled`), so hiding a button is never the only guard."""

from __future__ import annotations

from edge.errors import ApiError
from edge.settings import Settings

NAMES = {
    "pay": "payments",
    "pdf": "PDF downloads",
    "show_all": "showing every subscription's invoices",
    "receipts": "receipts",
    "summary": "the account summary",
    "credit_notes": "credit notes",
    "export": "downloads for the accountant",
    "filters": "filters",
    "billing_details": "changing billing details",
    "offer": "the offer",
}


def features(settings: Settings) -> dict[str, bool]:
    return {
        "pay": settings.allow_pay,
        "pdf": settings.allow_pdf,
        "show_all": settings.allow_show_all,
        "payment_method_update": settings.allow_payment_method_update,
        "plan_change": settings.allow_plan_change,
        "cancel": settings.allow_cancel,
        "receipts": settings.allow_receipts,
        "summary": settings.allow_summary,
        "credit_notes": settings.allow_credit_notes,
        "export": settings.allow_export,
        "filters": settings.allow_filters,
        "billing_details": settings.allow_billing_details,
        "offer": settings.offer is not None,
    }


def require(settings: Settings, name: str) -> None:
    """403 feature_disabled unless the owner has turned `name` on."""
    if not features(settings)[name]:
        raise ApiError(403, "feature_disabled", f"this portal does not offer {NAMES[name]}")
