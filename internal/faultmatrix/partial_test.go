package faultmatrix_test

import (
	"context"
	"errors"
	"testing"

	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/rotation"
)

// TestMissingSecondDistributionChangesNothing: when the second of two
// configured distributions does not exist, setSecret fails before it updates
// the first (it reads and checks every distribution before writing any);
// AWSCURRENT has not moved, and once the configuration is fixed the retried
// rotation completes.
func TestMissingSecondDistributionChangesNothing(t *testing.T) {
	w := newWorld(t, "partial")
	token, err := fixture.BeginRotation(context.Background(), w.dsm, w.arn, true)
	if err != nil {
		t.Fatal(err)
	}
	broken := handlerFor(t, w, []cloudfront.Distribution{w.dists[0], {ID: "ENOSUCHDISTRIBUTION"}})
	if err := broken.Handle(context.Background(), w.event(rotation.StepCreate, token)); err != nil {
		t.Fatal(err)
	}
	before := w.state(w.arn)
	err = broken.Handle(context.Background(), w.event(rotation.StepSet, token))
	var nsd *cftypes.NoSuchDistribution
	if !errors.As(err, &nsd) {
		t.Fatalf("got %v, want NoSuchDistribution", err)
	}
	if after := w.state(w.arn); !before.equal(after) {
		t.Error("setSecret changed distribution 1 before it found that distribution 2 does not exist")
	}
	w.checkSecret("after the failed setSecret") // every value CloudFront holds is accepted
	if w.current() != initial {
		t.Error("AWSCURRENT moved")
	}
	// The configuration is fixed (w.handler); Secrets Manager retries the
	// same rotation. (moto would also let a new RotateSecret start over the
	// unfinished one, which AWS refuses; that would orphan the value
	// distribution 1 already sends.)
	if err := w.runSteps(context.Background(), token); err != nil {
		t.Fatalf("the retried rotation did not complete: %v", err)
	}
	w.finalCheck(outcome{token: token, attempts: 1})
	for _, p := range w.problems() {
		t.Error(p)
	}
}
