import { json, stubFetch } from "./browser.mjs";

import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";

import { Client } from "../../../embed/client.js";
import { HOOK_TIMEOUT, ask, emit } from "../../../embed/hooks.js";
import { Strings } from "../../../embed/i18n.js";
import { pay } from "../../../embed/payment.js";

// Rejections nobody handled, as the host page's `unhandledrejection` would see them.
const unhandled = [];
process.on("unhandledRejection", (reason) => unhandled.push(reason));
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
beforeEach(() => {
  unhandled.length = 0;
});
afterEach(async () => {
  await settle();
  assert.deepEqual(unhandled, [], "no rejection reached the page unhandled");
});

// What the element is to the hooks: an EventTarget with an optional handleResponse.
const host = (handleResponse) => Object.assign(new EventTarget(), { handleResponse });
const detail = (event = "pre_payment") => ({ event, response: { id: "in_1" }, extras: { invoice: "in_1" } });
const seen = (el, name = "invoice-portal:pre_payment") => {
  const events = [];
  el.addEventListener(name, (e) => events.push(e));
  return events;
};

describe("a cancelable hook (pre_payment)", () => {
  test("no handleResponse and no listener: go on", async () => {
    assert.equal(await ask(host(), detail()), null);
  });

  test("a handleResponse that returns nothing, a value, or a promise that resolves: go on", async () => {
    for (const answer of [undefined, false, 0, "no", Promise.resolve(false), { then: (ok) => ok() }]) {
      assert.equal(await ask(host(() => answer), detail()), null, String(answer));
    }
  });

  test("a handleResponse that throws refuses, with its error", async () => {
    const error = new Error("not today");
    const refusal = await ask(
      host(() => {
        throw error;
      }),
      detail(),
    );
    assert.deepEqual(refusal, { by: "handleResponse", error });
  });

  test("an async handleResponse that throws refuses, once its promise rejects", async () => {
    let fail;
    const el = host(() => new Promise((_, reject) => (fail = reject)));
    let answered = false;
    const asked = ask(el, detail()).then((r) => ((answered = true), r));
    await settle();
    assert.equal(answered, false, "the portal waits for the hook");
    fail(new TypeError("on hold"));
    const refusal = await asked;
    assert.equal(refusal.by, "handleResponse");
    assert.equal(refusal.error.message, "on hold");
  });

  test("a thenable whose then throws refuses", async () => {
    const el = host(() => ({
      then() {
        throw new Error("broken thenable");
      },
    }));
    assert.equal((await ask(el, detail())).error.message, "broken thenable");
  });

  test("the DOM event is cancelable, bubbles and is composed, and carries the same detail", async () => {
    const el = host();
    const events = seen(el);
    const d = detail();
    await ask(el, d);
    assert.equal(events.length, 1);
    const [e] = events;
    assert.ok(e instanceof CustomEvent);
    assert.deepEqual([e.cancelable, e.bubbles, e.composed], [true, true, true]);
    assert.equal(e.detail, d);
  });

  test("a listener's preventDefault() refuses", async () => {
    const el = host();
    el.addEventListener("invoice-portal:pre_payment", (e) => e.preventDefault());
    assert.deepEqual(await ask(el, detail()), { by: "a listener's preventDefault()", error: undefined });
  });

  test("the DOM event is dispatched even when handleResponse already threw", async () => {
    const el = host(() => {
      throw new Error("no");
    });
    const events = seen(el);
    assert.ok(await ask(el, detail()));
    assert.equal(events.length, 1);
  });

  test("waitUntil(promise): a rejection refuses, a resolution goes on", async () => {
    const refusing = host();
    refusing.addEventListener("invoice-portal:pre_payment", (e) => e.detail.waitUntil(Promise.reject(new Error("ask later"))));
    const refusal = await ask(refusing, detail());
    assert.equal(refusal.by, "a listener's waitUntil() promise");
    assert.equal(refusal.error.message, "ask later");

    let release;
    const allowing = host();
    allowing.addEventListener("invoice-portal:pre_payment", (e) => e.detail.waitUntil(new Promise((ok) => (release = ok))));
    let answered = false;
    const asked = ask(allowing, detail()).then((r) => ((answered = true), r));
    await settle();
    assert.equal(answered, false, "the portal waits for every waitUntil() promise");
    release("yes");
    assert.equal(await asked, null);
  });

  test("waitUntil() after the dispatch throws InvalidStateError, as ExtendableEvent's does", async () => {
    const el = host();
    let late;
    el.addEventListener("invoice-portal:pre_payment", (e) => (late = e.detail.waitUntil));
    await ask(el, detail());
    assert.throws(() => late(Promise.resolve()), (e) => e instanceof DOMException && e.name === "InvalidStateError");
  });

  test("waitUntil is not enumerable: the detail still clones and serialises", async () => {
    const d = detail();
    let cloned;
    await ask(
      host((x) => {
        cloned = structuredClone(x);
      }),
      d,
    );
    assert.equal(typeof d.waitUntil, "function");
    assert.deepEqual(cloned, detail());
    assert.deepEqual(JSON.parse(JSON.stringify(d)), detail());
  });

  test("one refusal is enough, even while another hook is still pending", async () => {
    const el = host(() => new Promise(() => {}));
    el.addEventListener("invoice-portal:pre_payment", (e) => e.preventDefault());
    const refusal = await ask(el, detail(), 60000);
    assert.equal(refusal.by, "a listener's preventDefault()");
  });

  test("every refusal is handled, also those after the first", async () => {
    const el = host(async () => {
      await settle();
      throw new Error("second");
    });
    el.addEventListener("invoice-portal:pre_payment", (e) => e.preventDefault());
    assert.ok(await ask(el, detail()));
    await settle(); // afterEach: the later rejection was not left unhandled
  });

  test("a hook that never settles refuses after the bound, as a timeout", async () => {
    const el = host(() => new Promise(() => {}));
    const started = Date.now();
    const refusal = await ask(el, detail(), 30);
    assert.ok(Date.now() - started >= 25);
    assert.equal(refusal.timeout, true);
    assert.match(refusal.by, /no answer within 0.03 s/);
  });
});

