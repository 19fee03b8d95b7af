// <invoice-portal>: reads its attributes, asks the proxy for a session (its locale file fetched
// at the same time), then renders list, detail and payment from one state object.
import { Client, ProxyError } from "./client.js";
import { ATTRS, config, textOptions } from "./config.js";
import { SOURCE, Strings, loadStrings } from "./i18n.js";
import { emit } from "./hooks.js";
import { failure } from "./failures.js";
import { ordered } from "./owed.js";
import { cursor } from "./listing.js";
import { later, loaded } from "./chunk.js";
import { waiting } from "./resume.js";
import { View, h, notice } from "./render.js";
import { adopt } from "./styles.js";

// Soon after first paint, when the page is idle: the on-demand chunk, so that the first click
// on an invoice does not wait for it. Safari has no requestIdleCallback.
const idle = (fn) => (window.requestIdleCallback ? requestIdleCallback(fn, { timeout: 2000 }) : setTimeout(fn, 200));

export class InvoicePortal extends HTMLElement {
  static get observedAttributes() {
    return ATTRS;
  }

  constructor() {
    super();
    // A value assigned while the element was still unknown (before this script ran) is an own
    // property that would hide the accessor below: it moves behind it.
    if (Object.prototype.hasOwnProperty.call(this, "handleResponse")) {
      const early = this.handleResponse;
      delete this.handleResponse;
      this.handleResponse = early;
    }
    const root = this.attachShadow({ mode: "open" });
    adopt(root);
    this.main = h("div");
    this.live = h("div", { class: "sr", "aria-live": "polite" });
    this.notice = h("div", { role: "status", part: "notice" });
    this.frame = h("div", { class: "portal", part: "portal" }, this.notice, this.main, this.live);
    root.append(this.frame);
    this.state = { phase: "loading" };
    this.strings = new Strings(SOURCE, SOURCE, [], () => {});
    this.pending = 0;
    this.focusKey = null;
    this.shown = null;
    /** @type {Client | null} */
    this.client = null;
    /** @type {AbortController | null} */
    this.ctl = null;
    this.listing = null; // the switch or jump whose answer is awaited
    // What the on-demand chunk does, once it is here (at once when it already is).
    const withLater = (fn) => later().then(fn);
    this.act = {
      retry: () => this.load(),
      open: (inv) => this.guard(this.open(inv), () => this.act.open(inv)),
      reopen: () => this.guard(this.open({ id: this.state.open })),
      back: () => this.back(),
      more: () => this.guard(withLater((m) => m.more(this))),
      subscription: (id) => this.guard(withLater((m) => m.switchTo(this, id))),
      jump: (year, month) => this.guard(withLater((m) => m.jump(this, year, month))),
      newest: () => this.guard(withLater((m) => m.newest(this))),
      tools: (slot) => loaded().tools(this, slot), // drawn by the chunk: it is here
      pay: (inv) => this.guard(withLater((m) => m.check(this, inv))),
      payRow: (inv) => this.guard(this.open(inv).then(() => withLater((m) => m.check(this, inv))), () => this.act.payRow(inv)),
      confirm: (inv) => this.guard(withLater((m) => m.pay(this, inv))),
      cancel: () => {
        this.focusKey = "pay";
        this.set({ confirm: null });
      },
      pdf: (inv) => this.guard(withLater((m) => m.pdf(this, inv))),
      otherCard: (inv, url) => loaded().otherCard(this, inv, url), // shown by the chunk: it is here
      updateCard: (inv) => this.guard(withLater((m) => m.portal(this, "payment_method_update", { invoice: inv.id }))),
      portal: (flow, extras) => this.guard(withLater((m) => m.portal(this, flow, extras))),
    };
    this.view = new View(this.main, this.act);
  }

  // `handleResponse` is read at each event. An accessor, so that frameworks that set a prop as
  // a property only when the element has one (React 19) set it as a property.
  get handleResponse() {
    return this.hook;
  }

