"""The only module that talks to Stripe.

Every call goes through `_call`: one Stripe call from the process's budget, a timeout per
attempt, retries with exponential backoff and jitter on 5xx and network errors (a 429 once),
all within one deadline for the whole request, however many calls it makes. Answers are plain
dicts, cached per customer for a few seconds (misses too) and cleared by webhooks.
"""

from __future__ import annotations

import json
import logging
import random
import re
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

import anyio
import httpx
import stripe

from edge import cursors, merging, payments, shapes
from edge.cache import TTLCache
from edge.errors import ApiError, invalid, not_found, rate_limited
from edge.middleware import request_id_var
from edge.settings import Settings
from edge.store import Store
from edge.transport import StripeTransport

Obj = dict[str, Any]
log = logging.getLogger("invoice_portal")

INVOICE_PATTERN = re.compile(r"in_[A-Za-z0-9]{1,250}")
RETRY_STATUSES = {409, 429, 500, 502, 503, 504}
BACKOFF_BASE = 0.1
BACKOFF_CAP = 2.0
MAX_ATTEMPTS = 5
MAX_RATE_LIMITED_ATTEMPTS = 2
KEY_REFUSED = "Stripe refused the proxy's key"
WEBHOOK_TOLERANCE = 300
READY_SECONDS = 300.0
NOT_READY_SECONDS = 10.0
# The moment the current request's Stripe calls must be done by (anyio's clock); each request
# runs in its own task, so its first call sets it for the rest of that request.
_deadline: ContextVar[float | None] = ContextVar("stripe_deadline", default=None)
# A cached "Stripe has no such object".
MISSING: Obj = {"object": "missing"}


