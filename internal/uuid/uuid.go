// Package uuid makes random (version 4) UUIDs, the shape of Secrets
// Manager's ClientRequestToken and of Lambda's request IDs. It depends only
// on the standard library, so test harnesses at the bottom of the import
// graph (internal/lambdaruntime) can use it without linking AWS code.
package uuid

import (
	"crypto/rand"
	"fmt"
)

// New returns a random version 4 UUID in its canonical form, 36 lower-case
// characters such as "0b7f3a52-9c1e-4d6b-8a4f-2e5d7c9b1a30".
func New() string {
	var b [16]byte
	_, _ = rand.Read(b[:])  // crypto/rand.Read never fails (Go 1.24)
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
