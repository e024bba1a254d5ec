package waf

import (
	"errors"
	"log/slog"
	"time"

	"github.com/originlock/originlock/clock"
)

// Defaults for the options.
const (
	// DefaultPropagationDelay is how long TestSecret waits after the rule
	// changed before it reports a value in effect. AWS documents WAF
	// propagation as "from a few seconds to a number of minutes"; the AWS
	// sample waits 75 seconds.
	DefaultPropagationDelay = 2 * time.Minute
	// DefaultMaxAttempts bounds the UpdateWebACL attempts that fail with
	// WAFOptimisticLockException (the web ACL changed since it was read).
	DefaultMaxAttempts = 5
	// DefaultDeadlineMargin is the time TestSecret keeps before the
	// context's deadline (the Lambda timeout) to return its error cleanly.
	DefaultDeadlineMargin = 10 * time.Second
	// DefaultMaxWait bounds TestSecret's wait when the context has no
	// deadline.
	DefaultMaxWait = 15 * time.Minute
)

// Clock tells time and waits: the clock package's Clock.
type Clock = clock.Clock

// Option configures a HeaderRule.
type Option func(*options)

type options struct {
	propagationDelay time.Duration
	maxAttempts      int
	deadlineMargin   time.Duration
	maxWait          time.Duration
	revokePrevious   bool
	clock            Clock
	logger           *slog.Logger
	errs             []error
}

func defaultOptions() options {
	return options{
		propagationDelay: DefaultPropagationDelay,
		maxAttempts:      DefaultMaxAttempts,
		deadlineMargin:   DefaultDeadlineMargin,
		maxWait:          DefaultMaxWait,
		clock:            clock.System(),
		logger:           slog.Default(),
	}
}

func (o *options) check(ok bool, msg string) {
	if !ok {
		o.errs = append(o.errs, errors.New("waf: "+msg))
	}
}

// WithPropagationDelay sets how long TestSecret lets a rule change propagate
// before it reports the value in effect (DefaultPropagationDelay); 0 trusts
// the control plane at once (tests, or a WAF you probe yourself).
func WithPropagationDelay(d time.Duration) Option {
	return func(o *options) {
		o.check(d >= 0, "WithPropagationDelay: must not be negative")
		o.propagationDelay = d
	}
}

// WithMaxAttempts bounds the attempts to update the web ACL when its
// LockToken keeps going stale (DefaultMaxAttempts).
func WithMaxAttempts(n int) Option {
	return func(o *options) { o.check(n >= 1, "WithMaxAttempts: must be at least 1"); o.maxAttempts = n }
}

// WithDeadlineMargin sets how long before the context's deadline TestSecret
// stops waiting and returns a *NotPropagatedError (DefaultDeadlineMargin).
func WithDeadlineMargin(d time.Duration) Option {
	return func(o *options) { o.check(d >= 0, "WithDeadlineMargin: must not be negative"); o.deadlineMargin = d }
}

// WithMaxWait bounds TestSecret's wait when the context has no deadline
// (DefaultMaxWait).
func WithMaxWait(d time.Duration) Option {
	return func(o *options) { o.check(d > 0, "WithMaxWait: must be positive"); o.maxWait = d }
}

// WithRevokePrevious makes FinishSecret drop AWSPREVIOUS from the rule at
// once (emergency mode, as rotation.WithRevokePrevious). By default the rule
// keeps accepting AWSPREVIOUS after finishSecret, for requests CloudFront
// sent before its deployment completed, until the next rotation's
// finishSecret prunes it (setSecret only adds values).
func WithRevokePrevious() Option {
	return func(o *options) { o.revokePrevious = true }
}

// WithClock replaces the system clock, for tests and simulations.
func WithClock(c Clock) Option {
	return func(o *options) { o.check(c != nil, "WithClock: nil clock"); o.clock = c }
}

// WithLogger sets the structured logger; the default is slog.Default().
// Records name the web ACL and the rule, never a value.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.check(l != nil, "WithLogger: nil logger"); o.logger = l }
}
