import { json, stubFetch } from "./browser.mjs";

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { Client, ProxyError } from "../../../embed/client.js";

const EDGE = "https://billing.example.com/portal";
const SESSION = `${EDGE}/v1/session`;
const client = (signal = new AbortController().signal) =>
  new Client(EDGE, { email: "jane@example.com" }, { hash: "ab12", expires: 1700000000 }, { scope: undefined, limit: 10 }, signal);
const session = (token) => json(200, { token, invoices: { object: "list", data: [], has_more: false } });
const problem = (status, code, message = code) => json(status, { error: { code, message } });
const answers = (...list) => stubFetch((call, n) => (typeof list[n - 1] === "function" ? list[n - 1](call) : list[n - 1]));
const rejects = (promise, expected) =>
  assert.rejects(promise, (e) => {
    assert.ok(e instanceof ProxyError, `${e}`);
    for (const [k, v] of Object.entries(expected)) {
      if (v instanceof RegExp) assert.match(e[k], v, k);
      else assert.deepEqual(e[k], v, k);
    }
    return true;
  });

describe("the session", () => {
  test("posts who and the hash to the proxy under its path prefix, without a token", async () => {
    const calls = answers(session("t1"));
    const c = client();
    const s = await c.session();
    assert.equal(s.token, "t1");
    assert.equal(c.token, "t1");
    assert.equal(calls[0].url, SESSION);
    assert.equal(calls[0].method, "POST");
    // A CORS-safelisted type: the browser sends the session call without a preflight.
    assert.equal(calls[0].headers["Content-Type"], "text/plain");
    assert.equal(calls[0].headers.Authorization, undefined);
    assert.equal(calls[0].init.credentials, "omit");
    assert.deepEqual(JSON.parse(calls[0].body), { email: "jane@example.com", hash: "ab12", expires: 1700000000, limit: 10 });
  });

  test("the proxy's error code, message and status are kept", async () => {
    answers(problem(403, "invalid_hash", "the hash does not match"));
    await rejects(client().session(), { code: "invalid_hash", message: "the hash does not match", status: 403 });
  });

  test("an answer that is not a session is bad_response", async () => {
    const garbage = [
      new Response("<html>not json</html>", { status: 200 }),
      new Response('"just a string"', { status: 200 }),
      new Response("null", { status: 200 }),
      json(200, { token: 7, invoices: { data: [] } }),
      json(200, { token: "t", invoices: { data: "nope" } }),
    ];
    for (const res of garbage) {
      answers(res);
      await rejects(client().session(), { code: "bad_response" });
    }
  });

  test("an error answer without the proxy's error code is bad_response, with its status", async () => {
    for (const [status, body] of [[502, "Bad Gateway"], [404, "<h1>Not Found</h1>"], [500, '{"detail": "boom"}'], [400, '{"error": "nope"}']]) {
      answers(new Response(body, { status }));
      await rejects(client().session(), { code: "bad_response", status, message: new RegExp(`HTTP ${status}`) });
    }
  });

  test("a network failure is network_error naming the proxy's origin", async () => {
    stubFetch(() => {
      throw new TypeError("Failed to fetch");
    });
    await rejects(client().session(), { code: "network_error", message: /https:\/\/billing\.example\.com.*Failed to fetch/ });
  });
});

describe("time limits and aborts", () => {
  const hanging = () =>
    stubFetch(
      ({ init }) =>
        new Promise((resolve, reject) => {
          init.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
        }),
    );

  test("a proxy that does not answer within 20 s is timeout", async (t) => {
    const timers = [];
    t.mock.method(globalThis, "setTimeout", (fn, ms) => timers.push({ fn, ms }));
    t.mock.method(globalThis, "clearTimeout", () => {});
    hanging();
    const pending = client().session();
    assert.deepEqual(timers.map((timer) => timer.ms), [20000]);
    timers[0].fn();
    await rejects(pending, { code: "timeout", message: /billing\.example\.com did not answer within 20000 ms/ });
  });

  test("the portal's own abort (a reload) is not reported as a proxy error", async () => {
    hanging();
    const ctl = new AbortController();
    const pending = client(ctl.signal).session();
    ctl.abort();
    await assert.rejects(pending, (e) => !(e instanceof ProxyError) && e.name === "AbortError");
  });
});

