"""What every request reads, made once by `create_app` and kept on the app: the settings, the
gateway to Stripe, the store (limits, shown ids) and the verified tokens."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from edge.gateway import Gateway
from edge.settings import Settings
from edge.store import Store
from edge.tokens import Memo


@dataclass(frozen=True, slots=True)
class Parts:
    settings: Settings
    gateway: Gateway
    store: Store
    tokens: Memo


def of(request: Request) -> Parts:
    """The app's parts. A plain attribute of the app: Starlette's `app.state` answers each name
    after an `AttributeError` of its own, which cost more than a microsecond per read, a few
    times per request."""
    found: Parts = request.scope["app"].parts
    return found


def unpacked(request: Request) -> tuple[Settings, Gateway, Store]:
    found = of(request)
    return found.settings, found.gateway, found.store
