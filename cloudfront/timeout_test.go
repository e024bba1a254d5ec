package cloudfront_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/cfdouble"
)

// A per-attempt HTTP timeout (http.Client.Timeout, a common SDK setting) is
// a transient failure while the invocation's context is alive, as a 5xx is:
// SetSecret should back off and try again, and TestSecret should poll again.
// The double's Hang fault holds the call until the client gives up.
func TestClientTimeoutIsTransient(t *testing.T) {
	withTimeout := func(f *doubleEnv) {
		client := f.api.Start(t, func(o *cfsdk.Options) { o.HTTPClient = &http.Client{Timeout: 50 * time.Millisecond} })
		var err error
		f.target, err = cloudfront.NewOriginHeader(client, cloudfront.Config{HeaderName: header, Distributions: []cloudfront.Distribution{{ID: "E1"}}},
			cloudfront.WithClock(f.clock), cloudfront.WithLogger(slog.New(slog.DiscardHandler)))
		if err != nil {
			t.Fatal(err)
		}
	}

	f := newFixture(t, []cloudfront.Distribution{{ID: "E1"}})
	withTimeout(f)
	f.api.Fail(opUpdate, cfdouble.Hang)
	if err := f.set(context.Background()); err != nil {
		t.Errorf("SetSecret after one client timeout: %v; want a retry", err)
	}
	if got := f.api.Count(opUpdate); got != 2 {
		t.Errorf("UpdateDistribution requests = %d, want 2", got)
	}

	f = newFixture(t, []cloudfront.Distribution{{ID: "E1"}})
	withTimeout(f)
	if err := f.set(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.api.Fail(opGet, cfdouble.Hang)
	if err := f.test(context.Background()); err != nil {
		t.Errorf("TestSecret after one timed-out poll: %v; want another poll", err)
	}
}
