package cloudfront

import (
	"errors"
	"log/slog"
	"time"

	"github.com/originlock/originlock/clock"
)

// Defaults for the options.
const (
	// DefaultPollInterval is how often TestSecret checks deployment.
	// CloudFront deployments take minutes.
	DefaultPollInterval = 15 * time.Second
	// DefaultDeadlineMargin is the time TestSecret keeps before the context's
	// deadline (the Lambda timeout) to return its error cleanly.
	DefaultDeadlineMargin = 10 * time.Second
	// DefaultMaxWait bounds TestSecret when the context has no deadline.
	DefaultMaxWait = 15 * time.Minute
	// DefaultMaxAttempts bounds the failed attempts per distribution update
	// when CloudFront answers 412 PreconditionFailed or fails with a
	// retryable error. Throttling is not counted: it is retried until the
	// deadline budget runs out.
	DefaultMaxAttempts = 5
	// DefaultBackoff is the first wait after a throttled or failed attempt;
	// it doubles per attempt, with jitter, up to DefaultMaxBackoff (about what
	// CloudFront's update rate, reported at a few a minute, asks for).
	DefaultBackoff    = 2 * time.Second
	DefaultMaxBackoff = time.Minute
	// DefaultMaxCustomHeaders is CloudFront's default quota of custom
	// headers per origin (adjustable through Service Quotas).
	DefaultMaxCustomHeaders = 10
)

// Clock tells time and waits: the clock package's Clock, shared by every
// package of this module so that one clock can drive them all. The default
// is clock.System(); tests and simulations pass their own so that they never
// sleep.
type Clock = clock.Clock

// Option configures an OriginHeader.
type Option func(*options)

type options struct {
	pollInterval   time.Duration
	deadlineMargin time.Duration
	maxWait        time.Duration
	maxAttempts    int
	maxHeaders     int
	updateInterval time.Duration
	backoff        time.Duration
	maxBackoff     time.Duration
	clock          Clock
	logger         *slog.Logger
	observer       Observer
	errs           []error
}

func defaultOptions() options {
	return options{
		pollInterval:   DefaultPollInterval,
		deadlineMargin: DefaultDeadlineMargin,
		maxWait:        DefaultMaxWait,
		maxAttempts:    DefaultMaxAttempts,
		maxHeaders:     DefaultMaxCustomHeaders,
		backoff:        DefaultBackoff,
		maxBackoff:     DefaultMaxBackoff,
		clock:          clock.System(),
		logger:         slog.Default(),
	}
}

func (o *options) check(ok bool, msg string) {
	if !ok {
		o.errs = append(o.errs, errors.New("cloudfront: "+msg))
	}
}

// WithPollInterval sets how often TestSecret checks deployment
// (DefaultPollInterval).
func WithPollInterval(d time.Duration) Option {
	return func(o *options) { o.check(d > 0, "WithPollInterval: must be positive"); o.pollInterval = d }
}

// WithDeadlineMargin sets how long before the context's deadline (the
// Lambda timeout) waiting stops (DefaultDeadlineMargin): TestSecret then
// returns a *NotDeployedError, and SetSecret stops retrying throttled
// updates. The remaining time is measured once, when the call starts, and
// then counted on the target's Clock.
func WithDeadlineMargin(d time.Duration) Option {
	return func(o *options) { o.check(d >= 0, "WithDeadlineMargin: must not be negative"); o.deadlineMargin = d }
}

// WithMaxWait bounds waiting when the context has no deadline
// (DefaultMaxWait): TestSecret's wait for deployment and SetSecret's retries
// of throttled updates.
func WithMaxWait(d time.Duration) Option {
	return func(o *options) { o.check(d > 0, "WithMaxWait: must be positive"); o.maxWait = d }
}

// WithMaxAttempts bounds the attempts to update one distribution
// (DefaultMaxAttempts) after 412s, 5xx answers and timeouts. Each attempt is
// exactly one request: OriginHeader runs its calls with the SDK's retryer
// limited to one attempt, so the SDK's retries do not multiply its own (a
// client's RetryMaxAttempts does not apply to OriginHeader's calls).
func WithMaxAttempts(n int) Option {
	return func(o *options) { o.check(n >= 1, "WithMaxAttempts: must be at least 1"); o.maxAttempts = n }
}

// WithMaxCustomHeaders sets the quota of custom headers per origin that
// SetSecret checks before adding the header to an origin
// (DefaultMaxCustomHeaders): raise it when your account's CloudFront quota
// has been raised.
func WithMaxCustomHeaders(n int) Option {
	return func(o *options) { o.check(n >= 1, "WithMaxCustomHeaders: must be at least 1"); o.maxHeaders = n }
}

// WithUpdateInterval makes SetSecret leave at least d between two
// UpdateDistribution calls (by default it leaves none and backs off when
// throttled). With more than a few distributions, an interval of 20 to 30
// seconds keeps under the update rate CloudFront allows an account; make sure
// the rotation function's timeout covers the distributions times d.
func WithUpdateInterval(d time.Duration) Option {
	return func(o *options) { o.check(d >= 0, "WithUpdateInterval: must not be negative"); o.updateInterval = d }
}

// WithBackoff sets the first and the longest wait between attempts after
// throttling or a retryable failure (DefaultBackoff, DefaultMaxBackoff).
func WithBackoff(first, max time.Duration) Option {
	return func(o *options) {
		o.check(first > 0 && max >= first, "WithBackoff: want 0 < first <= max")
		o.backoff, o.maxBackoff = first, max
	}
}

// WithClock replaces the system clock, for tests and simulations.
func WithClock(c Clock) Option {
	return func(o *options) { o.check(c != nil, "WithClock: nil clock"); o.clock = c }
}

// WithLogger sets the structured logger; the default is slog.Default().
// Records name distributions and origins, never a value.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.check(l != nil, "WithLogger: nil logger"); o.logger = l }
}
