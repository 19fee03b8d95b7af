"""Every environment variable the proxy reads, in one table: how each is checked and read,
its default and an example. `Settings.from_env`, `invoice-portal serve --help` and
docs/configuration.md all come from it, so they cannot disagree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from edge.offer import read_offer
from edge.readers import DEFAULT_API_BASE as DEFAULT_API_BASE
from edge.readers import LIVE_SECRET_LENGTH as LIVE_SECRET_LENGTH
from edge.readers import (
    MAX_DEADLINE,
    Invalid,
    api_base,
    flag,
    hash_secrets,
    number,
    origins,
    rate,
    redis_url,
    stripe_key,
    webhook_secret,
)

GENERATE_SECRET = "python -c 'import secrets; print(secrets.token_hex(32))'"  # noqa: S105 - a command, not a secret


@dataclass(frozen=True)
class Variable:
    name: str
    field: str  # the `Settings` attribute it sets
    default: str  # as it would be written in the environment; "" for none
    example: str
    meaning: str
    read: Callable[[str], Any]  # the value, stripped, or the default when unset
    required: bool = False

    @property
    def shown_default(self) -> str:
        return self.default or ("required" if self.required else "unset")

    def problem(self, error: Invalid) -> str:
        """The one line a site owner reads: the variable, what is wrong, the fix, an example."""
        example = self.example if error.example is None else error.example
        return f"{self.name} {error.problem}: {error.fix} (e.g. {self.name}={example})"


VARIABLES = (
    Variable(
        "STRIPE_SECRET_KEY", "stripe_secret_key", "", "rk_live_...",
        "a secret (sk_...) or restricted (rk_...) key; _test_ or _live_ in it sets the mode",
        stripe_key, required=True,
    ),
    Variable(
        "PORTAL_HASH_SECRETS", "hash_secrets", "", f'"$({GENERATE_SECRET})"',
        "comma-separated secrets; every one is accepted, the first signs (rotation without "
        f"downtime); in live mode each is at least {LIVE_SECRET_LENGTH} characters",
        hash_secrets, required=True,
    ),
    Variable(
        "PORTAL_ALLOWED_ORIGINS", "allowed_origins", "", "https://www.example.com",
        "comma-separated origins (no path, no trailing slash) of the pages that embed the portal",
        origins, required=True,
    ),
    Variable(
        "PORTAL_REQUIRE_HASH", "require_hash", "true", "false",
        "false accepts sessions without a hash (a hash sent is still checked); test keys only",
        flag,
    ),
    Variable(
        "PORTAL_REQUIRE_EXPIRING_HASH", "require_expiring_hash", "false", "true",
        "true refuses static hashes (403 expiring_hash_required)",
        flag,
    ),
    Variable(
        "PORTAL_MAX_HASH_LIFETIME", "max_hash_lifetime", "604800", "86400",
        "seconds (60 to 604800); an expiring hash whose expires is further ahead is refused",
        number(60, 7 * 24 * 3600, whole=True),
    ),
    Variable(
        "STRIPE_WEBHOOK_SECRET", "webhook_secret", "", "whsec_...",
        "the signing secret of your Stripe webhook endpoint; enables POST /v1/stripe/webhook",
        webhook_secret,
    ),
    Variable(
        "STRIPE_API_BASE", "api_base", DEFAULT_API_BASE, "http://127.0.0.1:12111",
        "another Stripe-compatible address, e.g. the project's Stripe sandbox",
        api_base,
    ),
    Variable(
        "PORTAL_ALLOW_PAY", "allow_pay", "true", "false",
        "false hides the Pay button and refuses payments",
        flag,
    ),
    Variable(
        "PORTAL_ALLOW_PDF", "allow_pdf", "true", "false",
        "false hides PDF downloads and refuses them",
        flag,
    ),
    Variable(
        "PORTAL_ALLOW_SHOW_ALL", "allow_show_all", "true", "false",
        "false refuses scope=all (the show-all-invoices attribute)",
        flag,
    ),
    Variable(
        "PORTAL_ALLOW_PAYMENT_METHOD_UPDATE", "allow_payment_method_update", "true", "false",
        "false refuses Stripe billing portal sessions that update the card",
        flag,
    ),
    Variable(
        "PORTAL_ALLOW_PLAN_CHANGE", "allow_plan_change", "false", "true",
        "true allows billing portal sessions that change the plan",
        flag,
    ),
    Variable(
        "PORTAL_ALLOW_CANCEL", "allow_cancel", "false", "true",
        "true allows billing portal sessions that cancel a subscription",
        flag,
    ),
    Variable(
        "PORTAL_ALLOW_RECEIPTS", "allow_receipts", "true", "false",
        "false hides the payment receipt of paid invoices (Charges Read)",
        flag,
    ),
    Variable(
        "PORTAL_ALLOW_SUMMARY", "allow_summary", "true", "false",
        "false hides the account summary: outstanding, past due, credit balance, next charge",
        flag,
    ),
    Variable(
        "PORTAL_ALLOW_CREDIT_NOTES", "allow_credit_notes", "true", "false",
        "false hides an invoice's credit notes (Credit notes Read)",
        flag,
    ),
    Variable(
        "PORTAL_ALLOW_EXPORT", "allow_export", "true", "false",
        "false refuses the accountant's downloads (export.csv and export.zip)",
        flag,
    ),
    Variable(
        "PORTAL_ALLOW_FILTERS", "allow_filters", "true", "false",
        "false refuses filtering the list by status or date (and the month picker)",
        flag,
    ),
    Variable(
        "PORTAL_ALLOW_BILLING_DETAILS", "allow_billing_details", "false", "true",
        "true lets customers change their billing name, address and tax IDs (Customers Write)",
        flag,
    ),
    Variable(
        "PORTAL_OFFER", "offer", "",
        '{"title":"Go yearly","button":"See plans","url":"https://www.example.com/plans"}',
        "the owner's offer card: a JSON object, inline or in a file (README, The owner's offer)",
        read_offer,
    ),
    Variable(
        "PORTAL_EXPORT_MAX_INVOICES", "export_max_invoices", "100", "500",
        "invoices one export.zip may hold (1 to 1000); a wider range is refused with 400",
        number(1, 1000, whole=True),
    ),
    Variable(
        "PORTAL_CACHE_SECONDS", "cache_seconds", "30", "60",
        "seconds a customer's Stripe answers are reused (0 to 3600; 0 turns the cache off)",
        number(0, 3600),
    ),
    Variable(
        "PORTAL_CACHE_MB", "cache_bytes", "64", "256",
        "megabytes of memory for what the proxy keeps of Stripe's answers (1 to 65536)",
        number(1, 65536, scale=2**20, whole=True),
    ),
    Variable(
        "PORTAL_STRIPE_TIMEOUT", "stripe_timeout", "5", "3",
        f"seconds one Stripe attempt may take (0.1 to {MAX_DEADLINE:g})",
        number(0.1, MAX_DEADLINE),
    ),
    Variable(
        "PORTAL_STRIPE_DEADLINE", "stripe_deadline", "10", "12",
        f"seconds all Stripe calls of one request may take together (0.1 to {MAX_DEADLINE:g})",
        number(0.1, MAX_DEADLINE),
    ),
    Variable(
        "PORTAL_LIMIT_SESSION_PER_IP", "limit_session_per_ip", "60/minute", "10/second;300/hour",
        "new sessions per visitor address",
        rate,
    ),
    Variable(
        "PORTAL_LIMIT_SESSION_PER_IDENTIFIER", "limit_session_per_identifier", "20/minute",
        "5/minute",
        "new sessions per email or customer id, counted once the hash is valid",
        rate,
    ),
    Variable(
        "PORTAL_LIMIT_PER_TOKEN", "limit_per_token", "120/minute", "10/second;600/hour",
        "requests with a token; all tokens of one customer share it",
        rate,
    ),
    Variable(
        "PORTAL_STRIPE_CALLS_PER_SECOND", "stripe_calls_per_second", "20", "50",
        "this process's budget of Stripe calls (1 to 1000); when spent, requests get 429",
        number(1, 1000, whole=True),
    ),
    Variable(
        "PORTAL_REDIS_URL", "redis_url", "", "redis://cache:6379/0",
        "Redis shared by replicas for rate limits, shown invoices and webhook ids",
        redis_url,
    ),
)  # fmt: skip
BY_NAME = MappingProxyType({variable.name: variable for variable in VARIABLES})
