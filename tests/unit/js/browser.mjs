// The little of a browser that embed/ reads when its modules load, and a scripted fetch.
// Imported first by every test file, so these globals exist before embed/ is evaluated.
import { execFileSync } from "node:child_process";
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
// A built-in locale's first file as the test index names it (tests serve it whole).
export const builtInUrl = (locale) => `${CDN}i18n/${locale}.test.json`;
export const INDEX_URL = `${CDN}i18n/index.test.json`;
// The index build.py writes (tools/locales.py), over these test files.
export const INDEX = {
  files: Object.fromEntries(BUILT_IN.map((locale) => [locale, [`i18n/${locale}.test.json`, `sha256-${locale}`]])),
  match: JSON.parse(
    execFileSync("python3", ["-c", "import json,sys; from tools.locales import match_table; print(json.dumps(match_table(sys.argv[1:])))", "en-US", ...BUILT_IN], {
      cwd: new URL(".", ROOT),
      encoding: "utf8",
    }),
  ),
};

// What build.py defines: English bundled, the other locales named in the index.
globalThis.EN_STRINGS = translation("en-US");
globalThis.LOCALE_INDEX = { file: "i18n/index.test.json", integrity: "sha384-index" };

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
