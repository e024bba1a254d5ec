package authorizer_test

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/originlock/originlock/authorizer"
)

// countingObserver is a test double of an Observer that counts events.
type countingObserver struct {
	decisions, reads atomic.Int64
	mu               sync.Mutex
	byOutcome        map[string]int // "outcome/reason"
	byCause          map[string]int // "cause" or "cause/failed"
}

func newCountingObserver() *countingObserver {
	return &countingObserver{byOutcome: map[string]int{}, byCause: map[string]int{}}
}

func (o *countingObserver) ObserveDecision(_ context.Context, e authorizer.DecisionEvent) {
	o.decisions.Add(1)
	o.mu.Lock()
	o.byOutcome[string(e.Outcome)+"/"+e.Reason]++
	o.mu.Unlock()
}

func (o *countingObserver) ObserveRead(_ context.Context, e authorizer.ReadEvent) {
	o.reads.Add(1)
	key := string(e.Cause)
	if e.Failed {
		key += "/failed"
	}
	o.mu.Lock()
	o.byCause[key]++
	o.mu.Unlock()
}

// atomicObserver is a test double of an Observer that only counts, without
// locks or maps: what a cheap production observer costs.
type atomicObserver struct{ decisions, reads atomic.Int64 }

func (o *atomicObserver) ObserveDecision(context.Context, authorizer.DecisionEvent) {
	o.decisions.Add(1)
}
func (o *atomicObserver) ObserveRead(context.Context, authorizer.ReadEvent) { o.reads.Add(1) }

// TestObserverSeesEveryDecisionAndRead: one DecisionEvent per Verify, with
// its outcome and a fixed reason word, and one ReadEvent per read, with its
// cause and failure.
func TestObserverSeesEveryDecisionAndRead(t *testing.T) {
	obs := newCountingObserver()
	e := newVerifierEnv(t, authorizer.WithObserver(obs), authorizer.WithCacheTTL(time.Minute))
	ctx := context.Background()
	verifies := 0
	verify := func(value string) {
		verifies++
		_, _ = e.v.Verify(ctx, value)
	}
	verify(valCurrent) // first read; current
	verify(valWrong)   // miss read; deny unknown
	verify(valWrong)   // deny, cooldown
	verify("")         // deny, invalid
	e.sm.put(jsonValue(valPending), "AWSPENDING")
	e.clock.Advance(time.Minute) // TTL read, sees pending
	verify(valPending)
	e.sm.setFail(errThrottled)
	e.clock.Advance(time.Minute)
	verify(valWrong + "x") // TTL read fails; current is allowed stale; miss read fails: unavailable
	verify(valWrong + "y") // unavailable, cooldown (last good read too old)

	if got := obs.decisions.Load(); got != int64(verifies) {
		t.Errorf("%d decisions observed for %d Verify calls", got, verifies)
	}
	want := map[string]int{
		"current/": 1, "deny/unknown": 1, "deny/cooldown": 1, "deny/invalid": 1, "pending/": 1,
		"unavailable/read_failed": 1, "unavailable/cooldown": 1,
	}
	wantReads := map[string]int{"first": 1, "miss": 1, "ttl": 1, "ttl/failed": 1, "miss/failed": 1}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	for k, n := range want {
		if obs.byOutcome[k] != n {
			t.Errorf("decisions %s = %d, want %d (all: %v)", k, obs.byOutcome[k], n, obs.byOutcome)
		}
	}
	for k, n := range wantReads {
		if obs.byCause[k] != n {
			t.Errorf("reads %s = %d, want %d (all: %v)", k, obs.byCause[k], n, obs.byCause)
		}
	}
	if got := obs.reads.Load(); got != int64(e.sm.count("DescribeSecret")) {
		t.Errorf("%d reads observed, %d DescribeSecret calls made", got, e.sm.count("DescribeSecret"))
	}
}

// TestVerifyAllocatesNothing: without an observer (and with a cheap one),
// the decisions the request path makes without a read allocate nothing.
func TestVerifyAllocatesNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []authorizer.Option
	}{
		{"no observer", nil},
		{"counting observer", []authorizer.Option{authorizer.WithObserver(&atomicObserver{})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newVerifierEnv(t, tc.opts...)
			e.sm.put(jsonValue(valPrevious), "AWSCURRENT")
			e.sm.put(jsonValue(valCurrent), "AWSCURRENT")
			e.sm.put(jsonValue(valPending), "AWSPENDING")
			ctx := context.Background()
			e.clock.Advance(10 * time.Minute)
			e.verify(t, valCurrent)
			e.verify(t, valWrong) // the cooldown begins
			for _, value := range []string{valCurrent, valPending, valPrevious, valWrong, ""} {
				allocs := testing.AllocsPerRun(100, func() { _, _ = e.v.Verify(ctx, value) })
				if allocs != 0 {
					t.Errorf("Verify(%.12q...) made %v allocations, want 0", value, allocs)
				}
			}
		})
	}
}

// recordingHandler is a slog.Handler test double that keeps, for every
// record, the Lambda request ID found in its context ("" if none).
type recordingHandler struct {
	mu  *sync.Mutex
	ids *[]string
	msg *[]string
}

func (h recordingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h recordingHandler) Handle(ctx context.Context, r slog.Record) error {
	id := ""
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		id = lc.AwsRequestID
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	*h.ids = append(*h.ids, id)
	*h.msg = append(*h.msg, r.Message)
	return nil
}
func (h recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h recordingHandler) WithGroup(string) slog.Handler      { return h }

// TestLogsCarryTheRequestContext: every record the Verifier makes — reads,
// a rotation seen, a malformed version, read failures, a deleted secret —
// is made with the invocation's context, so that a Lambda-aware handler adds
// the request ID.
func TestLogsCarryTheRequestContext(t *testing.T) {
	var ids, msgs []string
	h := recordingHandler{mu: &sync.Mutex{}, ids: &ids, msg: &msgs}
	e := newVerifierEnv(t, authorizer.WithLogger(slog.New(h)))
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-0123"})
	e.sm.setFail(errInjected)
	_ = e.v.Load(ctx) // the first read fails
	e.sm.setFail(nil)
	if _, err := e.v.Verify(ctx, valCurrent); err != nil {
		t.Fatal(err)
	}
	e.sm.put(`{"HEADERVALUE": 1}`, "AWSPENDING") // malformed
	e.clock.Advance(10 * time.Minute)
	_, _ = e.v.Verify(ctx, valCurrent)
	e.sm.setFail(errThrottled)
	e.clock.Advance(10 * time.Minute)
	_, _ = e.v.Verify(ctx, valCurrent)
	e.sm.setFail(errNotFound)
	e.clock.Advance(10 * time.Minute)
	_, _ = e.v.Verify(ctx, valCurrent)
	e.clock.Advance(10 * time.Minute)
	_, _ = e.v.Verify(ctx, valCurrent)

	if len(ids) < 6 {
		t.Fatalf("only %d records: %v", len(ids), msgs)
	}
	for i, id := range ids {
		if id != "req-0123" {
			t.Errorf("record %q has request ID %q, want req-0123", msgs[i], id)
		}
	}
}