describe("calls with the token", () => {
  const sent = (call) => JSON.parse(call.body);

  test("the first call starts a session; the token and the fields go in a text/plain body, unset ones left out", async () => {
    const calls = answers(session("t1"), json(200, { object: "list", data: [], has_more: false }));
    await client().call("v1/invoices", { limit: 10, scope: undefined, subscription: null, starting_after: "in_9", created: { lt: 1700000000 } });
    assert.deepEqual(calls.map((c) => c.url), [SESSION, `${EDGE}/v1/invoices`]);
    assert.deepEqual(sent(calls[1]), { token: "t1", limit: 10, starting_after: "in_9", created: { lt: 1700000000 } });
  });

  test("every call is a CORS simple request: POST, text/plain, no other header, no cookies", async () => {
    const calls = answers(session("t1"), json(200, { id: "in_1", lines: [] }), json(200, { url: "https://files.example/in_1.pdf" }));
    const c = client();
    await c.call("v1/invoices/in_1");
    await c.call("v1/invoices/in_1/pdf");
    for (const call of calls) {
      assert.equal(call.method, "POST");
      assert.deepEqual(call.headers, { "Content-Type": "text/plain" });
      assert.equal(call.init.credentials, "omit");
      assert.equal(typeof call.body, "string");
    }
    assert.deepEqual(calls.slice(1).map(sent), [{ token: "t1" }, { token: "t1" }]);
    assert.ok(calls.every((call) => !call.url.includes("t1")), "the token is never in an address");
  });

  test("an expired token gets one new session and the call is repeated with its token and the same fields", async () => {
    const calls = answers(
      session("t1"),
      problem(401, "expired_token"),
      session("t2"),
      json(200, { id: "in_1", status: "paid" }),
    );
    const c = client();
    const paid = await c.call("v1/invoices/in_1/pay", { idempotency_key: "k1" });
    assert.deepEqual(paid, { id: "in_1", status: "paid" });
    assert.deepEqual(calls.map((c) => [c.url.replace(EDGE, ""), c.body && JSON.parse(c.body).token]), [
      ["/v1/session", undefined],
      ["/v1/invoices/in_1/pay", "t1"],
      ["/v1/session", undefined],
      ["/v1/invoices/in_1/pay", "t2"],
    ]);
    assert.equal(sent(calls[3]).idempotency_key, "k1", "the retry is the same payment");
    assert.equal(calls[2].body, calls[0].body, "the new session uses the same hash");
    assert.equal(c.token, "t2");
  });

  test("a token refused again after the new session is an error, not a loop", async () => {
    const calls = answers(session("t1"), problem(401, "expired_token"), session("t2"), problem(401, "invalid_token"));
    await rejects(client().call("v1/invoices/in_1"), { code: "invalid_token", status: 401 });
    assert.equal(calls.length, 4);
  });

  test("a new session that is refused ends the call with its error", async () => {
    const calls = answers(session("t1"), problem(401, "expired_token"), problem(403, "expired_hash", "the hash expired"));
    await rejects(client().call("v1/invoices/in_1"), { code: "expired_hash", status: 403 });
    assert.equal(calls.length, 3);
  });

  test("other errors are not retried", async () => {
    const calls = answers(session("t1"), problem(404, "not_found", "no such invoice"));
    await rejects(client().call("v1/invoices/in_x"), { code: "not_found", status: 404, message: "no such invoice" });
    assert.equal(calls.length, 2);
  });

  test("a call answered with JSON that is not an object is bad_response", async () => {
    for (const body of ['"just a string"', "42", "null", "<html>"]) {
      answers(session("t1"), new Response(body, { status: 200 }));
      await rejects(client().call("v1/invoices/in_1"), { code: "bad_response", message: /POST \/portal\/v1\/invoices\/in_1/ });
    }
  });

  test("a declined payment keeps the proxy's error body (decline_code)", async () => {
    answers(session("t1"), json(402, { error: { code: "card_declined", message: "declined", decline_code: "insufficient_funds" } }));
    await rejects(client().call("v1/invoices/in_1/pay", { idempotency_key: "k1" }), {
      code: "card_declined",
      status: 402,
      body: { code: "card_declined", message: "declined", decline_code: "insufficient_funds" },
    });
  });
});
