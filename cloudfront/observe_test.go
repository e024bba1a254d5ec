package cloudfront_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/cfdouble"
	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/rotation"
)

// recorder is a test double of the Observer that keeps every event.
type recorder struct {
	mu    sync.Mutex
	calls []cloudfront.CallEvent
	waits []cloudfront.DeploymentWaitEvent
	ctxOK bool
}

type ctxKey struct{}

func (r *recorder) ObserveCall(ctx context.Context, e cloudfront.CallEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, e)
	r.ctxOK = r.ctxOK || ctx.Value(ctxKey{}) != nil
}

func (r *recorder) ObserveDeploymentWait(_ context.Context, e cloudfront.DeploymentWaitEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits = append(r.waits, e)
}

// count returns how many calls of op had result res.
func (r *recorder) count(op string, res cloudfront.CallResult) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.calls {
		if c.Operation == op && c.Result == res {
			n++
		}
	}
	return n
}

func TestObserverSeesEveryCall(t *testing.T) {
	rec := &recorder{}
	f := newFixture(t, []cloudfront.Distribution{{ID: "E1"}, {ID: "E2"}}, cloudfront.WithObserver(rec), cloudfront.WithPollInterval(20*time.Second))
	f.api.Fail(opUpdate, cfdouble.AccessDenied)
	ctx := context.WithValue(t.Context(), ctxKey{}, "req-1")
	if err := f.set(ctx); err == nil {
		t.Fatal("SetSecret succeeded through AccessDenied")
	}
	f.api.Fail(opGetConfig, throttle)
	f.api.Fail(opUpdate, cfdouble.Stale, throttle, throttle)
	if err := f.set(ctx); err != nil {
		t.Fatal(err)
	}
	f.api.SetDeployment(3, 0)
	f.api.Touch("E2")
	// A change in E2 that the next SetSecret must write: a new value.
	if _, err := f.target.SetSecret(ctx, rotation.SetSecretRequest{Pending: oldValue}); err != nil {
		t.Fatal(err)
	}
	start := f.clock.Now()
	if _, err := f.target.TestSecret(ctx, rotation.TestSecretRequest{Pending: oldValue}); err != nil {
		t.Fatal(err)
	}
	// Every request the double received is one observed call, with its result.
	want := map[string]map[cloudfront.CallResult]int{}
	for _, r := range f.api.Requests() {
		res := cloudfront.CallOK
		switch r.Status {
		case 200:
		case 412:
			res = cloudfront.CallPreconditionFailed
		case 400:
			res = cloudfront.CallThrottled
		default:
			res = cloudfront.CallError
		}
		if want[r.Op] == nil {
			want[r.Op] = map[cloudfront.CallResult]int{}
		}
		want[r.Op][res]++
	}
	if want[opUpdate][cloudfront.CallPreconditionFailed] != 1 || want[opUpdate][cloudfront.CallThrottled] != 2 || want[opGetConfig][cloudfront.CallThrottled] != 1 || want[opUpdate][cloudfront.CallError] != 1 {
		t.Fatalf("the double saw %v, not the faults injected", want)
	}
	for op, results := range want {
		for res, n := range results {
			if got := rec.count(op, res); got != n {
				t.Errorf("%s %s: observed %d, want %d", op, res, got, n)
			}
		}
	}
	if len(rec.calls) != len(f.api.Requests()) {
		t.Errorf("observed %d calls, the double received %d", len(rec.calls), len(f.api.Requests()))
	}
	if !rec.ctxOK {
		t.Error("the observer was not given the invocation's context")
	}
	if len(rec.waits) != 1 || !rec.waits[0].Deployed || rec.waits[0].Duration != f.clock.Now().Sub(start) || rec.waits[0].Duration < time.Minute {
		t.Errorf("deployment waits = %+v, want one, deployed, lasting the %v of fake time it took", rec.waits, f.clock.Now().Sub(start))
	}
}

// ctxHandler is a context-aware slog handler, as aws-lambda-go's is: it adds
// the request ID the invocation's context carries to every record.
type ctxHandler struct {
	mu      *sync.Mutex
	records *[]slog.Record
	attrs   []slog.Attr
}