describe("an event that is not cancelable", () => {
  test("goes to handleResponse and to DOM listeners, not cancelable", () => {
    const calls = [];
    const el = host((d) => calls.push(d.event));
    const events = seen(el, "invoice-portal:payment_started");
    emit(el, detail("payment_started"), () => {});
    assert.deepEqual(calls, ["payment_started"]);
    assert.equal(events.length, 1);
    assert.equal(events[0].cancelable, false);
    assert.equal(events[0].detail.waitUntil, undefined);
  });

  test("a throw or a rejection from handleResponse is logged, never unhandled", async () => {
    const logged = [];
    const log = (...args) => logged.push(args);
    emit(
      host(() => {
        throw new Error("sync");
      }),
      detail("post_load"),
      log,
    );
    emit(host(async () => Promise.reject(new Error("async"))), detail("post_load"), log);
    await settle();
    assert.deepEqual(
      logged.map(([text, e]) => [text, e.message]),
      [
        ["handleResponse failed for post_load; it cannot cancel it:", "sync"],
        ["handleResponse failed for post_load; it cannot cancel it:", "async"],
      ],
    );
  });

  test("a returned promise is not awaited", () => {
    const el = host(() => new Promise(() => {}));
    const events = seen(el, "invoice-portal:post_load");
    emit(el, detail("post_load"), () => {});
    assert.equal(events.length, 1, "dispatched at once");
  });
});

