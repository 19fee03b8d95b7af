// Filtering the list by status and creation date (part of the on-demand chunk, embed/later.js).
// The date range and the month picker (embed/jump.js) are two views of one bound, the list's
// `created`: a jump shows here as the range's end (the last day of its month), and a range
// applied here replaces the jump's month; "Back to the newest" drops the dates, not the status.
// Dates are whole UTC days, as the accountant's downloads count them.
import { h } from "./dom.js";
import { replaceList } from "./paging.js";
import { plain } from "./parts.js";

export const STATUSES = ["open", "paid", "void", "uncollectible"];

// The YYYY-MM-DD of a date input as unix seconds: that UTC day's first, or with `end` its last.
export function day(text, end = false) {
  const [y, m, d] = text.split("-").map(Number);
  return Date.UTC(y, m - 1, d + (end ? 1 : 0)) / 1000 - (end ? 1 : 0);
}

// Unix seconds as the YYYY-MM-DD a date input holds: of that UTC day, or with `local` of the
// browser's (a jump's month ends in the customer's own time zone).
export function iso(seconds, local = false) {
  const at = new Date(seconds * 1000);
  if (local) at.setMinutes(at.getMinutes() - at.getTimezoneOffset());
  return at.toISOString().slice(0, 10);
}

// What the filters show for the list in view.
export function current(state) {
  const c = state.created || {};
  return {
    status: state.status || "",
    from: c.gte ? iso(c.gte) : "",
    to: c.lte ? iso(c.lte) : c.lt ? iso(c.lt - 1, true) : "",
  };
}

export const active = (state) => !!(state.status || state.created);

let fields = 0;

// A labelled field, an error below it. The label names its control by id rather than wrapping
// it: a label around a <select> would take every option's text into its name.
export function field(text, control, ...more) {
  if (!control.id) control.id = `i${fields++}`;
  return h("div", { class: "field" }, h("label", { for: control.id }, text), control, ...more);
}

// The error under a field, tied to it (aria-describedby, aria-invalid); `null` removes it.
export function mark(input, error, text) {
  error.textContent = text || "";
  error.hidden = !text;
  if (text) {
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", error.id);
  } else {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }
}

// From > to: the error on `to`; true when the range is fine (either end may be left open).
export function checkRange(from, to, error, s) {
  const bad = from.value && to.value && from.value > to.value;
  mark(to, error, bad && s.t("filters.bad_range"));
  if (bad) to.focus();
  return !bad;
}

// The panel: status, from, to, Apply and Clear; `update` follows the list when a jump, the
// empty state's Clear or a failed request changed its bound.
export function filters(el, s) {
  const option = (value, text) => h("option", { value }, text);
  const status = h("select", { "data-k": "f-status" }, option("", s.t("filters.all")), STATUSES.map((v) => option(v, s.t(`status.${v}`))));
  const from = h("input", { type: "date", "data-k": "f-from" });
  const to = h("input", { type: "date", "data-k": "f-to" });
  const error = h("span", { class: "err", id: "f-err", hidden: true });
  const clear = h("button", { type: "button", class: "btn", part: "button clear-filters-button", "data-k": "f-clear", click: () => go({}) }, s.t("filters.clear"));
  const go = (values) => {
    mark(to, error, null);
    el.guard(filter(el, values));
  };
  const apply = (e) => {
    e.preventDefault();
    if (checkRange(from, to, error, s)) go({ status: status.value, from: from.value, to: to.value });
  };
  const node = h(
    "form",
    { class: "panel", part: "filters", role: "search", "aria-label": s.t("filters.title"), submit: apply },
    h(
      "div",
      { class: "fields" },
      field(s.t("filters.status"), status),
      field(s.t("filters.from"), from),
      field(s.t("filters.to"), to, error),
    ),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "btn primary", part: "button filter-button", "data-k": "f-apply" }, s.t("filters.apply")),
      clear,
    ),
  );
  let seen = null;
  return {
    node,
    label: (state) => (active(state) ? s.t("filters.toggle_on") : s.t("filters.toggle")),
    update(state) {
      if (seen && state.status === seen.status && state.created === seen.created) return;
      seen = { status: state.status, created: state.created };
      const v = current(state);
      [status.value, from.value, to.value] = [v.status, v.from, v.to];
      clear.hidden = !active(state);
    },
  };
}

// A new first page with these filters; empty values mean no filter.
export async function filter(el, { status = "", from = "", to = "" }) {
  if (el.state.busy) return;
  if (!status && !from && !to) el.focusKey = "tool:filters"; // the way it was cleared may go away
  const created = from || to ? { gte: from ? day(from) : null, lte: to ? day(to, true) : null } : null;
  const got = await replaceList(el, { status: status || null, created });
  if (!got) return;
  el.announce(el.strings.t("filters.shown", { count: got.data.length }));
  el.emit("list_filtered", { status: status || null, from: from || null, to: to || null }, { count: got.data.length, has_more: got.has_more });
}

// The list's empty state when it is filtered (or jumped): it says so, with a way out.
export function unmatched(el, s) {
  return plain(
    "empty",
    s.t("filters.empty_title"),
    s.t("filters.empty"),
    h("button", { class: "btn", part: "button clear-filters-button", "data-k": "f-none", click: () => el.guard(filter(el, {})) }, s.t("filters.clear")),
  );
}
