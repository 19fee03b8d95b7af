import { FakeElement, browserLanguages, element, targets } from "./browser.mjs";

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { ProxyError } from "../../../embed/client.js";
import { config, textOptions } from "../../../embed/config.js";
import { mount } from "../../../embed/mount.js";

const EDGE = "https://billing.example.com";
const invalid = (attrs, names) => {
  assert.throws(
    () => config(element(attrs)),
    (e) => {
      assert.ok(e instanceof ProxyError);
      assert.equal(e.code, "invalid_config");
      assert.match(e.message, names);
      return true;
    },
    JSON.stringify(attrs),
  );
};

describe("attributes", () => {
  test("an email portal: who, credentials and the first page's parameters", () => {
    const cfg = config(element({ edge: EDGE, email: "jane@example.com", hash: "ab12", expires: "1700000000", subscription: "sub_1" }));
    assert.equal(cfg.edge, EDGE);
    assert.deepEqual(cfg.who, { email: "jane@example.com" });
    assert.deepEqual(cfg.creds, { hash: "ab12", expires: 1700000000 });
    assert.deepEqual(cfg.params, { scope: undefined, subscription: "sub_1", limit: 10 });
  });

  test("a customer portal with show-all-invoices and no hash (test mode)", () => {
    const cfg = config(element({ edge: `${EDGE}/billing/`, customer: "cus_NffrFeUfNV2Hib", "show-all-invoices": "" }));
    assert.deepEqual(cfg.who, { customer: "cus_NffrFeUfNV2Hib" });
    assert.deepEqual(cfg.creds, { hash: undefined, expires: undefined });
    assert.equal(cfg.params.scope, "all");
    assert.equal(cfg.params.subscription, undefined);
  });

  test("a missing or non-http edge is a configuration error naming edge", () => {
    invalid({ email: "jane@example.com" }, /"edge"/);
    invalid({ edge: "", email: "jane@example.com" }, /"edge"/);
    invalid({ edge: "javascript:alert(1)", email: "jane@example.com" }, /"edge"/);
    invalid({ edge: "billing.example.com", email: "jane@example.com" }, /"edge"/);
  });

  test("exactly one of email and customer", () => {
    invalid({ edge: EDGE, email: "jane@example.com", customer: "cus_1" }, /"email" and "customer"/);
    invalid({ edge: EDGE }, /"email" and "customer"/);
    invalid({ edge: EDGE, email: "", customer: "" }, /"email" and "customer"/);
  });

  test("a malformed email, customer id, expires or locale names the attribute", () => {
    invalid({ edge: EDGE, email: "jane.example.com" }, /"email"/);
    invalid({ edge: EDGE, customer: "cust_1" }, /"customer"/);
    invalid({ edge: EDGE, customer: "cus_1; drop" }, /"customer"/);
    invalid({ edge: EDGE, email: "jane@example.com", expires: "tomorrow" }, /"expires"/);
    invalid({ edge: EDGE, email: "jane@example.com", locale: "en US" }, /"locale"/);
    invalid({ edge: EDGE, email: "jane@example.com", "default-locale": "not a tag" }, /"default-locale"/);
  });

  test("locale auto and valid tags are accepted", () => {
    for (const locale of ["auto", "de-AT", "ja", "de_DE"]) config(element({ edge: EDGE, email: "jane@example.com", locale }));
  });
});

describe("what locale negotiation is given", () => {
  test("a locale attribute replaces the browser's languages", () => {
    browserLanguages(["fr-FR", "en"]);
    const options = textOptions(element({ locale: "de-AT", "default-locale": "es-ES", translations: "/t/{locale}.json" }));
    assert.deepEqual(options, { wanted: ["de-AT"], fallback: "es-ES", translations: "/t/{locale}.json" });
  });

  test("a locale written with an underscore (de_DE) is wanted as written; i18n reads it as de-DE", () => {
    assert.deepEqual(textOptions(element({ locale: "de_DE" })).wanted, ["de_DE"]);
  });

  test("auto, no locale or a malformed one use the browser's languages and default to en-US", () => {
    browserLanguages(["fr-FR", "en"]);
    for (const attrs of [{ locale: "auto" }, {}, { locale: "en US" }]) {
      assert.deepEqual(textOptions(element(attrs)), { wanted: ["fr-FR", "en"], fallback: "en-US", translations: null });
    }
  });
});

describe("InvoicePortal.mount", () => {
  test("camelCase options become attributes of a new portal in the target", () => {
    const target = new FakeElement("div");
    targets.set("#billing", target);
    const handleResponse = () => {};
    const el = mount("#billing", {
      edge: EDGE,
      email: "jane@example.com",
      hash: "ab12",
      expires: 1700000000,
      locale: "de-AT",
      defaultLocale: "fr-FR",
      translations: "https://example.com/{locale}.json",
      showAllInvoices: true,
      subscription: "sub_1",
      theme: "dark",
      debug: false,
      handleResponse,
    });
    assert.equal(el.localName, "invoice-portal");
    assert.deepEqual(target.children, [el]);
    assert.equal(el.handleResponse, handleResponse);
    assert.deepEqual(Object.fromEntries(el.attrs), {
      edge: EDGE,
      email: "jane@example.com",
      hash: "ab12",
      expires: "1700000000",
      locale: "de-AT",
      "default-locale": "fr-FR",
      translations: "https://example.com/{locale}.json",
      "show-all-invoices": "",
      subscription: "sub_1",
      theme: "dark",
    });
  });

  test("customer_id, subscription_id and show_all_invoices are aliases", () => {
    const el = mount(new FakeElement("div"), {
      edge: EDGE,
      customer_id: "cus_NffrFeUfNV2Hib",
      subscription_id: "sub_2",
      show_all_invoices: true,
    });
    assert.deepEqual(Object.fromEntries(el.attrs), {
      edge: EDGE,
      customer: "cus_NffrFeUfNV2Hib",
      subscription: "sub_2",
      "show-all-invoices": "",
    });
    const cfg = config(el);
    assert.deepEqual(cfg.who, { customer: "cus_NffrFeUfNV2Hib" });
    assert.equal(cfg.params.scope, "all");
    assert.equal(cfg.params.subscription, "sub_2");
  });

  test("false and null leave an option off", () => {
    const el = mount(new FakeElement("div"), { edge: EDGE, email: "a@b.c", show_all_invoices: false, debug: null, hash: undefined });
    assert.deepEqual([...el.attrs.keys()], ["edge", "email"]);
    assert.equal(config(el).params.scope, undefined);
  });

  test("both email and customer_id, or no edge, is a configuration error", () => {
    const both = mount(new FakeElement("div"), { edge: EDGE, email: "jane@example.com", customer_id: "cus_1" });
    assert.throws(() => config(both), { code: "invalid_config", message: /exactly one/ });
    const noEdge = mount(new FakeElement("div"), { email: "jane@example.com" });
    assert.throws(() => config(noEdge), { code: "invalid_config", message: /"edge"/ });
  });

  test("a target that matches nothing is a TypeError", () => {
    for (const target of ["#nowhere", null, {}]) {
      assert.throws(() => mount(target, { edge: EDGE }), { name: "TypeError", message: /^InvoicePortal\.mount: no element/ });
    }
  });
});
