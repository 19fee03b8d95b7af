"""The hosted customer portal a billing portal session's `url` opens, sandbox style.

Plain HTML forms, no script. A session with a flow shows only that flow's page until it is
completed, then does what `after_completion` says; a session without one shows the homepage
with every action its configuration enables. As Stripe's, a session URL nobody visits expires
(`UNVISITED_TTL` after creation). Everything from Stripe or the customer is shown as text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from sandbox import pdf, portal_flows
from sandbox.customers import TEST_CARDS
from sandbox.errors import StripeError
from sandbox.portal import CONFIGURATION, SESSION
from sandbox.state import Sandbox

UNVISITED_TTL = 300  # seconds; what Stripe's short-lived session URL is commonly given
EXPIRED = (
    "<h1>This portal session has expired.</h1><p>Return to the site and open the portal again.</p>"
)
STYLE = """body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;
color:#1a1f36}h1{font-size:1.4rem}h2{font-size:1.05rem;margin-top:2rem}.test{background:#ffde92;
padding:.2rem .5rem;border-radius:4px;font-size:.8rem}.card{border:1px solid #e3e8ee;border-radius:
8px;padding:1rem;margin:.5rem 0}.muted{color:#697386}.error{color:#df1b41}label{display:block;
margin:.4rem 0}button{background:#635bff;color:#fff;border:0;border-radius:6px;padding:.5rem 1rem;
font-size:1rem;margin-top:.8rem}a{color:#635bff}"""


class Visit:
    """One request to a session's pages: the session, its customer and what it may do."""

    def __init__(self, sb: Sandbox, secret: str) -> None:
        self.sb, self.secret = sb, secret
        self.state = sb.store.portal_visits[secret]
        self.session = sb.store.objects[SESSION][self.state["session"]]
        self.config = sb.store.objects[CONFIGURATION][self.session["configuration"]]
        self.customer = sb.store.objects["customer"][self.session["customer"]]
        self.home = f"/p/session/{secret}"

    @property
    def flow(self) -> dict[str, Any] | None:
        return None if self.state["done"] else self.session["flow"]

    def enabled(self, feature: str) -> bool:
        return bool(self.config["features"][feature]["enabled"])

    def allows(self, action: str, sub: dict[str, Any] | None = None) -> bool:
        """A flow allows its own action on its own subscription; the homepage allows every
        enabled one on the customer's subscriptions that are not canceled."""
        flow = self.flow
        if flow is not None:
            if flow["type"] != action:
                return False
            return sub is None or (flow[action] or {}).get("subscription") == sub["id"]
        feature = "subscription_update" if action.startswith("subscription_update") else action
        if action == "subscription_update_confirm" or not self.enabled(feature):
            return False
        return sub is None or (
            sub["customer"] == self.customer["id"] and sub["status"] not in ("canceled",)
        )

    def finish(self) -> Response:
        """Where a completed action leads: the flow's `after_completion`, else the homepage."""
        flow = self.flow
        self.state["done"] = True
        after: dict[str, Any] = flow["after_completion"] if flow else {"type": "portal_homepage"}
        if after["type"] == "redirect":
            return RedirectResponse(after["redirect"]["return_url"], 303)
        if after["type"] == "hosted_confirmation":
            return RedirectResponse(self.home + "/done", 303)
        return RedirectResponse(self.home, 303)


def routes(sb: Sandbox) -> list[Route]:
    def visit(request: Request) -> Visit | Response:
        secret = request.path_params["secret"]
        state = sb.store.portal_visits.get(secret)
        if state is None or state["session"] not in sb.store.objects[SESSION]:
            return _page("Not found", "<h1>This portal session does not exist.</h1>", 404)
        created = sb.store.objects[SESSION][state["session"]]["created"]
        if state["visited"] is None:
            if sb.store.now() - created > UNVISITED_TTL:
                return _page("Session expired", EXPIRED, 410)
            state["visited"] = sb.store.now()
        return Visit(sb, secret)

    def subscription(v: Visit, request: Request, action: str) -> dict[str, Any] | Response:
        sub = sb.store.objects["subscription"].get(request.path_params["sub"])
        if sub is None or sub["customer"] != v.customer["id"] or not v.allows(action, sub):
            return _page("Not available", "<h1>This action is not available.</h1>", 404)
        return sub

    async def form(request: Request) -> dict[str, str]:
        return dict(parse_qsl((await request.body()).decode("utf-8", "replace")))

    async def home(request: Request) -> Response:
        v = visit(request)
        if isinstance(v, Response):
            return v
        flow = v.flow
        if flow is None:
            return _page("Billing", _homepage(v))
        if flow["type"] == "payment_method_update":
            return _page("Update payment method", _card_form(v))
        sub = sb.store.objects["subscription"][flow[flow["type"]]["subscription"]]
        return _page("Billing", _flow_page(v, flow["type"], sub))

    async def payment_method(request: Request) -> Response:
        v = visit(request)
        if isinstance(v, Response):
            return v
        if not v.allows("payment_method_update"):
            return _page("Not available", "<h1>This action is not available.</h1>", 404)
        if request.method == "GET":
            return _page("Update payment method", _card_form(v))
        card = (await form(request)).get("payment_method", "")
        if card not in TEST_CARDS:
            return _page("Update payment method", _card_form(v, "Choose a test card."), 400)
        portal_flows.update_payment_method(sb, v.customer["id"], card)
        return v.finish()

    async def update(request: Request) -> Response:
        v = visit(request)
        if isinstance(v, Response):
            return v
        sub = subscription(v, request, "subscription_update")
        if isinstance(sub, Response):
            return sub
        if request.method == "GET":
            return _page("Update plan", _flow_page(v, "subscription_update", sub))
        offered = {p["id"]: p for p in portal_flows.prices_offered(sb, v.config["id"], sub)}
        price = offered.get((await form(request)).get("price", ""))
        if price is None:
            body = _flow_page(v, "subscription_update", sub, "Choose one of the plans offered.")
            return _page("Update plan", body, 400)
        item = next(si for si in sub["items"]["data"] if si["price"]["product"] == price["product"])
        portal_flows.change_price(sb, sub, [(item["id"], price["id"])])
        return v.finish()

    async def confirm(request: Request) -> Response:
        v = visit(request)
        if isinstance(v, Response):
            return v
        sub = subscription(v, request, "subscription_update_confirm")
        if isinstance(sub, Response):
            return sub
        items = v.session["flow"]["subscription_update_confirm"]["items"]
        portal_flows.change_price(sb, sub, [(i["id"], i["price"]) for i in items if i["price"]])
        return v.finish()

    async def cancel(request: Request) -> Response:
        v = visit(request)
        if isinstance(v, Response):
            return v
        sub = subscription(v, request, "subscription_cancel")
        if isinstance(sub, Response):
            return sub
        if request.method == "GET":
            return _page("Cancel plan", _flow_page(v, "subscription_cancel", sub))
        try:
            portal_flows.cancel(sb, sub, v.config["features"]["subscription_cancel"]["mode"])
        except StripeError as error:
            return _page("Cancel plan", f'<p class="error">{escape(error.message)}</p>', 400)
        return v.finish()

    async def done(request: Request) -> Response:
        v = visit(request)
        if isinstance(v, Response):
            return v
        hosted = (v.session["flow"] or {}).get("after_completion", {}).get("hosted_confirmation")
        message = (hosted or {}).get("custom_message") or "Your changes have been saved."
        body = f"<h1>All done</h1><p>{escape(message)}</p>{_return_link(v)}"
        return _page("Done", body)

    prefix = "/p/session/{secret}"
    return [
        Route(prefix, home, methods=["GET"]),
        Route(prefix + "/done", done, methods=["GET"]),
        Route(prefix + "/payment_method", payment_method, methods=["GET", "POST"]),
        Route(prefix + "/subscriptions/{sub}/update", update, methods=["GET", "POST"]),
        Route(prefix + "/subscriptions/{sub}/confirm", confirm, methods=["POST"]),
        Route(prefix + "/subscriptions/{sub}/cancel", cancel, methods=["GET", "POST"]),
    ]


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        '</title><meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<style>{STYLE}</style></head><body><p><span class="test">Test mode</span> '
        f"Stripe sandbox &middot; customer portal</p>{body}</body></html>",
        status,
    )


