"""The one error shape of the API: {"error": {"code": ..., "message": ..., ...extra}}."""

from __future__ import annotations

import math
from typing import Any

from starlette.responses import JSONResponse


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.extra = extra

    def response(self, headers: dict[str, str] | None = None) -> JSONResponse:
        body = {"error": {"code": self.code, "message": self.message, **self.extra}}
        merged = {**(self.headers or {}), **(headers or {})} or None
        return JSONResponse(body, status_code=self.status, headers=merged)


def not_found() -> ApiError:
    # Someone else's object and a missing one get the very same answer.
    return ApiError(404, "not_found", "no such object")


def invalid(param: str, message: str) -> ApiError:
    return ApiError(400, "invalid_request", message, param=param)


def rate_limited(
    retry_after: float, message: str = "too many requests: try again later"
) -> ApiError:
    seconds = max(1, math.ceil(retry_after))
    return ApiError(
        429, "rate_limited", message, headers={"Retry-After": str(seconds)}, retry_after=seconds
    )
