"""Configuration from the environment, checked once at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from edge.readers import DEFAULT_API_BASE, LIVE_SECRET_LENGTH, Invalid
from edge.variables import BY_NAME, VARIABLES


class ConfigError(Exception):
    """Bad settings: one line for each, naming the variable, the problem, the fix and an
    example of a good value."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Settings:
    stripe_secret_key: str
    hash_secrets: tuple[str, ...]
    allowed_origins: tuple[str, ...] = ()
    require_hash: bool = True
    require_expiring_hash: bool = False
    webhook_secret: str | None = None
    api_base: str = DEFAULT_API_BASE
    allow_pay: bool = True
    allow_pdf: bool = True
    allow_show_all: bool = True
    # Stripe billing portal sessions (Customer portal Write): a card update is how a customer
    # recovers from a decline; plan changes and cancellation are the owner's to offer.
    allow_payment_method_update: bool = True
    allow_plan_change: bool = False
    allow_cancel: bool = False
    # The customer's account (receipts, summary, credit notes, downloads, filters) is read-only
    # and on; changing billing details writes to Stripe and is the owner's to turn on.
    allow_receipts: bool = True
    allow_summary: bool = True
    allow_credit_notes: bool = True
    allow_export: bool = True
    allow_filters: bool = True
    allow_billing_details: bool = False
    offer: dict[str, Any] | None = None
    export_max_invoices: int = 100
    cache_seconds: float = 30.0
    max_hash_lifetime: int = 7 * 24 * 3600
    stripe_timeout: float = 5.0
    # The whole request, whatever the number of Stripe calls in it; under the embed's 20 s.
    stripe_deadline: float = 10.0
    token_seconds: int = 15 * 60
    cache_bytes: int = 64 * 2**20
    redis_url: str | None = None
    limit_session_per_ip: str = "60/minute"
    limit_session_per_identifier: str = "20/minute"
    limit_per_token: str = "120/minute"  # noqa: S105 - a rate, not a secret
    stripe_calls_per_second: int = 20

    # PORTAL_CACHE_MB bounds everything kept of Stripe's data: half for cached answers, a
    # quarter for their rendered list pages, a quarter for the record of invoices shown.
    @property
    def answers_bytes(self) -> int:
        return self.cache_bytes // 2

    @property
    def pages_bytes(self) -> int:
        return self.cache_bytes // 4

    @property
    def seen_bytes(self) -> int:
        return self.cache_bytes // 4

    @property
    def test_mode(self) -> bool:
        return "_test_" in self.stripe_secret_key

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Every variable checked; all problems raised together, one line each."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        problems: list[str] = []
        for variable in VARIABLES:
            try:
                value = variable.read(env.get(variable.name, "").strip() or variable.default)
            except Invalid as error:
                problems.append(variable.problem(error))
            else:
                values[variable.field] = value
        problems += _live_problems(values)
        if problems:
            raise ConfigError(problems)
        return cls(**values)


def _live_problems(values: Mapping[str, Any]) -> list[str]:
    """What a live key does not allow: short secrets, sessions without a hash."""
    if "_live_" not in values.get("stripe_secret_key", "_test_"):
        return []
    problems = []
    if any(len(s) < LIVE_SECRET_LENGTH for s in values.get("hash_secrets", ())):
        problems.append(
            BY_NAME["PORTAL_HASH_SECRETS"].problem(
                Invalid(
                    f"has a secret shorter than {LIVE_SECRET_LENGTH} characters",
                    "use long random secrets in live mode",
                )
            )
        )
    if values.get("require_hash") is False:
        problems.append(
            BY_NAME["PORTAL_REQUIRE_HASH"].problem(
                Invalid(
                    "is false with a live key",
                    "remove it, or use a test key (sk_test_... or rk_test_...) while developing",
                    example="true",
                )
            )
        )
    return problems