func (h ctxHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h ctxHandler) Handle(ctx context.Context, r slog.Record) error {
	r = r.Clone()
	r.AddAttrs(h.attrs...)
	if id, ok := ctx.Value(ctxKey{}).(string); ok {
		r.AddAttrs(slog.String("request_id", id))
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	*h.records = append(*h.records, r)
	return nil
}
func (h ctxHandler) WithAttrs(as []slog.Attr) slog.Handler {
	h.attrs = append(append([]slog.Attr{}, h.attrs...), as...)
	return h
}
func (h ctxHandler) WithGroup(string) slog.Handler { return h }

// TestLogsCarryTheRequestID: every record made during SetSecret (with
// retries), TestSecret (with polls and failed polls) and a configuration
// test carries the request ID of the invocation's context, and durations are
// in milliseconds with the unit in the key.
func TestLogsCarryTheRequestID(t *testing.T) {
	var mu sync.Mutex
	var records []slog.Record
	h := ctxHandler{mu: &mu, records: &records}
	f := newFixture(t, []cloudfront.Distribution{{ID: "E1"}, {ID: "E2", OriginIDs: []string{"api"}}}, cloudfront.WithLogger(slog.New(h)))
	f.add("E1", withPolicy(f.config("E1")))
	f.api.Fail(opUpdate, throttle, unavailable)
	f.api.Fail(opGet, throttle)
	f.api.SetDeployment(2, 0)
	ctx := context.WithValue(t.Context(), ctxKey{}, "req-42")
	if err := f.set(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.set(ctx); err != nil { // "already carries the value"
		t.Fatal(err)
	}
	if err := f.test(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.target.TestSecret(ctx, rotation.TestSecretRequest{Current: oldValue, Pending: newValue, ConfigOnly: true}); err != nil {
		t.Fatal(err)
	}
	if len(records) < 8 {
		t.Fatalf("only %d records; the test does not exercise the logging", len(records))
	}
	for _, r := range records {
		found := false
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "request_id" && a.Value.String() == "req-42" {
				found = true
			}
			if a.Value.Kind() == slog.KindDuration || a.Key == "wait" || a.Key == "poll_interval" || a.Key == "duration" {
				t.Errorf("record %q: duration attribute %s is not in milliseconds", r.Message, a.Key)
			}
			return true
		})
		if !found {
			t.Errorf("record %q has no request ID", r.Message)
		}
	}
}

// withPolicy gives a config a continuous deployment policy, so that
// SetSecret warns about the unlisted staging distribution.
func withPolicy(cfg *types.DistributionConfig) *types.DistributionConfig {
	cfg.ContinuousDeploymentPolicyId = aws.String("cdp-1")
	return cfg
}

// countingClock is a test clock that counts how often the time is read.
type countingClock struct {
	*clocktest.Clock
	mu  sync.Mutex
	now int
}

func (c *countingClock) Now() time.Time {
	c.mu.Lock()
	c.now++
	c.mu.Unlock()
	return c.Clock.Now()
}

// TestNoObserverNoCost: without an observer nothing is measured: the clock
// is read two times fewer per call than with one (its start and its end).
func TestNoObserverNoCost(t *testing.T) {
	reads := func(opts ...cloudfront.Option) (int, int) {
		f := newFixture(t, []cloudfront.Distribution{{ID: "E1"}, {ID: "E2"}})
		clk := &countingClock{Clock: f.clock}
		target, err := cloudfront.NewOriginHeader(f.client, cloudfront.Config{HeaderName: header, Distributions: []cloudfront.Distribution{{ID: "E1"}, {ID: "E2"}}},
			append([]cloudfront.Option{cloudfront.WithClock(clk), cloudfront.WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := target.SetSecret(t.Context(), rotation.SetSecretRequest{Pending: newValue}); err != nil {
			t.Fatal(err)
		}
		return clk.now, len(f.api.Requests())
	}
	without, calls := reads()
	with, _ := reads(cloudfront.WithObserver(&recorder{}))
	if with-without != 2*calls {
		t.Errorf("clock reads: %d without an observer, %d with one, for %d calls; want exactly 2 per call more with one", without, with, calls)
	}
}