  set handleResponse(fn) {
    this.hook = fn;
  }

  connectedCallback() {
    performance.mark("invoice-portal:start");
    this.paint();
    this.schedule(3);
  }

  disconnectedCallback() {
    this.stop();
  }

  attributeChangedCallback(name, old, value) {
    if (old === value || !this.ctl) return;
    this.schedule(name === "hash" || name === "expires" ? 1 : /locale|translations/.test(name) ? 2 : name === "debug" ? 0 : 3);
  }

  // Attribute changes made together (mount, a framework update) are applied once, in a microtask.
  schedule(level) {
    if (!level) return;
    if (!this.pending)
      queueMicrotask(() => {
        const todo = this.pending;
        this.pending = 0;
        if (!this.isConnected) return;
        const ready = this.state.phase === "ready";
        if (todo === 3 || !ready) this.load();
        else if (todo === 2) this.guard(this.relocalize());
        else {
          try {
            this.client.creds = config(this).creds;
          } catch {
            this.load(); // shows the configuration problem
          }
        }
      });
    this.pending = Math.max(this.pending, level);
  }

  log(...args) {
    if (this.hasAttribute("debug")) console.info("[invoice-portal]", ...args);
  }

  detailOf(event, response, extras) {
    const detail = { event, response, extras: { locale: this.strings.locale, ...extras } };
    this.log(event, detail);
    return detail;
  }

  emit(event, response, extras = {}) {
    emit(this, this.detailOf(event, response, extras), (...args) => this.log(...args));
  }

  set(patch) {
    Object.assign(this.state, patch);
    this.paint();
  }

  // The focus moves where an action sends it (focusKey), or stays on its element, found again
  // by its data-k when a paint replaced it.
  paint() {
    const active = /** @type {HTMLElement | null} */ (this.shadowRoot.activeElement);
    const key = this.focusKey || (active && active.dataset.k);
    const moved = !!this.focusKey;
    this.focusKey = null;
    // Set only when it changes: even the same value makes the browser restyle every row.
    const { locale, dir } = this.strings;
    if (this.frame.lang !== locale) (this.frame.lang = locale), (this.frame.dir = dir);
    this.view.update(this.state, this.strings);
    if (this.shown !== this.state.notice) notice(this.notice, (this.shown = this.state.notice), this.strings);
    if (!key || !(moved || !active.isConnected)) return;
    const target = this.view.find(key);
    if (target) target.focus();
  }

  announce(text) {
    // The same text twice must still be announced: live regions speak changes.
    this.live.textContent = this.live.textContent === text ? `${text}\u00a0` : text;
  }

  stop() {
    if (this.ctl) this.ctl.abort();
    if (loaded()) loaded().unwatch(this);
  }

  // Runs an action; a stale answer (the portal reloaded meanwhile) is dropped, failures are shown.
  // `again` retries it from the notice.
  guard(promise, again) {
    const ctl = this.ctl;
    promise.catch((e) => {
      if (ctl === this.ctl && !ctl.signal.aborted) this.fail(e, false, again);
    });
  }

  // Whatever goes wrong (a proxy answering nonsense included) ends in the error view, never in
  // an unhandled rejection on the host page.
  load() {
    const run = this.start(); // creates this.ctl before its first await
    const ctl = this.ctl;
    run.catch((e) => {
      if (ctl === this.ctl && !ctl.signal.aborted) this.fail(e, true);
    });
  }

