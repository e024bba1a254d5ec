package authorizer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-secretsmanager-caching-go/v2/secretcache"

	"github.com/originlock/originlock/internal/secretvalue"
)

// MaxValueLength (1783, CloudFront's limit) is the longest value the Verifier
// compares; anything longer cannot be a CloudFront origin header value and is
// denied without a read.
const MaxValueLength = secretvalue.MaxLength

// SecretsManagerAPI is the part of the Secrets Manager client the Verifier
// uses. *secretsmanager.Client implements it.
type SecretsManagerAPI interface {
	DescribeSecret(ctx context.Context, in *secretsmanager.DescribeSecretInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

var _ SecretsManagerAPI = (*secretsmanager.Client)(nil)

// Verifier decides whether a header value is the secret's AWSCURRENT,
// AWSPENDING, or (within the grace window after a rotation) AWSPREVIOUS
// value. It is safe for concurrent use.
//
// Cache semantics:
//
//   - Verify answers from the last read of the secret, without locks, calls
//     or allocations, as long as the value matches.
//   - A read is due WithCacheTTL after the last one (spread between TTL/2 and
//     TTL). The request that finds it due makes it, through caching-go: one
//     DescribeSecret, plus GetSecretValue only for versions not seen before.
//     Other requests meanwhile keep answering from the last read.
//   - Refresh on miss: an unknown value makes a read before it is denied, so
//     a value from a rotation that began after the last read is allowed at
//     once. Concurrent misses share one read, and a miss decides against the
//     newest read published, even one that ended while it waited. After a
//     miss read, unknown values cause no new read for WithRefreshCooldown.
//     Within that time an unknown value is denied when the last good read
//     started less than the cooldown plus the read timeout ago: the
//     rotation's settle delay (WithSettleDelay) guarantees that such a read
//     has seen every value CloudFront may be sending, so the Deny that API
//     Gateway caches cannot refuse a legitimate value, and a flood of random
//     values gets 403, not 500. Otherwise (the miss read failed, or
//     WithSettleDelay(0)) it gets ErrUnavailable.
//   - Stale if error: when a read fails, the Verifier keeps deciding from the
//     last good one and retries after the cooldown. Once the last good read
//     is older than WithMaxStaleness, every value gets ErrUnavailable.
//   - AWSPREVIOUS stays accepted for WithPreviousGrace after AWSCURRENT moved
//     off it, counted from the latest moment the move can have happened (the
//     secret's LastChangedDate, or the next pending version's creation), so
//     that the window never ends early; a later change to the secret does not
//     extend a window already computed.
//   - Revocation: a value that matches only AWSPREVIOUS is allowed only
//     against a read that started less than WithRefreshCooldown ago; if the
//     last read is older, the request reads again (shared with misses, at
//     most one read per cooldown) and decides against that read, or gets
//     ErrUnavailable if it fails. The same holds for AWSCURRENT while the
//     read shows a rotation under way (a pending value), except that a failed
//     read falls back to the last good one. So removing AWSPREVIOUS from a
//     version (aws secretsmanager update-secret-version-stage, or the
//     rotation's REVOKE_PREVIOUS) stops its value within the cooldown plus
//     the read's duration, not at the next TTL read. The extra reads happen
//     only while such values arrive: during rotations and grace windows, at
//     most 60 s / cooldown a minute (12 with the defaults).
//   - Kill switches fail closed. A read that finds the secret deleted
//     (ResourceNotFoundException) or scheduled for deletion (DescribeSecret
//     shows DeletedDate) makes the Verifier deny every value at once, with no
//     stale if error; it reads again every cooldown, so RestoreSecret undoes
//     it as quickly. The deletion takes effect at the next read: within the
//     cooldown when values that cause reads arrive (unknown ones, AWSPREVIOUS,
//     AWSCURRENT during a rotation), at the next TTL read otherwise.
//   - AccessDeniedException (a detached policy, a Deny in the secret's
//     resource policy, a disabled KMS key) gets one cooldown to prove
//     transient, as IAM changes propagate; the last good read decides
//     meanwhile. After that every value gets ErrUnavailable
//     (ReasonAccessDenied) until a read succeeds, not WithMaxStaleness of
//     stale if error.
//   - An empty value, one longer than MaxValueLength, one with a leading or
//     trailing space or a comma, or one that is not printable ASCII is denied
//     without a read.
//
// The first Verify makes the first read; a Lambda may call Load during init
// to make it then.
type Verifier struct {
	secretID string
	opts     options
	gate     *describeGate
	cache    *secretcache.Cache

	snap atomic.Pointer[snapshot]

	// readMu serializes reads: the gate and caching-go see one at a time.
	readMu sync.Mutex
	// failedAt is when the last read failed (guarded by readMu).
	failedAt time.Time

	// mu guards the refresh-on-miss state.
	mu       sync.Mutex
	miss     *flight
	lastMiss time.Time
}

// flight is a read that concurrent misses share.
type flight struct {
	done chan struct{}
	s    *snapshot
	err  error
}

// NewVerifier returns a Verifier for the secret with the given name or ARN.
// It makes no call; see Load.
func NewVerifier(sm SecretsManagerAPI, secretID string, opts ...Option) (*Verifier, error) {
	if sm == nil {
		return nil, errors.New("authorizer: nil Secrets Manager client")
	}
	if secretID == "" {
		return nil, errors.New("authorizer: empty secret ID")
	}
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if err := errors.Join(o.errs...); err != nil {
		return nil, err
	}
	if err := o.checkSettle(); err != nil {
		return nil, err
	}
	v := &Verifier{secretID: secretID, opts: o, gate: &describeGate{sm: sm}}
	cache, err := secretcache.New(func(c *secretcache.Cache) {
		c.Client = v.gate
		c.MaxCacheSize = 1
		c.CacheItemTTL = 1 // nanosecond: the gate decides when metadata is re-read
	})
	if err != nil {
		return nil, fmt.Errorf("authorizer: caching-go: %w", err)
	}
	v.cache = cache
	return v, nil
}

// Load makes the first read of the secret if none has succeeded yet. Verify
// does the same on its first call; Lambda functions can call Load during
// init, where the read costs no request any latency.
//
// A failed Load does not hold requests back: the first Verify reads again at
// once, instead of waiting out the refresh cooldown. As every read, it is
// bounded by WithReadTimeout, not by ctx's deadline.
func (v *Verifier) Load(ctx context.Context) error {
	_, err := v.snapshot(ctx, v.opts.clock.Now())
	if err != nil {
		v.readMu.Lock()
		v.failedAt = time.Time{}
		v.readMu.Unlock()
	}
	return err
}

// Verify decides on value. A nil error comes with Deny or an Allow; an error
// (always ErrUnavailable) means no decision could be made and the request
// must be refused without caching the refusal.
func (v *Verifier) Verify(ctx context.Context, value string) (Decision, error) {
	d, reason, err := v.decide(ctx, value)
	if v.opts.observer != nil {
		v.opts.observer.ObserveDecision(ctx, DecisionEvent{Outcome: outcome(d, err), Reason: reason})
	}
	return d, err
}

// outcome names a decision for metrics.
func outcome(d Decision, err error) Outcome {
	switch {
	case err != nil:
		return OutcomeUnavailable
	case d == AllowCurrent:
		return OutcomeCurrent
	case d == AllowPending:
		return OutcomePending
	case d == AllowPrevious:
		return OutcomePrevious
	}
	return OutcomeDeny
}

// decide is Verify, with the reason of a refusal (a Reason constant; "" for
// an Allow).
func (v *Verifier) decide(ctx context.Context, value string) (Decision, string, error) {
	now := v.opts.clock.Now()
	s, err := v.snapshot(ctx, now)
	if err != nil {
		return Deny, reasonOf(err), err
	}
	if s.deleted {
		return Deny, ReasonDeleted, nil
	}
	if d := s.match(value, now); d != Deny {
		if v.needsFreshRead(s, d, now) {
			return v.verifyFresh(ctx, value, now, d)
		}
		return d, "", nil
	}
	if !secretvalue.Valid(value) {
		return Deny, ReasonInvalid, nil // never a valid value: no read needed
	}
	return v.verifyMiss(ctx, value, now)
}

// snapshot returns the current read, making one first if none exists or one
// is due (unless another request is making it), and checks staleness.
func (v *Verifier) snapshot(ctx context.Context, now time.Time) (*snapshot, error) {
	s := v.snap.Load()
	switch {
	case s == nil:
		v.readMu.Lock()
		if s = v.snap.Load(); s == nil {
			if !v.failedAt.IsZero() && now.Sub(v.failedAt) < v.opts.cooldown {
				v.readMu.Unlock()
				return nil, &UnavailableError{Reason: ReasonNoRead}
			}
			var err error
			if s, err = v.read(ctx, ReadFirst); err != nil {
				v.readMu.Unlock()
				return nil, &UnavailableError{Reason: ReasonNoRead, Err: err}
			}
		}
		v.readMu.Unlock()
	case !now.Before(s.refreshAt) && v.readMu.TryLock():
		// Another request may have finished a read since s was loaded.
		if s = v.snap.Load(); !now.Before(s.refreshAt) {
			if fresh, err := v.read(ctx, ReadTTL); err == nil {
				s = fresh
			}
		}
		v.readMu.Unlock()
	}
	if !s.deniedSince.IsZero() && now.Sub(s.deniedSince) >= v.opts.cooldown {
		return nil, &UnavailableError{Reason: ReasonAccessDenied, Err: errors.New("reads of the secret are denied (AccessDeniedException)")}
	}
	if age := now.Sub(s.readAt); age > v.opts.maxStaleness {
		return nil, &UnavailableError{Reason: ReasonStale, Err: fmt.Errorf("the last good read is %v old, more than the %v allowed", age.Round(time.Second), v.opts.maxStaleness)}
	}
	return s, nil
}
