// Rendering is a function of state: view(state, strings, actions) builds fresh nodes.
import { busyFlag, h } from "./dom.js";
import { card, ordered, outstanding, purpose, unpaid } from "./owed.js";
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

const pair = (label, value, cls) => [h("dt", { class: cls }, label), h("dd", { class: cls }, value)];

const taxName = (t, s) =>
  [t.display_name || s.t("detail.tax"), t.percentage != null && s.percent(t.percentage), t.inclusive && `(${s.t("detail.inclusive")})`]
    .filter(Boolean)
    .join(" ");

// Bill to, as an invoice prints it: name, email, address, phone, tax ids.
function billTo(d, s) {
  const a = d.customer_address || {};
  const place = /^(US|CA)$/.test(a.country)
    ? [[a.city, a.state].filter(Boolean).join(", "), a.postal_code]
    : [a.postal_code, a.city, a.state];
  const rows = [
    d.customer_name,
    d.customer_email,
    a.line1,
    a.line2,
    place.filter(Boolean).join(" "),
    a.country && new Intl.DisplayNames(s.format, { type: "region" }).of(a.country),
    d.customer_phone,
    ...(d.customer_tax_ids || []).map((t) => [String(t.type || "").replace(/_/g, " ").toUpperCase(), t.value].join(" ").trim()),
  ].filter(Boolean);
  return rows.length ? h("div", { class: "bill", part: "bill-to" }, h("h3", null, s.t("detail.bill_to")), rows.map((r) => h("div", null, r))) : null;
}

function lines(d, s) {
  const money = (v) => s.amount(v, d.currency);
  const unit = (l) => (l.unit_amount_decimal != null ? money(Number(l.unit_amount_decimal)) : l.unit_amount != null ? money(l.unit_amount) : "");
  const count = d.lines.length;
  const discountName = (x) => x.name || x.code || s.t("detail.discount");
  return [
    billTo(d, s),
    h(
      "table",
      { part: "lines" },
      h("caption", { class: "sr" }, s.t("detail.items", { count })),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ["description", "amount"].map((k) => h("th", { scope: "col" }, s.t(`detail.${k}`))),
        ),
      ),
      h(
        "tbody",
        null,
        d.lines.map((l) =>
          h(
            "tr",
            null,
            h(
              "td",
              null,
              l.description || "",
              l.period && l.period.start && l.period.end !== l.period.start &&
                h("div", { class: "meta" }, s.t("detail.period", { start: s.date(l.period.start), end: s.date(l.period.end) })),
              // Quantity and unit price under the description, as receipts print them: two more
              // columns do not fit a phone.
              l.quantity != null && h("div", { class: "meta" }, `${l.quantity} × ${unit(l)}`),
              l.taxes.map((t) => h("div", { class: "meta" }, `${taxName(t, s)}: ${money(t.amount)}`)),
              l.discounts.map((x) => x.amount > 0 && h("div", { class: "meta" }, `${discountName(x)}: ${money(-x.amount)}`)),
            ),
            h("td", null, s.amount(l.amount, l.currency || d.currency)),
          ),
        ),
      ),
    ),
    d.lines_has_more && h("p", { class: "meta" }, s.t("detail.more_lines")),
    h(
      "dl",
      { class: "totals", part: "totals" },
      pair(s.t("detail.subtotal"), money(d.subtotal)),
      // The proxy always sends these lists; the tax and discount totals are their sums.
      d.discounts.map((x) => pair(discountName(x), money(-x.amount))),
      d.taxes.map((t) => pair(taxName(t, s), money(t.amount))),
      pair(s.t("detail.total"), money(d.total), "strong"),
      pair(s.t("detail.amount_paid"), money(d.amount_paid)),
      pair(s.t("detail.amount_due"), money(d.amount_remaining), "strong"),
    ),
  ];
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
