import { FakeElement } from "./browser.mjs";

import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";

import { billflow, options } from "../../../embed/billflow.js";
import { mount } from "../../../embed/mount.js";

const EDGE = "https://billing.example.com";
const handleResponse = () => {};
// What a Billflow site has on its page today, hash included.
const BILLFLOW = {
  billing_page_id: "bp_123",
  email: "jane@example.com",
  hash: "0709c7f107ed",
  handleResponse,
};

describe("Billflow settings as mount() options", () => {
  test("Billflow's snippet keeps its identity, hash and handleResponse; billing_page_id is dropped", () => {
    assert.deepEqual(options(BILLFLOW, EDGE), { edge: EDGE, email: "jane@example.com", hash: "0709c7f107ed", handleResponse });
  });

  test("Billflow-only settings never reach the element as attributes", () => {
    const settings = {
      ...BILLFLOW,
      edge: EDGE,
      service: "Pro",
      coupon: "SPRING",
      options: { quantity: 5, behavior: {} },
      theme: { stripeElement: { style: {} } },
      onLoad: () => {},
    };
    const el = mount(new FakeElement("div"), options(settings));
    assert.deepEqual([...el.attrs.keys()].sort(), ["edge", "email", "hash"]);
    assert.equal(el.handleResponse, handleResponse);
  });

  test("snake_case and camelCase names become our attributes", () => {
    const mapped = options({
      customer_id: "cus_NffrFeUfNV2Hib",
      subscription_id: "sub_1",
      show_all_invoices: true,
      default_locale: "de-DE",
      locale: "fr-FR",
      defaultLocale: "es-ES",
      debug: true,
      expires: 1700000000,
    });
    assert.deepEqual(mapped, {
      edge: undefined,
      customer: "cus_NffrFeUfNV2Hib",
      subscription: "sub_1",
      "show-all-invoices": true,
      "default-locale": "es-ES",
      locale: "fr-FR",
      debug: true,
      expires: 1700000000,
    });
    const el = mount(new FakeElement("div"), mapped);
    assert.equal(el.getAttribute("show-all-invoices"), "");
    assert.equal(el.getAttribute("customer"), "cus_NffrFeUfNV2Hib");
  });

  test("the settings' edge wins over the script's data-edge, which fills in when it is missing", () => {
    assert.equal(options({ edge: EDGE }, "https://other.example").edge, EDGE);
    assert.equal(options({ email: "a@b.c" }, EDGE).edge, EDGE);
    assert.equal(options({ edge: "" }, EDGE).edge, EDGE);
    assert.equal(options({ email: "a@b.c" }).edge, undefined);
  });

  test("our theme names pass, Billflow's theme object and a handleResponse that is no function do not", () => {
    assert.equal(options({ theme: "dark" }).theme, "dark");
    assert.equal("theme" in options({ theme: { stripeElement: {} } }), false);
    assert.equal("handleResponse" in options({ handleResponse: "alert(1)" }), false);
  });
});

