package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/originlock/originlock/internal/awsproxy"
	"github.com/originlock/originlock/internal/fixture"
)

// TestStatusReadsDistributionsConcurrently: 20 distributions behind a
// CloudFront that takes 100ms a call are read in a few round trips, never
// more than maxConcurrentReads at once, each with one GetDistribution.
func TestStatusReadsDistributionsConcurrently(t *testing.T) {
	w := newWorld(t, nil)
	w.enableRotation(false)
	args := []string{"status", "--secret", w.name}
	for i := range 20 {
		id, err := fixture.CreateDistribution(t.Context(), w.cf, fmt.Sprintf("%s-%d", w.name, i), fixture.Origin{ID: "api", Headers: [][2]string{{header, w.value}}})
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, "--distribution", id+":api")
	}
	p, err := awsproxy.Start(w.moto.URL, awsproxy.Options{CloudFrontLatency: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	r := w.run(p.URL, "", args...)
	r.want(t, exitOK, "Verdict: healthy")
	if n := strings.Count(r.stdout, "CURRENT\n"); n != 20 {
		t.Errorf("%d origins match CURRENT, want 20", n)
	}
	if got := p.Counts().Op("cloudfront", "GetDistribution"); got != 20 {
		t.Errorf("%d GetDistribution calls, want 20", got)
	}
	if got := p.MaxCloudFrontInFlight(); got < 2 || got > maxConcurrentReads {
		t.Errorf("%d CloudFront calls in flight at most, want 2 to %d", got, maxConcurrentReads)
	}
}
