import { BUILT_IN, INDEX, INDEX_URL, ROOT, builtInUrl, json, stubFetch, translation } from "./browser.mjs";

import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { beforeEach, describe, test } from "node:test";

import { SOURCE, Strings, canonical, loadStrings, pick } from "../../../embed/i18n.js";

const EN = translation("en-US");
const strings = (locale, format = locale, site = null, builtIn = locale === SOURCE ? null : translation(locale)) => {
  const reported = [];
  const s = new Strings(locale, format, [site, builtIn, EN], (m) => reported.push(m));
  return Object.assign(s, { reported });
};

describe("locale negotiation", () => {
  const best = (tag) => pick(canonical(tag), INDEX.match);

  test("every built-in locale is chosen for its own tag, whatever its case", () => {
    for (const locale of ["en-US", ...BUILT_IN]) {
      assert.equal(best(locale), locale);
      assert.equal(best(locale.toLowerCase()), locale);
    }
  });

  test("what browsers send gets the closest file", () => {
    const cases = {
      pt: "pt-BR", "pt-AO": "pt-PT", "pt-PT": "pt-PT",
      zh: "zh-CN", "zh-Hans": "zh-CN", "zh-SG": "zh-CN", "zh-Hans-SG": "zh-CN",
      "zh-Hant": "zh-TW", "zh-Hant-HK": "zh-HK", "zh-Hant-TW": "zh-TW", "zh-TW": "zh-TW", "zh-MO": "zh-HK",
      "es-MX": "es-419", "es-AR": "es-419", "es-US": "es-419", es: "es-ES", "es-GQ": "es-ES",
      nb: "nb-NO", no: "nb-NO", "no-NO": "nb-NO", nn: "nb-NO",
      fil: "fil-PH", tl: "fil-PH", iw: "he-IL", in: "id-ID", ms: "ms-MY",
      en: "en-US", "en-150": "en-GB", "en-001": "en-GB", "en-ZA": "en-GB", "en-PR": "en-US", "en-AU": "en-AU",
      "de-AT": "de-DE", "de-CH": "de-DE", "fr-BE": "fr-FR", "fr-CA": "fr-CA", ar: "ar-SA", "ar-EG": "ar-SA", he: "he-IL",
    };
    for (const [tag, locale] of Object.entries(cases)) assert.equal(best(tag), locale, tag);
  });

  test("a language with no built-in file gets none", () => {
    assert.equal(best("sr-RS"), undefined);
    assert.equal(best("ca"), undefined);
  });

  test("an underscore is read as a hyphen", () => {
    assert.equal(canonical("de_DE"), "de-DE");
    assert.equal(canonical("zh_Hant_HK"), "zh-Hant-HK");
    assert.throws(() => canonical("not a tag"), RangeError);
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
    assert.equal(s.t("list.loaded", { count: 1000000 }), forms.many.replace("{count}", "1\u202f000\u202f000"));
  });

  test("a count is written with the wanted tag's digits and separators", () => {
    assert.equal(strings("de-DE").t("detail.items", { count: 1200 }), "1.200 Positionen");
    assert.equal(strings("en-US", "en-US").t("detail.items", { count: 1200 }), "1,200 items");
    const arabic = strings("ar-SA").t("detail.items", { count: 3 });
    assert.match(arabic, /\u2068٣\u2069/);
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
  // Files fetched well are kept for the page's life: each test has its own index.
  let index, indexUrl;
  let n = 0;
  beforeEach(() => {
    globalThis.LOCALE_INDEX = { file: `i18n/index.${++n}.json`, integrity: "sha384-index" };
    indexUrl = INDEX_URL.replace("test", String(n));
    index = { [indexUrl]: INDEX };
  });
  const serve = (files) =>
    stubFetch(({ url }) => {
      if (!(url in files)) return new Response("not found", { status: 404 });
      const body = files[url];
      if (body instanceof Error) throw body;
      if (typeof body === "number") return json(body, { "list.title": `HTTP ${body}` });
      return typeof body === "string" ? new Response(body) : json(200, body);
    });
  const load = (wanted, more = {}, debug = () => {}) => loadStrings({ wanted, fallback: "en-US", ...more }, debug);

  test("a built-in locale: the index, then the locale's first file, each with its integrity", async () => {
    const calls = serve({ ...index, [builtInUrl("de-DE")]: translation("de-DE") });
    const { strings: s, problems } = await load(["de-AT"]);
    assert.deepEqual(problems, []);
    assert.deepEqual([s.locale, s.format, s.dir], ["de-DE", "de-AT", "ltr"]);
    assert.equal(s.t("list.title"), translation("de-DE")["list.title"]);
    assert.deepEqual(calls.map((c) => [c.url, c.init.integrity]), [[indexUrl, "sha384-index"], [builtInUrl("de-DE"), "sha256-de-DE"]]);
    assert.ok(calls.every((c) => c.init.credentials === "omit"));
  });

  test("US English needs no file at all", async () => {
    const calls = serve({});
    for (const wanted of [["en-US"], ["en"], []]) {
      const { strings: s, problems } = await load(wanted);
      assert.deepEqual([problems, s.locale], [[], "en-US"]);
    }
    assert.deepEqual(calls, []);
  });

  test("formats always follow the wanted tag, even when the strings are English", async () => {
    serve(index);
    const { strings: s } = await load(["sr-RS"]);
    assert.deepEqual([s.locale, s.format], ["en-US", "sr-RS"]);
    assert.equal(s.amount(34040, "usd"), "340,40\u00a0US$");
    const british = (await load(["en-GB"])).strings;
    assert.equal(british.date(Date.UTC(2026, 9, 22, 12) / 1000), "22 Oct 2026");
  });

  test("de_DE is read as de-DE, with a debug warning", async () => {
    serve({ ...index, [builtInUrl("de-DE")]: translation("de-DE") });
    const said = [];
    const { strings: s, problems } = await load(["de_DE"], {}, (m) => said.push(m));
    assert.deepEqual([problems, s.locale, s.format], [[], "de-DE", "de-DE"]);
    assert.deepEqual(said, ["locale de_DE read as de-DE"]);
  });

  test("the site's file is tried for the wanted tag, then its language, then the built-in locale", async () => {
    const site = "https://shop.example.com/i18n/{locale}.json";
    const at = (tag) => site.replace("{locale}", tag);
    const calls = serve({ ...index, [builtInUrl("pt-BR")]: translation("pt-BR"), [at("pt-BR")]: { "list.title": "Suas faturas" } });
    const said = [];
    const { strings: s, problems } = await load(["pt"], { translations: site }, (m) => said.push(m));
    assert.deepEqual(problems, [], "a site that does not add a language is no problem");
    assert.deepEqual(calls.filter((c) => c.url.startsWith("https://shop")).map((c) => c.url), [at("pt"), at("pt-BR")]);
    assert.deepEqual([s.locale, s.t("list.title"), s.t("list.more")], ["pt-BR", "Suas faturas", translation("pt-BR")["list.more"]]);
    assert.ok(said.some((m) => m.includes("404")));
  });

  test("a site adds a language that is not built in: its own file, English per missing key", async () => {
    const site = "/i18n/{locale}.json";
    const catalan = { "list.title": "Factures", "status.paid": "Pagada" };
    const calls = serve({ ...index, "https://shop.example.com/i18n/ca.json": catalan });
    const { strings: s, problems } = await load(["ca-ES"], { translations: site });
    assert.deepEqual(problems, []);
    assert.deepEqual(calls.map((c) => c.url).filter((u) => u.includes("shop")), ["https://shop.example.com/i18n/ca-ES.json", "https://shop.example.com/i18n/ca.json"]);
    assert.deepEqual([s.locale, s.format, s.t("list.title"), s.t("list.more")], ["ca", "ca-ES", "Factures", EN["list.more"]]);
  });

  test("a site's right-to-left language sets dir and isolates what it fills in", async () => {
    serve({ ...index, "https://shop.example.com/fa-IR.json": { "detail.title": "فاکتور {number}" } });
    const { strings: s } = await load(["fa-IR"], { translations: "/{locale}.json" });
    assert.deepEqual([s.locale, s.dir], ["fa-IR", "rtl"]);
    assert.equal(s.t("detail.title", { number: "INV-0042" }), "فاکتور \u2068INV-0042\u2069");
  });

  test("an unloadable site file is a problem, and the built-in strings stay", async () => {
    for (const [i, body] of ["<html>oops</html>", [1, 2], new TypeError("Failed to fetch"), 500].entries()) {
      const url = `https://example.com/broken${i}/en-US.json`;
      serve({ [url]: body });
      const { strings: s, problems } = await load(["en-US"], { translations: url });
      assert.equal(problems.length, 1, String(body));
      assert.equal(s.t("list.title"), EN["list.title"]);
    }
  });

  test("an unreachable index or built-in file gives English, reported, and is fetched again next time", async () => {
    serve({ [indexUrl]: new TypeError("Failed to fetch") });
    let got = await load(["es-ES"]);
    assert.deepEqual([got.problems.length, got.strings.locale, got.strings.t("list.title")], [1, "en-US", EN["list.title"]]);
    serve({ ...index, [builtInUrl("es-ES")]: new TypeError("Failed to fetch") });
    const reported = [];
    got = await load(["es-ES"], {}, (m) => reported.push(m));
    assert.deepEqual([got.problems.length, got.strings.t("list.title")], [1, EN["list.title"]]);
    assert.match(reported[0], /"list\.title" in es-ES/);
    serve({ ...index, [builtInUrl("es-ES")]: translation("es-ES") });
    got = await load(["es-ES"]);
    assert.deepEqual(got.problems, []);
    assert.equal(got.strings.t("list.title"), translation("es-ES")["list.title"]);
  });

  test("several portals share one download of each file", async () => {
    const calls = serve({ ...index, [builtInUrl("ja-JP")]: translation("ja-JP") });
    const loaded = await Promise.all([load(["ja-JP"]), load(["ja-JP"])]);
    await load(["ja-JP"]);
    assert.equal(calls.length, 2);
    assert.ok(loaded.every(({ strings: s }) => s.t("list.title") === translation("ja-JP")["list.title"]));
  });
});
