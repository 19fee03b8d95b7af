// The tools above the list (issue 15, part of the on-demand chunk): filters, the accountant's
// downloads and the billing details, each a disclosure button and its panel, as far as the
// owner's features allow; one panel open at a time, so none is in the way of the list. The
// panels keep their nodes between paints (what the customer typed, a download's progress); a
// new load (a new list, so a new slot) or another language makes them again.
import { h } from "./dom.js";
import { active, filters, unmatched } from "./filters.js";
import { exporter } from "./export.js";
import { billing } from "./billing.js";

/** @type {[string, (el: any, s: any) => any][]} */
const TOOLS = [
  ["filters", filters],
  ["export", exporter],
  ["billing_details", billing],
];

/** @type {WeakMap<HTMLElement, {s: any, node: any, empty: HTMLElement, update: (state: any) => void}>} */
const made = new WeakMap();

// Draws the tools into the list's slot (embed/render.js), or brings them up to date; returns
// what the list says when it is filtered empty (kept, so that a paint does not replace it).
export function tools(el, slot) {
  let t = made.get(slot);
  if (!t || t.s !== el.strings) {
    made.set(slot, (t = build(el, el.strings)));
    slot.replaceChildren(t.node || "");
  }
  t.update(el.state);
  return active(el.state) ? t.empty : null;
}

function build(el, s) {
  const session = el.state.session;
  const features = session.features || {};
  let open = null;
  const parts = session.no_user
    ? []
    : TOOLS.filter(([name]) => features[name]).map(([name, make]) => {
        const panel = make(el, s);
        panel.node.id = `tool-${name}`;
        panel.node.hidden = true;
        const toggle = h("button", {
          type: "button",
          class: "btn tool",
          part: `button ${name}-toggle`,
          "data-k": `tool:${name}`,
          "aria-expanded": "false",
          "aria-controls": panel.node.id,
          click: () => show(open === name ? null : name),
        });
        return { name, panel, toggle };
      });
  const show = (name) => {
    open = name;
    for (const p of parts) {
      p.toggle.setAttribute("aria-expanded", String(p.name === name));
      p.panel.node.hidden = p.name !== name;
      if (p.name === name && p.panel.opened) p.panel.opened();
    }
  };
  const node =
    parts.length &&
    h("div", { class: "tools", part: "tools" }, h("div", { class: "toolbar" }, parts.map((p) => p.toggle)), parts.map((p) => p.panel.node));
  return {
    s,
    node,
    empty: unmatched(el, s),
    update(state) {
      for (const p of parts) {
        p.panel.update(state);
        const label = p.panel.label(state);
        if (p.toggle.textContent !== label) p.toggle.textContent = label;
      }
    },
  };
}

export const css = `
[hidden]{display:none!important}
.tools{margin:0 0 12px}
.toolbar{display:flex;flex-wrap:wrap;gap:8px}
button.tool{min-height:36px;padding:4px 12px}
button.tool::after{content:"";display:inline-block;margin-inline-start:8px;vertical-align:middle;border:5px solid transparent;border-top-color:currentColor;border-bottom:0}
button.tool[aria-expanded=true]{border-color:var(--_accent)}
button.tool[aria-expanded=true]::after{border-top:0;border-bottom:5px solid currentColor}
.panel{border:1px solid var(--_line);border-radius:8px;padding:12px 14px;margin:8px 0 0}
.panel h3{margin-bottom:4px}
.panel .actions{margin-top:12px;align-items:center}
.fields{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:flex-start;margin-top:8px}
.field{display:flex;flex-direction:column;gap:2px;color:var(--_muted);font-size:.9em;min-width:0;flex:0 1 auto}
.field input,.field select{font-size:1.11em}
input{font:inherit;color:inherit;background:var(--_bg);border:1px solid var(--_line);border-radius:6px;padding:4px 8px;min-width:0;max-width:100%;min-height:34px}
input:focus-visible{outline:2px solid var(--_accent);outline-offset:2px}
[aria-invalid=true]{border-color:var(--_bad)}
.err{color:var(--_bad);font-weight:600}
fieldset{border:0;border-top:1px solid var(--_line);margin:16px 0 0;padding:8px 0 0;min-width:0}
legend{font-weight:600;padding:0 6px 0 0}
.taxes{border:0;margin:4px 0 8px}
.taxes li{gap:4px 12px;padding:6px 0;justify-content:space-between}
.taxes li.new{align-items:flex-end}
.outcome:not(:empty){margin-top:12px}
.progress:not([hidden]){display:flex;gap:8px;align-items:center;margin-top:8px}
@container (max-width:520px){.field{flex:1 1 100%}.field input,.field select{width:100%}}
`;
