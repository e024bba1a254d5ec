package fingerprint

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/hex"
)

// Iterations is the PBKDF2 round count: a few milliseconds per value, which
// the command pays once per distinct value it shows.
const Iterations = 1 << 14

// salt is public and fixed (see the package doc); changing it changes every
// fingerprint.
const salt = "originlock fingerprint v1"

// Of returns the fingerprint of value, such as "#3f9a0c1d". The empty value
// has a fingerprint too; callers that must tell "no value" apart say so
// themselves.
func Of(value string) string {
	key, err := pbkdf2.Key(sha256.New, value, []byte(salt), Iterations, 4)
	if err != nil {
		// pbkdf2.Key fails only for a key length FIPS mode refuses (under
		// 112 bits). Fall back to what this package documents for the
		// plain hash: still 32 bits, still no value.
		sum := sha256.Sum256([]byte(salt + "\x00" + value))
		key = sum[:4]
	}
	return "#" + hex.EncodeToString(key)
}
