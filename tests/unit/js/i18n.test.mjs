import { BUILT_IN, ROOT, builtInUrl, json, stubFetch, translation } from "./browser.mjs";

import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { describe, test } from "node:test";

import { SOURCE, Strings, loadStrings, negotiate } from "../../../embed/i18n.js";

const EN = translation("en-US");
const strings = (locale, format = locale, site = null, builtIn = locale === SOURCE ? null : translation(locale)) => {
  const reported = [];
  const s = new Strings(locale, format, [site, builtIn, EN], (m) => reported.push(m));
  return Object.assign(s, { reported });
};

describe("locale negotiation", () => {
  test("an exact built-in tag is chosen, whatever its case", () => {
    assert.deepEqual(negotiate(["fr-FR"], "en-US"), { locale: "fr-FR", format: "fr-FR" });
    assert.deepEqual(negotiate(["de-de"], "en-US"), { locale: "de-DE", format: "de-DE" });
  });

  test("a tag with a built-in language gets its strings and keeps its own formats", () => {
    assert.deepEqual(negotiate(["de-AT"], "en-US"), { locale: "de-DE", format: "de-AT" });
    assert.deepEqual(negotiate(["ja"], "en-US"), { locale: "ja-JP", format: "ja" });
    assert.deepEqual(negotiate(["en-GB"], "de-DE"), { locale: "en-US", format: "en-GB" });
  });

  test("wanted languages are tried in order before the default", () => {
    assert.deepEqual(negotiate(["pt-BR", "es-MX", "fr-FR"], "de-DE"), { locale: "es-ES", format: "es-MX" });
  });

  test("default-locale is used when no wanted language is built in", () => {
    assert.deepEqual(negotiate(["pt-BR", "zh-CN"], "fr-FR"), { locale: "fr-FR", format: "fr-FR" });
    assert.deepEqual(negotiate([], "es"), { locale: "es-ES", format: "es" });
  });

  test("English is the last resort", () => {
    assert.deepEqual(negotiate(["pt-BR"], "pt-PT"), { locale: "en-US", format: "en-US" });
  });

  test("invalid tags are skipped, never thrown", () => {
    assert.deepEqual(negotiate(["en_US", "not a tag", "", "de-AT"], "en-US"), { locale: "de-DE", format: "de-AT" });
    assert.deepEqual(negotiate(["pt"], "12345"), { locale: "en-US", format: "en-US" });
    assert.deepEqual(negotiate([undefined, null], "ja-JP"), { locale: "ja-JP", format: "ja-JP" });
  });
});

