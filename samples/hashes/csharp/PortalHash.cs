// PortalHash.cs: the hash the <invoice-portal> element needs, made on your server.
using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

public static class PortalHash
{
    // PORTAL_HASH_SECRETS lists every secret the proxy accepts; the first one signs.
    static byte[] Secret()
    {
        var secrets = Environment.GetEnvironmentVariable("PORTAL_HASH_SECRETS") ?? "";
        var first = secrets.Split(',')[0].Trim();
        if (first.Length == 0)
            throw new InvalidOperationException("PORTAL_HASH_SECRETS is not set");
        return Encoding.UTF8.GetBytes(first);
    }

    // The static hash, or with expires (unix seconds) the expiring one. identifier is the
    // email exactly as the element gets it (no Trim(), no ToLower()) or a cus_ id.
    public static string Hash(string identifier, long? expires = null)
    {
        var message = expires == null ? identifier : identifier + ":" + expires;
        using (var hmac = new HMACSHA256(Secret()))
        {
            var digest = hmac.ComputeHash(Encoding.UTF8.GetBytes(message));
            return BitConverter.ToString(digest).Replace("-", "").ToLowerInvariant();
        }
    }

    // The element's attributes, with a hash that expires after lifetime,
    // e.g. PortalHash.Attributes(user.Email, TimeSpan.FromMinutes(15)).
    public static Dictionary<string, string> Attributes(string identifier, TimeSpan lifetime)
    {
        var expires = DateTimeOffset.UtcNow.Add(lifetime).ToUnixTimeSeconds();
        var kind = identifier.StartsWith("cus_", StringComparison.Ordinal) ? "customer" : "email";
        return new Dictionary<string, string>
        {
            { kind, identifier },
            { "hash", Hash(identifier, expires) },
            { "expires", expires.ToString() },
        };
    }
}
