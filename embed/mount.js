// InvoicePortal.mount(target, options): an <invoice-portal> made from an options object.

// The snake_case names hosted portals use, so an existing settings object moves over unchanged.
const ALIASES = { customer_id: "customer", subscription_id: "subscription", show_all_invoices: "showAllInvoices" };

export function mount(target, options = {}) {
  const parent = typeof target === "string" ? document.querySelector(target) : target;
  if (!parent || typeof parent.append !== "function") throw new TypeError(`InvoicePortal.mount: no element ${target}`);
  const el = /** @type {HTMLElement & {handleResponse?: Function}} */ (document.createElement("invoice-portal"));
  for (const [name, value] of Object.entries(options)) {
    const key = ALIASES[name] || name;
    if (key === "handleResponse") el.handleResponse = value;
    else if (value === true) el.setAttribute(attr(key), "");
    else if (value != null && value !== false) el.setAttribute(attr(key), String(value));
  }
  parent.append(el);
  return el;
}

const attr = (key) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
