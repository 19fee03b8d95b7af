import { ROOT } from "./browser.mjs";

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import { css } from "../../../embed/styles.js";

// The stylesheet's rules as [selector, declarations], nested at-rules flattened with their prelude.
function rules(text) {
  const out = [];
  const walk = (body, context) => {
    let depth = 0;
    let start = 0;
    let prelude = "";
    for (let i = 0; i < body.length; i++) {
      if (body[i] === "{") {
        if (depth++ === 0) {
          prelude = body.slice(start, i).replace(/\/\*[\s\S]*?\*\//g, "").trim();
          start = i + 1;
        }
      } else if (body[i] === "}" && --depth === 0) {
        const inner = body.slice(start, i);
        if (prelude.startsWith("@")) walk(inner, [...context, prelude]);
        else out.push({ context, selector: prelude, decls: inner });
        start = i + 1;
      }
    }
  };
  walk(text, []);
  return out;
}
const value = (decls, property) => {
  const found = [...decls.matchAll(new RegExp(`(?:^|;)\\s*${property}\\s*:([^;]*)`, "g"))];
  return found.length ? found[found.length - 1][1].trim() : undefined;
};
const modern = rules(css).filter((r) => r.context.length === 0);
const scheme = (selector) => value(modern.find((r) => r.selector === selector).decls, "color-scheme");

describe("which theme the portal takes", () => {
  test("by default the page's color-scheme, inherited where the element stands", () => {
    const portal = modern.filter((r) => r.selector === ".portal");
    // `all: initial` resets color-scheme; a later declaration must take the page's back.
    const last = portal.map((r) => value(r.decls, "color-scheme")).filter(Boolean).pop();
    assert.equal(last, "inherit");
    assert.ok(portal.findIndex((r) => /all:initial/.test(r.decls)) < portal.findIndex((r) => value(r.decls, "color-scheme")));
  });

  test("theme=light and theme=dark force one; theme=auto gives the system both to pick from", () => {
    assert.equal(scheme(":host([theme=light i]) .portal"), "light");
    assert.equal(scheme(":host([theme=dark i]) .portal"), "dark");
    assert.equal(scheme(":host([theme=auto i]) .portal"), "light dark");
  });

  test("no rule keys the colours on the system's preference, except theme=auto's fallback", () => {
    const media = rules(css).filter((r) => r.context.some((c) => /prefers-color-scheme/.test(c)));
    assert.ok(media.every((r) => r.selector === ":host([theme=auto i]) .portal"), JSON.stringify(media));
  });
});

// The README's theming table: | `--invoice-portal-bg` | background | `#fff` | `#15181d` |
const README = readFileSync(new URL("README.md", ROOT), "utf8");
const documented = [...README.matchAll(/^\| `--invoice-portal-([\w-]+)` \| [^|]+ \| `(#[0-9a-f]+)` \| `(#[0-9a-f]+)` \|$/gm)].map(
  ([, name, light, dark]) => [name, light, dark],
);

describe("the colours", () => {
  test("each documented property has its documented light and dark default, picked by light-dark()", () => {
    assert.ok(documented.length >= 7, "the README's table was found");
    const portal = modern.find((r) => r.selector === ".portal" && /light-dark/.test(r.decls)).decls;
    for (const [name, light, dark] of documented) {
      assert.match(portal, new RegExp(`--_[\\w-]+:var\\(--invoice-portal-${name},light-dark\\(${light},${dark}\\)\\)`), name);
    }
  });

  test("every colour of the modern rules is light-dark(), so none stays light on a dark page", () => {
    const portal = modern.find((r) => r.selector === ".portal" && /light-dark/.test(r.decls)).decls;
    const own = [...portal.matchAll(/--_([\w-]+):([^;]*)/g)];
    assert.ok(own.length >= 12);
    for (const [, name, v] of own) assert.match(v, /light-dark\(#[0-9a-f]+,#[0-9a-f]+\)\)?$/, name);
    const hex = modern.filter((r) => r.selector !== ".portal").flatMap((r) => r.decls.match(/#[0-9a-f]{3,6}\b/g) || []);
    assert.deepEqual(hex, [], "a literal colour outside the theme's variables");
  });

  test("browsers without light-dark() get light, dark for theme=dark, the system's for theme=auto", () => {
    const old = rules(css).filter((r) => r.context.some((c) => /@supports not \(color:\s*light-dark/.test(c)));
    const bg = (selector, media) =>
      value(old.find((r) => r.selector === selector && r.context.some((c) => /prefers-color-scheme:dark/.test(c)) === media).decls, "--_bg");
    assert.equal(bg(".portal", false), "var(--invoice-portal-bg,#fff)");
    assert.equal(bg(":host([theme=dark i]) .portal", false), "var(--invoice-portal-bg,#15181d)");
    assert.equal(bg(":host([theme=auto i]) .portal", true), "var(--invoice-portal-bg,#15181d)");
  });
});
