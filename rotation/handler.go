package rotation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// The four steps, as Secrets Manager names them in the event's Step field.
const (
	StepCreate = "createSecret"
	StepSet    = "setSecret"
	StepTest   = "testSecret"
	StepFinish = "finishSecret"
)

// Staging labels Secrets Manager uses for rotation.
const (
	StageCurrent  = "AWSCURRENT"
	StagePending  = "AWSPENDING"
	StagePrevious = "AWSPREVIOUS"
)

// Event field bounds, from the Secrets Manager API reference (the Step bound
// is ours: the longest step name is 12 bytes).
const (
	maxSecretIDLength      = 2048
	minTokenLength         = 32
	maxTokenLength         = 64
	maxStepLength          = 64
	maxRotationTokenLength = 4096
)

// SecretsManagerAPI is the part of the Secrets Manager client the handler
// uses. *secretsmanager.Client implements it.
type SecretsManagerAPI interface {
	DescribeSecret(ctx context.Context, in *secretsmanager.DescribeSecretInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
	PutSecretValue(ctx context.Context, in *secretsmanager.PutSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error)
	UpdateSecretVersionStage(ctx context.Context, in *secretsmanager.UpdateSecretVersionStageInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretVersionStageOutput, error)
}

var _ SecretsManagerAPI = (*secretsmanager.Client)(nil)

// Handler runs the Secrets Manager rotation protocol for one secret against
// a Target. Wire its Handle method to lambda.Start. A Handler is safe for
// concurrent use.
type Handler struct {
	sm     SecretsManagerAPI
	target Target
	// secretID is the secret the handler serves: a name, full ARN or partial
	// ARN.
	secretID string
	// options as configured, with gen always set.
	options
}

// NewHandler returns a Handler that rotates the secret secretID (its name,
// full ARN or partial ARN) with sm and applies each new value to target. It
// refuses events for any other secret (ErrSecretMismatch) before it reads a
// value, so a rotation function attached to the wrong secret cannot push
// that secret's value into the target. By default values are 64 random
// letters and digits, stored under the JSON key "HEADERVALUE"; see the
// options.
func NewHandler(sm SecretsManagerAPI, secretID string, target Target, opts ...Option) (*Handler, error) {
	switch {
	case sm == nil:
		return nil, errors.New("rotation: nil Secrets Manager client")
	case secretID == "":
		return nil, errors.New("rotation: empty secret ID: name the secret this handler rotates (name, full ARN or partial ARN)")
	case len(secretID) > maxSecretIDLength || !isPrintable(secretID):
		return nil, fmt.Errorf("rotation: secret ID is not a secret name or ARN (want 1 to %d printable ASCII characters)", maxSecretIDLength)
	case target == nil:
		return nil, errors.New("rotation: nil Target")
	}
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if err := errors.Join(o.errs...); err != nil {
		return nil, err
	}
	if o.gen == nil {
		gen, err := NewRandomGenerator(o.length)
		if err != nil {
			return nil, err
		}
		o.gen = gen
	}
	return &Handler{sm: sm, target: target, secretID: secretID, options: o}, nil
}

// Handle runs the step the event names. It is the function to pass to
// lambda.Start.
//
// It first checks the event's fields, before it logs or calls anything: Step,
// SecretId and ClientRequestToken must be printable ASCII (as AWS's rotation
// template requires, against log injection) and within Secrets Manager's
// bounds, or Handle returns ErrInvalidEvent and logs none of their text.
// Every step then checks the secret as AWS's rotation template does: it must
// be the handler's secret, rotation must be enabled and the event's token
// must name a version of the secret. If that version is already AWSCURRENT
// the step succeeds without doing anything (a late retry); if it is not
// AWSPENDING the step fails. Each step can be run again at any time and
// reaches the same state; see the step functions for what each does on a
// repeat.
//
// Errors are *StepError values wrapping the conditions declared in this
// package, SDK errors, or the Target's errors. They never contain a secret
// value or the event's RotationToken. A panic in a step is recovered, logged
// with its stack, and returned as ErrPanic.
func (h *Handler) Handle(ctx context.Context, event events.SecretsManagerSecretRotationEvent) (err error) {
	start := h.clock.Now()
	obsStep := knownStep(event.Step)
	if obsStep == "" {
		obsStep = stepUnknown
	}
	if h.observer != nil {
		h.observer.ObserveStepStart(ctx, StepStartEvent{Step: obsStep})
	}
	r := &run{h: h, event: event, arn: event.SecretID, log: h.logger}
	defer func() {
		if p := recover(); p != nil {
			// The panic value may hold anything, values included: log its type and
			// the stack (which shows no string contents), never the value.
			r.log.LogAttrs(ctx, slog.LevelError, "rotation step panicked", slog.String("panic_type", fmt.Sprintf("%T", p)), slog.String("stack", string(debug.Stack())))
			err = r.fail(ErrPanic)
		}
		d := h.clock.Now().Sub(start)
		outcome := OutcomeOK
		switch {
		case err != nil:
			outcome = OutcomeFailed
			r.log.LogAttrs(ctx, slog.LevelError, "rotation step failed", slog.String("outcome", outcome), slog.String("error", err.Error()), durationMS(d))
		case r.alreadyCurrent:
			outcome = OutcomeAlreadyCurrent
		}
		if h.observer != nil {
			h.observer.ObserveStepEnd(ctx, StepEndEvent{Step: obsStep, Outcome: outcome, Duration: d, Err: err})
		}
	}()

	if err := validateEvent(event); err != nil {
		// Nothing of the event reaches the record or the error but a step
		// name this package defines.
		r.event = events.SecretsManagerSecretRotationEvent{Step: knownStep(event.Step)}
		r.arn = ""
		if r.event.Step != "" {
			r.log = h.logger.With(slog.String("step", r.event.Step))
		}
		return &StepError{Step: r.event.Step, Err: err}
	}
	r.log = h.logger.With(slog.String("step", event.Step), slog.String("secret", event.SecretID), slog.String("version", event.ClientRequestToken))
	step, ok := steps[event.Step]
	if !ok {
		return r.fail(fmt.Errorf("%w (want %s, %s, %s or %s)", ErrUnknownStep, StepCreate, StepSet, StepTest, StepFinish))
	}
	what, err := step(ctx, r)
	if err != nil {
		return r.fail(err)
	}
	outcome := OutcomeOK
	if r.alreadyCurrent {
		outcome = OutcomeAlreadyCurrent
	}
	r.log.LogAttrs(ctx, slog.LevelInfo, "rotation step done", slog.String("outcome", outcome), slog.String("detail", what), durationMS(h.clock.Now().Sub(start)))
	return nil
}

// durationMS is the log attribute for a duration, in milliseconds.
func durationMS(d time.Duration) slog.Attr {
	return slog.Int64("duration_ms", d.Milliseconds())
}

// stepFunc runs one step and says in a few words what it did.
type stepFunc func(ctx context.Context, r *run) (outcome string, err error)

var steps = map[string]stepFunc{
	StepCreate: createSecret,
	StepSet:    setSecret,
	StepTest:   testSecret,
	StepFinish: finishSecret,
}

// run is one invocation of Handle.
type run struct {
	h     *Handler
	event events.SecretsManagerSecretRotationEvent
	// arn is the secret's ARN once described, the event's SecretId before.
	arn string
	log *slog.Logger
	// alreadyCurrent: the preamble found the event's version AWSCURRENT (a
	// late retry).
	alreadyCurrent bool
}

func (r *run) fail(err error) error {
	return &StepError{Step: r.event.Step, SecretARN: r.arn, VersionID: r.event.ClientRequestToken, Err: err}
}

// knownStep returns step if it is one of the four, else "".
func knownStep(step string) string {
	if _, ok := steps[step]; ok {
		return step
	}
	return ""
}

// validateEvent checks the fields in an order that never reads past a bound.
// Its messages name the field and its length, never its content.
func validateEvent(e events.SecretsManagerSecretRotationEvent) error {
	fields := []struct {
		name     string
		value    string
		min, max int
	}{
		{"Step", e.Step, 1, maxStepLength},
		{"SecretId", e.SecretID, 1, maxSecretIDLength},
		{"ClientRequestToken", e.ClientRequestToken, minTokenLength, maxTokenLength},
	}
	for _, f := range fields {
		switch {
		case f.value == "":
			return fmt.Errorf("%w: %s is empty", ErrInvalidEvent, f.name)
		case len(f.value) < f.min || len(f.value) > f.max:
			return fmt.Errorf("%w: %s is %d bytes, want %d to %d", ErrInvalidEvent, f.name, len(f.value), f.min, f.max)
		case !isPrintable(f.value):
			return fmt.Errorf("%w: %s has characters that are not printable ASCII (want ^[ -~]+$)", ErrInvalidEvent, f.name)
		}
	}
	if len(e.RotationToken) > maxRotationTokenLength {
		return fmt.Errorf("%w: RotationToken is %d bytes, more than %d", ErrInvalidEvent, len(e.RotationToken), maxRotationTokenLength)
	}
	return nil
}

// isPrintable reports whether s matches ^[ -~]*$.
func isPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
