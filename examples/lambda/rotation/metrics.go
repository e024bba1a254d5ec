package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/emf"
	"github.com/originlock/originlock/examples/lambda/internal/telemetry"
	"github.com/originlock/originlock/rotation"
)

// observer turns the rotation's steps and the CloudFront target's calls
// into the function's metrics (examples/lambda/README.md, "Metrics"),
// recorded in the invocation's emf.Batch. Copy it into a main of your own:
// it is all the rotation's metrics take.
type observer struct{ metrics *emf.Logger }

var (
	_ rotation.Observer   = observer{}
	_ cloudfront.Observer = observer{}
)

// ObserveStepStart records nothing: the end of the step carries it all.
func (observer) ObserveStepStart(context.Context, rotation.StepStartEvent) {}

func (o observer) ObserveStepEnd(ctx context.Context, e rotation.StepEndEvent) {
	b := o.metrics.For(ctx)
	step := emf.Dimension{Name: "Step", Value: telemetry.Word(e.Step)}
	b.Count("RotationSteps", 1, step, emf.Dimension{Name: "Outcome", Value: telemetry.Word(e.Outcome)})
	b.Count("RotationStepFailures", telemetry.Flag(e.Err != nil), step)
	b.Value("RotationStepDuration", emf.Milliseconds, telemetry.Milliseconds(e.Duration), step)
}

func (o observer) ObserveCall(ctx context.Context, e cloudfront.CallEvent) {
	b := o.metrics.For(ctx)
	// The distribution ID is left out: each distribution would be a metric.
	b.Count("CloudFrontCalls", 1, emf.Dimension{Name: "Operation", Value: telemetry.Word(e.Operation)}, emf.Dimension{Name: "Result", Value: telemetry.Word(string(e.Result))})
	b.Count("CloudFrontThrottles", telemetry.Flag(e.Result == cloudfront.CallThrottled))
	b.Count("CloudFrontPreconditionFailed", telemetry.Flag(e.Result == cloudfront.CallPreconditionFailed))
}

func (o observer) ObserveDeploymentWait(ctx context.Context, e cloudfront.DeploymentWaitEvent) {
	o.metrics.For(ctx).Value("DeploymentWait", emf.Milliseconds, telemetry.Milliseconds(e.Duration))
}

// withMetrics flushes each invocation's metrics when it ends (metrics nil:
// h itself).
func withMetrics(metrics *emf.Logger, h func(context.Context, events.SecretsManagerSecretRotationEvent) error) func(context.Context, events.SecretsManagerSecretRotationEvent) error {
	if metrics == nil {
		return h
	}
	wrapped := emf.Wrap(metrics, func(ctx context.Context, e events.SecretsManagerSecretRotationEvent) (struct{}, error) {
		return struct{}{}, h(ctx, e)
	})
	return func(ctx context.Context, e events.SecretsManagerSecretRotationEvent) error {
		_, err := wrapped(ctx, e)
		return err
	}
}
