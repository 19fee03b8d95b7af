"""The only module that talks to Stripe: one method per Stripe endpoint the proxy uses.

Every call goes through `edge.calls.Caller` (budget, timeout, retries, one deadline per
request), answers are plain dicts, and Stripe's exceptions become the proxy's own errors
here, so no other module needs the SDK. What to ask and what to keep of the answers is in
`customers`, `invoices`, `details` and `payments`, which share the cache kept here (cleared
by webhooks).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

import anyio
import httpx
import stripe

from edge.cache import TTLCache
from edge.calls import KEY_REFUSED, Caller, kind, refused
from edge.errors import ApiError, invalid
from edge.settings import Settings
from edge.store import Store
from edge.transport import StripeTransport

Obj = dict[str, Any]
log = logging.getLogger("invoice_portal")

WEBHOOK_TOLERANCE = 300
READY_SECONDS = 300.0
NOT_READY_SECONDS = 10.0
# The names of an invoice's discounts, read with the invoice itself (Coupons and Promotion
# codes Read). Stripe has no endpoint for a discount alone, so this is the one way to them.
DISCOUNT_NAMES = [
    "total_discount_amounts.discount.source.coupon",
    "total_discount_amounts.discount.promotion_code",
]
# The charge of a paid invoice's payment, for its `receipt_url` (Charges Read).
RECEIPT = "data.payment.payment_intent.latest_charge"
# An invoice PDF the proxy passes on (exports): at most this big, a few redirects away.
PDF_BYTES = 10 * 2**20
PDF_REDIRECTS = 3
# Errors that end the request: the rest, for something optional, leave that thing out.
FATAL = ("rate_limited", "upstream_timeout")


class Refusal(Exception):
    """Stripe refused to pay an invoice: the refusal's class (see `calls.kind`), Stripe's
    code and decline code, and the message Stripe wrote for the customer."""

    def __init__(self, kind: str, code: str, decline: str | None, message: str | None) -> None:
        super().__init__(code)
        self.kind, self.code, self.decline, self.message = kind, code, decline, message


class Gateway:
    def __init__(
        self, settings: Settings, http_client: httpx.AsyncClient, store: Store | None = None
    ) -> None:
        self.settings = settings
        self.store = store or Store(settings)
        self.http = http_client
        self.stripe = stripe.StripeClient(
            settings.stripe_secret_key,
            stripe_version=stripe.api_version,
            base_addresses={"api": settings.api_base},
            http_client=StripeTransport(http_client),
            max_network_retries=0,
        )
        # The answers and their renderings (`pages`), kept together.
        self.cache = TTLCache(
            settings.cache_seconds, max_bytes=settings.answers_bytes + settings.pages_bytes
        )
        self._call = Caller(settings, self.store)
        # Optional permissions this key turned out not to have (see `_optional`): asked once
        # per process, then the proxy does without what they would have shown.
        self.refused: set[str] = set()
        self.readiness: tuple[float, ApiError | None] = (float("-inf"), None)
        self.readiness_lock = anyio.Lock()

    async def list_customers(self, email: str) -> Obj:
        params = _params(email=email, limit=100, expand=["data.subscriptions"])
        return await self._call(lambda: self.stripe.v1.customers.list_async(params=params))

    async def search_customers(self, query: str) -> Obj:
        params = _params(query=query, limit=100, expand=["data.subscriptions"])
        return await self._call(lambda: self.stripe.v1.customers.search_async(params=params))

    async def retrieve_customer(self, customer_id: str) -> Obj:
        params = _params(expand=["subscriptions"])
        return await self._call(
            lambda: self.stripe.v1.customers.retrieve_async(customer_id, params=params)
        )

    async def list_invoices(self, params: Obj) -> Obj:
        return await self._call(lambda: self.stripe.v1.invoices.list_async(params=params))  # type: ignore[arg-type]

    async def retrieve_invoice(self, invoice_id: str, expand: list[str] | None = None) -> Obj:
        if expand is None:
            return await self._call(lambda: self.stripe.v1.invoices.retrieve_async(invoice_id))
        params = _params(expand=expand)
        return await self._call(
            lambda: self.stripe.v1.invoices.retrieve_async(invoice_id, params=params)
        )

    async def retrieve_invoice_named(self, invoice_id: str) -> Obj:
        """The invoice with its discounts' names, until Stripe refuses the key those
        expansions once; then without them."""
        if "discount_names" not in self.refused:
            try:
                return await self.retrieve_invoice(invoice_id, DISCOUNT_NAMES)
            except ApiError as error:
                if not refused(error):
                    raise
                self.refused.add("discount_names")
        return await self.retrieve_invoice(invoice_id, [])

    async def list_lines(self, invoice_id: str, params: Obj) -> Obj:
        return await self._call(
            lambda: self.stripe.v1.invoices.line_items.list_async(invoice_id, params=params)  # type: ignore[arg-type]
        )

    async def retrieve_tax_rate(self, rate_id: str) -> Obj | None:
        return await self._optional(
            "tax_rates", lambda: self.stripe.v1.tax_rates.retrieve_async(rate_id)
        )

    async def list_invoice_payments(self, invoice_id: str, status: str) -> Obj | None:
        """The invoice's payment in `status` (paid, or open after a failed attempt) with its
        PaymentIntent and that intent's payment method (Payment intents and Payment methods
        Read); a paid one's with the intent's charge too, for its receipt, while receipts are
        on and until Stripe refuses the key that expansion once (Charges Read)."""
        expand = ["data.payment.payment_intent.payment_method"]
        receipt = status == "paid" and self.settings.allow_receipts
        if receipt and not self.refused & {"charges", "invoice_payments"}:
            found = await self._optional(
                "charges", self._payments(invoice_id, status, [*expand, RECEIPT])
            )
            if found is not None or "charges" not in self.refused:
                return found
        return await self._optional("invoice_payments", self._payments(invoice_id, status, expand))

    def _payments(
        self, invoice_id: str, status: str, expand: list[str]
    ) -> Callable[[], Awaitable[Any]]:
        params = _params(invoice=invoice_id, status=status, limit=1, expand=expand)
        return lambda: self.stripe.v1.invoice_payments.list_async(params=params)

    async def list_credit_notes(self, invoice_id: str) -> Obj | None:
        """An invoice's credit notes, newest first, up to 100 (Credit notes Read)."""
        params = _params(invoice=invoice_id, limit=100)
        return await self._optional(
            "credit_notes", lambda: self.stripe.v1.credit_notes.list_async(params=params)
        )

    async def create_preview(self, subscription_id: str) -> Obj | None:
        """The invoice the subscription will make next, unsaved: nothing is created (Invoices
        Read). None when it will make none (Stripe's 400 `invoice_upcoming_none`)."""
        params = _params(subscription=subscription_id)
        return await self._optional(
            "invoice_previews",
            lambda: self.stripe.v1.invoices.create_preview_async(params=params),
        )

    async def retrieve_payment_method(self, method_id: str) -> Obj | None:
        return await self._optional(
            "payment_methods", lambda: self.stripe.v1.payment_methods.retrieve_async(method_id)
        )

    async def pay_invoice(self, invoice_id: str, params: Obj, idempotency_key: str) -> Obj:
        """The paid invoice; Stripe's refusal as a `Refusal`, unless retrying could help."""
        options = _params(idempotency_key=idempotency_key)
        try:
            return await self._call(
                lambda: self.stripe.v1.invoices.pay_async(
                    invoice_id, params=_params(**params), options=options
                ),
                passthrough=True,
            )
        except stripe.StripeError as error:
            decline = getattr(error.error, "decline_code", None) if error.error else None
            raise Refusal(kind(error), error.code or "", decline, error.user_message) from None

    async def retrieve_subscription(self, subscription_id: str) -> Obj:
        return await self._call(
            lambda: self.stripe.v1.subscriptions.retrieve_async(subscription_id)
        )

    async def create_portal_session(self, params: Obj) -> Obj:
        """A billing portal session (Customer portal Write); its `url` is for the customer."""
        return await self._call(
            lambda: self.stripe.v1.billing_portal.sessions.create_async(params=_params(**params))
        )

    async def update_customer(self, customer_id: str, params: Obj) -> Obj:
        return await self._call(
            lambda: self.stripe.v1.customers.update_async(customer_id, params=_params(**params))
        )

    async def list_tax_ids(self, customer_id: str) -> Obj:
        tax_ids = self.stripe.v1.customers.tax_ids
        return await self._call(lambda: tax_ids.list_async(customer_id, params={"limit": 100}))

    async def delete_tax_id(self, customer_id: str, id: str) -> Obj:
        return await self._call(
            lambda: self.stripe.v1.customers.tax_ids.delete_async(customer_id, id)
        )

    async def create_tax_id(self, customer_id: str, type: str, value: str, param: str) -> Obj:
        """A new tax ID; a value Stripe refuses for its type is 400 tax_id_invalid (`param`)."""
        params, tax_ids = _params(type=type, value=value), self.stripe.v1.customers.tax_ids
        try:
            return await self._call(
                lambda: tax_ids.create_async(customer_id, params=params), passthrough=True
            )
        except stripe.StripeError as error:
            if error.code == "tax_id_invalid":
                message = f"{value!r} is not a valid {type} tax ID"
                raise ApiError(400, "tax_id_invalid", message, param=param) from None
            refusal = KEY_REFUSED if kind(error) == "key" else "Stripe answered with an error"
            raise ApiError(502, "upstream_unavailable", refusal) from None

    async def pdf_chunks(self, url: str) -> AsyncGenerator[bytes, None]:
        """An invoice's PDF as it arrives, only from Stripe's hosts or STRIPE_API_BASE's and
        never with the key; ValueError when it is elsewhere, refused or over PDF_BYTES."""
        for _ in range(PDF_REDIRECTS + 1):
            if not _stripe_host(url, self.settings.api_base):
                raise ValueError("not on Stripe's hosts")
            async with self.http.stream("GET", url) as response:
                if response.is_redirect:
                    url = str(response.url.join(response.headers.get("location", "")))
                    continue
                if response.status_code != 200:
                    raise ValueError(f"Stripe answered {response.status_code}")
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > PDF_BYTES:
                        raise ValueError("over 10 MB")
                    yield chunk
                return
        raise ValueError("too many redirects")

    async def _optional(self, permission: str, make: Callable[[], Awaitable[Any]]) -> Obj | None:
        """A call for something the portal can do without (a name, a card): None when Stripe
        has no such object, refuses the key (then not asked again), or fails; only the
        request's deadline and rate limits still end the request."""
        if permission in self.refused:
            return None
        try:
            return await self._call(make)
        except ApiError as error:
            if error.code in FATAL:
                raise
            if refused(error):
                self.refused.add(permission)
            return None

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


def _params(**values: Any) -> Any:
    # The SDK types every parameter set as a TypedDict; these are built at run time.
    return values


def _stripe_host(url: str, api_base: str) -> bool:
    try:
        given, own = httpx.URL(url), httpx.URL(api_base)
    except (httpx.InvalidURL, TypeError):
        return False
    if (given.scheme, given.host, given.port) == (own.scheme, own.host, own.port):
        return True
    return given.scheme == "https" and given.port is None and given.host.endswith(".stripe.com")
