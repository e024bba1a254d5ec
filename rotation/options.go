package rotation

import (
	"errors"
	"log/slog"
	"time"

	"github.com/originlock/originlock/clock"
	"github.com/originlock/originlock/internal/secretvalue"
)

// DefaultSettleDelay is how long after createSecret stores a value setSecret
// waits before the Target may start sending it: twice the authorizer
// package's default refresh cooldown (5 s). See WithSettleDelay.
const DefaultSettleDelay = 10 * time.Second

// Clock tells time and waits: the clock package's Clock, shared by every
// package of this module so that one clock can drive them all. The default
// is clock.System(); tests pass their own so that they never sleep.
type Clock = clock.Clock

// Option configures a Handler.
type Option func(*options)

type options struct {
	format secretvalue.Format
	gen    Generator
	length int
	logger *slog.Logger
	settle time.Duration
	// revokePrevious: WithRevokePrevious.
	revokePrevious bool
	clock          Clock
	observer       Observer
	errs           []error
}

func defaultOptions() options {
	return options{
		format: secretvalue.JSON(secretvalue.DefaultJSONKey),
		length: DefaultValueLength,
		logger: slog.Default(),
		settle: DefaultSettleDelay,
		clock:  clock.System(),
	}
}

// WithJSONKey stores the header value as a string under key in a JSON object,
// keeping the object's other keys. This is the default, with key
// "HEADERVALUE" as in AWS's CloudFront origin-verify sample, so secrets made
// for that sample rotate unchanged.
func WithJSONKey(key string) Option {
	return func(o *options) {
		if key == "" {
			o.errs = append(o.errs, errors.New("rotation: WithJSONKey: empty key"))
		}
		o.format = secretvalue.JSON(key)
	}
}

// WithPlainValue stores the header value as the whole secret string.
//
// Both sides must use the same secret format: every verifier of the secret
// needs authorizer.WithPlainValue too (SECRET_FORMAT=plain for both example
// functions). A verifier still reading JSON would fail to parse the value,
// and a rotation writing JSON for a plain verifier would hand it the whole
// object as the value: either way, requests are refused.
func WithPlainValue() Option {
	return func(o *options) { o.format = secretvalue.Plain() }
}

// WithGenerator replaces the default generator (NewRandomGenerator with
// DefaultValueLength), for example with NewSecretsManagerGenerator.
func WithGenerator(g Generator) Option {
	return func(o *options) {
		if g == nil {
			o.errs = append(o.errs, errors.New("rotation: WithGenerator: nil generator"))
		}
		o.gen = g
	}
}

// WithValueLength sets the length of values the default generator makes,
// within [MinValueLength, MaxValueLength]. It has no effect with
// WithGenerator.
func WithValueLength(n int) Option {
	return func(o *options) {
		if err := checkLength(n); err != nil {
			o.errs = append(o.errs, err)
		}
		o.length = n
	}
}

// WithLogger sets the structured logger; the default is slog.Default().
// Every record is made with the invocation's context (LogAttrs(ctx, ...)), so
// a context-aware handler such as aws-lambda-go's lambdacontext.NewLogHandler
// adds the Lambda request ID. Records carry the keys step, secret and
// version, and outcome (OutcomeOK, ...), duration_ms and error where they
// apply; never a value or the RotationToken. For an event refused as
// invalid they carry none of its fields' text.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l == nil {
			o.errs = append(o.errs, errors.New("rotation: WithLogger: nil logger"))
		}
		o.logger = l
	}
}

// WithSettleDelay sets how long setSecret waits before the Target may start
// using the new value (DefaultSettleDelay; zero disables). setSecret runs
// after createSecret stored the value, so the value is at least that old
// when CloudFront can first send it.
//
// This closes a race with verifiers that re-read the secret on an unknown
// value but at most once per cooldown, as authorizer.Verifier does: if
// CloudFront could send the new value less than a cooldown after such a
// verifier's last read, and that read predates the value, the verifier could
// not check it. With a settle delay longer than the verifiers' cooldown, any
// request carrying the value arrives either after a read that saw it or after
// the cooldown has run out. Set it above the authorizers' REFRESH_COOLDOWN.
func WithSettleDelay(d time.Duration) Option {
	return func(o *options) {
		if d < 0 {
			o.errs = append(o.errs, errors.New("rotation: WithSettleDelay: must not be negative"))
		}
		o.settle = d
	}
}

// WithRevokePrevious is the emergency mode for a leaked value: finishSecret,
// right after it moves AWSCURRENT, removes AWSPREVIOUS from the old version,
// so verifiers that accept AWSPREVIOUS for a grace window (the authorizer
// package) stop accepting the old value at their next read instead of at
// the end of the grace. It is safe because finishSecret moves AWSCURRENT only
// once the Target has confirmed the new value is in effect; edges that still
// send the old value during CloudFront's propagation are refused, which is
// the point in an incident. Rotate twice to revoke both the current and the
// previous value. A retry of finishSecret after a crash between the move and
// the removal removes the label; later retries change nothing. The rotation
// role already has the permission it needs
// (secretsmanager:UpdateSecretVersionStage). The example rotation function
// turns it on with REVOKE_PREVIOUS=true.
func WithRevokePrevious() Option {
	return func(o *options) { o.revokePrevious = true }
}

// WithClock replaces the system clock, for tests and simulations.
func WithClock(c Clock) Option {
	return func(o *options) {
		if c == nil {
			o.errs = append(o.errs, errors.New("rotation: WithClock: nil clock"))
		}
		o.clock = c
	}
}
