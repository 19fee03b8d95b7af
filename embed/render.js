// Rendering is a function of state: view(state, strings, actions) builds fresh nodes.
// Every string becomes a text node (append with a string, never innerHTML), so nothing from
// Stripe, the customer or a translation file is ever parsed as markup.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (typeof v === "function") el.addEventListener(k, v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  el.append(...children.flat(2).filter((c) => c != null && c !== false));
  return el;
}

// Only http(s) addresses from the proxy are followed or linked (never javascript:).
export function safeUrl(url) {
  try {
    const u = new URL(url);
    return /^https?:$/.test(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

// aria-disabled rather than disabled: a disabled button drops the keyboard focus.
const busyFlag = (busy) => (busy ? "true" : null);

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
  el.replaceChildren(...(n ? [n.text, link || ""] : []));
}

export function errorView(error, s, retry) {
  return h(
    "div",
    { class: "error", part: "error", role: "alert" },
    h("p", null, error.text),
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

function row(inv, s, act) {
  const due = inv.status === "open" && inv.due_date;
  return h(
    "li",
    null,
    h(
      "button",
      { class: "row", part: "row", "data-k": `row:${inv.id}`, click: () => act.open(inv) },
      h("span", { class: "num" }, inv.number || s.t("invoice.untitled")),
      h("span", { class: "meta date" }, s.date(inv.created)),
      due && h("span", { class: "meta due" }, s.t("list.due", { date: s.date(inv.due_date) })),
      h("span", { class: "amt" }, s.amount(inv.total, inv.currency)),
      badge(inv, s),
    ),
  );
}

function list(state, s, act) {
  const body = state.listLoading
    ? skeleton(4)
    : state.invoices.length
      ? h("ul", { part: "list" }, state.invoices.map((inv) => row(inv, s, act)))
      : h("p", { class: "empty", part: "empty" }, s.t("list.empty"));
  return h(
    "section",
    { "aria-labelledby": "title", "aria-busy": state.listLoading ? "true" : null },
    h("div", { class: "bar" }, h("h2", { id: "title", part: "title" }, s.t("list.title")), switcher(state, s, act)),
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

function lines(d, s) {
  const money = (v) => s.amount(v, d.currency);
  const count = d.lines.length;
  return [
    h(
      "table",
      { part: "lines" },
      h("caption", { class: "sr" }, s.t("detail.items", { count })),
      h(
        "thead",
        null,
        h("tr", null, ["detail.description", "detail.quantity", "detail.amount"].map((k) => h("th", { scope: "col" }, s.t(k)))),
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
            ),
            h("td", null, l.quantity == null ? "" : String(l.quantity)),
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
      d.discount ? pair(s.t("detail.discount"), money(-d.discount)) : null,
      d.tax ? pair(s.t("detail.tax"), money(d.tax)) : null,
      pair(s.t("detail.total"), money(d.total), "strong"),
      pair(s.t("detail.amount_paid"), money(d.amount_paid)),
      pair(s.t("detail.amount_due"), money(d.amount_remaining), "strong"),
    ),
  ];
}

function detail(state, s, act) {
  const inv = state.detail || state.invoices.find((i) => i.id === state.open);
  const features = state.session.features || {};
  const payable = features.pay && inv.status === "open" && inv.amount_remaining > 0;
  const busy = state.busy;
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
    h(
      "dl",
      null,
      pair(s.t("detail.issued"), s.date(inv.created)),
      inv.due_date && pair(s.t("detail.due"), s.date(inv.due_date)),
      inv.paid_at && pair(s.t("detail.paid_on"), s.date(inv.paid_at)),
    ),
    body,
    (payable || features.pdf) &&
      h(
        "div",
        { class: "actions" },
        payable &&
          h(
            "button",
            { class: "btn primary", part: "button pay-button", "data-k": "pay", "aria-disabled": busyFlag(busy), click: () => act.pay(inv) },
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
