// The accountant's downloads (part of the on-demand chunk, embed/later.js): every invoice created
// between two dates, as one CSV or as a zip of their PDFs. The proxy streams either; the body is
// read here chunk by chunk, so the customer sees it arrive (and can cancel), then handed to the
// browser as a Blob behind an object URL and an <a download>: the token stays in a POST body,
// where a plain link to the file would have to carry it in its address.
import { stream } from "./client.js";
import { h } from "./dom.js";
import { failure } from "./failures.js";
import { checkRange, field, mark } from "./filters.js";

// The default range. An accountant asks for a closed year (the books, the tax return), so the
// previous calendar year, complete; a customer who arrived this year has none, so this year
// so far. Local dates: the customer's idea of "last year".
export function defaultRange(since, now = new Date()) {
  const year = now.getFullYear();
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  if (since && new Date(since * 1000).getFullYear() === year) return { from: `${year}-01-01`, to: local(now) };
  return { from: `${year - 1}-01-01`, to: `${year - 1}-12-31` };
}

// filename="invoices-2025-01-01-2025-12-31.csv" (or RFC 5987's filename*=UTF-8''...), when the
// proxy exposes the header to this origin.
export function filename(header) {
  const m = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(header || "");
  if (!m) return null;
  try {
    return (m[1] ? decodeURIComponent(m[1]) : m[2]).replace(/[\\/]/g, "_");
  } catch {
    return null;
  }
}

// "1.2 MB", in the portal's language.
function size(bytes, locale) {
  const [unit, n] = bytes < 1e6 ? ["kilobyte", bytes / 1e3] : ["megabyte", bytes / 1e6];
  return new Intl.NumberFormat(locale, { style: "unit", unit, maximumFractionDigits: 1 }).format(n);
}

// What a refusal means for the customer: the too-large one says which bound (the proxy's message
// names it: a number of invoices for the zip, else the year-long range).
function explain(e, s) {
  if (e.code === "export_too_large") {
    const max = /\b(\d+) invoices/.exec(e.message || "");
    return max ? s.t("export.too_many", { max: max[1] }) : s.t("export.too_long");
  }
  if (e.code === "rate_limited") return s.t("export.rate_limited");
  return s.t(failure(e).key);
}

export function exporter(el, s) {
  const range = defaultRange((el.state.session.customer || {}).since);
  const from = h("input", { type: "date", "data-k": "x-from", value: range.from, required: true });
  const to = h("input", { type: "date", "data-k": "x-to", value: range.to, required: true });
  const errors = [h("span", { class: "err", id: "x-e0", hidden: true }), h("span", { class: "err", id: "x-e1", hidden: true })];
  const button = (format, text, primary) =>
    h("button", { type: "button", class: primary ? "btn primary" : "btn", part: `button export-${format}-button`, "data-k": `x-${format}`, click: () => run(format) }, text);
  const buttons = [button("csv", s.t("export.csv"), true), button("zip", s.t("export.zip"))];
  const cancel = h("button", { type: "button", class: "link", part: "cancel-export-button", "data-k": "x-cancel", hidden: true, click: () => ctl && ctl.abort() }, s.t("action.cancel"));
  // Indeterminate: the size is not known before the end. Named by what the status says.
  const progress = h("progress", { hidden: true, "aria-labelledby": "x-out" });
  const shown = h("span"); // what arrived so far: not a live region, it changes with every chunk
  const line = h("p", { class: "meta progress", hidden: true }, progress, shown);
  const outcome = h("p", { role: "status", class: "outcome", id: "x-out" });
  const node = h(
    "section",
    { class: "panel", part: "export", "aria-labelledby": "xh" },
    h("h3", { id: "xh" }, s.t("export.toggle")),
    h("p", { class: "meta" }, s.t("export.text")),
    h("div", { class: "fields" }, field(s.t("filters.from"), from, errors[0]), field(s.t("filters.to"), to, errors[1])),
    h("div", { class: "actions" }, buttons, cancel),
    line,
    outcome,
  );
  /** @type {AbortController | null} */
  let ctl = null;

  const busy = (on) => {
    node.setAttribute("aria-busy", String(on));
    for (const b of buttons) b.setAttribute("aria-disabled", String(on));
    from.disabled = to.disabled = on;
    cancel.hidden = progress.hidden = !on;
    const root = /** @type {ShadowRoot} */ (node.getRootNode());
    if (!on && root.activeElement === cancel) buttons[0].focus(); // Cancel goes away
  };

  async function run(format) {
    if (ctl) return;
    [from, to].forEach((input, i) => mark(input, errors[i], input.value ? null : s.t("export.no_date")));
    const empty = [from, to].find((input) => !input.value);
    if (empty) return empty.focus();
    if (!checkRange(from, to, errors[1], s)) return;
    const range = { from: from.value, to: to.value };
    const mine = (ctl = new AbortController());
    const client = el.client;
    busy(true);
    shown.textContent = "";
    line.hidden = false;
    outcome.textContent = s.t("export.running");
    try {
      const res = await stream(client, `v1/invoices/export.${format}`, range, mine.signal);
      const header = res.headers.get("Invoice-Portal-Files");
      const files = header && /^\d+$/.test(header) ? Number(header) : null;
      const name = filename(res.headers.get("Content-Disposition")) || `invoices-${range.from}-${range.to}.${format}`;
      const parts = [];
      let bytes = 0;
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        bytes += value.length;
        const got = size(bytes, s.format);
        shown.textContent = files === null ? got : `${s.t("export.files", { count: files })} · ${got}`;
      }
      line.hidden = files === null; // the size alone is in the outcome
      save(node, new Blob(parts, { type: res.headers.get("Content-Type") || "application/octet-stream" }), name);
      outcome.textContent = s.t("export.done", { file: name, size: size(bytes, s.format) });
      el.emit("export_downloaded", { format, ...range, files }, { bytes, filename: name });
    } catch (e) {
      if (client.signal.aborted) return; // the portal reloaded: this panel is gone
      if (mine.signal.aborted) {
        outcome.textContent = s.t("export.cancelled");
      } else {
        const { code, message } = failure(e);
        el.log(`export: ${code}: ${message}`);
        el.emit("error", { code, message });
        outcome.textContent = explain(e, s);
      }
    } finally {
      if (!shown.textContent) line.hidden = true;
      ctl = null;
      busy(false);
    }
  }

  return { node, label: () => s.t("export.toggle"), update() {} };
}

// The browser saves it under the proxy's name; the object URL lives a minute, time enough for
// every browser to have started the download.
function save(near, blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name, hidden: true });
  near.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
