"""Stripe's error answers: `{"error": {...}}` with Stripe's types, codes and status codes."""

from __future__ import annotations

from typing import Any

from sandbox.fixtures import ERROR_KEYS

DOCS = "https://docs.stripe.com/error-codes"


class StripeError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.decline_code = decline_code

    def body(self, request_id: str) -> dict[str, Any]:
        error = dict.fromkeys(ERROR_KEYS)
        error.update(
            type=self.type,
            code=self.code,
            decline_code=self.decline_code,
            message=self.message,
            param=self.param,
            doc_url=f"{DOCS}#{self.code.replace('_', '-')}" if self.code else None,
            request_log_url=f"https://dashboard.stripe.com/test/logs/{request_id}",
        )
        return {"error": error}


def invalid(message: str, param: str | None = None, code: str | None = None) -> StripeError:
    return StripeError(400, message, param=param, code=code)


def missing(resource: str, id: str, param: str | None = None) -> StripeError:
    return StripeError(404, f"No such {resource}: '{id}'", code="resource_missing", param=param)


def unknown_parameter(name: str) -> StripeError:
    return invalid(f"Received unknown parameter: {name}", name, "parameter_unknown")


def missing_parameter(name: str) -> StripeError:
    return invalid(f"Missing required param: {name}.", name, "parameter_missing")


def not_authenticated(detail: str) -> StripeError:
    return StripeError(401, detail)


def rate_limited() -> StripeError:
    return StripeError(
        429,
        "Too many requests hit the API too quickly. We recommend an exponential backoff "
        "of your requests.",
        code="rate_limit",
    )


def api_error() -> StripeError:
    return StripeError(
        500,
        "An unknown error occurred. Please try again later.",
        type="api_error",
    )
