// Package portalhash makes the hash the <invoice-portal> element needs, on your server.
package portalhash

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"time"
)

// secret is the first of PORTAL_HASH_SECRETS: the proxy accepts every one, the first signs.
func secret() []byte {
	first, _, _ := strings.Cut(os.Getenv("PORTAL_HASH_SECRETS"), ",")
	first = strings.TrimSpace(first)
	if first == "" {
		panic("PORTAL_HASH_SECRETS is not set")
	}
	return []byte(first)
}

// Hash is the static hash. identifier is the email exactly as the element gets it (no
// trimming, no lower-casing) or a cus_ id.
func Hash(identifier string) string {
	return sign(identifier)
}

// ExpiringHash is the hash valid until expires (unix seconds), which goes on the element too.
func ExpiringHash(identifier string, expires int64) string {
	return sign(identifier + ":" + strconv.FormatInt(expires, 10))
}

func sign(message string) string {
	mac := hmac.New(sha256.New, secret())
	mac.Write([]byte(message))
	return hex.EncodeToString(mac.Sum(nil))
}

// Attributes are the element's attributes, with a hash that expires after lifetime,
// e.g. Attributes(user.Email, 15*time.Minute).
func Attributes(identifier string, lifetime time.Duration) map[string]string {
	expires := time.Now().Add(lifetime).Unix()
	kind := "email"
	if strings.HasPrefix(identifier, "cus_") {
		kind = "customer"
	}
	return map[string]string{
		kind:      identifier,
		"hash":    ExpiringHash(identifier, expires),
		"expires": strconv.FormatInt(expires, 10),
	}
}
