"""How the gateway makes one Stripe call: from the process's budget, a timeout per attempt,
retries with exponential backoff and jitter on 5xx and network errors (a 429 once), all within
one deadline for the whole request, however many calls it makes.

The gateway decides what to ask Stripe; this module only runs the SDK call it is given and
turns Stripe's failures into the API's errors.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

import anyio
import stripe

from edge.errors import ApiError, not_found, rate_limited
from edge.logs import request_id_var
from edge.settings import Settings
from edge.store import Store

Obj = dict[str, Any]
log = logging.getLogger("invoice_portal")

RETRY_STATUSES = {409, 429, 500, 502, 503, 504}
BACKOFF_BASE = 0.1
BACKOFF_CAP = 2.0
MAX_ATTEMPTS = 5
MAX_RATE_LIMITED_ATTEMPTS = 2
KEY_REFUSED = "Stripe refused the proxy's key"
# The moment the current request's Stripe calls must be done by (anyio's clock); each request
# runs in its own task, so its first call sets it for the rest of that request.
_deadline: ContextVar[float | None] = ContextVar("stripe_deadline", default=None)


class Caller:
    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store

    async def __call__(
        self, make: Callable[[], Awaitable[Any]], *, passthrough: bool = False
    ) -> Obj:
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


def kind(error: stripe.StripeError) -> str:
    if isinstance(error, stripe.CardError):
        return "card"
    if isinstance(error, stripe.IdempotencyError):
        return "idempotency"
    if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
        return "key"
    return "request" if isinstance(error, stripe.InvalidRequestError) else "other"


def refused(error: ApiError) -> bool:
    """True when Stripe refused the key (a restricted key without the permission)."""
    return error.code == "upstream_unavailable" and error.message == KEY_REFUSED


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
