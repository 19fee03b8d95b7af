// The demo page's own script, loaded before the portal's so that no event is missed:
// switch customer or language at once, and list the portal's events as the page gets them.
const EVENTS = [
  "pre_load", "post_load", "page_loaded", "invoice_opened", "pdf_downloaded",
  "pre_payment", "payment_started", "payment_succeeded", "payment_failed",
  "payment_requires_action", "hash_expired", "error",
];
const early = [];

function show(line) {
  const log = document.getElementById("events");
  if (!log) return early.push(line);
  const item = document.createElement("li");
  item.textContent = line;
  log.prepend(item);
}

for (const name of EVENTS) {
  document.addEventListener(`invoice-portal:${name}`, (event) => {
    const code = event.detail?.response?.code ?? "";
    show(`${new Date().toLocaleTimeString()} ${name}${code ? ` (${code})` : ""}`);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("controls");
  form.addEventListener("change", () => form.requestSubmit());
  early.splice(0).forEach(show);
});
