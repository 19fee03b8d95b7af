// What a failure means for the customer: a message key, and whether retrying can help. What it
// means for the integrator, in debug mode, is in embed/hints.js.
import { whenLoaded } from "./chunk.js";

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
  chunk_unavailable: ["error.network", 1], // the rest of the portal, from the CDN
};
// Failures only an open invoice meets (not_found, invoice_not_payable) come with its chunk.
whenLoaded((later) => Object.assign(ERRORS, later.errors));


export function failure(e) {
  const code = e.code || "internal_error";
  const refused = e.status >= 400 && e.status < 500 && e.status !== 429; // retrying will not help
  const [key, retry] = ERRORS[code] || (refused ? ["error.generic"] : ["error.unavailable", 1]);
  return { code, message: e.message || code, key, retry };
}
