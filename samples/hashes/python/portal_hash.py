"""portal_hash.py: the hash the <invoice-portal> element needs, made on your server."""

import hashlib
import hmac
import os
import time


def portal_secret() -> bytes:
    # PORTAL_HASH_SECRETS lists every secret the proxy accepts; the first one signs.
    first = os.environ.get("PORTAL_HASH_SECRETS", "").split(",")[0].strip()
    if not first:
        raise RuntimeError("PORTAL_HASH_SECRETS is not set")
    return first.encode()  # hmac wants bytes: a str key raises TypeError


def portal_hash(identifier: str, expires: int | None = None) -> str:
    """The static hash, or with `expires` (unix seconds) the expiring one. `identifier` is
    the email exactly as the element gets it (no trimming, no lower-casing) or a cus_ id."""
    message = identifier if expires is None else f"{identifier}:{expires}"
    return hmac.new(portal_secret(), message.encode(), hashlib.sha256).hexdigest()


def portal_attributes(identifier: str, lifetime: int = 15 * 60) -> dict[str, str]:
    """The element's attributes, with a hash that expires after `lifetime` seconds."""
    expires = int(time.time()) + lifetime
    kind = "customer" if identifier.startswith("cus_") else "email"
    return {kind: identifier, "hash": portal_hash(identifier, expires), "expires": str(expires)}
