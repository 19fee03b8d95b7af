// After a declined card: why it failed, and two ways on. Stripe's hosted invoice page takes
// another card for this one invoice; a Stripe billing portal session replaces the saved card,
// then Stripe sends the customer back to this page, where the invoice waits with the new card
// behind one "Confirm and pay". The same portal sessions change or cancel the plan.
import { ProxyError } from "./client.js";
import { h, safeUrl } from "./dom.js";
import { button } from "./parts.js";
import { card } from "./owed.js";
import { remember } from "./resume.js";
import { openTab, watch } from "./payment.js";

const EVENTS = {
  payment_method_update: "payment_method_update_started",
  subscription_update: "plan_change_started",
  subscription_cancel: "cancel_started",
};

// The refusal in the customer's language: Stripe's decline code, else its error code, else a
// plain decline (Stripe advises telling a customer no more than that for a lost, stolen or
// "fraudulent" card, so those codes have no text of their own).
export function reason(s, error) {
  for (const c of [error.decline_code, error.code]) if (c && s.has(`pay.${c}`)) return s.t(`pay.${c}`);
  return s.t("pay.declined");
}

// The panel of an open invoice that could not be charged: just now (`state.recovery`), or at
// Stripe's last automatic attempt (the detail's `payment_error`).
export function recovery(state, inv, s, act) {
  const now = state.recovery && state.recovery.invoice === inv.id && state.recovery;
  const error = now || (inv.status === "open" && inv.payment_error);
  if (!error) return null;
  const url = safeUrl(inv.hosted_invoice_url) || safeUrl(error.url);
  const canUpdate = (state.session.features || {}).payment_method_update;
  return h(
    "div",
    { class: "recovery", part: "recovery", role: now ? "alert" : null, "aria-labelledby": "rh" },
    h("h3", { id: "rh", tabindex: "-1", "data-k": "rh" }, s.t(now ? "recovery.title" : "recovery.failed_title")),
    error.payment_method && h("p", { class: "meta" }, card(error.payment_method)),
    h("p", null, reason(s, error)),
    h(
      "div",
      { class: "actions" },
      url && button("other-card", s.t("action.other_card"), () => act.otherCard(inv, url), true),
      canUpdate &&
        button("update-card", s.t(state.busy === "portal" ? "action.opening" : "action.update_card"), () => act.updateCard(inv), !url, state.busy),
    ),
  );
}

// The plan in view (the switcher's, else the customer's current one, as the proxy says), with
// the changes the owner allows, above the list (drawn once this chunk is here).
export function plan(state, s, act) {
  const f = state.session.features || {};
  const id = state.subscription || state.session.current_subscription;
  const sub = (state.session.subscriptions || []).find((x) => x.id === id);
  if (!sub || !(f.plan_change || f.cancel) || /^(canceled|incomplete_expired)$/.test(sub.status)) return null;
  const go = (flow) => () => act.portal(flow, { subscription: sub.id });
  return h(
    "div",
    { class: "plan", part: "plan" },
    h(
      "p",
      null,
      h("span", { class: "meta" }, s.t("plan.current")),
      " ",
      h("strong", null, sub.description || sub.id),
      sub.cancel_at && h("span", { class: "meta" }, ` · ${s.t("plan.ends", { date: s.date(sub.cancel_at) })}`),
    ),
    h(
      "div",
      { class: "actions" },
      f.plan_change && button("change-plan", s.t("action.change_plan"), go("subscription_update"), false, state.busy),
      f.cancel && !sub.cancel_at && button("cancel-plan", s.t("action.cancel_plan"), go("subscription_cancel"), false, state.busy),
    ),
  );
}

// "Pay with another card": Stripe's page for this invoice in a new tab (opened within the click,
// so popup blockers allow it); the portal reads the invoice again when the customer comes back.
export function otherCard(el, inv, url) {
  const w = openTab(url);
  el.emit("hosted_invoice_page_opened", { url }, { invoice: inv.id });
  watch(el, inv);
  const t = el.strings;
  el.set({ notice: { kind: "info", text: t.t("pay.action_required"), link: w ? null : url, linkText: t.t("pay.open_page") } });
}

// A Stripe billing portal session for `flow`, coming back to this very page; `extras` names the
// subscription or the invoice it is for. The page is left in this tab: Stripe's portal ends by
// sending the customer to the return address, where a new tab would leave the old one stale.
export async function portal(el, flow, extras) {
  if (el.state.busy) return;
  el.set({ busy: "portal", notice: null });
  const r = await el.client.call("v1/billing_portal", { flow, subscription: extras.subscription, return_url: location.href });
  const url = safeUrl(r.url);
  if (!url) throw new ProxyError("bad_response", "billing portal answer without an http(s) url");
  if (extras.invoice) remember({ invoice: extras.invoice, edge: el.client.edge.href, at: Date.now() });
  el.emit(EVENTS[flow], { flow, url }, extras);
  location.assign(url);
}