describe("translation lookup", () => {
  test("the site's file wins over the built-in locale, which wins over English", () => {
    const builtIn = { ...translation("de-DE") };
    delete builtIn["list.empty"];
    const s = strings("de-DE", "de-DE", { "list.title": "Ihre Belege" }, builtIn);
    assert.equal(s.t("list.title"), "Ihre Belege");
    assert.equal(s.t("detail.back"), translation("de-DE")["detail.back"]);
    assert.notEqual(s.t("detail.back"), EN["detail.back"]);
    assert.equal(s.t("list.empty"), EN["list.empty"]);
  });

  test("an unusable value in the site's file falls through to the built-in string", () => {
    const site = { "list.title": 42, "list.loaded": { one: "nur eine" }, "detail.back": null };
    const s = strings("de-DE", "de-DE", site);
    assert.equal(s.t("list.title"), translation("de-DE")["list.title"]);
    assert.equal(s.t("list.loaded", { count: 1 }), "1 weitere Rechnung geladen");
    assert.equal(s.t("detail.back"), translation("de-DE")["detail.back"]);
  });

  test("a key missing from the chosen locale shows English and is reported once for debug mode", () => {
    const builtIn = { ...translation("fr-FR") };
    delete builtIn["action.retry"];
    const s = strings("fr-FR", "fr-FR", null, builtIn);
    assert.equal(s.t("action.retry"), EN["action.retry"]);
    assert.equal(s.t("action.retry"), EN["action.retry"]);
    assert.equal(s.reported.length, 1);
    assert.match(s.reported[0], /"action\.retry"/);
    assert.match(s.reported[0], /fr-FR/);
    s.t("list.title");
    assert.equal(s.reported.length, 1, "a translated key is not reported");
  });

  test("English chosen: a site file without the key is not a missing translation", () => {
    const s = strings("en-US", "en-GB", { "list.title": "Your bills" });
    assert.equal(s.t("list.title"), "Your bills");
    assert.equal(s.t("list.empty"), EN["list.empty"]);
    assert.deepEqual(s.reported, []);
  });

  test("every key the embed asks for exists in English, so no raw key is ever shown", () => {
    const prefixes = new Set(Object.keys(EN).map((k) => k.split(".")[0]));
    const dir = new URL("embed/", ROOT);
    const used = new Set();
    for (const name of readdirSync(dir).filter((n) => n.endsWith(".js"))) {
      const source = readFileSync(new URL(name, dir), "utf8");
      for (const [, key] of source.matchAll(/["'`]([a-z]+\.[a-z_]+)["'`]/g))
        if (prefixes.has(key.split(".")[0])) used.add(key);
      for (const [, key] of source.matchAll(/\.t\(\s*["'`]([^"'`$]+)["'`]/g)) used.add(key);
    }
    assert.ok(used.size > 30, `only ${used.size} keys found: the scan is broken`);
    assert.deepEqual([...used].filter((k) => !(k in EN)), []);
  });
});

describe("placeholders and plurals", () => {
  test("placeholders are filled in, and their values are not expanded again", () => {
    const s = strings("en-US");
    assert.equal(s.t("detail.title", { number: "INV-0007" }), "Invoice INV-0007");
    assert.equal(s.t("detail.title", { number: "$& {number} $1" }), "Invoice $& {number} $1");
    assert.equal(s.t("list.due", { date: "<b>May 1</b>" }), "Due <b>May 1</b>");
  });

  test("a placeholder without a value is left as written, never 'undefined'", () => {
    assert.equal(strings("en-US").t("detail.title"), "Invoice {number}");
  });

  test("English plural forms follow Intl.PluralRules", () => {
    const s = strings("en-US");
    assert.equal(s.t("list.loaded", { count: 1 }), "1 more invoice loaded");
    assert.equal(s.t("list.loaded", { count: 0 }), "0 more invoices loaded");
    assert.equal(s.t("detail.items", { count: 3 }), "3 items");
  });

  test("French uses one for 0 and 1, and many for millions", () => {
    const s = strings("fr-FR");
    const forms = translation("fr-FR")["list.loaded"];
    assert.equal(s.t("list.loaded", { count: 0 }), forms.one.replace("{count}", "0"));
    assert.equal(s.t("list.loaded", { count: 1 }), forms.one.replace("{count}", "1"));
    assert.equal(s.t("list.loaded", { count: 2 }), forms.other.replace("{count}", "2"));
    assert.equal(s.t("list.loaded", { count: 1000000 }), forms.many.replace("{count}", "1000000"));
  });

  test("a plural form the file lacks falls back to other", () => {
    const s = strings("fr-FR", "fr-FR", { "detail.items": { other: "{count} lignes" } });
    assert.equal(s.t("detail.items", { count: 1 }), "1 lignes");
    assert.equal(strings("ja-JP").t("detail.items", { count: 1 }), "1件の明細");
  });
});

describe("money", () => {
  test("two-decimal currencies: Stripe amounts are cents", () => {
    assert.equal(strings("en-US").amount(123456, "usd"), "$1,234.56");
    assert.equal(strings("en-US").amount(-500, "usd"), "\u2212$5.00");
    assert.equal(strings("de-DE").amount(123456, "eur"), "1.234,56\u00a0€");
    assert.equal(strings("fr-FR").amount(5, "EUR"), "0,05\u00a0€");
  });

  test("zero-decimal currencies: a JPY amount is whole yen", () => {
    assert.equal(strings("en-US").amount(5000, "jpy"), "¥5,000");
    assert.match(strings("ja-JP").amount(5000, "jpy"), /^[¥￥]5,000$/);
    assert.equal(strings("en-US").amount(1500, "krw"), "₩1,500");
  });

  test("Stripe's exponent wins where Intl shows fewer decimals (HUF, ISK) or more (KWD)", () => {
    const s = strings("en-US");
    assert.equal(s.amount(500000, "huf"), "HUF\u00a05,000");
    assert.equal(s.amount(12345, "huf"), "HUF\u00a0123.45");
    assert.equal(s.amount(500, "isk"), "ISK\u00a05");
    assert.equal(s.amount(1234, "kwd"), "KWD\u00a01.234");
  });

  test("amounts use the wanted tag's format, not the strings' locale", () => {
    assert.equal(strings("de-DE", "de-AT").amount(123456, "eur"), "€\u00a01.234,56");
  });

  test("an unknown currency shows the number and the code", () => {
    assert.equal(strings("en-US").amount(1234, "xx"), "1234 XX");
  });
});

describe("dates", () => {
  const noon = Date.UTC(2024, 0, 16, 12) / 1000; // the same day in every time zone within 11 hours

  test("dates are medium style in the wanted format", () => {
    assert.equal(strings("en-US").date(noon), "Jan 16, 2024");
    assert.equal(strings("de-DE", "de-AT").date(noon), "16.01.2024");
    assert.equal(strings("ja-JP").date(noon), "2024/01/16");
    assert.equal(strings("en-US", "en-GB").date(noon), "16 Jan 2024");
  });

  test("a missing date is empty", () => {
    assert.equal(strings("en-US").date(null), "");
    assert.equal(strings("en-US").date(undefined), "");
  });
});

describe("loading translation files", () => {
  const serve = (files) =>
    stubFetch(({ url }) => {
      if (!(url in files)) return new Response("not found", { status: 404 });
      const body = files[url];
      if (body instanceof Error) throw body;
      if (typeof body === "number") return json(body, { "list.title": `HTTP ${body}` });
      return typeof body === "string" ? new Response(body) : json(200, body);
    });

  test("the site file is asked for the chosen built-in locale, next to the built-in file", async () => {
    const calls = serve({
      [builtInUrl("de-DE")]: translation("de-DE"),
      "https://example.com/i18n/de-DE.json": { "list.title": "Ihre Belege" },
    });
    const { strings: s, problems } = await loadStrings(
      { wanted: ["de-AT"], fallback: "en-US", translations: "https://example.com/i18n/{locale}.json" },
      () => {},
    );
    assert.deepEqual(problems, []);
    assert.equal(s.locale, "de-DE");
    assert.equal(s.format, "de-AT");
    assert.equal(s.t("list.title"), "Ihre Belege");
    assert.equal(s.t("detail.back"), translation("de-DE")["detail.back"]);
    const builtIn = calls.find((c) => c.url === builtInUrl("de-DE"));
    assert.equal(builtIn.init.integrity, "sha384-de-DE");
    assert.ok(calls.every((c) => c.init.credentials === "omit"));
  });

  test("a relative translations address is resolved against the page", async () => {
    const calls = serve({ [builtInUrl("fr-FR")]: translation("fr-FR"), "https://shop.example.com/i18n/fr-FR.json": {} });
    const { problems } = await loadStrings({ wanted: ["fr"], fallback: "en-US", translations: "/i18n/{locale}.json" }, () => {});
    assert.deepEqual(problems, []);
    assert.ok(calls.some((c) => c.url === "https://shop.example.com/i18n/fr-FR.json"));
  });

  test("English needs no file; an unloadable site file is a problem and built-in strings stay", async () => {
    for (const [i, body] of ["<html>oops</html>", [1, 2], new TypeError("Failed to fetch"), undefined, 404].entries()) {
      const url = `https://example.com/broken${i}/en-US.json`;
      const calls = serve(body === undefined ? {} : { [url]: body });
      const { strings: s, problems } = await loadStrings(
        { wanted: ["en-US"], fallback: "en-US", translations: url },
        () => {},
      );
      assert.deepEqual(calls.map((c) => c.url), [url]);
      assert.equal(problems.length, 1, String(body));
      assert.equal(s.t("list.title"), EN["list.title"]);
    }
  });

  test("an unreachable built-in file gives English and reports each missing key in debug mode", async () => {
    serve({ [builtInUrl("es-ES")]: new TypeError("Failed to fetch") });
    const reported = [];
    const { strings: s, problems } = await loadStrings({ wanted: ["es-ES"], fallback: "en-US" }, (m) => reported.push(m));
    assert.equal(problems.length, 1);
    assert.equal(s.t("list.title"), EN["list.title"]);
    assert.equal(reported.length, 1);
    assert.match(reported[0], /"list\.title" in es-ES/);

    // A failed file is fetched again on the next load (the portal's retry).
    serve({ [builtInUrl("es-ES")]: translation("es-ES") });
    const again = await loadStrings({ wanted: ["es-ES"], fallback: "en-US" }, () => {});
    assert.deepEqual(again.problems, []);
    assert.equal(again.strings.t("list.title"), translation("es-ES")["list.title"]);
  });

  test("several portals share one download of a built-in file", async () => {
    const calls = serve({ [builtInUrl("ja-JP")]: translation("ja-JP") });
    const options = { wanted: ["ja-JP"], fallback: "en-US" };
    const loaded = await Promise.all([loadStrings(options, () => {}), loadStrings(options, () => {})]);
    await loadStrings(options, () => {});
    assert.equal(calls.length, 1);
    assert.ok(loaded.every(({ strings: s }) => s.t("list.title") === translation("ja-JP")["list.title"]));
  });

  test("every built-in locale can be negotiated", () => {
    for (const locale of BUILT_IN) assert.equal(negotiate([locale], "en-US").locale, locale);
  });
});
