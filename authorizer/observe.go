package authorizer

import (
	"context"
	"time"
)

// Observer receives what the Verifier decides and reads, for metrics. It is
// vendor-neutral: the example functions publish it in CloudWatch Embedded
// Metric Format, a test can count it.
//
// Methods are called synchronously (ObserveDecision on the request path),
// from many goroutines at once: they must be fast, safe for concurrent use
// and must not block. Events carry no value and no version ID.
type Observer interface {
	// ObserveDecision is called once per Verify with its outcome.
	ObserveDecision(ctx context.Context, e DecisionEvent)
	// ObserveRead is called once per read of the secret, when it ends.
	ObserveRead(ctx context.Context, e ReadEvent)
}

// Outcome is a decision as metrics name it: low-cardinality, stable.
type Outcome string

// Outcomes.
const (
	OutcomeCurrent     Outcome = "current"
	OutcomePending     Outcome = "pending"
	OutcomePrevious    Outcome = "previous"
	OutcomeDeny        Outcome = "deny"
	OutcomeUnavailable Outcome = "unavailable"
)

// DecisionEvent is one Verify.
type DecisionEvent struct {
	Outcome Outcome
	// Reason says why, for OutcomeDeny and OutcomeUnavailable: one of the
	// Reason constants (ReasonInvalid, ReasonUnknown, ReasonCooldown,
	// ReasonDeleted for a Deny; ReasonNoRead, ReasonReadFailed, ReasonStale,
	// ReasonCanceled, ReasonAccessDenied, ReasonCooldown for
	// OutcomeUnavailable), never a value; "" for an Allow.
	Reason string
}

// ReadCause says what made the Verifier read the secret.
type ReadCause string

// Read causes.
const (
	ReadFirst ReadCause = "first" // no read had succeeded yet (Load, or the first Verify)
	ReadTTL   ReadCause = "ttl"   // the last read was due for renewal
	ReadMiss  ReadCause = "miss"  // refresh on miss: an unknown value, or one that needs a recent read (AWSPREVIOUS; AWSCURRENT during a rotation)
)

// ReadEvent is one read of the secret: a DescribeSecret, plus
// GetSecretValue for versions not seen before.
type ReadEvent struct {
	Cause ReadCause
	// Duration is measured on the Verifier's clock (WithClock).
	Duration time.Duration
	// Failed reports that the read returned an error.
	Failed bool
}

// WithObserver sends the Verifier's decisions and reads to o. With none
// (the default) Verify costs nothing extra.
func WithObserver(o Observer) Option {
	return func(opts *options) { opts.check(o != nil, "WithObserver: nil observer"); opts.observer = o }
}
