package waf

import (
	"errors"
	"fmt"
	"time"
)

// Conditions a caller can branch on with errors.Is.
var (
	// ErrInvalidConfig: the Config is incomplete.
	ErrInvalidConfig = errors.New("invalid configuration")
	// ErrRuleNotFound: the web ACL has no rule with the configured name.
	ErrRuleNotFound = errors.New("rule not found in the web ACL")
	// ErrUnexpectedRule: the rule is not a header match this target keeps
	// (an Allow rule whose statement is a ByteMatchStatement, or an
	// OrStatement of them, on the configured SingleHeader, EXACTLY, with text
	// transformation NONE). It is never overwritten.
	ErrUnexpectedRule = errors.New("rule is not an origin-verify header match")
	// ErrInvalidValue: a value cannot be a byte match search string (empty,
	// or longer than MaxValueLength bytes).
	ErrInvalidValue = errors.New("invalid value for a WAF byte match")
	// ErrConflict: the web ACL changed under every attempt to update it
	// (WAFOptimisticLockException each time).
	ErrConflict = errors.New("web ACL kept changing during the update (WAFOptimisticLockException)")
	// ErrNotInRule: TestSecret found the pending value missing from the rule
	// (setSecret has not run, or someone changed the rule).
	ErrNotInRule = errors.New("the rule does not accept the pending value")
	// ErrNotPropagated: the rule holds the value but the propagation delay
	// has not passed yet. The error is a *NotPropagatedError.
	ErrNotPropagated = errors.New("rule change may not have propagated yet")
)

// MaxValueLength is the longest value a byte match statement can hold:
// AWS WAF limits SearchString to 200 bytes.
const MaxValueLength = 200

// WebACLError reports a failure on the web ACL, and on its rule when Rule is
// set.
type WebACLError struct {
	WebACL string
	Rule   string
	Err    error
}

func (e *WebACLError) Error() string {
	if e.Rule != "" {
		return fmt.Sprintf("waf: web ACL %s rule %s: %v", e.WebACL, e.Rule, e.Err)
	}
	return fmt.Sprintf("waf: web ACL %s: %v", e.WebACL, e.Err)
}

func (e *WebACLError) Unwrap() error { return e.Err }

// NotPropagatedError says how long the rule change still needs: Secrets
// Manager retries the rotation, SetSecret finds nothing to change and
// TestSecret waits out the rest.
type NotPropagatedError struct {
	WebACL    string
	Remaining time.Duration
}

func (e *NotPropagatedError) Error() string {
	return fmt.Sprintf("waf: web ACL %s: the rule change may not have propagated yet (%s of the propagation delay left when the wait had to stop before the deadline)", e.WebACL, e.Remaining.Round(time.Second))
}

// Is makes errors.Is(err, ErrNotPropagated) true.
func (e *NotPropagatedError) Is(target error) bool { return target == ErrNotPropagated }
