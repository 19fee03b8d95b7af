// portal-hash.js: the hash the <invoice-portal> element needs, made on your server.
const crypto = require("node:crypto");

// PORTAL_HASH_SECRETS lists every secret the proxy accepts; the first one signs.
function portalSecret() {
  const first = (process.env.PORTAL_HASH_SECRETS || "").split(",")[0].trim();
  if (!first) throw new Error("PORTAL_HASH_SECRETS is not set");
  return first;
}

// The static hash, or with `expires` (unix seconds) the expiring one. `identifier` is the
// email exactly as the element gets it (no trimming, no lower-casing) or a cus_ id.
function portalHash(identifier, expires) {
  const message = expires === undefined ? identifier : `${identifier}:${expires}`;
  return crypto.createHmac("sha256", portalSecret()).update(message, "utf8").digest("hex");
}

// The element's attributes, with a hash that expires after `lifetime` seconds.
function portalAttributes(identifier, lifetime = 15 * 60) {
  const expires = Math.floor(Date.now() / 1000) + lifetime;
  const kind = identifier.startsWith("cus_") ? "customer" : "email";
  return { [kind]: identifier, hash: portalHash(identifier, expires), expires: String(expires) };
}

module.exports = { portalHash, portalAttributes };
