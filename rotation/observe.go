package rotation

import (
	"context"
	"errors"
	"time"
)

// Observer receives the start and end of every step the Handler runs, for
// metrics. It is vendor-neutral: the example rotation function publishes it
// in CloudWatch Embedded Metric Format. Methods are called synchronously
// and must not block; events carry no value, no version ID and no
// RotationToken.
type Observer interface {
	ObserveStepStart(ctx context.Context, e StepStartEvent)
	ObserveStepEnd(ctx context.Context, e StepEndEvent)
}

// StepStartEvent marks the start of a step.
type StepStartEvent struct {
	// Step is one of StepCreate, StepSet, StepTest, StepFinish, or "unknown"
	// for an event whose Step is none of them.
	Step string
}

// StepEndEvent marks the end of a step.
type StepEndEvent struct {
	Step string
	// Outcome is a short, fixed word: "ok", "already_current", "failed".
	Outcome  string
	Duration time.Duration
	// Err is the step's error, nil on success. It never holds a value.
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
