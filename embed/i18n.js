// Locale negotiation, string lookup and Intl formatting.
// EN_STRINGS and LOCALE_FILES are replaced by build.py: English is bundled so the portal always
// has text, the other locales are content-hashed files next to the script, fetched in parallel
// with the session call.
/* global EN_STRINGS, LOCALE_FILES */
import { BASE, whenLoaded } from "./chunk.js";

export const SOURCE = "en-US";
// The strings of what loads on demand come with it (build.py splits English between the chunks).
whenLoaded((later) => Object.assign(EN_STRINGS, later.english));
const FILES = LOCALE_FILES; // {"de-DE": ["i18n/de-DE.<hash>.json", "sha384-..."], ...}


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
        if (!r.ok) throw new Error(`HTTP ${r.status} for ${url}`);
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

// Throws a RangeError for a tag that is not BCP 47.
export const canonical = (tag) => Intl.getCanonicalLocales(tag)[0];

// Each wanted tag in order of preference: the exact tag, then its language; then the default.
// The wanted tag itself is kept for Intl, so de-AT gets German strings and Austrian formats.
export function negotiate(wanted, fallback) {
  const tags = [SOURCE, ...Object.keys(FILES)];
  for (const want of [...wanted, fallback, SOURCE]) {
    let tag;
    try {
      tag = canonical(want);
    } catch {
      continue;
    }
    if (!tag) continue;
    const lang = tag.split("-")[0].toLowerCase();
    const match =
      tags.find((t) => t.toLowerCase() === tag.toLowerCase()) ||
      tags.find((t) => t.split("-")[0] === lang);
    if (match) return { locale: match, format: tag };
  }
  return { locale: SOURCE, format: SOURCE };
}

// https://docs.stripe.com/currencies: every other currency has two decimals in Stripe's amounts.
const ZERO_DECIMAL = "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split(" ");
const THREE_DECIMAL = ["BHD", "JOD", "KWD", "OMR", "TND"];

const usable = (v) => typeof v === "string" || (v && typeof v.other === "string");

export class Strings {
  constructor(locale, format, layers, debug) {
    this.locale = locale;
    this.format = format;
    this.layers = layers; // site strings, built-in strings, English
    this.debug = debug;
    this.plural = new Intl.PluralRules(format);
    this.dates = new Intl.DateTimeFormat(format, { dateStyle: "medium" });
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
    return value.replace(/\{(\w+)\}/g, (m, name) =>
      name in params ? String(params[name]) : m,
    );
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

// Resolves to {strings, problems}; never rejects, a missing file falls back to English.
export async function loadStrings({ wanted, fallback, translations }, debug) {
  const { locale, format } = negotiate(wanted, fallback);
  const problems = [];
  const get = async (url, base, integrity) => {
    try {
      return await getJson(new URL(url, base).href, integrity);
    } catch (e) {
      problems.push(String(e.message || e));
      return null;
    }
  };
  const file = locale !== SOURCE && FILES[locale];
  const [builtIn, site] = await Promise.all([
    file && get(file[0], BASE, file[1]),
    translations && get(translations.replaceAll("{locale}", locale), location.href),
  ]);
  return { strings: new Strings(locale, format, [site, builtIn, EN_STRINGS], debug), problems };
}
