package rotation

import (
	"errors"
	"log/slog"

	"github.com/originlock/originlock/internal/secretvalue"
)

// Option configures a Handler.
type Option func(*options)

type options struct {
	format       secretvalue.Format
	gen          Generator
	length       int
	logger       *slog.Logger
	expected     string
	cleanupStale bool
	errs         []error
}

func defaultOptions() options {
	return options{
		format: secretvalue.JSON(secretvalue.DefaultJSONKey),
		length: DefaultValueLength,
		logger: slog.Default(),
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
// Records carry the step, the secret ARN and the version, never a value.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l == nil {
			o.errs = append(o.errs, errors.New("rotation: WithLogger: nil logger"))
		}
		o.logger = l
	}
}

// WithExpectedSecret makes the handler refuse (ErrSecretMismatch) events for
// any secret but id, which may be the secret's name, full ARN or partial ARN.
// A rotation function wired to the wrong secret then fails before it reads a
// value, instead of pushing that secret to CloudFront.
func WithExpectedSecret(id string) Option {
	return func(o *options) {
		if id == "" {
			o.errs = append(o.errs, errors.New("rotation: WithExpectedSecret: empty secret ID"))
		}
		o.expected = id
	}
}

// WithStalePendingCleanup lets the handler remove AWSPENDING from another
// version that holds no value: the leftover of a rotation that failed before
// createSecret, which makes Secrets Manager refuse new rotations. The
// invocation that finds it still fails with a *StalePendingError (Cleared is
// set), and the next rotation can start. A stale version that holds a value
// is never cleared automatically, because CloudFront may already send it.
func WithStalePendingCleanup() Option {
	return func(o *options) { o.cleanupStale = true }
}
