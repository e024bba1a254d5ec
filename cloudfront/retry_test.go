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

func TestSetSecretRetries(t *testing.T) {
	dists := []cloudfront.Distribution{{ID: "E1", OriginIDs: []string{"api"}}}
	cases := map[string]struct {
		faults      map[string][]cfdouble.Fault
		bumpETag    int
		wantErr     func(error) bool // nil: success
		wantUpdates int
		wantWaits   int
	}{
		"412 once":              {faults: map[string][]cfdouble.Fault{opUpdate: {cfdouble.Stale}}, wantUpdates: 2},
		"ETag moved once":       {bumpETag: 1, wantUpdates: 2},
		"ETag moves every time": {bumpETag: 100, wantErr: is(cloudfront.ErrConflict), wantUpdates: cloudfront.DefaultMaxAttempts},
		"throttled twice":       {faults: map[string][]cfdouble.Fault{opUpdate: {throttle, throttle}}, wantUpdates: 3, wantWaits: 2},
		"throttled reads":       {faults: map[string][]cfdouble.Fault{opGetConfig: {throttle}}, wantUpdates: 1, wantWaits: 1},
		"503 once":              {faults: map[string][]cfdouble.Fault{opUpdate: {unavailable}}, wantUpdates: 2, wantWaits: 1},
		"lost response":         {faults: map[string][]cfdouble.Fault{opUpdate: {cfdouble.LostResponse}}, wantUpdates: 1, wantWaits: 1},
		"throttled 5 times":     {faults: map[string][]cfdouble.Fault{opUpdate: {throttle, throttle, throttle, throttle, throttle}}, wantUpdates: 6, wantWaits: 5},
		"503 always":            {faults: map[string][]cfdouble.Fault{opUpdate: {unavailable, unavailable, unavailable, unavailable, unavailable}}, wantErr: apiCode("ServiceUnavailable"), wantUpdates: cloudfront.DefaultMaxAttempts, wantWaits: cloudfront.DefaultMaxAttempts - 1},
		"access denied":         {faults: map[string][]cfdouble.Fault{opUpdate: {cfdouble.AccessDenied}}, wantErr: apiCode("AccessDenied"), wantUpdates: 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, dists)
			for op, faults := range tc.faults {
				f.api.Fail(op, faults...)
			}
			f.api.BumpAfterReads("E1", tc.bumpETag)
			err := f.set(t.Context())
			if tc.wantErr == nil && err != nil {
				t.Fatalf("SetSecret: %v", err)
			}
			if tc.wantErr != nil {
				if !tc.wantErr(err) {
					t.Fatalf("got %v", err)
				}
				var de *cloudfront.DistributionError
				if !errors.As(err, &de) || de.DistributionID != "E1" {
					t.Errorf("error %v does not name the distribution", err)
				}
				if got := headerValues(f.config("E1"))["api/"+header]; got != oldValue {
					t.Error("a failed SetSecret left a changed header")
				}
			}
			if got := f.api.Count(opUpdate); got != tc.wantUpdates {
				t.Errorf("UpdateDistribution calls = %d, want %d", got, tc.wantUpdates)
			}
			waits := f.clock.Waits()
			if len(waits) != tc.wantWaits {
				t.Errorf("backoff waits = %v, want %d", waits, tc.wantWaits)
			}
			for i, w := range waits {
				if max := min(cloudfront.DefaultBackoff<<i, cloudfront.DefaultMaxBackoff); w < max/2 || w > max {
					t.Errorf("wait %d = %v, want within [%v, %v]", i, w, max/2, max)
				}
			}
		})
	}
}

// TestSetSecretThrottledUntilTheDeadline: throttling is retried, backing off
// up to DefaultMaxBackoff, until the next wait would pass the deadline minus
// the margin; then SetSecret fails with the throttling error.
func TestSetSecretThrottledUntilTheDeadline(t *testing.T) {
	f := newFixture(t, []cloudfront.Distribution{{ID: "E1"}}, cloudfront.WithDeadlineMargin(30*time.Second))
	throttles := make([]cfdouble.Fault, 1000)
	for i := range throttles {
		throttles[i] = throttle
	}
	f.api.Fail(opUpdate, throttles...)
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Minute)
	defer cancel()
	start := f.clock.Now()
	err := f.set(ctx)
	if !apiCode("Throttling")(err) || !strings.Contains(err.Error(), "before the deadline") {
		t.Fatalf("got %v, want the throttling error, stopped before the deadline", err)
	}
	waited := f.clock.Now().Sub(start)
	if waited > 15*time.Minute-30*time.Second || waited < 12*time.Minute {
		t.Errorf("backed off for %v of fake time, want most of the 14m30s budget", waited)
	}
	for _, w := range f.clock.Waits() {
		if w > cloudfront.DefaultMaxBackoff {
			t.Errorf("a wait of %v is longer than DefaultMaxBackoff", w)
		}
	}
	if got := f.api.Count(opUpdate); got < 15 {
		t.Errorf("UpdateDistribution calls = %d, want the retries to go on for the whole budget", got)
	}
}

// TestUpdateInterval: with WithUpdateInterval, updates of successive
// distributions are that far apart; a distribution that needs no update
// takes no slot.
func TestUpdateInterval(t *testing.T) {
	f := newFixture(t, []cloudfront.Distribution{{ID: "E1"}, {ID: "E2"}}, cloudfront.WithUpdateInterval(20*time.Second))
	f.add("E3", f.config("E2"))
	f.target, _ = cloudfront.NewOriginHeader(f.client, cloudfront.Config{HeaderName: header, Distributions: []cloudfront.Distribution{{ID: "E1"}, {ID: "E2"}, {ID: "E3"}}},
		cloudfront.WithClock(f.clock), cloudfront.WithUpdateInterval(20*time.Second), cloudfront.WithLogger(slog.New(slog.DiscardHandler)))
	start := f.clock.Now()
	if err := f.set(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := f.clock.Now().Sub(start); got != 40*time.Second {
		t.Errorf("three updates took %v of fake time, want 40s (two intervals)", got)
	}
	if err := f.set(t.Context()); err != nil { // nothing left to update
		t.Fatal(err)
	}
	if got := f.clock.Now().Sub(start); got != 40*time.Second {
		t.Errorf("a SetSecret with nothing to update waited (now %v)", got)
	}
	if _, err := cloudfront.NewOriginHeader(f.client, cloudfront.Config{HeaderName: header, Distributions: []cloudfront.Distribution{{ID: "E1"}}}, cloudfront.WithUpdateInterval(-time.Second)); err == nil {
		t.Error("a negative interval was accepted")
	}
}
