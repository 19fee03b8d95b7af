# app/lib/portal_hash.rb: the hash the <invoice-portal> element needs, made on your server.
require "openssl"

module PortalHash
  # PORTAL_HASH_SECRETS lists every secret the proxy accepts; the first one signs.
  def self.secret
    first = ENV.fetch("PORTAL_HASH_SECRETS", "").split(",").first.to_s.strip
    raise "PORTAL_HASH_SECRETS is not set" if first.empty?
    first
  end

  # The static hash, or with expires (unix seconds) the expiring one. identifier is the
  # email exactly as the element gets it (no strip, no downcase) or a cus_ id.
  def self.sign(identifier, expires = nil)
    message = expires.nil? ? identifier : "#{identifier}:#{expires}"
    OpenSSL::HMAC.hexdigest("SHA256", secret, message)
  end

  # The element's attributes, with a hash that expires after lifetime seconds.
  def self.attributes(identifier, lifetime: 15 * 60)
    expires = Time.now.to_i + lifetime
    kind = identifier.start_with?("cus_") ? :customer : :email
    { kind => identifier, hash: sign(identifier, expires), expires: expires.to_s }
  end
end
