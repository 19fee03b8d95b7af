"""With the invoice-portal package installed, edge.owner makes the same hashes."""

from edge.owner import element_attributes, element_html_attributes, static_hash

# Secrets come from PORTAL_HASH_SECRETS (the first signs), or pass secret="..." to each.
attributes = element_attributes("jane@example.com", edge="https://billing.example.com")
tag = f"<invoice-portal {element_html_attributes('cus_NffrFeUfNV2Hib')}></invoice-portal>"
never_expires = static_hash("jane@example.com")  # as sensitive as a password
