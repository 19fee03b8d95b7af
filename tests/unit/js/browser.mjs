// The little of a browser that embed/ reads when its modules load, and a scripted fetch.
// Imported first by every test file, so these globals exist before embed/ is evaluated.
import { readFileSync, readdirSync } from "node:fs";

process.env.TZ = "UTC";

export const ROOT = new URL("../../../", import.meta.url);
export const CDN = "https://cdn.example.com/invoice-portal/";
export const PAGE = "https://shop.example.com/account/billing";

export const translation = (locale) =>
  JSON.parse(readFileSync(new URL(`translations/${locale}.json`, ROOT), "utf8"));
export const BUILT_IN = readdirSync(new URL("translations/", ROOT))
  .map((name) => name.replace(/\.json$/, ""))
  .filter((locale) => locale !== "en-US");
export const builtInUrl = (locale) => `${CDN}i18n/${locale}.test.json`;

// What build.py defines: English bundled, the other locales as files next to the script.
globalThis.EN_STRINGS = translation("en-US");
globalThis.LOCALE_FILES = Object.fromEntries(
  BUILT_IN.map((locale) => [locale, [`i18n/${locale}.test.json`, `sha384-${locale}`]]),
);

export class FakeElement {
  constructor(tag) {
    this.localName = tag;
    this.attrs = new Map();
    this.children = [];
  }
  setAttribute(name, value) {
    this.attrs.set(name, String(value));
  }
  getAttribute(name) {
    return this.attrs.has(name) ? this.attrs.get(name) : null;
  }
  hasAttribute(name) {
    return this.attrs.has(name);
  }
  append(...nodes) {
    this.children.push(...nodes);
  }
}

export const element = (attrs = {}) => {
  const el = new FakeElement("invoice-portal");
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  return el;
};

export const targets = new Map(); // selector -> element, for document.querySelector
globalThis.document = {
  currentScript: { src: `${CDN}invoice-portal.js` },
  querySelector: (selector) => targets.get(selector) || null,
  createElement: (tag) => new FakeElement(tag),
};
globalThis.location = { href: PAGE };
export const browserLanguages = (languages) =>
  Object.defineProperty(globalThis, "navigator", {
    value: { languages, language: languages[0] },
    configurable: true,
    writable: true,
  });
browserLanguages(["en-US"]);

// fetch answered by handler({url, method, headers, body, init}); every call is recorded.
export function stubFetch(handler) {
  const calls = [];
  globalThis.fetch = async (url, init = {}) => {
    const call = { url: String(url), method: init.method || "GET", headers: { ...init.headers }, body: init.body, init };
    calls.push(call);
    return handler(call, calls.length);
  };
  return calls;
}

export const json = (status, body) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
