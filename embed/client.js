// The edge proxy's HTTP API (docs/openapi.json): a session call, then calls with its token.
// Every call is a CORS "simple request": POST with a text/plain body and no custom header, so
// the browser sends it without a preflight (OPTIONS) and each action costs one round trip. The
// token travels in the body, never in an address, so it stays out of every log and history; it
// is not a cookie, so another site cannot make the browser send it (no CSRF).

// Longer than the proxy ever takes (PORTAL_STRIPE_DEADLINE is at most 15 s): a slow Stripe
// reaches the customer as the proxy's own upstream_timeout, not as a silent abort.
const TIMEOUT_MS = 20000;

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
   * POST `fields` as JSON in a text/plain body: a CORS-safelisted type, so no preflight.
   * @param {string} path
   * @param {Record<string, unknown>} fields
   */
  async request(path, fields) {
    const url = new URL(path, this.edge);
    const body = JSON.stringify(fields, (_, v) => (v === null ? undefined : v)); // unset fields left out
    const timer = new AbortController();
    const abort = () => timer.abort();
    const clock = setTimeout(abort, TIMEOUT_MS);
    this.signal.addEventListener("abort", abort);
    let res, data;
    try {
      const init = { method: "POST", headers: { "Content-Type": "text/plain" }, body, signal: timer.signal };
      res = await fetch(url, { ...init, credentials: "omit" });
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
        throw new ProxyError("bad_response", `POST ${url.pathname}: HTTP ${res.status} without a proxy error code`, res.status);
      throw new ProxyError(code, message, res.status, error);
    }
    if (!data || typeof data !== "object")
      throw new ProxyError("bad_response", `POST ${url.pathname}: not a JSON object`, res.status);
    return data;
  }

  async session() {
    this.token = null;
    const { hash, expires } = this.creds;
    const s = await this.request("v1/session", { ...this.who, hash, expires, ...this.params });
    if (typeof s.token !== "string" || !s.invoices || !Array.isArray(s.invoices.data))
      throw new ProxyError("bad_response", "POST /v1/session: no token or invoices", 200);
    this.token = s.token;
    return s;
  }

  /**
   * A call with the session's token; one that ran out (15 minutes) is replaced by a fresh
   * session once, and the call repeated with the same fields (a payment's idempotency key too).
   * @param {string} path
   * @param {Record<string, unknown>} [fields]
   */
  async call(path, fields = {}) {
    if (!this.token) await this.session();
    try {
      return await this.request(path, { token: this.token, ...fields });
    } catch (e) {
      if (e.status !== 401) throw e;
      await this.session();
      return this.request(path, { token: this.token, ...fields });
    }
  }
}

/**
 * A token call answered with a file (the accountant's downloads): the Response, its body unread
 * so that the caller streams it. No timeout, a big zip takes its time: `signal` (the customer's
 * Cancel) and the portal's own stop it. A function, not a method, so that the first paint's
 * bundle leaves it out.
 * @param {Client} client
 * @param {string} path
 * @param {Record<string, unknown>} fields
 * @param {AbortSignal} signal
 */
export async function stream(client, path, fields, signal) {
  const url = new URL(path, client.edge);
  const stop = new AbortController();
  const abort = () => stop.abort();
  signal.addEventListener("abort", abort);
  client.signal.addEventListener("abort", abort);
  const send = async () => {
    if (!client.token) await client.session();
    const body = JSON.stringify({ token: client.token, ...fields });
    return fetch(url, { method: "POST", headers: { "Content-Type": "text/plain" }, body, signal: stop.signal, credentials: "omit" });
  };
  let res;
  try {
    res = await send();
    if (res.status === 401) {
      client.token = null; // ran out: a fresh session, once
      res = await send();
    }
  } catch (e) {
    if (stop.signal.aborted || e.code) throw e;
    throw new ProxyError("network_error", `${url.origin} could not be reached (${e.message})`);
  }
  if (res.ok) return res;
  // As request() reads a refusal (kept apart, so that the first paint's bundle leaves it out).
  const data = await res.json().catch(() => undefined);
  const error = data && typeof data === "object" && data.error;
  if (!error || typeof error.code !== "string")
    throw new ProxyError("bad_response", `POST ${url.pathname}: HTTP ${res.status} without a proxy error code`, res.status);
  throw new ProxyError(error.code, error.message, res.status, error);
}
