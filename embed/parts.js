// Pieces both the list and the invoice view are made of: badges, placeholders, error states.
import { busyFlag, h } from "./dom.js";

const statusOf = (inv) => (inv.status === "open" && inv.past_due ? "past_due" : inv.status);

export function badge(inv, s) {
  const status = statusOf(inv);
  const label = s.has(`status.${status}`) ? s.t(`status.${status}`) : status;
  return h("span", { class: `badge ${status}`, part: `badge badge-${status}` }, label);
}

export const skeleton = (rows) =>
  h("div", { "aria-hidden": "true" }, Array.from({ length: rows }, () => h("span", { class: "sk" })));

// Error and empty states: a heading, what happened and what to do.
export const plain = (part, title, text, ...more) =>
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

export const button = (k, label, click, primary, busy) =>
  h("button", { class: primary ? "btn primary" : "btn", part: `button ${k}-button`, "data-k": k, "aria-disabled": busyFlag(busy), click }, label);
