package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/internal/awsproxy"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/lambdabuild"
	"github.com/originlock/originlock/internal/lambdaruntime"
	"github.com/originlock/originlock/internal/motoserver"
)

func TestParseBench(t *testing.T) {
	out := `goos: linux
BenchmarkVerify/current-2      	  592525	       404.6 ns/op	       0 B/op	       0 allocs/op
BenchmarkVerify/current-2      	  592525	       200.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkVerify/current-2      	  592525	       300.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkRESTRequest-2         	  341407	      1115 ns/op	     160 B/op	       4 allocs/op
BenchmarkPlain 	  100	  12 ns/op
BenchmarkHandlerWithMetrics/on-2 	  519356	      2683 ns/op	      1376 cpu-ns/op	     208 B/op	       5 allocs/op
PASS`
	stats, order := parseBench(out)
	if got := strings.Join(order, ","); got != "BenchmarkVerify/current,BenchmarkRESTRequest,BenchmarkPlain,BenchmarkHandlerWithMetrics/on" {
		t.Fatalf("order = %s", got)
	}
	v := stats["BenchmarkVerify/current"]
	if len(v.ns) != 3 || v.medianNs() != 300 || v.maxAllocs() != 0 {
		t.Errorf("Verify/current: %d runs, median %v, allocs %v; want 3, 300, 0", len(v.ns), v.medianNs(), v.maxAllocs())
	}
	if r := stats["BenchmarkRESTRequest"]; r.maxAllocs() != 4 || r.maxBytes() != 160 {
		t.Errorf("RESTRequest allocs %v bytes %v, want 4 and 160", r.maxAllocs(), r.maxBytes())
	}
	if r := stats["BenchmarkHandlerWithMetrics/on"]; r.medianNs() != 2683 || r.maxAllocs() != 5 || r.maxBytes() != 208 {
		t.Errorf("with cpu-ns/op: median %v, allocs %v, bytes %v; want 2683, 5, 208", r.medianNs(), r.maxAllocs(), r.maxBytes())
	}
}

func TestMaxInWindow(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(secs ...float64) []time.Time {
		var out []time.Time
		for _, s := range secs {
			out = append(out, t0.Add(time.Duration(s*float64(time.Second))))
		}
		return out
	}
	for _, tc := range []struct {
		name string
		at   []time.Time
		want int
	}{
		{"none", nil, 0},
		{"one", at(3), 1},
		{"half-open window", at(0, 10, 20), 1},
		{"two within", at(0, 5, 10, 15), 2},
		{"burst", at(0, 0, 0, 30), 3},
	} {
		if got := maxInWindow(tc.at, 10*time.Second); got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestPercentileAndMedian(t *testing.T) {
	ds := []time.Duration{5, 1, 4, 2, 3}
	if got := median(ds); got != 3 {
		t.Errorf("median = %v, want 3", got)
	}
	if got := median(ds[:4]); got != 3 { // 1 2 4 5 → (2+4)/2
		t.Errorf("median of four = %v, want 3", got)
	}
	if p0, p100 := percentile(ds, 0), percentile(ds, 100); p0 != 1 || p100 != 5 {
		t.Errorf("p0, p100 = %v, %v; want 1, 5", p0, p100)
	}
}

// testEnv is an env over a moto_server of the test's own.
func testEnv(t *testing.T) *env {
	t.Helper()
	moto := motoserver.ForTest(t)
	root, err := lambdabuild.ModuleDir(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return &env{moto: moto, sm: secretsmanager.NewFromConfig(moto.AWSConfigForTest(t)), root: root, tmp: t.TempDir(), python: findPython(t.Context())}
}

// TestBaselineUnderRuntime checks the baseline is the authorizer it claims
// to be: run as a custom runtime under the fake Lambda runtime, it allows
// AWSCURRENT, denies anything else, and reads the secret on every request.
func TestBaselineUnderRuntime(t *testing.T) {
	e := testEnv(t)
	if e.python == "" {
		t.Fatal(errNoPython)
	}
	ctx := t.Context()
	s, err := e.newSecret(ctx)
	if err != nil {
		t.Fatal(err)
	}
	boot, err := e.baselineDir()
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.proxy(awsproxy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	rt := lambdaruntime.ForTest(t)
	rt.Redact(s.current, s.previous)
	if err := rt.Exec(ctx, boot, e.functionEnv(pyFunction(boot, e.python, s), p)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, value, want string
	}{
		{"current", s.current, "Allow"},
		{"previous", s.previous, "Deny"},
		{"random", fixture.RandomValue(), "Deny"},
		{"empty", "", "Deny"},
	} {
		resp, err := rt.Invoke(ctx, requestEvent(tc.value), 10*time.Second)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := effect(resp.Payload); got != tc.want {
			t.Errorf("%s: effect %s, want %s", tc.name, got, tc.want)
		}
	}
	if got := p.Counts().Op("secretsmanager", "GetSecretValue"); got != 4 {
		t.Errorf("GetSecretValue calls = %d for 4 requests, want 4 (one per request)", got)
	}
}

// TestFloodReadsOncePerCooldown runs a short flood: the count of reads, not
// its timing, is what the report's goal rests on.
func TestFloodReadsOncePerCooldown(t *testing.T) {
	e := testEnv(t)
	s, err := e.newSecret(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.flood(context.Background(), s, 1000, 12*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if r.legitRefused != 0 || r.reads != 3 || r.maxPerCooldown != 1 {
		t.Errorf("12 s of flood: %d legitimate refused, %d reads (most %d in a cooldown); want 0, 3 (at 0, 5 and 10 s), 1", r.legitRefused, r.reads, r.maxPerCooldown)
	}
}
