// One invoice: its facts, the confirm step, what to do after a decline, its lines and actions.
// Part of the on-demand chunk (embed/later.js): the list's first paint does not need it.
import { busyFlag, h, safeUrl } from "./dom.js";
import { card, ordered, purpose } from "./owed.js";
import { lines, pair } from "./lines.js";
import { badge, errorView, skeleton } from "./parts.js";
import { recovery } from "./recovery.js";
import { portalOf } from "./account.js";

// Stripe's receipt of a paid invoice's payment, in a new tab (a link: the browser opens it, and
// no window is left with a handle on ours); the page hears of it.
function receipt(inv, url, s) {
  const opened = (e) => portalOf(e.currentTarget).emit("receipt_opened", { invoice: inv.id, url }, { invoice: inv.id });
  return h("a", { class: "btn", part: "button receipt-button", href: url, target: "_blank", rel: "noopener", "data-k": "receipt", click: opened }, s.t("receipt.open"));
}

// The confirm step: which card, how much; nothing is charged before the customer says so.
function confirmStep(c, inv, s, act, busy) {
  const amount = s.amount(c.amount, c.currency);
  return h(
    "div",
    { class: "confirm", part: "confirm", role: "group", "aria-labelledby": "ch" },
    h("h3", { id: "ch" }, s.t("pay.confirm_title")),
    h("p", null, s.t("pay.confirm_text", { amount, card: card(c.method) })),
    h(
      "div",
      { class: "actions" },
      h(
        "button",
        { class: "btn primary", part: "button confirm-button", "data-k": "confirm", "aria-disabled": busyFlag(busy), click: () => act.confirm(inv) },
        s.t("action.confirm", { amount }),
      ),
      h("button", { class: "btn", part: "button cancel-button", "data-k": "cancel", click: act.cancel }, s.t("action.cancel")),
    ),
  );
}

export function detail(state, s, act) {
  const inv = state.detail || ordered(state.owed, state.invoices).find((i) => i.id === state.open);
  const features = state.session.features || {};
  const payable = features.pay && inv.status === "open" && inv.amount_remaining > 0;
  const busy = state.busy;
  const c = payable && state.confirm && state.confirm.invoice === inv.id && state.confirm;
  const what = purpose(inv, state.session.subscriptions);
  // After a decline, the ways on come first; paying again with the same card stays possible.
  const rescue = payable && !c && recovery(state, inv, s, act);
  const receiptUrl = features.receipts && inv.status === "paid" && state.detail && safeUrl(state.detail.receipt_url);
  let body;
  if (state.detailError) body = errorView({ ...state.detailError, title: "error.detail_title" }, s, act.reopen);
  else if (!state.detail) body = skeleton(3);
  else body = lines(state.detail, s);
  return h(
    "section",
    { "aria-labelledby": "dh", part: "detail", "aria-busy": state.detail ? null : "true" },
    h("button", { class: "link", part: "back-button", "data-k": "back", click: act.back }, `${s.dir === "rtl" ? "→" : "←"} ${s.t("detail.back")}`),
    h(
      "div",
      { class: "head" },
      h("h2", { id: "dh", tabindex: "-1", "data-k": "dh", part: "title" }, s.t("detail.title", { number: inv.number || "" }).trim()),
      badge(inv, s),
    ),
    what !== inv.number && h("p", { class: "what", part: "description" }, what),
    h(
      "dl",
      null,
      pair(s.t("detail.issued"), s.date(inv.created)),
      inv.due_date && pair(s.t("detail.due"), s.date(inv.due_date)),
      inv.paid_at && pair(s.t("detail.paid_on"), s.date(inv.paid_at)),
      inv.paid_with && pair(s.t("detail.paid_with"), card(inv.paid_with)),
    ),
    rescue,
    c && confirmStep(c, inv, s, act, busy),
    body,
    ((payable && !c) || features.pdf || receiptUrl) &&
      h(
        "div",
        { class: "actions" },
        payable && !c &&
          h(
            "button",
            { class: rescue ? "btn" : "btn primary", part: "button pay-button", "data-k": "pay", "aria-disabled": busyFlag(busy), click: () => act.pay(inv) },
            busy === "pay" ? s.t("action.paying") : s.t("action.pay", { amount: s.amount(inv.amount_remaining, inv.currency) }),
          ),
        features.pdf &&
          h(
            "button",
            { class: "btn", part: "button pdf-button", "data-k": "pdf", "aria-disabled": busyFlag(busy), click: () => act.pdf(inv) },
            busy === "pdf" ? s.t("action.pdf_loading") : s.t("action.pdf"),
          ),
        receiptUrl && receipt(inv, receiptUrl, s),
      ),
  );
}
