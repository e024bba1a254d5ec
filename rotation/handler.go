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

// Event field bounds, from the Secrets Manager API reference.
const (
	maxSecretIDLength      = 2048
	minTokenLength         = 32
	maxTokenLength         = 64
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

// Handler runs the Secrets Manager rotation protocol against a Target. Wire
// its Handle method to lambda.Start. A Handler is safe for concurrent use.
type Handler struct {
	sm     SecretsManagerAPI
	target Target
	// options as configured, with gen always set.
	options
}

// NewHandler returns a Handler that rotates secrets with sm and applies each
// new value to target. By default values are 64 random letters and digits,
// stored under the JSON key "HEADERVALUE"; see the options.
func NewHandler(sm SecretsManagerAPI, target Target, opts ...Option) (*Handler, error) {
	if sm == nil {
		return nil, errors.New("rotation: nil Secrets Manager client")
	}
	if target == nil {
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
	return &Handler{sm: sm, target: target, options: o}, nil
}

// Handle runs the step the event names. It is the function to pass to
// lambda.Start.
//
// Every step first checks the secret as AWS's rotation template does: rotation
// must be enabled and the event's token must name a version of the secret. If
// that version is already AWSCURRENT the step succeeds without doing anything
// (a late retry); if it is not AWSPENDING the step fails. Each step can be run
// again at any time and reaches the same state; see the step functions for
// what each does on a repeat.
//
// Errors are *StepError values wrapping the conditions declared in this
// package, SDK errors, or the Target's errors. They never contain a secret
// value or the event's RotationToken. A panic in a step is recovered, logged
// with its stack, and returned as ErrPanic.
func (h *Handler) Handle(ctx context.Context, event events.SecretsManagerSecretRotationEvent) (err error) {
	r := &run{h: h, event: event, arn: event.SecretID}
	r.log = h.logger.With("step", r.safeStep(), "secret", printable(event.SecretID, maxSecretIDLength), "version", printable(event.ClientRequestToken, maxTokenLength))
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			// The panic value may hold anything, values included: log its type and
			// the stack (which shows no string contents), never the value.
			r.log.Error("rotation step panicked", "panic_type", fmt.Sprintf("%T", p), "stack", string(debug.Stack()))
			err = r.fail(ErrPanic)
		}
		if err != nil {
			r.log.Error("rotation step failed", "error", err.Error(), "duration", time.Since(start))
		}
	}()

	if err := validateEvent(event); err != nil {
		return r.fail(err)
	}
	step, ok := steps[event.Step]
	if !ok {
		return r.fail(fmt.Errorf("%w (want %s, %s, %s or %s)", ErrUnknownStep, StepCreate, StepSet, StepTest, StepFinish))
	}
	outcome, err := step(ctx, r)
	if err != nil {
		return r.fail(err)
	}
	r.log.Info("rotation step done", "outcome", outcome, "duration", time.Since(start))
	return nil
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
}

func (r *run) fail(err error) error {
	return &StepError{Step: r.safeStep(), SecretARN: printable(r.arn, maxSecretIDLength), VersionID: printable(r.event.ClientRequestToken, maxTokenLength), Err: err}
}

// safeStep is the event's Step, bounded for logs and errors.
func (r *run) safeStep() string { return printable(r.event.Step, 32) }

func validateEvent(e events.SecretsManagerSecretRotationEvent) error {
	switch {
	case e.SecretID == "":
		return fmt.Errorf("%w: SecretId is empty", ErrInvalidEvent)
	case len(e.SecretID) > maxSecretIDLength:
		return fmt.Errorf("%w: SecretId is %d bytes, more than %d", ErrInvalidEvent, len(e.SecretID), maxSecretIDLength)
	case len(e.ClientRequestToken) < minTokenLength || len(e.ClientRequestToken) > maxTokenLength:
		return fmt.Errorf("%w: ClientRequestToken is %d bytes, want %d to %d", ErrInvalidEvent, len(e.ClientRequestToken), minTokenLength, maxTokenLength)
	case len(e.RotationToken) > maxRotationTokenLength:
		return fmt.Errorf("%w: RotationToken is %d bytes, more than %d", ErrInvalidEvent, len(e.RotationToken), maxRotationTokenLength)
	case !isPrintable(e.SecretID) || !isPrintable(e.ClientRequestToken):
		return fmt.Errorf("%w: SecretId or ClientRequestToken has non-printable characters", ErrInvalidEvent)
	}
	return nil
}

// printable shortens s to max bytes and replaces what is not printable ASCII,
// so a hostile event cannot flood or garble an error message.
func printable(s string, max int) string {
	if isPrintable(s) && len(s) <= max {
		return s
	}
	b := []byte(s)
	if len(b) > max {
		b = append(b[:max:max], "..."...)
	}
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '?'
		}
	}
	return string(b)
}

func isPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
