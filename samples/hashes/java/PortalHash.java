// PortalHash.java: the hash the <invoice-portal> element needs, made on your server.
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public final class PortalHash {
    private PortalHash() {}

    // PORTAL_HASH_SECRETS lists every secret the proxy accepts; the first one signs.
    private static byte[] secret() {
        String secrets = System.getenv("PORTAL_HASH_SECRETS");
        String first = secrets == null ? "" : secrets.split(",", -1)[0].strip();
        if (first.isEmpty()) throw new IllegalStateException("PORTAL_HASH_SECRETS is not set");
        return first.getBytes(StandardCharsets.UTF_8);
    }

    // The static hash. identifier is the email exactly as the element gets it (no trim(),
    // no toLowerCase()) or a cus_ id.
    public static String hash(String identifier) {
        return sign(identifier);
    }

    // The expiring hash: expires (unix seconds) goes on the element too.
    public static String hash(String identifier, long expires) {
        return sign(identifier + ":" + expires);
    }

    // The element's attributes, with a hash that expires after lifetime,
    // e.g. attributes(user.getEmail(), Duration.ofMinutes(15)).
    public static Map<String, String> attributes(String identifier, Duration lifetime) {
        long expires = Instant.now().plus(lifetime).getEpochSecond();
        String kind = identifier.startsWith("cus_") ? "customer" : "email";
        return Map.of(
                kind, identifier,
                "hash", hash(identifier, expires),
                "expires", Long.toString(expires));
    }

    private static String sign(String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret(), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
