// The portal's CSS, adopted as a constructable stylesheet: a strict CSP blocks <style> elements
// and style attributes, but not CSSOM. Colours come from documented custom properties with
// light and dark defaults; the page's value wins in both themes. The invoice view's own rules
// come with it in the on-demand chunk (embed/later.js).
import { whenLoaded } from "./chunk.js";

// [own name, public property (--invoice-portal-*), light, dark]
const COLORS = [
  ["bg", "bg", "#fff", "#15181d"],
  ["fg", "fg", "#1b1f24", "#e9ecf1"],
  ["muted", "muted", "#596170", "#a5adba"],
  ["line", "border", "#d9dee5", "#323842"],
  ["surface", "surface", "#f4f6f9", "#1e2229"],
  ["accent", "accent", "#3451c7", "#93a8ff"],
  ["on-accent", "accent-fg", "#fff", "#0c0f14"],
  ["ok", "", "#1d6b2f", "#7ddc8f"],
  ["info", "", "#2747b0", "#a6b8ff"],
  ["bad", "", "#b3261e", "#ff9a92"],
  ["warn", "", "#8a4b00", "#f5b35c"],
  ["off", "", "#596170", "#a5adba"],
];
const colors = (pick) =>
  COLORS.map(([own, pub, l, d]) => `--_${own}:${pub ? `var(--invoice-portal-${pub},${pick(l, d)})` : pick(l, d)};`).join("");

// light-dark() picks by the used color-scheme of the portal's box, which by default it inherits
// from where the element stands on the page: the browser resolves the page's `color-scheme`
// (a <meta name="color-scheme"> included, which getComputedStyle does not show) against the
// system's preference exactly as it does for the page's own scrollbars and form controls, and
// re-resolves on every change (a class toggled on <html>, a media query), with no observer.
// `theme` replaces the inherited value. Browsers without light-dark() get the old rules.
const themes = `.portal{${colors((l, d) => `light-dark(${l},${d})`)}color-scheme:inherit}
:host([theme=light i]) .portal{color-scheme:light}
:host([theme=dark i]) .portal{color-scheme:dark}
:host([theme=auto i]) .portal{color-scheme:light dark}
@supports not (color:light-dark(#000,#fff)){.portal{${colors((l) => l)}}
:host([theme=dark i]) .portal{${colors((l, d) => d)}}
@media (prefers-color-scheme:dark){:host([theme=auto i]) .portal{${colors((l, d) => d)}}}}`;

// Comments stay out of the string, which ships as written. !important in a shadow root's :host
// beats the page's !important on the element, so a hostile page rule (* {all: revert; ...})
// cannot unmake the box. .portal is an inline-block: it does not inherit the page's
// text-decoration (body {text-decoration: ...}), and the host's zero font size keeps its line
// box from adding space. The host's card usually has its own "Invoices" heading: the portal's
// (#title) is kept for screen readers only, unless the page asks for it with show-heading.
export const css = `
:host{display:block!important;background:none!important;border:0!important;padding:0!important;
font-size:0!important;line-height:0!important}
:host([hidden]){display:none!important}
.portal{all:initial;display:inline-block;width:100%;vertical-align:top;box-sizing:border-box;
font:var(--invoice-portal-font-size,15px)/1.5 var(--invoice-portal-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);
color:var(--_fg);background:var(--_bg);border:1px solid var(--_line);
border-radius:var(--invoice-portal-radius,10px);padding:16px;min-width:0;overflow-wrap:anywhere;container-type:inline-size}
${themes}
*,*::before{box-sizing:inherit}
h2{font-size:1.2em;margin:0;line-height:1.3}
h3{font-size:1em;margin:0 0 4px}
h2:focus{outline:none}
p{margin:0}
.bar{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between}
.bar>*{margin-bottom:12px}
.bar label{display:flex;flex-wrap:wrap;gap:4px 8px;align-items:center;color:var(--_muted);min-width:0;max-width:100%}
select,button{font:inherit;color:inherit}
select{background:var(--_bg);border:1px solid var(--_line);border-radius:6px;padding:4px 8px;min-width:0;max-width:100%;flex:1 1 auto}
ul{list-style:none;margin:0;padding:0;border-top:1px solid var(--_line)}
li{display:flex;flex-wrap:wrap;align-items:center;border-bottom:1px solid var(--_line)}
li .btn{min-height:34px;padding:4px 16px;margin:4px 6px 8px auto}
.row{display:grid;grid-template-columns:1fr auto;gap:2px 12px;flex:1 1 18em;min-width:0;padding:10px 6px;border:0;
background:none;text-align:start;cursor:pointer;align-items:center}
.row:hover{background:var(--_surface)}
.what{font-weight:600}
.amt{text-align:end;font-variant-numeric:tabular-nums;font-weight:600}
.meta{color:var(--_muted);font-size:.9em}
.badge{justify-self:end;font-size:.8em;font-weight:600;padding:1px 8px;border-radius:999px;
color:var(--_c,var(--_off));background:color-mix(in srgb,var(--_c,var(--_off)) 14%,var(--_bg));white-space:nowrap}
.paid{--_c:var(--_ok)}.open{--_c:var(--_info)}.past_due{--_c:var(--_bad)}.uncollectible{--_c:var(--_warn)}
.owed{background:var(--_surface);border-radius:8px;padding:12px 14px;margin:0 0 12px}
.owed h3{font-weight:400;color:var(--_muted);font-size:.9em}
.big{font-size:1.6em;font-weight:600;font-variant-numeric:tabular-nums;line-height:1.2}
.late{color:var(--_bad);font-weight:600}
button.btn{border:1px solid var(--_line);background:var(--_bg);color:var(--_fg);border-radius:var(--invoice-portal-radius,10px);
padding:8px 14px;cursor:pointer;min-height:40px}
button.primary{background:var(--_accent);color:var(--_on-accent);border-color:var(--_accent);font-weight:600}
button[aria-disabled=true]{opacity:.6;cursor:progress}
button:focus-visible,select:focus-visible,a:focus-visible{outline:2px solid var(--_accent);outline-offset:2px}
.link,a{color:var(--_accent);background:none;border:0;padding:4px 0;cursor:pointer;text-decoration:underline}
.more{margin-top:12px}
.slot{display:contents}
.state{padding:28px 8px;text-align:center;color:var(--_muted)}
.state h3{color:var(--_fg);font-size:1.1em}.state p{margin-bottom:12px}
.notice{border-radius:8px;padding:8px 12px;margin:0 0 12px;background:var(--_surface);border-inline-start:4px solid var(--_c,var(--_info))}
.notice.success{--_c:var(--_ok)}.notice.error{--_c:var(--_bad)}
.sr,:host(:not([show-heading])) #title{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.sk{display:block;height:1em;margin:14px 0;border-radius:4px;background:var(--_surface);animation:pulse 1.2s ease-in-out infinite alternate}
@keyframes pulse{to{opacity:.45}}
@media (prefers-reduced-motion:reduce){.sk{animation:none}}
`;

let sheet;
let more = "";

// The on-demand chunk brings the styles of what it shows; every portal's sheet takes them.
whenLoaded((later) => {
  more = later.css;
  if (sheet) sheet.replaceSync(css + more);
});

export function adopt(root) {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css + more);
  }
  root.adoptedStyleSheets = [sheet];
}
