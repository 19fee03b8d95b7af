import "./browser.mjs";

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { emitCancelable } from "../../../embed/hooks.js";
import { pick } from "../../../embed/account.js";

// What pick() reads of the portal's strings: the matched locale and the wanted tag.
const strings = (locale, format = locale) => ({ locale, format });

describe("the offer's text in the portal's language (PORTAL_OFFER)", () => {
  const title = { en: "Go yearly", fr: "Passez à l’annuel", "pt-BR": "Anual", "*": "Yearly" };

  test("the exact tag first, then its language", () => {
    assert.equal(pick(title, strings("pt-BR")), "Anual");
    assert.equal(pick(title, strings("fr-FR", "fr-CA")), "Passez à l’annuel");
  });

  test("tags compare without case", () => {
    assert.equal(pick({ "PT-br": "Anual", en: "Yearly" }, strings("pt-BR")), "Anual");
  });

  test('then "*", then "en", then the first there is', () => {
    assert.equal(pick(title, strings("de-DE")), "Yearly");
    assert.equal(pick({ fr: "Annuel", en: "Yearly" }, strings("de-DE")), "Yearly");
    assert.equal(pick({ fr: "Annuel", es: "Anual" }, strings("de-DE")), "Annuel");
  });

  test("a plain string is every language's; nothing usable is no text", () => {
    assert.equal(pick("Yearly", strings("ja-JP")), "Yearly");
    assert.equal(pick(null, strings("en-US")), "");
    assert.equal(pick({ en: 3 }, strings("en-US")), "");
  });
});

describe("a cancelable event (upsell_clicked)", () => {
  const detail = { event: "upsell_clicked", response: { id: "yearly", url: null }, extras: {} };

  test("tells handleResponse and the page, and says whether a listener prevented it", () => {
    const told = [];
    const el = Object.assign(new EventTarget(), { handleResponse: (d) => told.push(d.event) });
    assert.equal(emitCancelable(el, detail, () => {}), true);
    el.addEventListener("invoice-portal:upsell_clicked", (e) => e.preventDefault());
    assert.equal(emitCancelable(el, detail, () => {}), false);
    assert.deepEqual(told, ["upsell_clicked", "upsell_clicked"]);
  });

  test("a throwing handleResponse neither stops it nor reaches the page: it is logged", async () => {
    const logged = [];
    const el = Object.assign(new EventTarget(), {
      handleResponse: () => {
        throw new Error("boom");
      },
    });
    assert.equal(emitCancelable(el, detail, (...args) => logged.push(args)), true);
    await Promise.resolve();
    assert.equal(logged.length, 1);
  });
});
