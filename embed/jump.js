// Jumping to a month (part of the on-demand chunk, embed/later.js): the customer picks a month and a year (from the customer's first year at
// Stripe to this one) and sees the invoices created before that month ended, in their own time
// zone, then older ones with "Load more". Two labelled <select>s and a button: a select's change
// fires on every arrow key in some browsers, so nothing is fetched before the button is pressed.
import { h } from "./dom.js";
import { replaceList } from "./paging.js";

// Unix seconds of the start of the month after (year, month 0-11) in the customer's own time
// zone: the `lt` bound of a jump to that month.
export const endOf = (year, month) => Math.floor(new Date(year, month + 1, 1).getTime() / 1000);

// The month a jump shows (its last second's), or the filters' range ends in, else this one.
export function shown(created, now = new Date()) {
  const end = created && (created.lt ? created.lt - 1 : created.lte);
  const at = end ? new Date(end * 1000) : now;
  return { year: at.getFullYear(), month: at.getMonth() };
}

// The years to offer, newest first: from the customer's `since` (else the oldest invoice shown).
export function years(since, now = new Date()) {
  const first = since ? new Date(since * 1000).getFullYear() : now.getFullYear();
  const count = Math.max(1, now.getFullYear() - first + 1);
  return Array.from({ length: count }, (_, i) => now.getFullYear() - i);
}

export function jumper(state, s, act) {
  const customer = state.session.customer || {};
  const oldest = state.invoices.length ? state.invoices[state.invoices.length - 1].created : null;
  const at = shown(state.created);
  const names = new Intl.DateTimeFormat(s.format, { month: "long" });
  const option = (value, text, on) => h("option", { value, selected: on }, text);
  const month = h(
    "select",
    { "data-k": "jump-month" },
    Array.from({ length: 12 }, (_, i) => option(i, names.format(new Date(2000, i, 1)), i === at.month)),
  );
  const year = h("select", { "data-k": "jump-year" }, years(customer.since || oldest).map((y) => option(y, String(y), y === at.year)));
  return h(
    "div",
    { class: "jump", part: "jump", role: "group", "aria-labelledby": "jt" },
    h("span", { id: "jt" }, s.t("jump.title")),
    h("label", null, s.t("jump.month"), month),
    h("label", null, s.t("jump.year"), year),
    h(
      "button",
      { class: "btn", part: "button jump-button", "data-k": "jump", click: () => act.jump(Number(year.value), Number(month.value)) },
      s.t("jump.go"),
    ),
    state.created && h("button", { class: "link", part: "newest-button", "data-k": "newest", click: act.newest }, s.t("jump.newest")),
  );
}

// month: 0-11, as Date counts; the event says 1-12, as people do.
export async function jump(el, year, month) {
  if (el.state.busy) return;
  const got = await replaceList(el, { created: { lt: endOf(year, month) } });
  if (!got) return;
  const name = new Intl.DateTimeFormat(el.strings.format, { month: "long", year: "numeric" }).format(new Date(year, month, 1));
  el.announce(el.strings.t("jump.shown", { month: name }));
  el.emit("list_jumped", got, { year, month: month + 1 });
}

export async function newest(el) {
  if (el.state.busy) return;
  el.focusKey = "jump"; // the way back goes away with the jump
  const got = await replaceList(el, { created: null });
  if (got) el.emit("list_jumped", got, { year: null, month: null });
}
