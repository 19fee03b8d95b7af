<?php
// app/Support/InvoicePortal.php. Its secrets, in config/services.php:
//     'invoice_portal' => ['hash_secrets' => env('PORTAL_HASH_SECRETS')],

namespace App\Support;

final class InvoicePortal
{
    // PORTAL_HASH_SECRETS lists every secret the proxy accepts; the first one signs.
    private static function secret(): string
    {
        $secrets = (string) config('services.invoice_portal.hash_secrets');
        $first = trim(explode(',', $secrets)[0]);
        if ($first === '') {
            throw new \RuntimeException('PORTAL_HASH_SECRETS is not set');
        }
        return $first;
    }

    // The static hash, or with $expires (unix seconds) the expiring one. $identifier is the
    // email exactly as the element gets it (no trim, no strtolower) or a cus_ id.
    public static function hash(string $identifier, ?int $expires = null): string
    {
        $message = $expires === null ? $identifier : $identifier . ':' . $expires;
        return hash_hmac('sha256', $message, self::secret());
    }

    // The element's attributes, with a hash that expires after $lifetime seconds.
    public static function attributes(string $identifier, int $lifetime = 15 * 60): array
    {
        $expires = time() + $lifetime;
        $kind = str_starts_with($identifier, 'cus_') ? 'customer' : 'email';
        return [
            $kind => $identifier,
            'hash' => self::hash($identifier, $expires),
            'expires' => (string) $expires,
        ];
    }
}