  async start() {
    this.stop();
    const ctl = (this.ctl = new AbortController());
    this.state = { phase: "loading" };
    this.paint();
    const attrs = Object.fromEntries(ATTRS.filter((n) => n !== "hash" && this.hasAttribute(n)).map((n) => [n, this.getAttribute(n)]));
    this.emit("pre_load", attrs);
    const strings = loadStrings(textOptions(this), (m) => this.log(m));
    // Debug mode's explanations come with the on-demand chunk: fetched beside the session.
    const debugging = this.hasAttribute("debug") && later().catch(() => null);
    let session, error, narrowed;
    try {
      const cfg = config(this);
      this.client = new Client(cfg.edge, cfg.who, cfg.creds, cfg.params, ctl.signal);
      session = await this.client.session().catch((e) => {
        if (e.code !== "feature_disabled" || !cfg.params.scope) throw e;
        delete cfg.params.scope; // show-all-invoices is off on the proxy: the subscription's are shown
        narrowed = true;
        return this.client.session();
      });
    } catch (e) {
      error = e;
    }
    const [text] = await Promise.all([strings, debugging]);
    if (ctl !== this.ctl) return;
    this.strings = text.strings;
    if (error) return this.fail(error, true);
    const s = session;
    const page = s.invoices;
    const owed = s.owed || { data: [], totals: [] };
    this.state = { phase: "ready", session: s, owed, scope: s.scope, subscription: s.subscription, invoices: page.data, ...cursor(page) };
    this.paint();
    performance.mark("invoice-portal:painted");
    idle(() => later().then(() => ctl === this.ctl && this.paint(), (e) => this.log(e.message)));
    if (this.hasAttribute("debug") && loaded()) loaded().explain(this, s, narrowed);
    this.emit(
      "post_load",
      s.no_user
        ? { no_user: true }
        : {
            customer: s.customer,
            invoices: ordered(owed, page.data), // as on screen: what is owed first
            owed,
            has_more: page.has_more,
            subscriptions: s.subscriptions,
            subscription: s.subscription,
            scope: s.scope,
            features: s.features,
            livemode: s.livemode,
          },
    );
    this.problems(text.problems);
    if (waiting()) this.guard(later().then((m) => m.resume(this, owed)));
  }

  problems(list) {
    for (const message of list) {
      this.log(`translations: ${message}; built-in strings used`);
      this.emit("error", { code: "translations_unavailable", message });
    }
    if (list.length) this.set({ notice: { kind: "info", text: this.strings.t("error.translations") } });
  }

  async relocalize() {
    const ctl = this.ctl;
    const text = await loadStrings(textOptions(this), (m) => this.log(m));
    if (ctl !== this.ctl) return;
    this.strings = text.strings;
    this.paint();
    this.problems(text.problems);
  }

  fail(e, blocking, again) {
    const { code, message, key, retry } = failure(e);
    this.log(`${code}: ${message}`, loaded() ? loaded().hint(code) : "", typeof e.code === "string" ? "" : e);
    if (code === "expired_hash") this.emit("hash_expired", { code, message });
    this.emit("error", { code, message });
    const text = this.strings.t(key);
    if (blocking) this.set({ phase: "error", error: { text, retry } });
    else if (this.state.open && !this.state.detail) this.set({ detailError: { text, retry: 1 }, busy: null });
    else this.set({ notice: { kind: "error", text, retry: retry && again }, busy: null });
  }

  // The invoice and, the first time, the code that shows it (on its way since first paint),
  // asked together; the invoice opens once that code is here, else the list says so.
  async open(inv) {
    const answer = this.client.call(`v1/invoices/${encodeURIComponent(inv.id)}`);
    answer.catch(() => {}); // its failure is shown below, once open
    await later();
    this.focusKey = "dh";
    this.set({ open: inv.id, detail: null, detailError: null, notice: null, confirm: null });
    const d = await answer;
    if (this.state.open !== inv.id) return;
    if (!Array.isArray(d.lines)) throw new ProxyError("bad_response", "invoice without lines");
    this.set({ detail: d });
    this.emit("invoice_opened", d, { invoice: inv.id });
  }

  back() {
    this.focusKey = `row:${this.state.open}`;
    if (loaded()) loaded().unwatch(this);
    this.set({ open: null, detail: null, detailError: null, notice: null, busy: null, attempt: null, confirm: null, recovery: null });
  }
}