// The part of the element that pay() uses, with the real hooks and client.
class Portal extends EventTarget {
  constructor(handleResponse) {
    super();
    this.handleResponse = handleResponse;
    this.ctl = new AbortController();
    this.client = new Client("https://billing.example.com", { email: "jane@example.com" }, {}, {}, this.ctl.signal);
    this.client.token = "t1";
    this.strings = new Strings("en-US", "en-US", [], () => {});
    this.state = { phase: "ready", open: "in_1", invoices: [], owed: { data: [] }, detail: null, busy: null };
    this.events = [];
    this.logged = [];
    this.painted = [];
  }
  log(...args) {
    this.logged.push(args.map(String).join(" "));
  }
  set(patch) {
    Object.assign(this.state, patch);
    this.painted.push({ busy: this.state.busy, notice: this.state.notice && this.state.notice.text });
  }
  detailOf(event, response, extras) {
    this.events.push(event);
    return { event, response, extras };
  }
  emit(event, response, extras) {
    emit(this, this.detailOf(event, response, extras), (...a) => this.log(...a));
  }
}

const INVOICE = { id: "in_1", status: "open", amount_remaining: 1000, currency: "usd" };
const paid = () => json(200, { status: "paid", invoice: { ...INVOICE, status: "paid" } });

describe("paying through pre_payment", () => {
  test("refused by an async hook: no request to the proxy, the notice says so, the reason is logged", async () => {
    const calls = stubFetch(paid);
    const el = new Portal(async ({ event }) => {
      if (event === "pre_payment") throw new Error("not today");
    });
    await pay(el, INVOICE);
    assert.deepEqual(calls, []);
    assert.deepEqual(el.events, ["pre_payment"]);
    assert.equal(el.state.busy, null);
    assert.equal(el.state.notice.text, "The payment was not started.");
    assert.match(el.logged.join("\n"), /cancelled by the pre_payment hook: handleResponse \(Error: not today\); nothing was charged/);
  });

  test("a rejection with a value that cannot become a string still cancels cleanly", async () => {
    const calls = stubFetch(paid);
    const el = new Portal(() => Promise.reject(Object.create(null)));
    await pay(el, INVOICE);
    assert.deepEqual(calls, []);
    assert.equal(el.state.notice.text, "The payment was not started.");
    assert.match(el.logged.join("\n"), /handleResponse \(object\)/);
  });

  test("a hook that times out: no request, the timeout's own message", async () => {
    const calls = stubFetch(paid);
    const el = new Portal();
    el.addEventListener("invoice-portal:pre_payment", (e) => e.detail.waitUntil(new Promise(() => {})));
    const real = setTimeout;
    globalThis.setTimeout = (fn, ms, ...args) => real(fn, ms === HOOK_TIMEOUT ? 20 : ms, ...args);
    try {
      await pay(el, INVOICE);
    } finally {
      globalThis.setTimeout = real;
    }
    assert.deepEqual(calls, []);
    assert.equal(el.state.notice.text, el.strings.t("pay.hook_timeout"));
    assert.match(el.logged.join("\n"), /no answer within 60 s/);
  });

  test("busy while the hook is pending; a second click neither asks nor pays again", async () => {
    const calls = stubFetch(paid);
    let release;
    const el = new Portal(({ event }) => (event === "pre_payment" ? new Promise((ok) => (release = ok)) : undefined));
    const first = pay(el, INVOICE);
    await settle();
    assert.equal(el.state.busy, "pay");
    await pay(el, INVOICE); // the second click
    assert.deepEqual(el.events, ["pre_payment"]);
    assert.deepEqual(calls, []);
    release();
    await first;
    assert.equal(calls.length, 1);
    assert.match(calls[0].url, /\/v1\/invoices\/in_1\/pay$/);
    assert.deepEqual(el.events, ["pre_payment", "payment_started", "payment_succeeded"]);
    assert.equal(el.state.busy, null);
  });

  test("an answer after the visitor left the invoice charges nothing", async () => {
    const calls = stubFetch(paid);
    let release;
    const el = new Portal(({ event }) => (event === "pre_payment" ? new Promise((ok) => (release = ok)) : undefined));
    const paying = pay(el, INVOICE);
    await settle();
    el.set({ open: null, busy: null, attempt: null }); // what "All invoices" does
    release();
    await paying;
    assert.deepEqual(calls, []);
    assert.deepEqual(el.events, ["pre_payment"]);
  });
});
