// The element's attributes, read and checked once per load.
import { ProxyError } from "./client.js";
import { SOURCE, canonical } from "./i18n.js";
import { safeUrl } from "./dom.js";

export const ATTRS = ["edge", "email", "customer", "hash", "expires", "locale", "default-locale"]
  .concat(["translations", "show-all-invoices", "subscription", "debug"]);
export const PAGE = 10;

// Throws invalid_config with a message naming the attribute, for the integrator's console.
export function config(el) {
  const a = (name) => el.getAttribute(name) || null;
  const bad = (message) => {
    throw new ProxyError("invalid_config", message);
  };
  const [edge, email, customer, expires] = [a("edge"), a("email"), a("customer"), a("expires")];
  if (!safeUrl(edge)) bad(`"edge" must be the proxy's http(s) address, got ${JSON.stringify(edge)}`);
  if (!email === !customer) bad('set exactly one of the "email" and "customer" attributes');
  if (email && !email.includes("@")) bad(`"email" does not look like an email: ${JSON.stringify(email)}`);
  if (customer && !/^cus_[A-Za-z0-9]+$/.test(customer)) bad(`"customer" is not a Stripe customer id (cus_...): ${JSON.stringify(customer)}`);
  if (expires && !/^\d+$/.test(expires)) bad(`"expires" must be unix seconds, got ${JSON.stringify(expires)}`);
  for (const name of ["locale", "default-locale"]) {
    const tag = a(name);
    if (tag && tag !== "auto") {
      try {
        canonical(tag);
      } catch {
        bad(`"${name}" is not a BCP 47 language tag: ${JSON.stringify(tag)}`);
      }
    }
  }
  return {
    edge,
    who: email ? { email } : { customer },
    creds: { hash: a("hash") || undefined, expires: expires ? Number(expires) : undefined },
    params: { scope: el.hasAttribute("show-all-invoices") ? "all" : undefined, subscription: a("subscription") || undefined, limit: PAGE },
  };
}

// What locale negotiation needs; a malformed locale is reported by config() and ignored here.
export function textOptions(el) {
  let locale = el.getAttribute("locale");
  try {
    canonical(locale);
  } catch {
    locale = null;
  }
  const wanted = locale && locale !== "auto" ? [locale] : navigator.languages || [navigator.language];
  return { wanted, fallback: el.getAttribute("default-locale") || SOURCE, translations: el.getAttribute("translations") };
}
