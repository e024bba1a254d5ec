package main

import (
	"context"

	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/emf"
	"github.com/originlock/originlock/examples/lambda/internal/telemetry"
)

// observer turns the Verifier's events into the function's metrics
// (examples/lambda/README.md, "Metrics"), recorded in the invocation's
// emf.Batch (the Logger's background batch during init). Copy it into a
// main of your own: it is all the authorizer's metrics take.
type observer struct{ metrics *emf.Logger }

var _ authorizer.Observer = observer{}

func (o observer) ObserveDecision(ctx context.Context, e authorizer.DecisionEvent) {
	b := o.metrics.For(ctx)
	b.Count("Decisions", 1, emf.Dimension{Name: "Outcome", Value: telemetry.Word(string(e.Outcome))})
	if e.Outcome == authorizer.OutcomeUnavailable {
		b.Count("UnavailableDecisions", 1, emf.Dimension{Name: "Reason", Value: telemetry.Word(e.Reason)})
	}
}

func (o observer) ObserveRead(ctx context.Context, e authorizer.ReadEvent) {
	b := o.metrics.For(ctx)
	b.Count("SecretReads", 1, emf.Dimension{Name: "Cause", Value: telemetry.Word(string(e.Cause))})
	b.Count("SecretReadFailures", telemetry.Flag(e.Failed))
	b.Value("SecretReadLatency", emf.Milliseconds, telemetry.Milliseconds(e.Duration))
}
