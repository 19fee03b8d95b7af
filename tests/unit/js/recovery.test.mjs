import "./browser.mjs";

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { Strings } from "../../../embed/i18n.js";
import { reason } from "../../../embed/recovery.js";

const en = new Strings("en-US", "en-US", [globalThis.EN_STRINGS], () => {});
const EN = globalThis.EN_STRINGS;

describe("why a card was refused, in the customer's words", () => {
  test("Stripe's decline code is said as such", () => {
    assert.equal(reason(en, { code: "card_declined", decline_code: "insufficient_funds" }), EN["pay.insufficient_funds"]);
  });

  test("without a decline code of its own, the error code (an expired card, a wrong CVC)", () => {
    assert.equal(reason(en, { code: "expired_card", decline_code: null }), EN["pay.expired_card"]);
    assert.equal(reason(en, { code: "incorrect_cvc" }), EN["pay.incorrect_cvc"]);
  });

  test("a lost, stolen or 'fraudulent' card is a plain decline, as Stripe advises", () => {
    for (const decline_code of ["lost_card", "stolen_card", "fraudulent", "pickup_card", "something_new"])
      assert.equal(reason(en, { code: "card_declined", decline_code }), EN["pay.declined"]);
  });
});