def _return_link(v: Visit) -> str:
    url = v.session["return_url"]
    if not url:
        return ""
    host = urlsplit(url).netloc
    return f'<p><a class="return" href="{escape(url)}">&larr; Return to {escape(host)}</a></p>'


def _back(v: Visit) -> str:
    return _return_link(v) if v.flow else f'<p><a href="{v.home}">&larr; Back</a></p>'


def _card_label(v: Visit) -> str:
    pm_id = v.customer["invoice_settings"]["default_payment_method"]
    pm = v.sb.store.objects["payment_method"].get(pm_id or "")
    if pm is None:
        return "No payment method on file"
    return f"{pm['card']['brand'].title()} •••• {pm['card']['last4']}"


def _plan(sub: dict[str, Any], price: dict[str, Any] | None = None) -> str:
    price = price or sub["items"]["data"][0]["price"]
    name = price["nickname"] or sub["description"] or price["id"]
    recurring = price["recurring"] or {"interval": "once"}
    amount = pdf.money(price["unit_amount"] or 0, price["currency"])
    return f"{escape(name)} &middot; {escape(amount)} / {escape(recurring['interval'])}"


def _date(ts: int) -> str:
    moment = datetime.fromtimestamp(ts, UTC)
    return f"{moment:%B} {moment.day}, {moment.year}"


