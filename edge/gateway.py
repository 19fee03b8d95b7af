"""The only module that talks to Stripe: what the proxy asks it, and what it keeps.

Every call goes through `edge.calls.Caller` (budget, timeout, retries, one deadline per
request). Answers are plain dicts, cached per customer for a few seconds (misses too) and
cleared by webhooks.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from typing import Any

import anyio
import httpx
import stripe

from edge import cursors, details, merging, payments, shapes
from edge.cache import TTLCache
from edge.calls import Caller, kind, refused
from edge.errors import ApiError, invalid, not_found
from edge.settings import Settings
from edge.store import Store
from edge.transport import StripeTransport

Obj = dict[str, Any]
log = logging.getLogger("invoice_portal")

INVOICE_PATTERN = re.compile(r"in_[A-Za-z0-9]{1,250}")
WEBHOOK_TOLERANCE = 300
READY_SECONDS = 300.0
NOT_READY_SECONDS = 10.0
# A cached "Stripe has no such object".
MISSING: Obj = {"object": "missing"}
# The names of an invoice's discounts, read with the invoice itself (Coupons and Promotion
# codes Read). Stripe has no endpoint for a discount alone, so this is the one way to them.
DISCOUNT_NAMES = [
    "total_discount_amounts.discount.source.coupon",
    "total_discount_amounts.discount.promotion_code",
]
PAYABLE = ["customer", "parent.subscription_details.subscription"]
# Errors that end the request: the rest, for a detail's extras, leave that extra out.
FATAL = ("rate_limited", "upstream_timeout")


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
        self._call = Caller(settings, self.store)
        # Optional permissions this key turned out not to have (see `_extra`): asked once per
        # process, then the proxy does without what they would have shown.
        self.refused: set[str] = set()
        self.readiness: tuple[float, ApiError | None] = (float("-inf"), None)
        self.readiness_lock = anyio.Lock()

    async def customers_by_email(self, email: str) -> tuple[list[Obj], str | None]:
        """The Stripe customers with this email, newest first, with their subscriptions, and
        how they matched: "exact", "case_insensitive", or None when none did.

        Stripe's email filter on the list is exact and always current, so it goes first: one
        call for almost every visitor. Only when it finds no one does the proxy ask Stripe's
        search, whose `email:` match ignores case but can be up to a minute behind (Stripe
        says not to use it right after a write): a customer created a moment ago under another
        spelling shows up a minute later, never one under the exact spelling.
        """

        async def load() -> tuple[tuple[list[Obj], str | None], list[str]]:
            params = _params(email=email, limit=100, expand=["data.subscriptions"])
            found = await self._call(lambda: self.stripe.v1.customers.list_async(params=params))
            # Stripe's email filter is exact already; the check keeps it so whatever answers.
            customers = [
                c for c in found["data"] if c.get("email") == email and not c.get("deleted")
            ]
            matched: str | None = "exact" if customers else None
            if not customers:
                customers = await self._search_email(email)
                matched = "case_insensitive" if customers else None
            tags = [f"email:{email.lower()}", *(c["id"] for c in customers)]
            return (customers, matched), tags

        customers, matched = await self.cache.fetch(("email", email), load)
        return list(customers), matched

    async def _search_email(self, email: str) -> list[Obj]:
        quote = "'" if "'" not in email else '"'
        if quote in email or "\\" in email or any(c.isspace() for c in email):
            return []  # not expressible as one clause of Stripe's query language
        query = f"email:{quote}{email}{quote}"
        params = _params(query=query, limit=100, expand=["data.subscriptions"])
        found = await self._call(lambda: self.stripe.v1.customers.search_async(params=params))
        folded = email.lower()
        customers = [
            c
            for c in found["data"]
            if str(c.get("email") or "").lower() == folded and not c.get("deleted")
        ]
        return sorted(customers, key=lambda c: c.get("created") or 0, reverse=True)

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
                found = await self._extra(
                    "discount_names",
                    lambda expand: self.stripe.v1.invoices.retrieve_async(
                        invoice_id, params=_params(expand=expand)
                    ),
                    DISCOUNT_NAMES,
                )
            except ApiError as error:
                if error.code != "not_found":
                    raise
                return MISSING, [f"invoice:{invoice_id}"]
            return found, [shapes.customer_id(found), f"invoice:{invoice_id}"]

        invoice = await self.cache.fetch(("invoice", invoice_id), load)
        if invoice is MISSING or not shapes.visible(invoice, customers):
            raise not_found()
        return dict(invoice)

    async def invoice_detail(self, invoice_id: str, customers: tuple[str, ...]) -> Obj:
        """The invoice with every line (up to `details.MAX_LINES`), its tax rates and the
        method that paid it: one call, plus one per 100 lines past Stripe's first 10, one per
        tax rate not yet known, and one for a paid invoice's payment."""
        invoice = await self.invoice(invoice_id, customers)

        async def load() -> tuple[Obj, list[str]]:
            lines, complete = await self._lines(invoice)
            used = {
                t["tax_rate_details"]["tax_rate"]
                for entry in (invoice.get("total_taxes") or [], *(i.get("taxes") for i in lines))
                for t in entry or []
                if isinstance((t.get("tax_rate_details") or {}).get("tax_rate"), str)
            }
            rates = {rate: await self._tax_rate(rate) for rate in sorted(used)}
            paid_with = await self._paid_with(invoice) if invoice.get("amount_paid") else None
            parts = {"lines": lines, "complete": complete, "rates": rates, "paid_with": paid_with}
            return parts, [shapes.customer_id(invoice), f"invoice:{invoice_id}"]

        parts = await self.cache.fetch(("detail", invoice_id), load)
        return {"invoice": invoice, **parts}

    async def _lines(self, invoice: Obj) -> tuple[list[Obj], bool]:
        embedded = invoice.get("lines") or {}
        lines = list(embedded.get("data") or [])
        more = bool(embedded.get("has_more"))
        while more and lines and len(lines) < details.MAX_LINES:
            params = _params(limit=min(100, details.MAX_LINES - len(lines)))
            params["starting_after"] = lines[-1]["id"]
            page = await self._call(functools.partial(self._line_page, invoice["id"], params))
            lines += page["data"]
            more = bool(page["has_more"]) and bool(page["data"])
        return lines[: details.MAX_LINES], not more

    async def _line_page(self, invoice_id: str, params: Obj) -> Any:
        return await self.stripe.v1.invoices.line_items.list_async(invoice_id, params=params)  # type: ignore[arg-type]

    async def _tax_rate(self, rate_id: str) -> Obj | None:
        """A tax rate's name and percentage (Tax rates Read); kept for the cache's lifetime for
        every customer, since tax rates belong to the account."""

        async def load() -> tuple[Obj, list[str]]:
            found = await self._optional(
                "tax_rates", lambda: self.stripe.v1.tax_rates.retrieve_async(rate_id)
            )
            return found or MISSING, ["tax_rates"]

        found = await self.cache.fetch(("tax_rate", rate_id), load)
        return None if found is MISSING else dict(found)

    async def _paid_with(self, invoice: Obj) -> Obj | None:
        # One call gives the card: the invoice's paid payment, its PaymentIntent and that
        # intent's payment method (Payment intents and Payment methods Read).
        params = _params(
            invoice=invoice["id"],
            status="paid",
            limit=1,
            expand=["data.payment.payment_intent.payment_method"],
        )
        found = await self._optional(
            "invoice_payments",
            lambda: self.stripe.v1.invoice_payments.list_async(params=params),
        )
        return details.paid_with(found) if found else None

    async def pay_with(self, invoice_id: str, customers: tuple[str, ...]) -> Obj:
        """What paying would charge: the invoice as `pay` reads it, and the brand, last four
        and expiry of the saved method Stripe would use (Payment methods Read)."""
        if not INVOICE_PATTERN.fullmatch(invoice_id) or not customers:
            raise not_found()

        async def load() -> tuple[Obj, list[str]]:
            params = _params(expand=PAYABLE)
            try:
                found = await self._call(
                    lambda: self.stripe.v1.invoices.retrieve_async(invoice_id, params=params)
                )
            except ApiError as error:
                if error.code != "not_found":
                    raise
                return MISSING, [f"invoice:{invoice_id}"]
            return found, [shapes.customer_id(found), f"invoice:{invoice_id}"]

        invoice = await self.cache.fetch(("payable", invoice_id), load)
        if invoice is MISSING or not shapes.visible(invoice, customers):
            raise not_found()
        if invoice["status"] != "open":
            raise ApiError(409, "invoice_not_payable", f"the invoice is {invoice['status']}")
        method_id, saved = payments.charged_method(invoice)
        method = await self._payment_method(method_id, invoice) if method_id else None
        return {
            "invoice": invoice_id,
            "currency": invoice.get("currency"),
            "amount_remaining": invoice.get("amount_remaining"),
            "has_saved_method": saved,
            "payment_method": details.payment_method(method),
        }

    async def _payment_method(self, method_id: str, invoice: Obj) -> Obj | None:
        async def load() -> tuple[Obj, list[str]]:
            found = await self._optional(
                "payment_methods",
                lambda: self.stripe.v1.payment_methods.retrieve_async(method_id),
            )
            return found or MISSING, [shapes.customer_id(invoice)]

        found = await self.cache.fetch(("payment_method", method_id), load)
        return None if found is MISSING else dict(found)

    async def owed(self, customers: tuple[str, ...]) -> list[Obj]:
        """Each customer's open invoices (one call per customer, up to 100 each), remembered
        as shown."""
        lists = []
        for customer in customers:

            async def load(customer: str = customer) -> tuple[Obj, list[str]]:
                params = _params(customer=customer, status="open", limit=100)
                listed = await self._list(params)
                shown = [shapes.trim(i) for i in listed["data"] if shapes.visible(i, customers)]
                await self.store.remember({customer: [i["id"] for i in shown]})
                return {"data": shown, "has_more": bool(listed["has_more"])}, [customer]

            lists.append(await self.cache.fetch(("owed", customer), load))
        return lists

    async def _optional(self, permission: str, make: Any) -> Obj | None:
        """A call for something the portal can do without (a name, a card): None when Stripe
        has no such object, refuses the key (then not asked again), or fails; only the
        request's deadline and rate limits still end the request."""
        if permission in self.refused:
            return None
        try:
            found: Obj = await self._call(make)
        except ApiError as error:
            if error.code in FATAL:
                raise
            if refused(error):
                self.refused.add(permission)
            return None
        return found

    async def _extra(self, permission: str, make: Any, expand: list[str]) -> Obj:
        """A call with expansions that need a permission the key may not have: asked with
        them until Stripe refuses the key once, then without."""
        if permission not in self.refused:
            try:
                found: Obj = await self._call(lambda: make(expand))
                return found
            except ApiError as error:
                if not refused(error):
                    raise
                self.refused.add(permission)
        found = await self._call(lambda: make([]))
        return found

    async def pay(
        self, invoice_id: str, customers: tuple[str, ...], idempotency_key: str | None
    ) -> Obj:
        """Pay with the customer's saved method; answer what the customer must do otherwise."""
        if not INVOICE_PATTERN.fullmatch(invoice_id) or not customers:
            raise not_found()
        invoice = await self._call(
            lambda: self.stripe.v1.invoices.retrieve_async(
                invoice_id, params=_params(expand=PAYABLE)
            )
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
            outcome = payments.refusal(kind(error), error.code or "", decline, error.user_message)
            if outcome == "authentication_required":
                return await self._requires_authentication(invoice)
            if isinstance(outcome, str):
                return shapes.requires_action(outcome, invoice)
            raise outcome from None
        finally:
            self.cache.forget([shapes.customer_id(invoice), f"invoice:{invoice_id}"])
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


def _params(**values: Any) -> Any:
    # The SDK types every parameter set as a TypedDict; these are built at run time.
    return values
