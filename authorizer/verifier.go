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
//     once. Concurrent misses share one read. After a miss read, unknown
//     values cause no new read for WithRefreshCooldown; within that time they
//     get ErrUnavailable, not Deny, because an unverified Deny cached by API
//     Gateway would be an outage if the value were new.
//   - Stale if error: when a read fails, the Verifier keeps deciding from the
//     last good one and retries after the cooldown. Once the last good read
//     is older than WithMaxStaleness, every value gets ErrUnavailable.
//   - AWSPREVIOUS stays accepted for WithPreviousGrace after AWSCURRENT moved
//     off it, counted from the latest moment the move can have happened (the
//     secret's LastChangedDate, or the next pending version's creation), so
//     that the window never ends early; a later change to the secret does not
//     extend a window already computed.
//   - An empty value, one longer than MaxValueLength, one with a leading or
//     trailing space, or one that is not printable ASCII is denied without a
//     read.
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
	now := v.opts.clock.Now()
	s, err := v.snapshot(ctx, now)
	if err != nil {
		return Deny, err
	}
	if d := s.match(value, now); d != Deny {
		return d, nil
	}
	if !secretvalue.Valid(value) {
		return Deny, nil // never a valid value: no read needed
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
				return nil, &UnavailableError{Reason: "the secret could not be read yet; retrying after the cooldown"}
			}
			var err error
			if s, err = v.read(ctx); err != nil {
				v.readMu.Unlock()
				return nil, &UnavailableError{Reason: "the secret could not be read", Err: err}
			}
		}
		v.readMu.Unlock()
	case !now.Before(s.refreshAt) && v.readMu.TryLock():
		// Another request may have finished a read since s was loaded.
		if s = v.snap.Load(); !now.Before(s.refreshAt) {
			if fresh, err := v.read(ctx); err == nil {
				s = fresh
			}
		}
		v.readMu.Unlock()
	}
	if age := now.Sub(s.readAt); age > v.opts.maxStaleness {
		return nil, &UnavailableError{Reason: fmt.Sprintf("the last good read is %v old, more than the %v allowed", age.Round(time.Second), v.opts.maxStaleness)}
	}
	return s, nil
}

// verifyMiss reads the secret again for a value that matched nothing, and
// decides against that read. The read runs in a goroutine of its own: every
// request waiting for it, the one that started it included, may give up when
// its own context ends, and the read still serves the others.
func (v *Verifier) verifyMiss(ctx context.Context, value string, now time.Time) (Decision, error) {
	v.mu.Lock()
	f := v.miss
	if f == nil {
		if !v.lastMiss.IsZero() && now.Sub(v.lastMiss) < v.opts.cooldown {
			v.mu.Unlock()
			return Deny, &UnavailableError{Reason: "unknown value within the refresh cooldown"}
		}
		f = &flight{done: make(chan struct{})}
		v.miss, v.lastMiss = f, now
		go v.missRead(ctx, f)
	}
	v.mu.Unlock()

	select {
	case <-f.done:
	case <-ctx.Done():
		return Deny, &UnavailableError{Reason: "gave up waiting for a read", Err: ctx.Err()}
	}
	if f.err != nil {
		return Deny, &UnavailableError{Reason: "unknown value and the secret could not be read", Err: f.err}
	}
	return f.s.match(value, now), nil
}

// missRead makes the read f stands for and releases its waiters.
func (v *Verifier) missRead(ctx context.Context, f *flight) {
	v.readMu.Lock()
	f.s, f.err = v.read(ctx)
	v.readMu.Unlock()
	v.mu.Lock()
	v.miss = nil
	v.mu.Unlock()
	close(f.done)
}
