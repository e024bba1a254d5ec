package authorizer

import (
	"errors"
	"log/slog"
	"time"

	"github.com/originlock/originlock/clock"
	"github.com/originlock/originlock/internal/secretvalue"
)

// Defaults for the options.
const (
	// DefaultCacheTTL is how long a read of the secret is trusted before the
	// next DescribeSecret. Reads are spread between TTL/2 and TTL, as
	// caching-go spreads its own, so a fleet of containers does not call
	// Secrets Manager in step.
	DefaultCacheTTL = 5 * time.Minute
	// DefaultRefreshCooldown is the least time between two reads caused by
	// unknown values, which bounds what a flood of random values costs.
	DefaultRefreshCooldown = 5 * time.Second
	// DefaultPreviousGrace is how long AWSPREVIOUS stays accepted after a
	// rotation: longer than CloudFront's propagation, for edges that lag.
	DefaultPreviousGrace = 15 * time.Minute
	// DefaultMaxStaleness is how long the Verifier keeps deciding from its
	// last good read while Secrets Manager fails. Only AWSCURRENT and
	// AWSPENDING are prolonged (a rotation cannot finish while Secrets
	// Manager is down); AWSPREVIOUS still expires on time.
	DefaultMaxStaleness = 6 * time.Hour
	// DefaultReadTimeout bounds one read of the secret (a DescribeSecret
	// and the GetSecretValue calls for versions not seen before).
	DefaultReadTimeout = 5 * time.Second
)

// Clock tells time: the clock package's Clock, shared by every package of
// this module so that one clock can drive them all. The Verifier only calls
// Now; it never waits on the request path. The default is clock.System();
// tests and simulations pass their own.
type Clock = clock.Clock

// Option configures a Verifier.
type Option func(*options)

type options struct {
	ttl          time.Duration
	cooldown     time.Duration
	grace        time.Duration
	maxStaleness time.Duration
	readTimeout  time.Duration
	format       secretvalue.Format
	clock        Clock
	logger       *slog.Logger
	observer     Observer
	errs         []error
}

func defaultOptions() options {
	return options{
		ttl:          DefaultCacheTTL,
		cooldown:     DefaultRefreshCooldown,
		grace:        DefaultPreviousGrace,
		maxStaleness: DefaultMaxStaleness,
		readTimeout:  DefaultReadTimeout,
		format:       secretvalue.JSON(secretvalue.DefaultJSONKey),
		clock:        clock.System(),
		logger:       slog.Default(),
	}
}

func (o *options) check(ok bool, msg string) {
	if !ok {
		o.errs = append(o.errs, errors.New("authorizer: "+msg))
	}
}

// WithCacheTTL sets how long a read is trusted (DefaultCacheTTL).
func WithCacheTTL(d time.Duration) Option {
	return func(o *options) { o.check(d > 0, "WithCacheTTL: must be positive"); o.ttl = d }
}

// WithRefreshCooldown sets the least time between two reads caused by
// unknown values (DefaultRefreshCooldown). Zero lets every unknown value
// cause a read.
func WithRefreshCooldown(d time.Duration) Option {
	return func(o *options) { o.check(d >= 0, "WithRefreshCooldown: must not be negative"); o.cooldown = d }
}

// WithPreviousGrace sets how long AWSPREVIOUS stays accepted after a
// rotation (DefaultPreviousGrace); zero never accepts it.
func WithPreviousGrace(d time.Duration) Option {
	return func(o *options) { o.check(d >= 0, "WithPreviousGrace: must not be negative"); o.grace = d }
}

// WithMaxStaleness sets how long the Verifier decides from its last good read
// while Secrets Manager fails (DefaultMaxStaleness); after that it fails
// closed with ErrUnavailable.
func WithMaxStaleness(d time.Duration) Option {
	return func(o *options) { o.check(d > 0, "WithMaxStaleness: must be positive"); o.maxStaleness = d }
}

// WithReadTimeout bounds one read of the secret (DefaultReadTimeout). A
// read runs on its own context, not on the context of the request that
// started it: other requests may be waiting for it.
func WithReadTimeout(d time.Duration) Option {
	return func(o *options) { o.check(d > 0, "WithReadTimeout: must be positive"); o.readTimeout = d }
}

// WithJSONKey reads the value as a string under key in a JSON object. This is
// the default, with key "HEADERVALUE", matching the rotation package.
func WithJSONKey(key string) Option {
	return func(o *options) { o.check(key != "", "WithJSONKey: empty key"); o.format = secretvalue.JSON(key) }
}

// WithPlainValue reads the whole secret string as the value.
//
// Both sides must use the same secret format: the rotation function that
// writes the secret needs rotation.WithPlainValue too (SECRET_FORMAT=plain
// for both example functions). A verifier whose format differs from the
// rotation's never matches the value CloudFront sends, and refuses every
// request.
func WithPlainValue() Option {
	return func(o *options) { o.format = secretvalue.Plain() }
}

// WithClock replaces the system clock, for tests and simulations.
func WithClock(c Clock) Option {
	return func(o *options) { o.check(c != nil, "WithClock: nil clock"); o.clock = c }
}

// WithLogger sets the structured logger (slog.Default()). The Verifier logs
// reads and their failures, never a value, and nothing per request.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.check(l != nil, "WithLogger: nil logger"); o.logger = l }
}
