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
	// finishSecret, and then how long it stays disabled before deletion.
	DefaultRetireGrace = 15 * time.Minute
	// DefaultKeyNamePrefix starts the name of every key APIKeys creates; it
	// manages only keys whose names start with the configured prefix.
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

// WithRetireGrace sets how long a retired key stays enabled, then disabled
// before deletion (DefaultRetireGrace).
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

// WithClock replaces the system clock, for tests and simulations.
func WithClock(c Clock) Option {
	return func(o *options) { o.check(c != nil, "WithClock: nil clock"); o.clock = c }
}

// WithLogger sets the structured logger; the default is slog.Default().
// Records name keys by ID, never by value.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.check(l != nil, "WithLogger: nil logger"); o.logger = l }
}
