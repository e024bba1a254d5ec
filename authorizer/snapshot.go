package authorizer

import (
	"crypto/subtle"
	"time"
)

// Decision is the Verifier's answer for one value.
type Decision int

const (
	// Deny: the value matches no accepted version, checked against a read of
	// the secret made after the value could first have been sent.
	Deny Decision = iota
	// AllowCurrent: the value is AWSCURRENT.
	AllowCurrent
	// AllowPending: the value is AWSPENDING (a rotation is under way).
	AllowPending
	// AllowPrevious: the value is AWSPREVIOUS, within the grace window,
	// checked against a read younger than the refresh cooldown.
	AllowPrevious
)

// Allowed reports whether the decision lets the request through.
func (d Decision) Allowed() bool { return d != Deny }

// String returns "deny" or the staging label the value matched.
func (d Decision) String() string {
	switch d {
	case AllowCurrent:
		return "AWSCURRENT"
	case AllowPending:
		return "AWSPENDING"
	case AllowPrevious:
		return "AWSPREVIOUS"
	}
	return "deny"
}

// snapshot is one read of the secret, immutable once published. Verify reads
// it without locks.
type snapshot struct {
	// Values; "" where the version is absent or holds no usable value.
	current, pending, previous string
	// previousUntil ends the grace window for previous.
	previousUntil time.Time
	// Version IDs, to notice a rotation between two reads.
	currentID, pendingID, previousID string
	// readAt is when the read started, just before its calls; staleness
	// counts from it.
	readAt time.Time
	// refreshAt is when the next read is due.
	refreshAt time.Time
	// deleted: the secret is deleted or scheduled for deletion; every value
	// is denied.
	deleted bool
	// deniedSince is when reads began to fail with AccessDeniedException
	// (zero if the last read did not); a cooldown later the snapshot is no
	// longer used.
	deniedSince time.Time
}

// match compares value with every accepted version. Each comparison takes
// time that depends only on the lengths, and all three always run.
func (s *snapshot) match(value string, now time.Time) Decision {
	current := equal(value, s.current)
	pending := equal(value, s.pending)
	previous := equal(value, s.previous) & boolInt(now.Before(s.previousUntil))
	switch {
	case current == 1:
		return AllowCurrent
	case pending == 1:
		return AllowPending
	case previous == 1:
		return AllowPrevious
	}
	return Deny
}

// equal is 1 when a and b are equal and b is not empty, in time that does not
// depend on where they differ. It works on strings so that the hot path does
// not allocate.
func equal(a, b string) int {
	if len(a) != len(b) || len(b) == 0 {
		return 0
	}
	var diff byte
	for i := 0; i < len(a); i++ {
		diff |= a[i] ^ b[i]
	}
	return subtle.ConstantTimeByteEq(diff, 0)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