class Gateway:
    def __init__(
        self, settings: Settings, http_client: httpx.AsyncClient, store: Store | None = None
    ) -> None:
        self.settings = settings
        self.store = store or Store(settings, seen_bytes=settings.cache_bytes // 4)
        self.stripe = stripe.StripeClient(
            settings.stripe_secret_key,
            stripe_version=stripe.api_version,
            base_addresses={"api": settings.api_base},
            http_client=StripeTransport(http_client),
            max_network_retries=0,
        )
        self.cache = TTLCache(settings.cache_seconds, max_bytes=settings.cache_bytes // 2)
        self.readiness: tuple[float, ApiError | None] = (float("-inf"), None)
        self.readiness_lock = anyio.Lock()

    async def customers_by_email(self, email: str) -> list[Obj]:
        """Every Stripe customer with exactly this email, newest first, with subscriptions."""

        async def load() -> tuple[list[Obj], list[str]]:
            params = _params(email=email, limit=100, expand=["data.subscriptions"])
            found = await self._call(lambda: self.stripe.v1.customers.list_async(params=params))
            # Stripe's email filter is exact already; the check keeps it so whatever answers.
            customers = [
                c for c in found["data"] if c.get("email") == email and not c.get("deleted")
            ]
            return customers, [f"email:{email}", *(c["id"] for c in customers)]

        return list(await self.cache.fetch(("email", email), load))

    async def customer_by_id(self, customer_id: str) -> list[Obj]:
        """The customer, with subscriptions; none when unknown or deleted."""

        async def load() -> tuple[list[Obj], list[str]]:
            params = _params(expand=["subscriptions"])
            try:
                found = await self._call(
                    lambda: self.stripe.v1.customers.retrieve_async(customer_id, params=params)
                )
            except ApiError as error:
                if error.code != "not_found":
                    raise
                return [], [customer_id]
            return ([] if found.get("deleted") else [found]), [customer_id]

        return list(await self.cache.fetch(("customer", customer_id), load))

    async def invoices(
        self,
        customers: tuple[str, ...],
        *,
        limit: int,
        position: str | None,
        subscription: str | None,
        status: str | None,
    ) -> Obj:
        """One page of invoices, drafts left out, several customers merged newest first.

        `position` is where a signed cursor of ours left off (see `cursors`); the page's
        `next_cursor` is signed for these customers, and its invoices are remembered as shown.
        """
        if not customers:
            return {"object": "list", "data": [], "has_more": False, "next_cursor": None}

        async def load() -> tuple[Obj, tuple[str, ...]]:
            shown, has_more, last = await merging.listing(
                self._list, customers, limit, position, subscription, status
            )
            by_customer: dict[str, list[str]] = {}
            for invoice in shown:
                by_customer.setdefault(invoice["customer"], []).append(invoice["id"])
            await self.store.remember(by_customer)
            next_cursor = cursors.sign(self.settings.hash_secrets, last, customers)
            return shapes.list_page(shown, has_more, next_cursor), customers

        key = ("invoices", customers, limit, position, subscription, status)
        return dict(await self.cache.fetch(key, load))

    async def _list(self, params: Obj) -> Obj:
        listed = await self._call(lambda: self.stripe.v1.invoices.list_async(params=params))  # type: ignore[arg-type]
        return listed

    async def invoice(self, invoice_id: str, customers: tuple[str, ...]) -> Obj:
        if not INVOICE_PATTERN.fullmatch(invoice_id) or not customers:
            raise not_found()

        async def load() -> tuple[Obj, list[str]]:
            try:
                found = await self._call(lambda: self.stripe.v1.invoices.retrieve_async(invoice_id))
            except ApiError as error:
                if error.code != "not_found":
                    raise
                return MISSING, [f"invoice:{invoice_id}"]
            return found, [shapes.customer_id(found), f"invoice:{invoice_id}"]

        invoice = await self.cache.fetch(("invoice", invoice_id), load)
        if invoice is MISSING or not shapes.visible(invoice, customers):
            raise not_found()
        return dict(invoice)

    async def pay(
        self, invoice_id: str, customers: tuple[str, ...], idempotency_key: str | None
    ) -> Obj:
        """Pay with the customer's saved method; answer what the customer must do otherwise."""
        if not INVOICE_PATTERN.fullmatch(invoice_id) or not customers:
            raise not_found()
        expand = ["customer", "parent.subscription_details.subscription"]
        invoice = await self._call(
            lambda: self.stripe.v1.invoices.retrieve_async(invoice_id, params={"expand": expand})
        )
        payments.check_payable(invoice, customers, idempotency_key)
        params = payments.pay_params(invoice)
        if params is None:
            return shapes.requires_action("no_payment_method", invoice)
        options = {"idempotency_key": payments.idempotency_key(idempotency_key, invoice)}
        try:
            paid = await self._call(
                lambda: self.stripe.v1.invoices.pay_async(
                    invoice_id, params=_params(**params), options=_params(**options)
                ),
                passthrough=True,
            )
        except stripe.StripeError as error:
            decline = getattr(error.error, "decline_code", None) if error.error else None
            outcome = payments.refusal(_kind(error), error.code or "", decline, error.user_message)
            if outcome == "authentication_required":
                return await self._requires_authentication(invoice)
            if isinstance(outcome, str):
                return shapes.requires_action(outcome, invoice)
            raise outcome from None
        finally:
            self.cache.forget([shapes.customer_id(invoice)])
        if paid["status"] != "paid":
            return await self._requires_authentication(invoice)
        return {"status": "paid", "invoice": paid}

    async def _requires_authentication(self, invoice: Obj) -> Obj:
        # Hosted invoice links expire: the customer gets the one Stripe gives right now.
        try:
            invoice = await self._call(
                lambda: self.stripe.v1.invoices.retrieve_async(invoice["id"])
            )
        except ApiError:
            pass
        return shapes.requires_action("authentication_required", invoice)

    def webhook_event(self, payload: bytes, signature: str) -> Any:
        """The event Stripe signed, parsed; refused when the signature does not match or is
        older than Stripe's tolerance, so a captured event cannot be replayed later."""
        assert self.settings.webhook_secret is not None
        try:
            stripe.WebhookSignature.verify_header(
                payload.decode("utf-8"),
                signature,
                self.settings.webhook_secret,
                tolerance=WEBHOOK_TOLERANCE,
            )
            return json.loads(payload)
        except (stripe.SignatureVerificationError, UnicodeDecodeError):
            raise ApiError(
                400, "invalid_signature", "the Stripe-Signature does not match"
            ) from None
        except (ValueError, RecursionError):
            raise invalid("body", "the event is not JSON") from None

    async def ready(self) -> ApiError | None:
        """None when Stripe accepts the key, else the reason; remembered for a while, and
        checked by one request at a time however many probes arrive."""
        async with self.readiness_lock:
            checked_at, problem = self.readiness
            now = anyio.current_time()
            if now < checked_at + (NOT_READY_SECONDS if problem else READY_SECONDS):
                return problem
            return await self._check_key()

    async def _check_key(self) -> ApiError | None:
        problem: ApiError | None
        try:
            with anyio.fail_after(self.settings.stripe_timeout):
                await self.stripe.v1.customers.list_async(params={"limit": 1})
            problem = None
        except (stripe.AuthenticationError, stripe.PermissionError):
            problem = ApiError(503, "stripe_key_rejected", "Stripe refuses the proxy's key")
        except (stripe.StripeError, TimeoutError):
            problem = ApiError(503, "stripe_unreachable", "Stripe cannot be reached")
        self.readiness = (anyio.current_time(), problem)
        if problem is not None:
            log.warning(json.dumps({"event": "not_ready", "code": problem.code}))
        return problem

    async def _call(self, make: Callable[[], Awaitable[Any]], *, passthrough: bool = False) -> Obj:
        deadline = _deadline.get()
        if deadline is None:
            deadline = anyio.current_time() + self.settings.stripe_deadline
            _deadline.set(deadline)
        throttled = 0
        failure = ApiError(504, "upstream_timeout", "Stripe did not answer in time")
        for attempt in range(MAX_ATTEMPTS):
            remaining = deadline - anyio.current_time()
            if remaining <= 0:
                break
            await self.store.spend_stripe_call()
            try:
                with anyio.fail_after(min(self.settings.stripe_timeout, remaining)):
                    answer = await make()
                return answer.to_dict() if hasattr(answer, "to_dict") else dict(answer)
            except TimeoutError:
                failure = ApiError(504, "upstream_timeout", "Stripe did not answer in time")
            except stripe.APIConnectionError:
                failure = ApiError(502, "upstream_unavailable", "Stripe cannot be reached")
            except stripe.StripeError as error:
                mapped = _failure(error, passthrough)
                throttled += error.http_status == 429
                if (
                    error.http_status not in RETRY_STATUSES
                    or mapped is None
                    or throttled >= MAX_RATE_LIMITED_ATTEMPTS
                ):
                    _log_error(error, attempt)
                    if mapped is not None:
                        raise mapped from None
                    raise
                failure = mapped
            _log_failure(failure, attempt)
            delay = random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt))  # noqa: S311
            if anyio.current_time() + delay >= deadline:
                break
            await anyio.sleep(delay)
        raise failure


