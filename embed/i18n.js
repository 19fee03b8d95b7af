// Locale negotiation, string lookup and Intl formatting.
// EN_STRINGS and LOCALE_INDEX are replaced by build.py: English is bundled so the portal always
// has text; every other locale is three content-hashed files next to the script (first paint's
// strings, naming the on-demand chunk's two), the first named with its integrity in one index
// (tools/locales.py), fetched only for a visitor who does not read US English, in parallel
// with the session call.
/* global EN_STRINGS, LOCALE_INDEX */
import { BASE, loaded, whenLoaded } from "./chunk.js";

export const SOURCE = "en-US";
// Built-in first files whose other parts come with the on-demand chunk: first -> its "$parts",
// [[url, integrity], ...].
const waiting = new Map();
// The strings of what loads on demand come with it (build.py splits English between the
// chunks), as do the other parts of each locale in use; a part that fails leaves English.
whenLoaded((later) => {
  Object.assign(EN_STRINGS, later.english);
  return Promise.all([...waiting].map(([first, rest]) => parts(first, rest)));
});

const parts = (first, rest) =>
  Promise.all(rest.map(([url, integrity]) => getJson(new URL(url, BASE).href, integrity).then((got) => Object.assign(first, got), () => {}))).then(() => first);

const loads = new Map();

// Several portals on one page share one download per file.
export function getJson(url, integrity) {
  if (!loads.has(url)) {
    /** @type {RequestInit} */
    const init = { credentials: "omit" };
    if (integrity) init.integrity = integrity;
    loads.set(
      url,
      fetch(url, init).then((r) => {
        if (!r.ok) throw Object.assign(new Error(`HTTP ${r.status} for ${url}`), { status: r.status });
        return r.json().then((data) => {
          if (!data || typeof data !== "object" || Array.isArray(data))
            throw new Error(`${url} is not a JSON object`);
          return data;
        });
      }),
    );
    loads.get(url).catch(() => loads.delete(url)); // a failed file is tried again on retry
  }
  return loads.get(url);
}

// Throws a RangeError for a tag that is not BCP 47; "de_DE" is read as "de-DE".
export const canonical = (tag) => Intl.getCanonicalLocales(tag.replace(/_/g, "-"))[0];

// The built-in locale that serves a canonical tag best, from the index's table: the tag, the
// tag without its script (zh-Hant-HK: zh-HK), `<language>-*` (en-150: en-GB), the language.
export function pick(tag, match) {
  const l = tag.split("-")[0];
  for (const key of [tag, tag.replace(/-[A-Z][a-z]{3}/, ""), l + "-*", l]) {
    const found = match[key.toLowerCase()];
    if (found) return found;
  }
}

// https://docs.stripe.com/currencies: every other currency has two decimals in Stripe's amounts.
const ZERO_DECIMAL = "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split(" ");
const THREE_DECIMAL = ["BHD", "JOD", "KWD", "OMR", "TND"];

const usable = (v) => typeof v === "string" || (v && typeof v.other === "string");

export class Strings {
  constructor(locale, format, layers, debug) {
    this.locale = locale;
    // Languages written right to left get dir="rtl".
    this.dir = /^(ar|he|fa|ur|ps|sd|ug|yi|dv|ckb|syr)\b/.test(locale) ? "rtl" : "ltr";
    this.format = format;
    this.layers = layers; // site strings, built-in strings, English
    this.debug = debug;
    this.plural = new Intl.PluralRules(format);
    this.dates = new Intl.DateTimeFormat(format, { dateStyle: "medium" });
    this.number = new Intl.NumberFormat(format);
    this.money = new Map();
    this.missing = new Set();
  }

  has(key) {
    return usable(EN_STRINGS[key]);
  }

