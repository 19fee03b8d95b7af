// The bundle's entry: defines <invoice-portal> and the InvoicePortal.mount() global.
import { billflow } from "./billflow.js";
import { InvoicePortal } from "./element.js";
import { mount } from "./mount.js";

// Loaded twice (two snippets, a pinned and a stable copy): the first definition wins.
if (!customElements.get("invoice-portal")) customElements.define("invoice-portal", InvoicePortal);
window.InvoicePortal = window.InvoicePortal || { mount, element: InvoicePortal };
// A page that kept Billflow's snippet and swapped only the script gets its portal too.
billflow(window.InvoicePortal);
