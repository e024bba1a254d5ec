package cloudfront_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/originlock/originlock/cloudfront"
)

// clientTimeout is the error an http.Client with a Timeout returns when a
// call takes too long — taken from a real one, so that it has net/http's
// shape: Timeout() is true and errors.Is(err, context.DeadlineExceeded) is
// true, although the caller's context is still alive.
func clientTimeout(t *testing.T) error {
	t.Helper()
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-hang }))
	defer srv.Close()
	defer close(hang)
	_, err := (&http.Client{Timeout: 10 * time.Millisecond}).Get(srv.URL)
	var ue *url.Error
	if err == nil || !errorsAs(err, &ue) {
		t.Fatalf("no client timeout: %v", err)
	}
	return err
}

func errorsAs(err error, target **url.Error) bool {
	e, ok := err.(*url.Error)
	*target = e
	return ok
}

// A per-attempt HTTP timeout (http.Client.Timeout, a common SDK setting) is
// a transient failure while the invocation's context is alive, as a 5xx is:
// SetSecret should back off and try again, and TestSecret should poll again.
func TestClientTimeoutIsTransient(t *testing.T) {
	timeout := clientTimeout(t)

	f := newFixture(t, []cloudfront.Distribution{{ID: "E1"}})
	f.api.fail("UpdateDistribution", timeout)
	if err := f.set(context.Background()); err != nil {
		t.Errorf("SetSecret after one client timeout: %v; want a retry", err)
	}

	f = newFixture(t, []cloudfront.Distribution{{ID: "E1"}})
	if err := f.set(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.api.fail("GetDistribution", timeout)
	if err := f.test(context.Background()); err != nil {
		t.Errorf("TestSecret after one timed-out poll: %v; want another poll", err)
	}
}
