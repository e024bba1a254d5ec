package rotation_test

import (
	"errors"
	"log/slog"
	"slices"
	"testing"
	"time"

	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/motoserver"
	"github.com/originlock/originlock/rotation"
)

// TestFinishSecretWithCloudFrontKeepingTheOldValue is issue 11's scenario
// against moto, with the real CloudFront target and a distribution in moto:
// createSecret, then finishSecret invoked directly while the distribution
// still sends the old value. finishSecret must fail and leave AWSCURRENT
// where it was; after setSecret it succeeds.
func TestFinishSecretWithCloudFrontKeepingTheOldValue(t *testing.T) {
	if testing.Short() {
		t.Skip("needs CloudFront in moto_server (the Secrets Manager double has no CloudFront): skipped by -short")
	}
	moto := motoserver.Shared(t)
	cf := cfsdk.NewFromConfig(moto.AWSConfigForTest(t))
	e := newEnv(t, initialJSON(), nil)
	dist, err := fixture.CreateDistribution(t.Context(), cf, e.name, fixture.Origin{ID: "api", Headers: [][2]string{{"X-Origin-Verify", initialValue}}})
	if err != nil {
		t.Fatal(err)
	}
	// The fake clock makes the target's polling for Deployed pass at once.
	target, err := cloudfront.NewOriginHeader(cf, cloudfront.Config{HeaderName: "X-Origin-Verify", Distributions: []cloudfront.Distribution{{ID: dist, OriginIDs: []string{"api"}}}},
		cloudfront.WithClock(clocktest.New(time.Now())), cloudfront.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	h, err := rotation.NewHandler(e.sm, e.arn, target, quiet(), noSettle())
	if err != nil {
		t.Fatal(err)
	}
	token := e.begin()
	step := func(step string) error { return h.Handle(t.Context(), fixture.Event(step, e.arn, token)) }
	if err := step(rotation.StepCreate); err != nil {
		t.Fatal(err)
	}
	before := e.secretString(rotation.StageCurrent)

	if err := step(rotation.StepFinish); !errors.Is(err, rotation.ErrNotInEffect) {
		t.Fatalf("finishSecret while CloudFront sends the old value: got %v, want ErrNotInEffect", err)
	}
	if e.secretString(rotation.StageCurrent) != before || slices.Contains(e.stages()[token], rotation.StageCurrent) {
		t.Fatal("finishSecret moved AWSCURRENT to a value CloudFront does not send")
	}
	dc, err := fixture.DistributionConfig(t.Context(), cf, dist)
	if err != nil {
		t.Fatal(err)
	}
	if fixture.HeaderValue(dc, "api", "X-Origin-Verify") != initialValue {
		t.Fatal("the distribution's header changed")
	}

	if err := step(rotation.StepSet); err != nil {
		t.Fatal(err)
	}
	if err := step(rotation.StepFinish); err != nil {
		t.Fatalf("finishSecret once CloudFront sends the value: %v", err)
	}
	if !slices.Contains(e.stages()[token], rotation.StageCurrent) {
		t.Error("AWSCURRENT did not move")
	}
}