  t(key, params = {}) {
    let value = this.layers.slice(0, 2).map((l) => l && l[key]).find(usable);
    if (value === undefined) {
      if (this.locale !== SOURCE && !this.missing.has(key)) {
        this.missing.add(key);
        this.debug(`missing translation "${key}" in ${this.locale}, English used`);
      }
      value = EN_STRINGS[key];
    }
    if (value === undefined) return key;
    if (typeof value !== "string")
      value = value[this.plural.select(params.count)] || value.other;
    // A number (a count) is written in the wanted tag's digits: ٣ in ar-SA, 1.000 in de-DE. In
    // right-to-left text every value is isolated (FSI ... PDI): "INV-0042", "$19.00" read as written.
    return value.replace(/\{(\w+)\}/g, (m, name) => {
      if (!(name in params)) return m;
      const v = typeof params[name] === "number" ? this.number.format(params[name]) : params[name];
      return this.dir === "rtl" ? `\u2068${v}\u2069` : v;
    });
  }

  // Stripe amounts are in the currency's minor unit as Stripe counts it, which is not always
  // Intl's (HUF, ISK, IDR: two decimals at Stripe, none in Intl); shown with up to that many.
  amount(minor, currency) {
    const code = String(currency || "").toUpperCase();
    if (!this.money.has(code)) {
      const digits = ZERO_DECIMAL.includes(code) ? 0 : THREE_DECIMAL.includes(code) ? 3 : 2;
      let nf = null;
      try {
        nf = new Intl.NumberFormat(this.format, { style: "currency", currency: code });
        if (nf.resolvedOptions().maximumFractionDigits < digits)
          nf = new Intl.NumberFormat(this.format, { style: "currency", currency: code, minimumFractionDigits: 0, maximumFractionDigits: digits });
      } catch {
        // an unknown currency code: shown as number and code below
      }
      this.money.set(code, nf && [nf, 10 ** digits]);
    }
    const money = this.money.get(code);
    // Intl writes a hyphen-minus; an amount deserves the true minus sign (U+2212).
    return money
      ? money[0].format(minor / money[1]).replace("-", "\u2212")
      : `${minor} ${code}`;
  }

  date(seconds) {
    return seconds ? this.dates.format(seconds * 1000) : "";
  }
}

// Resolves to {strings, problems}; never rejects. Strings come key by key from the site's file
// (`translations`, tried for the wanted tag, its language, then the built-in locale chosen),
// the built-in file, English; formats always follow the wanted tag.
export async function loadStrings({ wanted, fallback, translations }, debug) {
  const problems = [];
  const tags = [];
  for (const want of [...wanted, fallback]) {
    try {
      const tag = canonical(want);
      if (want.includes("_")) debug(`locale ${want} read as ${tag}`);
      if (!tags.includes(tag)) tags.push(tag);
    } catch {
      // not a language tag: config() names it
    }
  }
  const format = tags[0] || SOURCE;
  const get = async (url, base, integrity, optional) => {
    try {
      return await getJson(new URL(url, base).href, integrity);
    } catch (e) {
      // A site serves only the languages it adds: its 404 is no problem.
      if (optional && e.status === 404) debug(e.message);
      else problems.push(String(e.message || e));
      return null;
    }
  };
  const tried = new Set();
  const site = async (tag) => {
    const url = translations && translations.replaceAll("{locale}", tag);
    if (!url || tried.has(url)) return null;
    tried.add(url);
    const got = await get(url, location.href, "", true);
    return got && [tag, got];
  };
  const own = site(format).then((got) => got || site(format.split("-")[0]));
  const index = /^en(-US)?$/.test(format) ? null : await get(LOCALE_INDEX.file, BASE, LOCALE_INDEX.integrity);
  const match = index ? index.match : { en: SOURCE };
  const locale = [...tags, SOURCE].map((t) => pick(t, match)).find(Boolean) || SOURCE;
  // [url, integrity] of first paint's strings, whose "$parts" are the on-demand chunk's
  const file = index && index.files[locale];
  const [builtIn, shown] = await Promise.all([
    file && get(file[0], BASE, file[1]).then((first) => {
      if (first && loaded()) return parts(first, first.$parts);
      if (first) waiting.set(first, first.$parts);
      return first;
    }),
    own.then((got) => got || site(locale)),
  ]);
  const strings = new Strings(shown ? shown[0] : locale, format, [shown && shown[1], builtIn, EN_STRINGS], debug);
  return { strings, problems };
}
