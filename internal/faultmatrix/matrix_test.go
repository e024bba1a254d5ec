package faultmatrix_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/faultproxy"
	"github.com/originlock/originlock/rotation"
)

// scenario is one row of a matrix.
type scenario struct {
	name string
	// seq, step and op name the call of a healthy rotation the fault hits.
	seq      int
	step, op string
	rule     faultproxy.Rule
	// crashAfter > 0 kills the first attempt right after that call returns.
	crashAfter int
	// setup, if set, prepares the world (after the rule is injected).
	setup func(w *world)
	// opts are extra options for the cloudfront Target.
	opts []cloudfront.Option
}

// result is a scenario's row in the printed table.
type result struct {
	scenario
	index    int
	saw      string
	attempts int
	updates  int
	checks   int
	problems []string
}

// table collects results from parallel subtests and prints them once all
// have finished.
type table struct {
	mu   sync.Mutex
	rows []result
}

func (tb *table) add(r result) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.rows = append(tb.rows, r)
}

func (tb *table) print(t *testing.T, title string) {
	t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	slices.SortFunc(tb.rows, func(a, b result) int { return a.index - b.index })
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "call\tstep\toperation\tfault\tlibrary saw (1st attempt)\tattempts\tupdates\tchecks\tresult\n")
	failed := 0
	for _, r := range tb.rows {
		res := "ok"
		if len(r.problems) > 0 {
			res = fmt.Sprintf("FAIL (%d)", len(r.problems))
			failed++
		}
		call := "-"
		if r.seq > 0 {
			call = fmt.Sprint(r.seq)
		}
		attempts := fmt.Sprint(r.attempts)
		if r.attempts == 0 {
			attempts = "never"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", call, r.step, r.op, r.name, r.saw, attempts, r.updates, r.checks, res)
	}
	_ = tw.Flush()
	t.Logf("%s: %d scenarios, %d failed\n%s", title, len(tb.rows), failed, b.String())
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9-]+`)

// run plays one scenario in a world of its own and checks it.
func run(t *testing.T, sc scenario) result {
	t.Helper()
	w := newWorld(t, unsafeName.ReplaceAllString(t.Name(), "-"), sc.opts...)
	if sc.rule.Fault != faultproxy.None {
		w.proxy.Inject(sc.rule)
	}
	if sc.setup != nil {
		sc.setup(w)
	}
	o := w.rotate(sc.crashAfter)
	if o.attempts == 0 {
		w.violate("the rotation did not complete in %d attempts", maxAttempts)
	} else {
		w.finalCheck(o)
		w.lateRetry(o.token)
	}
	if sc.rule.Fault != faultproxy.None && w.proxy.Pending() > 0 {
		w.violate("the fault was never injected: no call matched the rule")
	}
	if sc.crashAfter > 0 && !w.crash.fired() {
		w.violate("the crash never happened: fewer than %d calls", sc.crashAfter)
	}
	for _, l := range w.leaks() {
		w.violate("leak: %s appears in logs or errors", l)
	}
	_, updates := w.proxy.Count("UpdateDistribution")
	r := result{scenario: sc, saw: errSummary(o.first), attempts: o.attempts, updates: updates, checks: w.checks, problems: w.problems()}
	for _, p := range r.problems {
		t.Error(p)
	}
	return r
}

// healthyCalls runs one rotation without faults and returns its calls, each
// labelled with the step that made it. Every scenario's world makes the same
// calls in the same order until its fault strikes.
func healthyCalls(t *testing.T) []faultproxy.Call {
	t.Helper()
	var calls []faultproxy.Call
	t.Run("healthy", func(t *testing.T) {
		w := newWorld(t, "healthy-"+unsafeName.ReplaceAllString(t.Name(), "-"))
		o := w.rotate(0)
		if o.attempts != 1 {
			t.Fatalf("the healthy rotation took %d attempts (first error: %v)", o.attempts, o.first)
		}
		w.finalCheck(o)
		for _, p := range w.problems() {
			t.Error(p)
		}
		calls = w.proxy.Calls()
		for i := range calls {
			calls[i].Op = w.stepOf(calls[i].Seq) + "/" + calls[i].Op
		}
	})
	if len(calls) == 0 {
		if testing.Short() {
			t.Skip("the healthy rotation needs moto_server: skipped by -short")
		}
		t.FailNow()
	}
	return calls
}

func split(labelled string) (step, op string) {
	step, op, _ = strings.Cut(labelled, "/")
	return step, op
}

// TestFaultMatrix injects each fault into each call a rotation makes, on every
// attempt the SDK makes for it, so that the library sees the call fail once.
// Throttling and 5xx answers are not applied by AWS; a lost response and a
// deadline hit after AWS applied the call; a 412 moves the ETag. Then
// Secrets Manager's retry is replayed until the rotation completes.
func TestFaultMatrix(t *testing.T) {
	calls := healthyCalls(t)
	var scenarios []scenario
	for _, c := range calls {
		step, op := split(c.Op)
		faults := []faultproxy.Fault{faultproxy.Throttle, faultproxy.ServerError, faultproxy.LostResponse, faultproxy.Deadline}
		if op == "UpdateDistribution" {
			faults = append(faults, faultproxy.PreconditionFailed)
		}
		for _, f := range faults {
			scenarios = append(scenarios, scenario{name: f.String(), seq: c.Seq, step: step, op: op,
				rule: faultproxy.Rule{Seq: c.Seq, Op: op, Fault: f}})
		}
	}
	// One faulted attempt of the first call of each operation that changes
	// something, and of a read: the SDK's retry absorbs it (for CloudFront,
	// whose calls OriginHeader makes with one SDK attempt, OriginHeader's own
	// retry does). A lost
	// UpdateDistribution answer is retried with the same If-Match and meets a
	// 412; a lost PutSecretValue is retried with the same token; a lost
	// UpdateSecretVersionStage is retried after the label has moved.
	seen := map[string]bool{}
	for _, c := range calls {
		step, op := split(c.Op)
		if seen[op] {
			continue
		}
		seen[op] = true
		faults := []faultproxy.Fault{faultproxy.Throttle}
		switch op {
		case "PutSecretValue", "UpdateDistribution", "UpdateSecretVersionStage":
			faults = []faultproxy.Fault{faultproxy.Throttle, faultproxy.ServerError, faultproxy.LostResponse}
		}
		for _, f := range faults {
			scenarios = append(scenarios, scenario{name: f.String() + " x1 (SDK retries)", seq: c.Seq, step: step, op: op,
				rule: faultproxy.Rule{Seq: c.Seq, Op: op, Fault: f, Attempts: 1}})
		}
	}
	scenarios = append(scenarios, specialScenarios()...)

	tb := &table{}
	t.Cleanup(func() { tb.print(t, "fault matrix") })
	for i, sc := range scenarios {
		t.Run(fmt.Sprintf("%02d-%s-%s", i, sc.op, sc.name), func(t *testing.T) {
			t.Parallel()
			r := run(t, sc)
			r.index = i
			tb.add(r)
		})
	}
}

// specialScenarios are faults that span more than one call.
func specialScenarios() []scenario {
	return []scenario{
		{
			name: "throttled on 5 calls in a row", step: rotation.StepSet, op: "UpdateDistribution",
			rule: faultproxy.Rule{Op: "UpdateDistribution", Fault: faultproxy.Throttle, Calls: cloudfront.DefaultMaxAttempts},
		},
		{
			name: "412 on every attempt", step: rotation.StepSet, op: "UpdateDistribution",
			rule: faultproxy.Rule{Op: "UpdateDistribution", Fault: faultproxy.PreconditionFailed, Calls: cloudfront.DefaultMaxAttempts},
		},
		{
			name: "status polls throttled", step: rotation.StepTest, op: "GetDistribution",
			rule: faultproxy.Rule{Op: "GetDistribution", Fault: faultproxy.Throttle, Calls: 3},
		},
		{
			name: "concurrent edit between read and write", step: rotation.StepSet, op: "UpdateDistribution",
			setup: concurrentEdit,
		},
	}
}

// concurrentEdit makes another writer change distribution 1's comment right
// after the rotation first reads its config: the rotation's update must meet
// a 412, read again, and keep the other writer's change.
func concurrentEdit(w *world) {
	var once sync.Once
	w.proxy.OnApplied(func(c faultproxy.Call) {
		w.onApplied(c)
		if c.Op != "GetDistributionConfig" || c.Resource != w.d1 {
			return
		}
		once.Do(func() {
			ctx := context.Background()
			out, err := w.dcf.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(w.d1)})
			if err != nil {
				w.violate("concurrent edit: %v", err)
				return
			}
			out.DistributionConfig.Comment = aws.String("changed by another writer")
			if _, err := w.dcf.UpdateDistribution(ctx, &cfsdk.UpdateDistributionInput{Id: aws.String(w.d1), IfMatch: out.ETag, DistributionConfig: out.DistributionConfig}); err != nil {
				w.violate("concurrent edit: %v", err)
				return
			}
			w.proxy.Touch(w.d1) // moto keeps its ETag; the proxy's moves
			edited := w.normalize(w.raw(ctx, w.d1))
			if !strings.Contains(string(edited), "changed by another writer") {
				w.violate("concurrent edit: the comment did not change")
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			w.expected[w.d1] = edited
		})
	})
}

// TestCrashMatrix kills the first attempt right after each call a rotation
// makes (its context is cancelled, so the next call fails at once), then
// replays Secrets Manager's retry with a healthy invocation.
func TestCrashMatrix(t *testing.T) {
	calls := healthyCalls(t)
	tb := &table{}
	t.Cleanup(func() { tb.print(t, "crash matrix") })
	for i, c := range calls {
		step, op := split(c.Op)
		sc := scenario{name: "crash after", seq: c.Seq, step: step, op: op, crashAfter: c.Seq}
		t.Run(fmt.Sprintf("after-%02d-%s", c.Seq, op), func(t *testing.T) {
			t.Parallel()
			r := run(t, sc)
			r.index = i
			tb.add(r)
		})
	}
}