def _homepage(v: Visit) -> str:
    name = v.customer["name"] or v.customer["email"] or v.customer["id"]
    parts = [f"<h1>{escape(name)}</h1>", _return_link(v), "<h2>Payment method</h2>",
             f'<div class="card"><span class="pm">{escape(_card_label(v))}</span>']  # fmt: skip
    if v.allows("payment_method_update"):
        parts.append(f'<br><a href="{v.home}/payment_method">Update payment method</a>')
    parts.append("</div><h2>Subscriptions</h2>")
    subs = [s for s in v.sb.store.ordered("subscription")
            if s["customer"] == v.customer["id"] and s["status"] != "canceled"]  # fmt: skip
    if not subs:
        parts.append('<p class="muted">No subscriptions.</p>')
    for sub in subs:
        base = f"{v.home}/subscriptions/{escape(sub['id'])}"
        note = (f'<br><span class="muted">Cancels on {_date(sub["cancel_at"])}</span>'
                if sub["cancel_at_period_end"] and sub["cancel_at"] else "")  # fmt: skip
        links = []
        if v.allows("subscription_update", sub) and portal_flows.prices_offered(
            v.sb, v.config["id"], sub
        ):
            links.append(f'<a href="{base}/update">Update plan</a>')
        if v.allows("subscription_cancel", sub) and not sub["cancel_at_period_end"]:
            links.append(f'<a href="{base}/cancel">Cancel plan</a>')
        parts.append(f'<div class="card" data-subscription="{escape(sub["id"])}">{_plan(sub)}'
                     f"{note}<br>{' &middot; '.join(links)}</div>")  # fmt: skip
    return "".join(parts)


def _card_form(v: Visit, error: str = "") -> str:
    options = "".join(
        f'<label><input type="radio" name="payment_method" value="{escape(ref)}"'
        f"{' checked' if i == 0 else ''}> {escape(brand.title())} •••• {escape(last4)} "
        f'<span class="muted">({escape(ref)})</span></label>'
        for i, (ref, (brand, last4, _)) in enumerate(TEST_CARDS.items())
    )
    message = f'<p class="error">{escape(error)}</p>' if error else ""
    return (
        f"<h1>Update payment method</h1>{message}"
        f'<p>Current: <span class="pm">{escape(_card_label(v))}</span></p>'
        f'<form method="post" action="{v.home}/payment_method">{options}'
        f'<button type="submit">Add payment method</button></form>{_back(v)}'
    )


def _flow_page(v: Visit, kind: str, sub: dict[str, Any], error: str = "") -> str:
    base = f"{v.home}/subscriptions/{escape(sub['id'])}"
    message = f'<p class="error">{escape(error)}</p>' if error else ""
    current = f'<p>Current plan: <span class="plan">{_plan(sub)}</span></p>'
    if kind == "subscription_cancel":
        mode = v.config["features"]["subscription_cancel"]["mode"]
        ends = max(si["current_period_end"] or 0 for si in sub["items"]["data"])
        when = ("immediately" if mode == "immediately" or not ends
                else f"at the end of your billing period, on {_date(ends)}")  # fmt: skip
        return (
            f"<h1>Cancel your plan</h1>{message}{current}<p>Your plan will be canceled {when}.</p>"
            f'<form method="post" action="{base}/cancel"><button type="submit">Cancel plan'
            f"</button></form>{_back(v)}"
        )
    if kind == "subscription_update_confirm":
        items = v.session["flow"]["subscription_update_confirm"]["items"]
        new = [v.sb.store.objects["price"].get(i["price"] or "") for i in items]
        lines = "".join(f"<li>{_plan(sub, p)}</li>" for p in new if p)
        return (
            f"<h1>Confirm your new plan</h1>{message}{current}<ul>{lines}</ul>"
            f'<form method="post" action="{base}/confirm"><button type="submit">Confirm'
            f"</button></form>{_back(v)}"
        )
    offered = portal_flows.prices_offered(v.sb, v.config["id"], sub)
    options = "".join(
        f'<label><input type="radio" name="price" value="{escape(p["id"])}"'
        f"{' checked' if i == 0 else ''}> {_plan(sub, p)}</label>"
        for i, p in enumerate(offered)
    )
    if not options:
        options = '<p class="muted">No other plans are offered.</p>'
    return (
        f"<h1>Update your plan</h1>{message}{current}"
        f'<form method="post" action="{base}/update">{options}'
        f'<button type="submit">Update plan</button></form>{_back(v)}'
    )
