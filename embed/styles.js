// The portal's CSS, adopted as a constructable stylesheet: a strict CSP blocks <style> elements
// and style attributes, but not CSSOM. Colours come from documented custom properties with
// light and dark defaults; the page's value wins in both themes.

const light = `--_bg:var(--invoice-portal-bg,#fff);--_fg:var(--invoice-portal-fg,#1b1f24);
--_muted:var(--invoice-portal-muted,#596170);--_line:var(--invoice-portal-border,#d9dee5);
--_surface:var(--invoice-portal-surface,#f4f6f9);--_accent:var(--invoice-portal-accent,#3451c7);
--_on-accent:var(--invoice-portal-accent-fg,#fff);--_ok:#1d6b2f;--_info:#2747b0;--_bad:#b3261e;
--_warn:#8a4b00;--_off:#596170;color-scheme:light;`;

const dark = `--_bg:var(--invoice-portal-bg,#15181d);--_fg:var(--invoice-portal-fg,#e9ecf1);
--_muted:var(--invoice-portal-muted,#a5adba);--_line:var(--invoice-portal-border,#323842);
--_surface:var(--invoice-portal-surface,#1e2229);--_accent:var(--invoice-portal-accent,#93a8ff);
--_on-accent:var(--invoice-portal-accent-fg,#0c0f14);--_ok:#7ddc8f;--_info:#a6b8ff;--_bad:#ff9a92;
--_warn:#f5b35c;--_off:#a5adba;color-scheme:dark;`;

export const css = `
/* !important in a shadow root's :host beats the page's !important on the element, so a
   hostile page rule (* {all: revert; ...}) cannot unmake the box. */
:host{display:block!important;background:none!important;border:0!important;padding:0!important;
font-size:0!important;line-height:0!important}
:host([hidden]){display:none!important}
/* An inline-block does not inherit the page's text-decoration (body {text-decoration: ...}); the
   host's zero font size keeps its line box from adding space. */
.portal{all:initial;display:inline-block;width:100%;vertical-align:top;box-sizing:border-box;${light}
font:var(--invoice-portal-font-size,15px)/1.5 var(--invoice-portal-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);
color:var(--_fg);background:var(--_bg);border:1px solid var(--_line);
border-radius:var(--invoice-portal-radius,10px);padding:16px;min-width:0;overflow-wrap:anywhere;container-type:inline-size}
@media (prefers-color-scheme:dark){:host(:not([theme=light])) .portal{${dark}}}
:host([theme=dark]) .portal{${dark}}
*,*::before{box-sizing:inherit}
h2{font-size:1.2em;margin:0;line-height:1.3}
h2:focus{outline:none}
p{margin:0}
.bar{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between;margin-bottom:12px}
.bar label{display:flex;flex-wrap:wrap;gap:4px 8px;align-items:center;color:var(--_muted);min-width:0;max-width:100%}
select,button{font:inherit;color:inherit}
select{background:var(--_bg);border:1px solid var(--_line);border-radius:6px;padding:4px 8px;min-width:0;max-width:100%;flex:1 1 auto}
ul{list-style:none;margin:0;padding:0;border-top:1px solid var(--_line)}
.row{display:grid;grid-template-columns:1fr auto;gap:2px 12px;width:100%;padding:10px 6px;border:0;
border-bottom:1px solid var(--_line);background:none;text-align:start;cursor:pointer;align-items:center}
.row:hover{background:var(--_surface)}
.num{grid-area:1/1;font-weight:600}.date{grid-area:2/1}.due{grid-area:3/1/4/3}
.amt{grid-area:1/2;text-align:end;font-variant-numeric:tabular-nums;font-weight:600}
.meta{color:var(--_muted);font-size:.9em}
.badge{grid-area:2/2;justify-self:end;font-size:.8em;font-weight:600;padding:1px 8px;border-radius:999px;
color:var(--_c,var(--_off));background:color-mix(in srgb,var(--_c,var(--_off)) 14%,var(--_bg));white-space:nowrap}
.paid{--_c:var(--_ok)}.open{--_c:var(--_info)}.past_due{--_c:var(--_bad)}.uncollectible{--_c:var(--_warn)}
@container (min-width:640px){.row{grid-template-columns:minmax(0,1.3fr) minmax(0,1fr) minmax(0,1.2fr) 7em 8em}
.date{grid-area:1/2}.due{grid-area:1/3}.amt{grid-area:1/4}.row .badge{grid-area:1/5}}
button.btn{border:1px solid var(--_line);background:var(--_bg);color:var(--_fg);border-radius:var(--invoice-portal-radius,10px);
padding:8px 14px;cursor:pointer;min-height:40px}
button.primary{background:var(--_accent);color:var(--_on-accent);border-color:var(--_accent);font-weight:600}
button[aria-disabled=true]{opacity:.6;cursor:progress}
button:focus-visible,select:focus-visible,a:focus-visible{outline:2px solid var(--_accent);outline-offset:2px}
.link,a{color:var(--_accent);background:none;border:0;padding:4px 0;cursor:pointer;text-decoration:underline}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:16px}
.more{margin-top:12px}
.empty,.error{padding:24px 8px;text-align:center;color:var(--_muted)}
.error p{margin-bottom:12px;color:var(--_fg)}
.notice{border-radius:8px;padding:8px 12px;margin:0 0 12px;background:var(--_surface);border-inline-start:4px solid var(--_c,var(--_info))}
.notice.success{--_c:var(--_ok)}.notice.error{--_c:var(--_bad)}
.head{display:flex;flex-wrap:wrap;gap:8px;align-items:center;justify-content:space-between;margin:8px 0 12px}
dl{display:grid;grid-template-columns:auto 1fr;gap:4px 16px;margin:0 0 16px}
dt{color:var(--_muted)}dd{margin:0}
.totals{margin:12px 0 0 auto;max-width:22em;grid-template-columns:1fr auto}
.totals dd{text-align:end;font-variant-numeric:tabular-nums}
.totals .strong{font-weight:600;color:var(--_fg)}
table{width:100%;border-collapse:collapse}
th{text-align:start;color:var(--_muted);font-weight:400;font-size:.9em}
th,td{padding:6px 4px;border-bottom:1px solid var(--_line);vertical-align:top}
th:not(:first-child),td:not(:first-child){text-align:end;white-space:nowrap}
.sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.sk{display:block;height:1em;margin:14px 0;border-radius:4px;background:var(--_surface);animation:pulse 1.2s ease-in-out infinite alternate}
@keyframes pulse{to{opacity:.45}}
@media (prefers-reduced-motion:reduce){.sk{animation:none}}
`;

let sheet;

export function adopt(root) {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
  }
  root.adoptedStyleSheets = [sheet];
}
