// The edge proxy's HTTP API (docs/openapi.json): a session call, then bearer-token calls.

// Longer than the proxy ever takes (PORTAL_STRIPE_DEADLINE is at most 15 s): a slow Stripe
// reaches the customer as the proxy's own upstream_timeout, not as a silent abort.
const TIMEOUT_MS = 20000;

/** @typedef {{query?: Record<string, any>, headers?: Record<string, string>, body?: string}} Options */

export class ProxyError extends Error {
  constructor(code, message, status = 0, body = {}) {
    super(message || code);
    this.code = code;
    this.status = status;
    this.body = body;
  }
}

export class Client {
  // who: {email} or {customer}; params: scope, subscription, limit for the first page.
  constructor(edge, who, creds, params, signal) {
    // A trailing slash keeps a path prefix such as https://example.com/billing/.
    this.edge = new URL(edge.replace(/\/?$/, "/"));
    this.who = who;
    this.creds = creds;
    this.params = params;
    this.signal = signal;
    this.token = null;
  }

  /**
   * @param {string} method
   * @param {string} path
   * @param {Options} [options]
   */
  async request(method, path, options = {}) {
    const { query, headers = {}, body } = options;
    const url = new URL(path, this.edge);
    for (const [k, v] of Object.entries(query || {})) if (v != null) url.searchParams.set(k, v);
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const timer = new AbortController();
    const abort = () => timer.abort();
    const clock = setTimeout(abort, TIMEOUT_MS);
    this.signal.addEventListener("abort", abort);
    let res, data;
    try {
      res = await fetch(url, { method, headers, body, signal: timer.signal, credentials: "omit" });
      data = await res.json().catch(() => undefined);
    } catch (e) {
      if (this.signal.aborted) throw e;
      throw timer.signal.aborted
        ? new ProxyError("timeout", `${url.origin} did not answer within ${TIMEOUT_MS} ms`)
        : new ProxyError("network_error", `${url.origin} could not be reached (${e.message})`);
    } finally {
      clearTimeout(clock);
      this.signal.removeEventListener("abort", abort);
    }
    const error = data && typeof data === "object" && data.error;
    if (!res.ok) {
      // The proxy always names its errors; an answer without a code came from something else
      // (a load balancer's 502 page, an edge address that is not the proxy).
      const { code, message } = (error && typeof error === "object" && error) || {};
      if (typeof code !== "string")
        throw new ProxyError("bad_response", `${method} ${url.pathname}: HTTP ${res.status} without a proxy error code`, res.status);
      throw new ProxyError(code, message, res.status, error);
    }
    if (!data || typeof data !== "object")
      throw new ProxyError("bad_response", `${method} ${url.pathname}: not a JSON object`, res.status);
    return data;
  }

  async session() {
    this.token = null;
    const { hash, expires } = this.creds;
    const body = JSON.stringify({ ...this.who, hash, expires, ...this.params });
    // text/plain keeps this a CORS "simple request": no preflight before the first paint.
    const s = await this.request("POST", "v1/session", { body, headers: { "Content-Type": "text/plain" } });
    if (typeof s.token !== "string" || !s.invoices || !Array.isArray(s.invoices.data))
      throw new ProxyError("bad_response", "POST /v1/session: no token or invoices", 200);
    this.token = s.token;
    return s;
  }

  // Bearer calls; a token that ran out (15 minutes) is replaced by a fresh session once.
  async call(method, path, options = {}) {
    if (!this.token) await this.session();
    try {
      return await this.request(method, path, options);
    } catch (e) {
      if (e.status !== 401) throw e;
      await this.session();
      return this.request(method, path, options);
    }
  }
}
