import "./browser.mjs";

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { current, day, iso } from "../../../embed/filters.js";
import { defaultRange, filename } from "../../../embed/export.js";
import { taxLabel } from "../../../embed/billing.js";
import { endOf, shown } from "../../../embed/jump.js";

// The tests run with TZ=UTC.
const at = (text) => Date.parse(text) / 1000;

describe("filters", () => {
  test("a date range is whole UTC days, both ends included", () => {
    assert.equal(day("2025-03-01"), at("2025-03-01T00:00:00Z"));
    assert.equal(day("2025-03-31", true), at("2025-03-31T23:59:59Z"));
    assert.equal(day("2024-02-29", true), at("2024-02-29T23:59:59Z"));
    assert.equal(iso(at("2025-12-31T23:59:59Z")), "2025-12-31");
  });

  test("the fields show the filters, and a jump as the end of its month", () => {
    const range = { gte: day("2025-01-01"), lte: day("2025-03-31", true) };
    assert.deepEqual(current({ status: "paid", created: range }), { status: "paid", from: "2025-01-01", to: "2025-03-31" });
    assert.deepEqual(current({ created: { lt: endOf(2024, 1) } }), { status: "", from: "", to: "2024-02-29" });
    assert.deepEqual(current({}), { status: "", from: "", to: "" });
  });

  test("the month picker shows the month a range ends in", () => {
    assert.deepEqual(shown({ gte: day("2025-01-01"), lte: day("2025-03-31", true) }), { year: 2025, month: 2 });
  });
});

describe("the accountant's downloads", () => {
  test("by default the last calendar year, or this year so far for a customer new this year", () => {
    const now = new Date("2026-12-02T10:00:00Z");
    assert.deepEqual(defaultRange(at("2023-05-01T00:00:00Z"), now), { from: "2025-01-01", to: "2025-12-31" });
    assert.deepEqual(defaultRange(null, now), { from: "2025-01-01", to: "2025-12-31" });
    assert.deepEqual(defaultRange(at("2026-03-01T00:00:00Z"), now), { from: "2026-01-01", to: "2026-12-02" });
  });

  test("the file is named as the proxy says, never with a path in it", () => {
    assert.equal(filename('attachment; filename="invoices-2025-01-01-2025-12-31.csv"'), "invoices-2025-01-01-2025-12-31.csv");
    assert.equal(filename("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.zip"), "résumé.zip");
    assert.equal(filename('attachment; filename="../../evil.zip"'), ".._.._evil.zip");
    assert.equal(filename(null), null);
  });
});

describe("billing details", () => {
  test("a tax ID type reads as its country and kind, with Stripe's name", () => {
    const names = new Intl.DisplayNames("en", { type: "region" });
    const name = (code) => names.of(code);
    assert.equal(taxLabel("eu_vat", name), "European Union VAT (eu_vat)");
    assert.equal(taxLabel("ca_gst_hst", name), "Canada GST HST (ca_gst_hst)");
  });
});
