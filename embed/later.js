// The on-demand chunk's entry: what the list's first paint does not need (an invoice's view,
// paying, the PDF, Stripe's billing portal). build.py bundles it apart, content-hashed, and the
// first chunk loads it with its integrity (embed/chunk.js), which finds these here on its own
// <script> element once it has run.
import { detail } from "./detail.js";
import { check, pay, pdf, unwatch } from "./payment.js";
import { otherCard, plan, portal } from "./recovery.js";
import { jump, jumper, newest } from "./jump.js";
import { resume } from "./resume.js";
import { more, switchTo } from "./paging.js";
import { errors, explain, hint } from "./hints.js";
import { account, css as accountCss } from "./account.js";
import { h } from "./dom.js";
import { css as toolsCss, tools } from "./tools.js";
/* global EN_LATER */

// The styles of the invoice view and the jump control, added to the portal's sheet on arrival.
const css = `
.plan{display:flex;flex-wrap:wrap;gap:4px 12px;align-items:center;justify-content:space-between;margin:0 0 12px}
.plan .actions{margin:0}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:16px}
.head{display:flex;flex-wrap:wrap;gap:8px;align-items:center;justify-content:space-between;margin:8px 0 12px}
.bill h3{font-weight:400;color:var(--_muted);font-size:.9em}
.confirm{border:1px solid var(--_accent);border-radius:8px;padding:12px 14px;margin:0 0 16px}
.confirm .actions,.recovery .actions{margin-top:12px}
.recovery{border:1px solid var(--_bad);border-inline-start-width:4px;border-radius:8px;padding:12px 14px;margin:0 0 16px}
.recovery h3:focus{outline:none}
.bill{margin:0 0 16px}
p.what{margin:-4px 0 12px}
dl{display:grid;grid-template-columns:auto 1fr;gap:4px 16px;margin:0 0 16px}
dt{color:var(--_muted)}dd{margin:0}
.totals{margin:12px 0 0 auto;max-width:22em;grid-template-columns:1fr auto}
.totals dd{text-align:end;font-variant-numeric:tabular-nums}
.totals .strong{font-weight:600;color:var(--_fg)}
table{width:100%;border-collapse:collapse}
th{text-align:start;color:var(--_muted);font-weight:400;font-size:.9em}
th,td{padding:6px 4px;border-bottom:1px solid var(--_line);vertical-align:top}
th:not(:first-child),td:not(:first-child){text-align:end;white-space:nowrap}
.jump{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:center;margin-top:12px;color:var(--_muted)}
.jump label{display:flex;gap:6px;align-items:center}
.jump select{flex:0 1 auto}
`;

// Above the list: the plan strip, then the customer's account (embed/account.js).
const top = (state, s, act) => h("div", { class: "slot" }, plan(state, s, act), account(state, s, act));

const api = { detail, check, pay, pdf, unwatch, otherCard, portal, plan: top, jumper, jump, newest, more, switchTo, resume, hint, explain, errors, tools, english: EN_LATER, css: css + accountCss + toolsCss };
/** @type {any} */ (document.currentScript).invoicePortal = api;
