// What debug mode tells the integrator beyond the proxy's own messages. Part of the on-demand
// chunk: a portal with the debug attribute loads that chunk at once, beside the session, so these
// are at hand for its first paint and every failure after.

// What an integrator needs to know in debug mode, beyond the proxy's own message.
const HINTS = {
  invalid_hash:
    'the hash must be lowercase hex HMAC-SHA256(secret, identifier), of identifier + ":" + expires ' +
    "when it expires; `invoice-portal hash IDENTIFIER` prints one",
  missing_hash: "no hash attribute, and the proxy requires one",
  expired_hash: "the expiring hash ran out: set fresh hash and expires attributes and the portal carries on",
  origin_not_allowed: "add this page's origin (scheme://host[:port]) to the proxy's PORTAL_ALLOWED_ORIGINS",
  return_url_not_allowed: "Stripe's portal must come back to this page: add its origin to PORTAL_ALLOWED_ORIGINS",
  feature_disabled: "the proxy has this turned off (PORTAL_ALLOW_*)",
  rate_limited: "the proxy's rate limits (PORTAL_LIMIT_*) or Stripe budget refused this; it says when to retry",
  network_error: "is the proxy up, and this page's origin in PORTAL_ALLOWED_ORIGINS? (a CORS refusal looks like a network error)",
};

export const hint = (code) => HINTS[code] || "";

// What embed/failures.js says for the failures of an open invoice: message key, no retry.
export const errors = { not_found: ["error.not_found"], invoice_not_payable: ["pay.not_payable"] };

// What the session says that an integrator may not expect.
export function explain(el, s, narrowed) {
  const email = el.getAttribute("email");
  if (narrowed) el.log("show-all-invoices is off on the proxy (PORTAL_ALLOW_SHOW_ALL); showing the subscription's invoices");
  if (s.no_user) el.log(`no Stripe customer has this email (${email}): the portal is empty`);
  if (s.email_matched === "case_insensitive") el.log(`the email matched only ignoring case: the site sent ${email}, Stripe has ${s.customer.email}`);
  if (s.merged_customers > 1) el.log(`${s.merged_customers} Stripe customers share this email; their invoices are merged`);
  if (s.livemode === false) el.log("the proxy uses a Stripe test key: live customers and invoices are not visible");
}