def _kind(error: stripe.StripeError) -> str:
    if isinstance(error, stripe.CardError):
        return "card"
    if isinstance(error, stripe.IdempotencyError):
        return "idempotency"
    if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
        return "key"
    return "request" if isinstance(error, stripe.InvalidRequestError) else "other"


def _failure(error: stripe.StripeError, passthrough: bool) -> ApiError | None:
    """The API error for a Stripe failure, or None when the caller must decide."""
    if passthrough and error.http_status not in RETRY_STATUSES:
        return None
    if isinstance(error, stripe.InvalidRequestError) and error.code == "resource_missing":
        return not_found()
    if isinstance(error, stripe.RateLimitError):
        # Stripe is limiting the whole account: the visitor waits, the proxy does not insist.
        return rate_limited(1, "the portal is busy: try again in a moment")
    if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
        return ApiError(502, "upstream_unavailable", KEY_REFUSED)
    return ApiError(502, "upstream_unavailable", "Stripe answered with an error")


def _log_error(error: stripe.StripeError, attempt: int) -> None:
    # Only the type and codes: Stripe's messages can quote parts of the key.
    record: dict[str, Any] = {"event": "stripe_error", "request_id": request_id_var.get()}
    record |= {"type": type(error).__name__, "status": error.http_status, "code": error.code}
    log.warning(json.dumps({**record, "attempt": attempt + 1}))


def _log_failure(failure: ApiError, attempt: int) -> None:
    record = {"event": "stripe_retry", "request_id": request_id_var.get(), "code": failure.code}
    log.warning(json.dumps({**record, "attempt": attempt + 1}))


def _params(**values: Any) -> Any:
    # The SDK types every parameter set as a TypedDict; these are built at run time.
    return values
