// Rendering is a function of state: view(state, strings, actions) builds fresh nodes.
import { busyFlag, h } from "./dom.js";
import { card, ordered, outstanding, purpose, unpaid } from "./owed.js";
import { lines, pair } from "./lines.js";
import { plan, recovery } from "./recovery.js";

export { h };



const statusOf = (inv) => (inv.status === "open" && inv.past_due ? "past_due" : inv.status);

function badge(inv, s) {
  const status = statusOf(inv);
  const label = s.has(`status.${status}`) ? s.t(`status.${status}`) : status;
  return h("span", { class: `badge ${status}`, part: `badge badge-${status}` }, label);
}

const skeleton = (rows) =>
  h("div", { "aria-hidden": "true" }, Array.from({ length: rows }, () => h("span", { class: "sk" })));

// The notice (payment results, failed actions) lives in one persistent live region, so that
// screen readers announce each change; this fills it.
export function notice(el, n) {
  el.className = n ? `notice ${n.kind}` : "";
  const link = n && n.link && h("a", { href: n.link, target: "_blank", rel: "noopener", "data-k": "link" }, n.linkText);
  el.replaceChildren(...(n ? [n.text, link && n.text ? " " : "", link || ""] : []));
}

// Error and empty states: a heading, what happened and what to do.
const plain = (part, title, text, ...more) =>
  h("div", { class: "state", part, role: part === "error" ? "alert" : null }, h("h3", null, title), h("p", null, text), more);

export function errorView(error, s, retry) {
  return plain(
    "error",
    s.t(error.title || "error.title"),
    error.text,
    error.retry &&
      h("button", { class: "btn", part: "button retry-button", "data-k": "retry", click: retry }, s.t("action.retry")),
  );
}

function switcher(state, s, act) {
  const subs = state.session.subscriptions || [];
  if (state.scope !== "subscription" || subs.length < 2) return null;
  return h(
    "label",
    { part: "switcher" },
    s.t("list.subscription"),
    h(
      "select",
      { "data-k": "sub", change: (e) => act.subscription(e.target.value) },
      subs.map((sub) =>
        h(
          "option",
          { value: sub.id, selected: sub.id === state.subscription },
          s.t("list.subscription_option", { name: sub.description || sub.id, date: s.date(sub.created) }),
        ),
      ),
    ),
  );
}

function row(inv, state, s, act) {
  const due = inv.status === "open" && inv.due_date;
  const payable = state.session.features.pay && inv.status === "open" && inv.amount_remaining > 0;
  const what = purpose(inv, state.session.subscriptions);
  return h(
    "li",
    null,
    h(
      "button",
      { class: "row", part: "row", "data-k": `row:${inv.id}`, click: () => act.open(inv) },
      h("span", { class: "what", id: `a:${inv.id}` }, what || s.t("invoice.untitled")),
      h("span", { class: "amt" }, s.amount(inv.total, inv.currency)),
      h(
        "span",
        { class: "meta" },
        [what !== inv.number && inv.number, s.date(inv.created), due && s.t("list.due", { date: s.date(inv.due_date) })]
          .filter(Boolean)
          .join(" · "),
        inv.payment_failed && h("span", { class: "late" }, ` · ${s.t("list.payment_failed")}`),
      ),
      badge(inv, s),
    ),
    payable &&
      h(
        "button",
        {
          class: "btn primary",
          part: "button row-pay-button",
          "data-k": `pay:${inv.id}`,
          "aria-describedby": `a:${inv.id}`,
          click: () => act.payRow(inv),
        },
        s.t("action.pay_row"),
      ),
  );
}

// The banner: the total outstanding, per currency.
function banner(state, s) {
  const totals = outstanding(state.owed);
  if (!totals.length) return null;
  const owed = unpaid(state.owed);
  const late = owed.filter((i) => i.past_due).length;
  return h(
    "div",
    { class: "owed", part: "owed" },
    h("h3", null, s.t("owed.title")),
    h("p", { class: "big" }, totals.map((t) => s.amount(t.amount_remaining, t.currency)).join(" + ")),
    h(
      "p",
      { class: "meta" },
      s.t("owed.count", { count: owed.length }),
      late ? h("span", { class: "late" }, ` · ${s.t("owed.past_due", { count: late })}`) : null,
    ),
  );
}

function list(state, s, act) {
  const invoices = ordered(state.owed, state.invoices);
  const body = state.listLoading
    ? skeleton(4)
    : invoices.length
      ? h("ul", { part: "list" }, invoices.map((inv) => row(inv, state, s, act)))
      : plain("empty", s.t("list.empty_title"), s.t("list.empty"));
  return h(
    "section",
    { "aria-labelledby": "title", "aria-busy": state.listLoading ? "true" : null },
    h("div", { class: "bar" }, h("h2", { id: "title", part: "title" }, s.t("list.title")), switcher(state, s, act)),
    plan(state, s, act),
    banner(state, s),
    body,
    state.hasMore &&
      !state.listLoading &&
      h(
        "button",
        { class: "btn more", part: "button more-button", "data-k": "more", "aria-disabled": busyFlag(state.busy), click: act.more },
        s.t(state.busy === "more" ? "list.loading_more" : "list.more"),
      ),
  );
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

function detail(state, s, act) {
  const inv = state.detail || ordered(state.owed, state.invoices).find((i) => i.id === state.open);
  const features = state.session.features || {};
  const payable = features.pay && inv.status === "open" && inv.amount_remaining > 0;
  const busy = state.busy;
  const c = payable && state.confirm && state.confirm.invoice === inv.id && state.confirm;
  const what = purpose(inv, state.session.subscriptions);
  // After a decline, the ways on come first; paying again with the same card stays possible.
  const rescue = payable && !c && recovery(state, inv, s, act);
  let body;
  if (state.detailError) body = errorView(state.detailError, s, act.reopen);
  else if (!state.detail) body = skeleton(3);
  else body = lines(state.detail, s);
  return h(
    "section",
    { "aria-labelledby": "dh", part: "detail", "aria-busy": state.detail ? null : "true" },
    h("button", { class: "link", part: "back-button", "data-k": "back", click: act.back }, `← ${s.t("detail.back")}`),
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
    ((payable && !c) || features.pdf) &&
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
      ),
  );
}

export function view(state, s, act) {
  if (state.phase === "loading")
    return h("div", { "aria-busy": "true", part: "loading" }, h("span", { class: "sr" }, s.t("loading")), skeleton(5));
  if (state.phase === "error") return errorView(state.error, s, act.retry);
  return state.open ? detail(state, s, act) : list(state, s, act);
}
