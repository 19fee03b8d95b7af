import "./browser.mjs";

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { endOf, shown, years } from "../../../embed/jump.js";

// The tests run with TZ=UTC; the bounds are the customer's local months, here UTC's.
const at = (iso) => Date.parse(iso) / 1000;

describe("jumping to a month", () => {
  test("the bound is the first second of the next month, December included", () => {
    assert.equal(endOf(2023, 2), at("2023-04-01T00:00:00Z")); // March 2023 (months from 0)
    assert.equal(endOf(2023, 11), at("2024-01-01T00:00:00Z"));
    assert.equal(endOf(2024, 1), at("2024-03-01T00:00:00Z")); // a leap February
  });

  test("the control shows the month of the bound, else this month", () => {
    assert.deepEqual(shown({ lt: endOf(2023, 2) }), { year: 2023, month: 2 });
    assert.deepEqual(shown(null, new Date("2026-12-02T03:00:00Z")), { year: 2026, month: 11 });
  });

  test("years run from the customer's first at Stripe to this one, newest first", () => {
    const now = new Date("2026-12-02T03:00:00Z");
    assert.deepEqual(years(at("2023-06-15T00:00:00Z"), now), [2026, 2025, 2024, 2023]);
    assert.deepEqual(years(null, now), [2026], "no customer date: this year only");
    assert.deepEqual(years(at("2027-01-01T00:00:00Z"), now), [2026], "a clock behind Stripe's");
  });
});
