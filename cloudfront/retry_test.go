package cloudfront_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/cfdouble"
	"github.com/originlock/originlock/rotation"
)

// sdkRetrying is a client with the SDK's standard retryer (3 attempts, its
// own lists of retryable errors), minus its waits so that a failing test does
// not sleep.
func sdkRetrying(t *testing.T, s *cfdouble.Server) *cfsdk.Client {
	return s.Start(t, func(o *cfsdk.Options) {
		o.RetryMaxAttempts = 0
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			so.RateLimiter = ratelimit.None
		})
	})
}

// TestSDKRetriesAreNotStacked: OriginHeader limits the SDK to one attempt
// per call and retries itself, so the requests CloudFront receives are
// exactly the attempts WithMaxAttempts allows (with the SDK's three attempts
// under it, WithMaxAttempts(2) on a 503 used to make 6).
func TestSDKRetriesAreNotStacked(t *testing.T) {
	f := newFixture(t, []cloudfront.Distribution{{ID: "E1"}})
	f.api.Fail(opUpdate, unavailable, unavailable, unavailable, unavailable, unavailable, unavailable)
	f.api.Fail(opGetConfig, throttle)
	f.api.Fail(opGet, unavailable)
	target, err := cloudfront.NewOriginHeader(sdkRetrying(t, f.api), cloudfront.Config{HeaderName: header, Distributions: []cloudfront.Distribution{{ID: "E1"}}},
		cloudfront.WithClock(f.clock), cloudfront.WithLogger(slog.New(slog.DiscardHandler)), cloudfront.WithMaxAttempts(2))
	if err != nil {
		t.Fatal(err)
	}
	_, err = target.SetSecret(t.Context(), rotation.SetSecretRequest{Pending: newValue})
	if !apiCode("ServiceUnavailable")(err) {
		t.Fatalf("got %v, want the 503", err)
	}
	// 1 throttled read + 1 read for the plan; 2 updates, with a re-read between.
	if got, want := f.api.Count(opUpdate), 2; got != want {
		t.Errorf("UpdateDistribution requests = %d, want %d", got, want)
	}
	if got, want := f.api.Count(opGetConfig), 3; got != want {
		t.Errorf("GetDistributionConfig requests = %d, want %d", got, want)
	}
	if got := len(f.clock.Waits()); got != 2 {
		t.Errorf("waits on the target's clock = %d, want 2 (one per retried failure)", got)
	}
	if _, err := target.TestSecret(t.Context(), rotation.TestSecretRequest{Pending: oldValue}); err != nil {
		t.Fatal(err)
	}
	if got := f.api.Count(opGet); got != 2 {
		t.Errorf("GetDistribution requests = %d, want 2 (the 503, then the next poll)", got)
	}
}

// TestTransientRetriesStopBeforeTheDeadline: a 5xx backoff that would pass
// the deadline minus the margin is not waited, however many attempts
// WithMaxAttempts still allows.
func TestTransientRetriesStopBeforeTheDeadline(t *testing.T) {
	f := newFixture(t, []cloudfront.Distribution{{ID: "E1"}}, cloudfront.WithMaxAttempts(1000), cloudfront.WithDeadlineMargin(10*time.Second))
	faults := make([]cfdouble.Fault, 1000)
	for i := range faults {
		faults[i] = unavailable
	}
	f.api.Fail(opUpdate, faults...)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	start := f.clock.Now()
	err := f.set(ctx)
	if !apiCode("ServiceUnavailable")(err) || !strings.Contains(err.Error(), "before the deadline") {
		t.Fatalf("got %v, want the 503, stopped before the deadline", err)
	}
	if waited := f.clock.Now().Sub(start); waited > 3*time.Minute-10*time.Second || waited < time.Minute {
		t.Errorf("backed off for %v of fake time, want most of the 2m50s budget and no more", waited)
	}
}

// TestConfigErrorsAreNotRetried: a configuration that cannot take the value
// is a permanent error: one read per distribution, no wait.
func TestConfigErrorsAreNotRetried(t *testing.T) {
	f := newFixture(t, []cloudfront.Distribution{{ID: "E1", OriginIDs: []string{"nope"}}})
	if err := f.set(t.Context()); !errors.Is(err, cloudfront.ErrOriginNotFound) {
		t.Fatalf("got %v", err)
	}
	if got := f.api.Count(opGetConfig); got != 1 || len(f.clock.Waits()) != 0 {
		t.Errorf("GetDistributionConfig requests = %d, waits %v; want 1 and none", got, f.clock.Waits())
	}
	// The configuration test retries a throttled read like every other call.
	f = newFixture(t, []cloudfront.Distribution{{ID: "E1"}})
	f.api.Fail(opGetConfig, throttle)
	if _, err := f.target.TestSecret(t.Context(), rotation.TestSecretRequest{Current: oldValue, Pending: newValue, ConfigOnly: true}); err != nil {
		t.Errorf("configuration test after one throttled read: %v", err)
	}
}
