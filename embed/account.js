// The customer's account above the list (POST /v1/account): what is past due, the credit
// balance, the next charge, and the site owner's offer. Part of the on-demand chunk. The first
// chunk knows nothing of the account (its 10 KB budget), so this module keeps each portal's
// answer itself and paints its own node, which the list's top takes each time it is made again
// (embed/later.js hands it over with the plan strip).
import { h, safeUrl } from "./dom.js";
import { emitCancelable } from "./hooks.js";
import { outstanding, unpaid } from "./owed.js";

// The account's and the offer's styles, and those of an invoice's receipt link and credit notes
// (embed/detail.js, embed/lines.js), joined to the chunk's own by embed/later.js.
export const css = `
.account{display:flex;flex-wrap:wrap;gap:8px 28px;margin:0 0 12px;padding:0}
.account div{min-width:0}
.account dd{font-weight:600;font-variant-numeric:tabular-nums}
.account .due dd{color:var(--_bad)}
.offer{border:1px solid var(--_line);border-inline-start:4px solid var(--_accent);border-radius:8px;padding:12px 14px;margin:0 0 12px}
.offer p{margin:0 0 8px}
.offer .btn{margin-top:4px}
a.btn{display:inline-flex;align-items:center;min-height:40px;padding:8px 14px;border:1px solid var(--_line);
border-radius:var(--invoice-portal-radius,10px);background:var(--_bg);color:var(--_fg);text-decoration:none}
.notes{margin:16px 0 0}
.note{display:grid;grid-template-columns:1fr auto;gap:2px 12px;flex:1 1 16em;min-width:0;padding:8px 6px}
.note .memo{grid-column:1/-1}
.notes li a{margin:4px 6px 8px auto;padding:4px 6px}
.notes .void .amt{text-decoration:line-through}
`;

// The portal element a node of its shadow root belongs to: what the first chunk's plan() and
// detail() calls do not pass, and the answer's arrival and a click need.
export const portalOf = (node) => /** @type {any} */ (node.getRootNode()).host;

/** @typedef {{node: HTMLElement, session: any, key: string, want: object, answer: any, failed: boolean}} Kept */
/** @type {WeakMap<object, Kept>} */
const kept = new WeakMap(); // per portal, by its act (one object per element)

// The owner's string in the portal's language: the exact tag, its language ("fr" for fr-CA),
// "*" (a plain string), "en", else the first there is (docs: PORTAL_OFFER).
export function pick(texts, s) {
  if (typeof texts === "string") return texts;
  const keys = Object.keys(texts || {}).filter((k) => typeof texts[k] === "string");
  const find = (tag) => keys.find((k) => k.toLowerCase() === tag.toLowerCase());
  const tags = [s.format, s.locale, s.format.split("-")[0], s.locale.split("-")[0], "*", "en"];
  const key = tags.map(find).find(Boolean) || keys[0];
  return key ? texts[key] : "";
}

const sums = (list, s) => (Array.isArray(list) ? list : []).map((x) => s.amount(x.amount, x.currency)).join(" + ");

function fact(label, value, cls) {
  return h("div", { class: cls }, h("dt", { class: "meta" }, label), h("dd", null, value));
}

// What is owed and past due, per currency, counted from the owed invoices as the banner counts
// them, so that a payment made here counts at once without asking again; the proxy's figures
// when it could not send every owed invoice (more than 100).
function owing(sum, owed) {
  if (!owed || owed.has_more) return [sum.outstanding, sum.past_due];
  const late = {};
  for (const i of unpaid(owed)) if (i.past_due) late[i.currency] = (late[i.currency] || 0) + i.amount_remaining;
  const list = (totals) => Object.entries(totals).map(([currency, amount]) => ({ currency, amount }));
  return [outstanding(owed).map((t) => ({ currency: t.currency, amount: t.amount_remaining })), list(late)];
}

