"""What the owner has turned on, as the session reports it to the embed; every one of these is
also enforced by the proxy (403 `feature_disabled`), so hiding a button is never the only guard."""

from __future__ import annotations

from edge.errors import ApiError
from edge.settings import Settings

# What a refusal says: the switch named for the site owner reading the answer.
REFUSALS = {
    "pay": "payments are turned off on this portal",
    "pdf": "PDF downloads are turned off on this portal",
    "show_all": "showing all invoices is turned off on this portal",
    "receipts": "receipts are turned off on this portal",
    "summary": "the account summary is turned off on this portal",
    "credit_notes": "credit notes are turned off on this portal",
    "export": "downloads for the accountant are turned off on this portal",
    "filters": "filters are turned off on this portal",
    "billing_details": "changing billing details is turned off on this portal",
    "offer": "the offer is turned off on this portal",
}
# The Stripe billing portal's flows, each behind its own switch (`edge.portal`).
PORTAL_SWITCHES = ("payment_method_update", "plan_change", "cancel")


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
        raise ApiError(403, "feature_disabled", REFUSALS[name])
