package apigateway

import (
	"errors"
	"log/slog"
	"time"

	"github.com/originlock/originlock/clock"
)

// Defaults for the options.
const (
	// DefaultKeyDelay is how long TestSecret waits after a key was created,
	// enabled or added to a usage plan before it reports the key usable: AWS
	// documents "a brief delay" and gives no figure.
	DefaultKeyDelay = time.Minute
	// DefaultRetireGrace is how long the AWSPREVIOUS key stays enabled after
	// finishSecret at least, and then how long it stays disabled before
	// deletion at least: each change happens at the first setSecret or
	// finishSecret after the grace has passed (APIKeys runs nowhere else),
	// usually the next rotation's setSecret.
	DefaultRetireGrace = 15 * time.Minute
	// DefaultKeyNamePrefix starts the name of every key APIKeys creates. It
	// disables and deletes only keys whose names start with the configured
	// prefix and whose descriptions name the request's secret ARN, so
	// deployments sharing the prefix never touch each other's keys.
	DefaultKeyNamePrefix = "originlock-"
	// DefaultDeadlineMargin is the time TestSecret keeps before the
	// context's deadline to return its error cleanly.
	DefaultDeadlineMargin = 10 * time.Second
	// DefaultMaxWait bounds TestSecret's wait without a context deadline.
	DefaultMaxWait = 15 * time.Minute
)

// Clock tells time and waits: the clock package's Clock.
type Clock = clock.Clock

// Option configures APIKeys.
type Option func(*options)

type options struct {
	keyDelay       time.Duration
	grace          time.Duration
	deadlineMargin time.Duration
	maxWait        time.Duration
	revokePrevious bool
	clock          Clock
	logger         *slog.Logger
	errs           []error
}

func defaultOptions() options {
	return options{
		keyDelay:       DefaultKeyDelay,
		grace:          DefaultRetireGrace,
		deadlineMargin: DefaultDeadlineMargin,
		maxWait:        DefaultMaxWait,
		clock:          clock.System(),
		logger:         slog.Default(),
	}
}

func (o *options) check(ok bool, msg string) {
	if !ok {
		o.errs = append(o.errs, errors.New("apigateway: "+msg))
	}
}

// WithKeyDelay sets how long a new or re-enabled key needs before TestSecret
// reports it usable (DefaultKeyDelay).
func WithKeyDelay(d time.Duration) Option {
	return func(o *options) { o.check(d >= 0, "WithKeyDelay: must not be negative"); o.keyDelay = d }
}

// WithRetireGrace sets how long a retired key stays enabled at least, then
// disabled at least before deletion (DefaultRetireGrace). APIKeys acts only
// inside setSecret and finishSecret: the key is disabled, then deleted, at
// the first of those steps after the grace, usually the next rotation's
// setSecret. For a leaked value, use WithRevokePrevious instead of waiting.
func WithRetireGrace(d time.Duration) Option {
	return func(o *options) { o.check(d >= 0, "WithRetireGrace: must not be negative"); o.grace = d }
}

// WithDeadlineMargin sets how long before the context's deadline TestSecret
// stops waiting (DefaultDeadlineMargin).
func WithDeadlineMargin(d time.Duration) Option {
	return func(o *options) { o.check(d >= 0, "WithDeadlineMargin: must not be negative"); o.deadlineMargin = d }
}

// WithMaxWait bounds TestSecret's wait without a context deadline
// (DefaultMaxWait).
func WithMaxWait(d time.Duration) Option {
	return func(o *options) { o.check(d > 0, "WithMaxWait: must be positive"); o.maxWait = d }
}

// WithRevokePrevious makes FinishSecret disable the AWSPREVIOUS key, and the
// key of every other value but AWSCURRENT, at once, and the next setSecret
// or finishSecret (a retry included) delete it: emergency mode, as
// rotation.WithRevokePrevious and waf.WithRevokePrevious, for a leaked value.
// Use it together with rotation.WithRevokePrevious, which removes the
// AWSPREVIOUS label. By default the retired key stays enabled for
// WithRetireGrace, for requests CloudFront's edges sent before its
// deployment completed.
func WithRevokePrevious() Option {
	return func(o *options) { o.revokePrevious = true }
}

// WithClock replaces the system clock, for tests and simulations.
func WithClock(c Clock) Option {
	return func(o *options) { o.check(c != nil, "WithClock: nil clock"); o.clock = c }
}

// WithLogger sets the structured logger; the default is slog.Default().
// Records name keys by ID, never by value.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.check(l != nil, "WithLogger: nil logger"); o.logger = l }
}
