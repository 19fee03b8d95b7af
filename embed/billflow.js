// The Billflow drop-in: a page that keeps Billflow's snippet (`<div id="billflow-embed">` and
// `window.billflowSettings`) and swaps only the script tag for ours gets a portal in that div,
// with the same settings and the same `handleResponse`.
import { ATTRS } from "./config.js";
import { mount } from "./mount.js";

const ID = "billflow-embed";
// How long a late `#billflow-embed` (a framework rendering it after hydration) is watched for,
// once the page is parsed or the settings are assigned.
export const WATCH_MS = 30000;

/**
 * `window.billflowSettings` as InvoicePortal.mount() options: ours kept (snake_case, camelCase
 * or kebab-case names), Billflow's own (billing_page_id, service, options, coupon, a theme
 * object, ...) dropped, so that none of them becomes a stray attribute.
 * @param {Record<string, unknown>} settings
 * @param {string} [scriptEdge] the `data-edge` of the script tag that loaded us
 * @returns {Record<string, unknown>}
 */
export function options(settings, scriptEdge) {
  /** @type {Record<string, unknown>} */
  const kept = { edge: scriptEdge };
  for (const [key, value] of Object.entries(settings)) {
    // customer_id -> customer, show_all_invoices -> show-all-invoices, defaultLocale -> default-locale
    const name = key.replace(/_id$/, "").replace(/_/g, "-").replace(/[A-Z]/g, "-$&").toLowerCase();
    if (key === "handleResponse") {
      if (typeof value === "function") kept[key] = value;
    } else if ((ATTRS.includes(name) || name === "theme") && Object(value) !== value && value !== "") {
      kept[name] = value; // Billflow's theme and options are objects, ours plain values
    }
  }
  return kept;
}

/**
 * Mounts the portal once both the div and the settings exist, whichever comes last. Runs while
 * the bundle is evaluated: `document.currentScript` (our `<script>`, async or not) is null later.
 * @param {{ mount: typeof mount }} api window.InvoicePortal; its mount() is wrapped
 */
export function billflow(api) {
  const script = document.currentScript;
  const scriptEdge = script && script.dataset.edge;
  let done = false;
  const place = () => {
    const div = document.getElementById(ID);
    const settings = window.billflowSettings;
    // A div that already holds a portal: a second copy of this script, or the page's own mount().
    if (!done && div && settings && !div.querySelector("invoice-portal")) {
      const o = options(settings, scriptEdge);
      if (!o.edge) console.error('[invoice-portal] add edge: "https://<your proxy>" to window.billflowSettings, or data-edge="https://<your proxy>" to this <script> tag');
      mount(div, o).setAttribute("data-billflow", "");
    }
    return (done = done || !!(div && settings));
  };

  // A page that calls InvoicePortal.mount() itself has taken over: the drop-in steps aside.
  const own = api.mount;
  api.mount = (target, opts) => {
    done = true;
    document.querySelectorAll("invoice-portal[data-billflow]").forEach((el) => el.remove());
    return own(target, opts);
  };

  if (place()) return;
  // A MutationObserver sees the div however it arrives: parsed below the async script, or
  // rendered later by a framework. One callback per batch of changes and a lookup by id keep it
  // cheap; it stops once mounted, at DOMContentLoaded on a page with neither the div nor the
  // settings (not a Billflow page), else WATCH_MS later.
  const watch = new MutationObserver(() => place() && watch.disconnect());
  const observe = () => watch.observe(document, { childList: true, subtree: true });
  const stopLater = () => setTimeout(() => watch.disconnect(), WATCH_MS);
  const parsed = () => (window.billflowSettings || document.getElementById(ID) ? stopLater() : watch.disconnect());
  observe();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", parsed);
  else parsed();
  // Settings assigned after this script (`window.billflowSettings = ...`, or to a `var` declared
  // below it) change no DOM node: a one-time setter notices them, mounts or watches for the div
  // again, and leaves a plain property behind.
  if (!("billflowSettings" in window))
    Object.defineProperty(window, "billflowSettings", {
      configurable: true,
      set(value) {
        delete window.billflowSettings;
        window.billflowSettings = value;
        if (!place()) {
          observe();
          stopLater();
        }
      },
    });
}