// The figures, each per currency. What is outstanding is the banner's (embed/render.js), right
// under this, so it is said here only when there is no banner.
function summary(sum, state, s) {
  const next = sum.next_charge;
  const [owed, late] = owing(sum, state.owed);
  const facts = [
    !outstanding(state.owed).length && fact(s.t("account.outstanding"), sums(owed, s) || s.t("account.nothing_due")),
    sums(late, s) && fact(s.t("account.past_due"), sums(late, s), "due"),
    sums(sum.credit, s) && fact(s.t("account.credit"), sums(sum.credit, s)),
    next && fact(s.t("account.next_charge"), nextCharge(next, s)),
  ];
  return facts.some(Boolean) ? h("dl", { class: "account" }, facts) : null; // the banner says it all
}

// The next invoice's total and date; what is left to pay when the credit balance covers part
// of it ("$19.00 on Jan 2 · $0.00 after your credit"), so a fully credited one does not read as free.
function nextCharge(next, s) {
  const on = s.t("account.next_charge_on", { amount: s.amount(next.total ?? next.amount, next.currency), date: s.date(next.date) });
  if (!(next.total > next.amount)) return on;
  return `${on} · ${s.t("account.after_credit", { amount: s.amount(next.amount, next.currency) })}`;
}

// The owner's card: title, text, a button that tells the page (upsell_clicked) and, unless a
// listener called preventDefault(), follows the owner's address in this tab.
function offer(o, s, node) {
  const url = safeUrl(o.url);
  const click = () => {
    const el = portalOf(node);
    const detail = el.detailOf("upsell_clicked", { id: o.id, url });
    if (emitCancelable(el, detail, (...args) => el.log(...args)) && url) location.assign(url);
  };
  const text = pick(o.text, s);
  return h(
    "section",
    { class: "offer", part: "offer", "aria-labelledby": "oh" },
    h("h3", { id: "oh" }, pick(o.title, s)),
    text && h("p", null, text),
    h("button", { class: "btn primary", part: "button offer-button", "data-k": "offer", click }, pick(o.button, s)),
  );
}

// A heading for screen readers (the figures speak for themselves on screen), the figures or a
// quiet note that they are missing, then the offer.
function draw(k, state, s) {
  const a = k.answer;
  const failed = k.failed && state.session.features.summary;
  const figures = failed ? h("p", { class: "meta" }, s.t("account.unavailable")) : a && a.summary && summary(a.summary, state, s);
  k.node.replaceChildren(
    figures ? h("section", { part: "account", "aria-labelledby": "ah" }, h("h3", { id: "ah", class: "sr" }, s.t("account.title")), figures) : "",
    a && a.offer ? offer(a.offer, s, k.node) : "",
  );
}

async function load(k, want) {
  const el = portalOf(k.node);
  if (!el || !el.client) return;
  const ctl = el.ctl;
  try {
    const a = await el.client.call("v1/account", { subscription: el.state.subscription });
    if (k.want !== want || ctl !== el.ctl) return; // asked again, or the portal loaded again
    k.answer = a;
    el.emit("account_loaded", { summary: a.summary || null, offer: a.offer || null });
  } catch (e) {
    if (k.want !== want || ctl !== el.ctl || ctl.signal.aborted) return;
    // The list stands; the account says quietly that it is missing, the page hears why.
    const code = e.code || "internal_error";
    const message = e.message || code;
    el.log(`the account summary could not be loaded: ${code}: ${message}`);
    el.emit("error", { code, message });
    k.failed = true;
  }
  draw(k, el.state, el.strings);
}

// The account's node for the list's top: asked for again when the session or the subscription in
// view (whose next charge it shows) changed, drawn again with the state and strings of the moment.
export function account(state, s, act) {
  const f = state.session.features || {};
  if (state.session.no_user || !(f.summary || f.offer)) return null;
  let k = kept.get(act);
  if (!k) kept.set(act, (k = { node: h("div", { class: "slot" }), session: null, key: "", want: null, answer: null, failed: false }));
  const key = String(state.subscription);
  if (k.session !== state.session || k.key !== key) {
    if (k.session !== state.session) k.answer = null; // another customer's figures never show
    const want = {}; // the last asked wins
    Object.assign(k, { session: state.session, key, want, failed: false });
    // Once the node is in the portal's shadow root, which names the element to ask with.
    queueMicrotask(() => load(k, want));
  }
  draw(k, state, s);
  return k.node;
}
