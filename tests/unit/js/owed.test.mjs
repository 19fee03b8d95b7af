import "./browser.mjs";

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { card, ordered, outstanding, purpose, unpaid } from "../../../embed/owed.js";
import { Strings } from "../../../embed/i18n.js";
import { percent } from "../../../embed/lines.js";

const inv = (id, fields = {}) => ({ id, number: `N-${id}`, status: "open", currency: "usd", amount_remaining: 100, ...fields });

describe("what is owed", () => {
  test("the total outstanding is summed per currency, paid invoices left out", () => {
    const owed = { has_more: false, data: [inv("a"), inv("b", { amount_remaining: 250 }), inv("c", { currency: "eur" }), inv("d", { status: "paid", amount_remaining: 0 })] };
    assert.deepEqual(outstanding(owed), [
      { currency: "usd", amount_remaining: 350 },
      { currency: "eur", amount_remaining: 100 },
    ]);
    assert.deepEqual(unpaid(owed).map((i) => i.id), ["a", "b", "c"]);
  });

  test("over a hundred owed invoices the proxy's own totals count", () => {
    const totals = [{ currency: "usd", amount_remaining: 999999 }];
    assert.deepEqual(outstanding({ has_more: true, data: [inv("a")], totals }), totals);
  });

  test("nothing owed means no totals, so no banner", () => {
    assert.deepEqual(outstanding({ has_more: false, data: [], totals: [] }), []);
    assert.deepEqual(outstanding(undefined), []);
  });

  test("the owed invoices come first and are not repeated in the rest", () => {
    const owed = { data: [inv("late"), inv("open")] };
    const page = [inv("new", { status: "paid" }), inv("open"), inv("old", { status: "paid" })];
    assert.deepEqual(ordered(owed, page).map((i) => i.id), ["late", "open", "new", "old"]);
  });

  test("an invoice paid in the portal keeps its place", () => {
    const owed = { data: [inv("late", { status: "paid", amount_remaining: 0 })] };
    assert.deepEqual(ordered(owed, [inv("x")]).map((i) => i.id), ["late", "x"]);
    assert.deepEqual(outstanding(owed), []);
  });
});

describe("what an invoice was for", () => {
  const subs = [{ id: "sub_1", description: "Pro plan, billed monthly" }];
  test("its description first", () => {
    assert.equal(purpose(inv("a", { description: "Consulting", subscription: "sub_1" }), subs), "Consulting");
  });
  test("else its subscription's description", () => {
    assert.equal(purpose(inv("a", { description: null, subscription: "sub_1" }), subs), "Pro plan, billed monthly");
  });
  test("else its number", () => {
    assert.equal(purpose(inv("a", { description: null, subscription: "sub_gone" }), subs), "N-a");
  });
});

describe("the card a payment charges", () => {
  test("brand and last four, as statements print them", () => {
    const nb = (text) => text.replaceAll(" ••••", "\u00a0••••").replaceAll("•••• ", "••••\u00a0");
    assert.equal(card({ type: "card", brand: "visa", last4: "4242" }), nb("Visa •••• 4242"));
    assert.equal(card({ type: "card", brand: "amex", last4: "0005" }), nb("American Express •••• 0005"));
    assert.equal(card({ type: "sepa_debit", brand: null, last4: "3000" }), nb("Sepa debit •••• 3000"));
    assert.equal(card(null), "");
  });
});

describe("amounts", () => {
  const en = new Strings("en-US", "en-US", [globalThis.EN_STRINGS], () => {});
  test("a discount carries a true minus sign", () => {
    assert.equal(en.amount(-980, "usd"), "\u2212$9.80");
    assert.equal(new Strings("de-DE", "de-DE", [], () => {}).amount(-980, "eur"), "\u22129,80\u00a0€");
  });
  test("tax rates are percentages in the customer's format", () => {
    assert.equal(percent(8.5, en), "8.5%");
    assert.equal(percent(19, new Strings("de-DE", "de-DE", [], () => {})), "19\u00a0%");
  });
});
