// <invoice-portal>: reads its attributes, asks the proxy for a session (its locale file fetched
// at the same time), then renders list, detail and payment from one state object.
import { Client, ProxyError } from "./client.js";
import { ATTRS, PAGE, config, textOptions } from "./config.js";
import { SOURCE, Strings, loadStrings } from "./i18n.js";
import { ask, emit } from "./hooks.js";
import { check, pay, pdf, unwatch } from "./payment.js";
import { ordered } from "./owed.js";
import { h, notice, view } from "./render.js";
import { adopt } from "./styles.js";

// Proxy error code -> message key and whether a retry can help.
const ERRORS = {
  network_error: ["error.network", 1],
  timeout: ["error.network", 1],
  invalid_hash: ["error.denied"],
  missing_hash: ["error.denied"],
  expiring_hash_required: ["error.denied"],
  expired_hash: ["error.expired"],
  invalid_config: ["error.config"],
  invalid_request: ["error.config"],
  feature_disabled: ["error.config"],
  origin_not_allowed: ["error.config"],
  rate_limited: ["error.unavailable", 1],
  not_found: ["error.not_found"],
  invoice_not_payable: ["pay.not_payable"],
};

// What an integrator needs to know in debug mode, beyond the proxy's own message.
const HINTS = {
  invalid_hash:
    'the hash must be lowercase hex HMAC-SHA256(secret, identifier), of identifier + ":" + expires ' +
    "when it expires; `invoice-portal hash IDENTIFIER` prints one",
  missing_hash: "no hash attribute, and the proxy requires one",
  expired_hash: "the expiring hash ran out: set fresh hash and expires attributes and the portal carries on",
  origin_not_allowed: "add this page's origin (scheme://host[:port]) to the proxy's PORTAL_ALLOWED_ORIGINS",
  rate_limited: "the proxy's rate limits (PORTAL_LIMIT_*) or Stripe budget refused this; it says when to retry",
  network_error: "is the proxy up, and this page's origin in PORTAL_ALLOWED_ORIGINS? (a CORS refusal looks like a network error)",
};

// "Load more" needs a cursor: the proxy's, or the last invoice's id (Stripe's starting_after).
function cursor(page) {
  const last = page.data[page.data.length - 1];
  return { hasMore: !!(page.has_more && last), cursor: page.next_cursor || (last && last.id) };
}

export class InvoicePortal extends HTMLElement {
  static get observedAttributes() {
    return ATTRS;
  }

  constructor() {
    super();
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
      more: () => this.guard(this.more()),
      subscription: (id) => this.guard(this.switchTo(id)),
      pay: (inv) => this.guard(check(this, inv)),
      payRow: (inv) => this.guard(this.open(inv).then(() => check(this, inv))),
      confirm: (inv) => this.guard(pay(this, inv)),
      cancel: () => {
        this.focusKey = "pay";
        this.set({ confirm: null });
      },
      pdf: (inv) => this.guard(pdf(this, inv)),
    };
  }

  // `handleResponse` is a plain property read at each event, so a value assigned before this
  // script upgraded the element (an own property on the then-unknown element) keeps working.
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
    const active = this.shadowRoot.activeElement;
    const key = this.focusKey || (active && active.dataset.k);
    this.focusKey = null;
    this.frame.lang = this.strings.locale;
    this.main.replaceChildren(view(this.state, this.strings, this.act));
    if (this.shown !== this.state.notice) notice(this.notice, (this.shown = this.state.notice));
    const target = key && [...this.frame.querySelectorAll("[data-k]")].find((el) => el.dataset.k === key);
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
    const code = e.code || "internal_error";
    const message = e.message || code;
    const refused = e.status >= 400 && e.status < 500 && e.status !== 429; // retrying will not help
    const [key, retry] = ERRORS[code] || (refused ? ["error.generic"] : ["error.unavailable", 1]);
    this.log(`${code}: ${message}`, HINTS[code] || "", e instanceof ProxyError ? "" : e);
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
    this.set({ open: null, detail: null, detailError: null, notice: null, busy: null, attempt: null, confirm: null });
  }

  query(extra) {
    const { scope, subscription } = this.state;
    return { limit: PAGE, scope, subscription: scope === "subscription" ? subscription : null, ...extra };
  }

  async page(extra) {
    const page = await this.client.call("GET", "v1/invoices", { query: this.query(extra) });
    if (!Array.isArray(page.data)) throw new ProxyError("bad_response", "GET /v1/invoices: no data");
    return { page, ...cursor(page) };
  }

  async more() {
    if (this.state.busy) return;
    this.set({ busy: "more", notice: null });
    const { page, hasMore, cursor } = await this.page({ starting_after: this.state.cursor });
    const first = page.data[0];
    this.focusKey = first ? `row:${first.id}` : null;
    this.set({ invoices: [...this.state.invoices, ...page.data], hasMore, cursor, busy: null });
    this.announce(this.strings.t("list.loaded", { count: page.data.length }));
    this.emit("page_loaded", page, { subscription: this.query().subscription });
  }

  async switchTo(id) {
    const previous = this.state.subscription;
    this.set({ subscription: id, listLoading: true, notice: null });
    try {
      const { page, hasMore, cursor } = await this.page();
      if (this.state.subscription !== id) return;
      this.set({ invoices: page.data, hasMore, cursor, listLoading: false });
      this.emit("page_loaded", page, { subscription: id });
    } catch (e) {
      Object.assign(this.state, { subscription: previous, listLoading: false }); // the list shown is still the old one
      throw e;
    }
  }

  // A paid or refreshed invoice replaces its old copy in the list and the open detail.
  replace(inv) {
    const swap = (list) => list.map((i) => (i.id === inv.id ? { ...i, ...inv } : i));
    const { owed, detail: d } = this.state;
    this.set({ invoices: swap(this.state.invoices), owed: { ...owed, data: swap(owed.data) }, detail: d && d.id === inv.id ? { ...d, ...inv } : d });
  }
}
