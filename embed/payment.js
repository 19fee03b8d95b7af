// Paying an invoice and opening its PDF: the two actions that leave the portal for Stripe.
import { ProxyError } from "./client.js";
import { safeUrl } from "./dom.js";
import { ask } from "./hooks.js";

// randomUUID exists only in secure contexts; a plain-http test page gets random hex.
const uuid = () =>
  crypto.randomUUID
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

// A hook may reject with anything, even an object without toString.
function reason(e) {
  try {
    return e === undefined ? "" : ` (${String(e)})`;
  } catch {
    return ` (${typeof e})`;
  }
}

// A paid or refreshed invoice replaces its old copy in the list and the open detail.
function replace(el, inv) {
  const swap = (list) => list.map((i) => (i.id === inv.id ? { ...i, ...inv } : i));
  const { owed, detail: d } = el.state;
  el.set({ invoices: swap(el.state.invoices), owed: { ...owed, data: swap(owed.data) }, detail: d && d.id === inv.id ? { ...d, ...inv } : d });
}

const path = (inv, action = "") => `v1/invoices/${encodeURIComponent(inv.id)}${action}`;

// Opened straight after the click's request, within the click's user activation, so popup
// blockers allow it; without a window the portal shows a link instead.
export function openTab(url) {
  const w = window.open(url, "_blank");
  if (w) w.opener = null;
  return w;
}

// Pay asks first which card the payment would charge, so the customer confirms card and amount;
// without a saved one, Stripe's hosted invoice page is the only way on, as before.
export async function check(el, inv) {
  if (el.state.busy) return;
  el.set({ busy: "pay", notice: null });
  let m;
  try {
    m = await el.client.call(path(inv, "/payment_method"));
  } finally {
    el.set({ busy: null });
  }
  if (el.state.open !== inv.id) return; // the visitor left the invoice meanwhile
  if (!m.has_saved_method || !m.payment_method) return pay(el, inv);
  el.focusKey = "confirm";
  el.set({ confirm: { invoice: inv.id, method: m.payment_method, amount: m.amount_remaining, currency: m.currency } });
}

export async function pay(el, inv) {
  if (el.state.busy) return;
  el.focusKey = "pay";
  const extras = { invoice: inv.id };
  const ctl = el.ctl;
  // Busy while the host decides, so a second click neither asks twice nor pays twice.
  const attempt = { invoice: inv.id };
  const method = el.state.confirm && el.state.confirm.method; // the card the customer confirmed
  el.set({ busy: "pay", attempt, notice: null, confirm: null, recovery: null });
  // A cancelable event: null when the host lets the portal go on, else its refusal.
  const refused = await ask(el, el.detailOf("pre_payment", inv, extras));
  if (ctl !== el.ctl || el.state.attempt !== attempt) {
    return el.log("pre_payment answered after the visitor left the invoice: nothing was charged");
  }
  const t = el.strings;
  if (refused) {
    el.log(`the payment was cancelled by the pre_payment hook: ${refused.by}${reason(refused.error)}; nothing was charged`);
    return el.set({ busy: null, attempt: null, notice: { kind: "info", text: t.t(refused.timeout ? "pay.hook_timeout" : "pay.cancelled") } });
  }
  el.emit("payment_started", inv, extras);
  let r;
  try {
    // A fresh key per click; the client's retry after a new session reuses it.
    r = await el.client.call(path(inv, "/pay"), { idempotency_key: uuid() });
  } catch (e) {
    el.emit("payment_failed", { code: e.code, message: e.message, ...e.body }, extras);
    if (e.status !== 402) throw e;
    el.log(`payment declined: ${e.body.decline_code || e.code}`);
    const { decline_code, hosted_invoice_url: url } = e.body;
    replace(el, { id: inv.id, payment_failed: true }); // the list says so too
    el.focusKey = "rh";
    return el.set({ busy: null, attempt: null, recovery: { invoice: inv.id, code: e.code, decline_code, url, payment_method: method } });
  }
  const url = safeUrl(r.hosted_invoice_url);
  if (r.status === "paid" && r.invoice) {
    replace(el, r.invoice);
    el.emit("payment_succeeded", r, extras);
    done(el, "success", t.t("pay.succeeded"));
  } else if (r.status === "requires_action" && url) {
    el.emit("payment_requires_action", r, extras);
    openTab(url);
    watch(el, inv);
    done(el, "info", t.t("pay.action_required"), url, t.t("pay.open_page"));
  } else throw new ProxyError("bad_response", `unexpected payment answer ${JSON.stringify(r.status)}`);
}

function done(el, kind, text, link, linkText) {
  el.focusKey = link ? "link" : "dh";
  el.set({ busy: null, attempt: null, notice: { kind, text, link, linkText } });
}

// After Stripe's hosted page the invoice is fetched again whenever the customer comes back
// (the tab visible or the window focused), until it is no longer open.
export function watch(el, inv) {
  el.watching = inv.id;
  if (el.onReturn) return;
  el.onReturn = () => {
    if (document.visibilityState === "visible" && el.watching && !el.checking) el.guard(recheck(el));
  };
  document.addEventListener("visibilitychange", el.onReturn);
  window.addEventListener("focus", el.onReturn);
}

export function unwatch(el) {
  el.watching = null;
  if (!el.onReturn) return;
  document.removeEventListener("visibilitychange", el.onReturn);
  window.removeEventListener("focus", el.onReturn);
  el.onReturn = null;
}

async function recheck(el) {
  const id = el.watching;
  el.checking = true;
  try {
    const d = await el.client.call(path({ id }));
    if (el.watching !== id) return;
    replace(el, d);
    if (d.status === "open") return;
    unwatch(el);
    if (d.status === "paid") {
      el.emit("payment_succeeded", { status: "paid", invoice: d }, { invoice: id });
      done(el, "success", el.strings.t("pay.succeeded"));
    }
  } finally {
    el.checking = false;
  }
}

// A fetch cannot read a cross-origin redirect and a navigation cannot carry the token, so the
// proxy answers the PDF's address as JSON.
export async function pdf(el, inv) {
  if (el.state.busy) return;
  el.set({ busy: "pdf", notice: null });
  const r = await el.client.call(path(inv, "/pdf"));
  const url = safeUrl(r.url);
  if (!url) throw new ProxyError("bad_response", "PDF answer without an http(s) url");
  const w = openTab(url);
  el.emit("pdf_downloaded", { invoice: inv.id, url }, { invoice: inv.id });
  el.set({ busy: null, notice: w ? null : { kind: "info", text: "", link: url, linkText: el.strings.t("pdf.open") } });
}
