// What a failure means for the customer (a message key, whether retrying can help) and, in
// debug mode, for the integrator.

// Proxy error code -> message key and whether a retry can help.
const ERRORS = {
  network_error: ["error.network", 1],
  timeout: ["error.network", 1],
  invalid_hash: ["error.denied"],
  missing_hash: ["error.denied"],
  expiring_hash_required: ["error.denied"],
  expired_hash: ["error.expired"],
  invalid_config: ["error.config"],
  invalid_request: ["error.config"],
  feature_disabled: ["error.config"],
  return_url_not_allowed: ["error.config"],
  origin_not_allowed: ["error.config"],
  rate_limited: ["error.unavailable", 1],
  not_found: ["error.not_found"],
  invoice_not_payable: ["pay.not_payable"],
};

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

export function failure(e) {
  const code = e.code || "internal_error";
  const refused = e.status >= 400 && e.status < 500 && e.status !== 429; // retrying will not help
  const [key, retry] = ERRORS[code] || (refused ? ["error.generic"] : ["error.unavailable", 1]);
  return { code, message: e.message || code, key, retry };
}

export const hint = (code) => HINTS[code] || "";
