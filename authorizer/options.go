package authorizer

import (
	"errors"
	"fmt"
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
	// Manager is down); AWSPREVIOUS needs a read younger than the refresh
	// cooldown and gets ErrUnavailable without one.
	DefaultMaxStaleness = 6 * time.Hour
	// DefaultReadTimeout bounds one read of the secret (a DescribeSecret
	// and the GetSecretValue calls for versions not seen before). With
	// DefaultRefreshCooldown and ConsistencyMargin it stays below
	// DefaultSettleDelay (5 s + 3 s + 1 s < 10 s).
	DefaultReadTimeout = 3 * time.Second
	// DefaultSettleDelay is the settle delay of the rotation the Verifier
	// assumes: the rotation package's default (rotation.DefaultSettleDelay,
	// 10 s). See WithSettleDelay.
	DefaultSettleDelay = 10 * time.Second
)

// ConsistencyMargin is the time the Verifier allows Secrets Manager to show
// a value just stored to every reader. AWS documents no bound; users report
// short delays, and the rotation's setSecret itself reads the pending value
// before its settle delay begins. See WithSettleDelay.
const ConsistencyMargin = time.Second

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
	settle       time.Duration
	format       secretvalue.Format
	clock        Clock
	logger       *slog.Logger
	observer     Observer
	errs         []error

	// hookBeforeMiss, set only by tests, runs where verifyMiss begins.
	hookBeforeMiss func()
}

func defaultOptions() options {
	return options{
		ttl:          DefaultCacheTTL,
		cooldown:     DefaultRefreshCooldown,
		grace:        DefaultPreviousGrace,
		maxStaleness: DefaultMaxStaleness,
		readTimeout:  DefaultReadTimeout,
		settle:       DefaultSettleDelay,
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
// unknown values, or by values that need a recent read (AWSPREVIOUS, and
// AWSCURRENT during a rotation), which bounds what a flood costs
// (DefaultRefreshCooldown). It is also how long a removed AWSPREVIOUS label
// can go unnoticed. Zero lets every such value cause a read. With a settle
// delay, the cooldown plus the read timeout plus ConsistencyMargin must stay
// below it (see WithSettleDelay).
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

// WithReadTimeout bounds one read of the secret (DefaultReadTimeout); see
// WithSettleDelay for its upper bound. A read runs on its own context, not
// on the context of the request that started it: other requests may be
// waiting for it.
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

// WithSettleDelay tells the Verifier the settle delay of the rotation that
// writes the secret (DefaultSettleDelay, matching the rotation package's
// default; the authorizer function's SETTLE_DELAY): the least time between
// createSecret storing a value and CloudFront starting to send it.
//
// That delay is what lets the Verifier answer a flood of unknown values with
// a cacheable Deny (403) instead of ErrUnavailable (500). A value CloudFront
// sends at time t was stored before t minus the settle delay, so a read of
// the secret that started less than the settle delay minus
// ConsistencyMargin before t has seen it. Within the refresh cooldown, when
// an unknown value cannot cause a read of its own, the Verifier denies it if
// its last good read started less than the cooldown plus the read timeout
// ago (the oldest read a request within the cooldown, or waiting for a read
// in flight, is decided against); NewVerifier refuses options where that
// horizon plus ConsistencyMargin is not below the settle delay.
//
// Zero assumes no settle delay (the secret is written by something else):
// every unknown value within the cooldown then gets ErrUnavailable, and any
// cooldown and read timeout are accepted.
func WithSettleDelay(d time.Duration) Option {
	return func(o *options) { o.check(d >= 0, "WithSettleDelay: must not be negative"); o.settle = d }
}

// checkSettle checks the invariant WithSettleDelay describes.
func (o *options) checkSettle() error {
	if o.settle == 0 || o.cooldown+o.readTimeout+ConsistencyMargin < o.settle {
		return nil
	}
	return fmt.Errorf("authorizer: WithSettleDelay: the refresh cooldown (%v) plus the read timeout (%v) plus ConsistencyMargin (%v) must be less than the rotation's settle delay (%v): lower the cooldown or the read timeout, raise the rotation's settle delay and pass it here, or pass WithSettleDelay(0) to assume none (unknown values within the cooldown then get ErrUnavailable)",
		o.cooldown, o.readTimeout, ConsistencyMargin, o.settle)
}
