// <invoice-portal>: reads its attributes, asks the proxy for a session (its locale file fetched
// at the same time), then renders list, detail and payment from one state object.
import { Client, ProxyError } from "./client.js";
import { ATTRS, config, textOptions } from "./config.js";
import { SOURCE, Strings, loadStrings } from "./i18n.js";
import { ask, emit } from "./hooks.js";
import { failure, hint } from "./failures.js";
import { check, pay, pdf, unwatch } from "./payment.js";
import { ordered } from "./owed.js";
import { cursor, more, switchTo } from "./listing.js";
import { otherCard, portal, resume } from "./recovery.js";
import { h, notice, view } from "./render.js";
import { adopt } from "./styles.js";

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
    this.act = {
      retry: () => this.load(),
      open: (inv) => this.guard(this.open(inv)),
      reopen: () => this.guard(this.open({ id: this.state.open })),
      back: () => this.back(),
      more: () => this.guard(more(this)),
      subscription: (id) => this.guard(switchTo(this, id)),
      pay: (inv) => this.guard(check(this, inv)),
      payRow: (inv) => this.guard(this.open(inv).then(() => check(this, inv))),
      confirm: (inv) => this.guard(pay(this, inv)),
      cancel: () => {
        this.focusKey = "pay";
        this.set({ confirm: null });
      },
      pdf: (inv) => this.guard(pdf(this, inv)),
      otherCard: (inv, url) => otherCard(this, inv, url),
      updateCard: (inv) => this.guard(portal(this, "payment_method_update", { invoice: inv.id })),
      portal: (flow, extras) => this.guard(portal(this, flow, extras)),
    };
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

  // A cancelable event: resolves to null when the host lets the portal go on, else to its refusal.
  ask(event, response, extras = {}) {
    return ask(this, this.detailOf(event, response, extras));
  }

  set(patch) {
    Object.assign(this.state, patch);
    this.paint();
  }

  paint() {
    const active = /** @type {HTMLElement | null} */ (this.shadowRoot.activeElement);
    const key = this.focusKey || (active && active.dataset.k);
    this.focusKey = null;
    this.frame.lang = this.strings.locale;
    this.main.replaceChildren(view(this.state, this.strings, this.act));
    if (this.shown !== this.state.notice) notice(this.notice, (this.shown = this.state.notice));
    const target = key && [...this.frame.querySelectorAll("[data-k]")].find((el) => el instanceof HTMLElement && el.dataset.k === key);
    if (target) target.focus();
  }

  announce(text) {
    // The same text twice must still be announced: live regions speak changes.
    this.live.textContent = this.live.textContent === text ? `${text}\u00a0` : text;
  }

  stop() {
    if (this.ctl) this.ctl.abort();
    unwatch(this);
  }

  // Runs an action; a stale answer (the portal reloaded meanwhile) is dropped, failures are shown.
  guard(promise) {
    const ctl = this.ctl;
    promise.catch((e) => {
      if (ctl === this.ctl && !ctl.signal.aborted) this.fail(e, false);
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
    let session, error;
    try {
      const cfg = config(this);
      this.client = new Client(cfg.edge, cfg.who, cfg.creds, cfg.params, ctl.signal);
      session = await this.client.session().catch((e) => {
        if (e.code !== "feature_disabled" || !cfg.params.scope) throw e;
        this.log("show-all-invoices is off on the proxy (PORTAL_ALLOW_SHOW_ALL); showing the subscription's invoices");
        delete cfg.params.scope;
        return this.client.session();
      });
    } catch (e) {
      error = e;
    }
    const loaded = await strings;
    if (ctl !== this.ctl) return;
    this.strings = loaded.strings;
    if (error) return this.fail(error, true);
    const s = session;
    const page = s.invoices;
    const owed = s.owed || { data: [], totals: [] };
    this.state = { phase: "ready", session: s, owed, scope: s.scope, subscription: s.subscription, invoices: page.data, ...cursor(page) };
    this.paint();
    performance.mark("invoice-portal:painted");
    if (s.no_user) this.log(`no Stripe customer has this email (${this.getAttribute("email")}): the portal is empty`);
    if (s.email_matched === "case_insensitive")
      this.log(`the email matched only ignoring case: the site sent ${this.getAttribute("email")}, Stripe has ${s.customer.email}`);
    if (s.merged_customers > 1) this.log(`${s.merged_customers} Stripe customers share this email; their invoices are merged`);
    if (s.livemode === false) this.log("the proxy uses a Stripe test key: live customers and invoices are not visible");
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
    this.problems(loaded.problems);
    resume(this, owed);
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
    const loaded = await loadStrings(textOptions(this), (m) => this.log(m));
    if (ctl !== this.ctl) return;
    this.strings = loaded.strings;
    this.paint();
    this.problems(loaded.problems);
  }

  fail(e, blocking) {
    const { code, message, key, retry } = failure(e);
    this.log(`${code}: ${message}`, hint(code), e instanceof ProxyError ? "" : e);
    if (code === "expired_hash") this.emit("hash_expired", { code, message });
    this.emit("error", { code, message });
    const text = this.strings.t(key);
    if (blocking) this.set({ phase: "error", error: { text, retry } });
    else if (this.state.open && !this.state.detail) this.set({ detailError: { title: "error.detail_title", text, retry: 1 }, busy: null });
    else this.set({ notice: { kind: "error", text }, busy: null });
  }

  async open(inv) {
    this.focusKey = "dh";
    this.set({ open: inv.id, detail: null, detailError: null, notice: null, confirm: null });
    const d = await this.client.call("GET", `v1/invoices/${encodeURIComponent(inv.id)}`);
    if (this.state.open !== inv.id) return;
    if (!Array.isArray(d.lines)) throw new ProxyError("bad_response", "invoice without lines");
    this.set({ detail: d });
    this.emit("invoice_opened", d, { invoice: inv.id });
  }

  back() {
    this.focusKey = `row:${this.state.open}`;
    unwatch(this);
    this.set({ open: null, detail: null, detailError: null, notice: null, busy: null, attempt: null, confirm: null, recovery: null });
  }

  // A paid or refreshed invoice replaces its old copy in the list and the open detail.
  replace(inv) {
    const swap = (list) => list.map((i) => (i.id === inv.id ? { ...i, ...inv } : i));
    const { owed, detail: d } = this.state;
    this.set({ invoices: swap(this.state.invoices), owed: { ...owed, data: swap(owed.data) }, detail: d && d.id === inv.id ? { ...d, ...inv } : d });
  }
}