describe("the drop-in on a page", () => {
  /** @type {Map<string, FakeElement>} */
  let ids;
  /** @type {{ cb: Function, on: boolean }[]} */
  let observers;
  let errors;
  /** @type {Function[]} */
  let loaded;
  /** @type {Function[]} */
  let timers;
  const saved = {};

  const div = () => {
    const el = new FakeElement("div");
    el.querySelector = (selector) => el.children.find((child) => child.localName === selector) || null;
    return el;
  };
  const portals = (el) => el.children.filter((child) => child.localName === "invoice-portal");
  const mutate = () => observers.filter((o) => o.on).forEach((o) => o.cb());
  const watching = () => observers.some((o) => o.on);
  const parsed = () => {
    document.readyState = "interactive";
    loaded.forEach((fn) => fn());
  };

  beforeEach(() => {
    ids = new Map();
    observers = [];
    errors = [];
    loaded = [];
    timers = [];
    for (const name of ["window", "MutationObserver", "setTimeout"]) saved[name] = globalThis[name];
    saved.console = console.error;
    globalThis.window = globalThis;
    globalThis.setTimeout = (fn) => timers.push(fn);
    globalThis.MutationObserver = class {
      constructor(cb) {
        this.cb = cb;
        this.on = false;
        observers.push(this);
      }
      observe() {
        this.on = true;
      }
      disconnect() {
        this.on = false;
      }
    };
    Object.assign(document, {
      readyState: "loading",
      currentScript: { dataset: {} },
      getElementById: (id) => ids.get(id) || null,
      addEventListener: (type, fn) => type === "DOMContentLoaded" && loaded.push(fn),
    });
    console.error = (...args) => errors.push(args.join(" "));
  });

  afterEach(() => {
    delete globalThis.billflowSettings;
    for (const [name, value] of Object.entries(saved)) if (name !== "console") globalThis[name] = value;
    console.error = saved.console;
  });

  test("div and settings already there: mounted at once, nothing watched", () => {
    const target = div();
    ids.set("billflow-embed", target);
    globalThis.billflowSettings = { ...BILLFLOW, edge: EDGE };
    billflow({ mount });
    assert.equal(portals(target).length, 1);
    assert.equal(portals(target)[0].getAttribute("edge"), EDGE);
    assert.equal(observers.length, 0);
    assert.deepEqual(errors, []);
  });

  test("settings assigned after the script mount the portal, once, with the script's data-edge", () => {
    document.currentScript = { dataset: { edge: EDGE } };
    const target = div();
    ids.set("billflow-embed", target);
    billflow({ mount });
    assert.equal(portals(target).length, 0);

    globalThis.billflowSettings = BILLFLOW;
    assert.equal(portals(target).length, 1);
    assert.equal(portals(target)[0].getAttribute("edge"), EDGE);
    assert.equal(globalThis.billflowSettings, BILLFLOW, "the settings read back as a plain value");
    mutate();
    assert.equal(portals(target).length, 1);
    assert.equal(watching(), false);
  });

  test("a div added later is found by the observer; a second copy of the script mounts nothing more", () => {
    globalThis.billflowSettings = { ...BILLFLOW, edge: EDGE };
    billflow({ mount });
    parsed();
    assert.ok(watching(), "settings but no div yet: still watching after DOMContentLoaded");
    const target = div();
    ids.set("billflow-embed", target);
    mutate();
    assert.equal(portals(target).length, 1);
    assert.equal(watching(), false);

    billflow({ mount }); // the second copy
    mutate();
    assert.equal(portals(target).length, 1);
  });

  test("a page without Billflow's div or settings stops watching once parsed; settings assigned later watch again", () => {
    billflow({ mount });
    assert.ok(watching());
    parsed();
    assert.equal(watching(), false, "not a Billflow page");

    globalThis.billflowSettings = { ...BILLFLOW, edge: EDGE };
    assert.ok(watching(), "settings, and the div may follow");
    const target = div();
    ids.set("billflow-embed", target);
    mutate();
    assert.equal(portals(target).length, 1);
    assert.equal(watching(), false);
  });

  test("a late div is watched for a while, not for ever", () => {
    globalThis.billflowSettings = { ...BILLFLOW, edge: EDGE };
    billflow({ mount });
    parsed();
    timers.forEach((fn) => fn());
    assert.equal(watching(), false);
  });

  test("no edge anywhere: still mounted (the portal shows its configuration error) and the console names the fix", () => {
    const target = div();
    ids.set("billflow-embed", target);
    globalThis.billflowSettings = BILLFLOW;
    billflow({ mount });
    assert.equal(portals(target).length, 1);
    assert.equal(portals(target)[0].hasAttribute("edge"), false);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /edge: "https:/);
    assert.match(errors[0], /data-edge=/);
  });
});
