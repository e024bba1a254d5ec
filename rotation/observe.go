package rotation

import (
	"context"
	"errors"
	"time"
)

// Observer receives the start and end of every step the Handler runs, for
// metrics. It is vendor-neutral: the example rotation function publishes it
// in CloudWatch Embedded Metric Format. Handle calls ObserveStepStart once at
// the start of every invocation and ObserveStepEnd once at its end, refused
// events and recovered panics included, both with the invocation's context.
// Methods are called synchronously and must not block; events carry no
// value and no RotationToken, and only StepEndEvent.Err names the secret and
// version (keep it out of metric dimensions).
type Observer interface {
	ObserveStepStart(ctx context.Context, e StepStartEvent)
	ObserveStepEnd(ctx context.Context, e StepEndEvent)
}

// StepStartEvent marks the start of a step.
type StepStartEvent struct {
	// Step is one of StepCreate, StepSet, StepTest, StepFinish, or "unknown"
	// for an event whose Step is none of them (never the event's text).
	Step string
}

// Outcomes of a step, in StepEndEvent.Outcome and in the "outcome" key of
// the handler's log records.
const (
	// OutcomeOK: the step did its work (or found it done, for a repeat).
	OutcomeOK = "ok"
	// OutcomeAlreadyCurrent: the event's version is already AWSCURRENT (a
	// late retry); the step had nothing to do.
	OutcomeAlreadyCurrent = "already_current"
	// OutcomeFailed: the step returned an error (or panicked).
	OutcomeFailed = "failed"
)

// stepUnknown is StepStartEvent.Step for an event whose Step is none of the
// four.
const stepUnknown = "unknown"

// StepEndEvent marks the end of a step.
type StepEndEvent struct {
	Step string
	// Outcome is OutcomeOK, OutcomeAlreadyCurrent or OutcomeFailed.
	Outcome  string
	Duration time.Duration
	// Err is the error Handle returns (a *StepError), nil on success. It
	// never holds a value or the RotationToken; it names the secret and the
	// version, as the error does.
	Err error
}

// WithObserver sends the start and end of every step to o.
func WithObserver(o Observer) Option {
	return func(opts *options) {
		if o == nil {
			opts.errs = append(opts.errs, errors.New("rotation: WithObserver: nil observer"))
		}
		opts.observer = o
	}
}
