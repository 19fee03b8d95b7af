// An invoice as it prints: bill-to, every line with quantity, unit price, taxes and discounts,
// then the totals.
import { h, safeUrl } from "./dom.js";

export const pair = (label, value, cls) => [h("dt", { class: cls }, label), h("dd", { class: cls }, value)];

export const percent = (value, s) => new Intl.NumberFormat(s.format, { style: "percent", maximumFractionDigits: 4 }).format(value / 100);

const taxName = (t, s) =>
  [t.display_name || s.t("detail.tax"), t.percentage != null && percent(t.percentage, s), t.inclusive && `(${s.t("detail.inclusive")})`]
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

// The invoice's credit notes, newest first: each with its number, date, reason, amount, a mark
// when void, and its own PDF (a link: Stripe's file, opened in a new tab).
function creditNotes(d, s) {
  const notes = d.credit_notes || [];
  if (!notes.length) return null;
  // Stripe's reasons are translated; one it adds later is shown as it names it.
  const reason = (r) => {
    const key = `credit_notes.reason_${r || "none"}`;
    return s.has(key) ? s.t(key) : String(r).replace(/_/g, " ");
  };
  return h(
    "section",
    { class: "notes", part: "credit-notes", "aria-labelledby": "nh" },
    h("h3", { id: "nh" }, s.t("credit_notes.title")),
    h(
      "ul",
      null,
      notes.map((n) => {
        const pdf = safeUrl(n.pdf);
        return h(
          "li",
          { class: n.status === "void" ? "void" : null, part: "credit-note" },
          h(
            "div",
            { class: "note" },
            h("span", { class: "what", id: `n:${n.id}` }, n.number || n.id),
            h("span", { class: "amt" }, s.amount(n.amount, n.currency || d.currency)),
            h("span", { class: "meta" }, [s.date(n.created), reason(n.reason)].filter(Boolean).join(" · ")),
            n.status === "void" && h("span", { class: "badge", part: "badge badge-void" }, s.t("status.void")),
            n.memo && h("span", { class: "meta memo" }, n.memo),
          ),
          pdf && h("a", { href: pdf, target: "_blank", rel: "noopener", "aria-describedby": `n:${n.id}` }, s.t("action.pdf")),
        );
      }),
    ),
  );
}

export function lines(d, s) {
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
              l.quantity != null && h("div", { class: "meta" }, `${s.number.format(l.quantity)} × ${unit(l)}`),
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
    creditNotes(d, s),
  ];
}
