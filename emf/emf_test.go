package emf_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/originlock/originlock/emf"
)

// fixedClock is a test clock stopped at t.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

var epoch = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func newLogger(t testing.TB, w *bytes.Buffer, opts ...emf.Option) *emf.Logger {
	t.Helper()
	opts = append([]emf.Option{emf.WithClock(fixedClock{epoch}), emf.WithDimensions(emf.Dimension{Name: "FunctionName", Value: "fn"})}, opts...)
	l, err := emf.New(w, "Originlock", opts...)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// parseAll parses every line of out as an EMF document, failing the test on
// any line that is not a valid one.
func parseAll(t *testing.T, out string) []*emf.Document {
	t.Helper()
	var docs []*emf.Document
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		d, err := emf.Parse([]byte(line))
		if err != nil {
			t.Fatalf("line %s: %v", line, err)
		}
		docs = append(docs, d)
	}
	return docs
}

// totals sums every metric of docs by name and dimension values.
func totals(docs []*emf.Document) map[string]float64 {
	out := map[string]float64{}
	for _, d := range docs {
		for _, m := range d.Metrics() {
			out[key(m)] += m.Sum()
		}
	}
	return out
}

func key(m emf.Metric) string {
	var b strings.Builder
	b.WriteString(m.Name)
	for _, d := range m.Dimensions {
		fmt.Fprintf(&b, " %s=%s", d.Name, d.Value)
	}
	return b.String()
}

func TestFlushOneDocument(t *testing.T) {
	var out bytes.Buffer
	l := newLogger(t, &out)
	b := l.NewBatch()
	outcome := emf.Dimension{Name: "Outcome", Value: "current"}
	b.Count("Decisions", 1, outcome)
	b.Count("Decisions", 1, outcome)
	b.Count("SecretReads", 1, emf.Dimension{Name: "Cause", Value: "miss"})
	b.Count("SecretReadFailures", 0)
	b.Value("SecretReadLatency", emf.Milliseconds, 12.5)
	b.Value("SecretReadLatency", emf.Milliseconds, 3)
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	want := `{"_aws":{"Timestamp":1795435200000,"CloudWatchMetrics":[` +
		`{"Namespace":"Originlock","Dimensions":[["FunctionName","Outcome"]],"Metrics":[{"Name":"Decisions","Unit":"Count"}]},` +
		`{"Namespace":"Originlock","Dimensions":[["FunctionName","Cause"]],"Metrics":[{"Name":"SecretReads","Unit":"Count"}]},` +
		`{"Namespace":"Originlock","Dimensions":[["FunctionName"]],"Metrics":[{"Name":"SecretReadFailures","Unit":"Count"},{"Name":"SecretReadLatency","Unit":"Milliseconds"}]}]},` +
		`"FunctionName":"fn","Outcome":"current","Cause":"miss","Decisions":2,"SecretReads":1,"SecretReadFailures":0,"SecretReadLatency":[12.5,3]}` + "\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	docs := parseAll(t, out.String())
	if len(docs) != 1 || !docs[0].Timestamp.Equal(epoch) {
		t.Fatalf("got %d documents, timestamp %v; want 1 at %v", len(docs), docs[0].Timestamp, epoch)
	}
	got := totals(docs)
	for k, v := range map[string]float64{
		"Decisions FunctionName=fn Outcome=current": 2, "SecretReads FunctionName=fn Cause=miss": 1,
		"SecretReadFailures FunctionName=fn": 0, "SecretReadLatency FunctionName=fn": 15.5,
	} {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	// Flush empties the batch.
	out.Reset()
	if err := b.Flush(); err != nil || out.Len() != 0 {
		t.Errorf("second Flush wrote %q, error %v; want nothing", out.String(), err)
	}
}

// TestFlushSplitsConflictingDimensions: a dimension has one value per
// document, so a second value of Outcome needs a second document, and a
// series keeps its total.
func TestFlushSplitsConflictingDimensions(t *testing.T) {
	var out bytes.Buffer
	l := newLogger(t, &out)
	b := l.NewBatch()
	b.Count("Decisions", 3, emf.Dimension{Name: "Outcome", Value: "current"})
	b.Count("Decisions", 2, emf.Dimension{Name: "Outcome", Value: "previous"})
	b.Count("UnavailableDecisions", 1, emf.Dimension{Name: "Reason", Value: "read_failed"})
	b.Count("CloudFrontCalls", 1, emf.Dimension{Name: "Operation", Value: "GetDistribution"}, emf.Dimension{Name: "Result", Value: "ok"})
	b.Count("CloudFrontCalls", 1, emf.Dimension{Name: "Result", Value: "ok"}, emf.Dimension{Name: "Operation", Value: "GetDistribution"})
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	docs := parseAll(t, out.String())
	if len(docs) != 2 {
		t.Errorf("got %d documents, want 2:\n%s", len(docs), out.String())
	}
	got := totals(docs)
	want := map[string]float64{
		"Decisions FunctionName=fn Outcome=current": 3, "Decisions FunctionName=fn Outcome=previous": 2,
		"UnavailableDecisions FunctionName=fn Reason=read_failed":             1,
		"CloudFrontCalls FunctionName=fn Operation=GetDistribution Result=ok": 2,
	}
	if len(got) != len(want) {
		t.Errorf("got metrics %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
}

// TestBadInputIsLeftOut: a metric with a bad name, unit, value or dimension
// is left out with an error naming it (never the dimension's value), and the
// others are written.
func TestBadInputIsLeftOut(t *testing.T) {
	var out bytes.Buffer
	b := newLogger(t, &out, emf.WithProperty("level", "INFO")).NewBatch()
	const secretish = "s3cr3t-value\n"
	b.Count("Good", 1)
	b.Count("", 1)
	b.Count("_aws", 1)
	b.Count("Bad\tName", 1)
	b.Value("NaN", emf.Milliseconds, math.NaN())
	b.Value("Inf", emf.Milliseconds, math.Inf(1))
	b.Value("Furlongs", "Furlongs", 1)
	b.Count("BadDim", 1, emf.Dimension{Name: "Outcome", Value: secretish})
	b.Count("EmptyDim", 1, emf.Dimension{Name: "Outcome", Value: " "})
	b.Count("Twice", 1, emf.Dimension{Name: "A", Value: "x"}, emf.Dimension{Name: "A", Value: "y"})
	b.Count("Shadow", 1, emf.Dimension{Name: "FunctionName", Value: "other"})
	b.Count("level", 1)
	b.Count("Mixed", 1)
	b.Value("Mixed", emf.Milliseconds, 1)
	err := b.Flush()
	if err == nil {
		t.Fatal("Flush: no error, want one per bad metric")
	}
	for _, want := range []string{`metric name ""`, "_aws", "Bad\\tName", "NaN", "Inf", "Furlongs", "BadDim", "EmptyDim", "Twice"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if strings.Contains(err.Error(), "s3cr3t") {
		t.Error("the error shows a dimension value")
	}
	got := totals(parseAll(t, out.String()))
	if len(got) != 2 || got["Good FunctionName=fn"] != 1 || got["Mixed FunctionName=fn"] != 1 {
		t.Errorf("written %v, want Good and the first Mixed only", got)
	}
	if strings.Contains(out.String(), "s3cr3t") {
		t.Error("the output holds a rejected dimension value")
	}
}

func TestNewRejects(t *testing.T) {
	var out bytes.Buffer
	for name, tc := range map[string]struct {
		ns   string
		opts []emf.Option
	}{
		"empty namespace":        {"", nil},
		"AWS namespace":          {"AWS/Lambda", nil},
		"namespace character":    {"Origin*lock", nil},
		"long namespace":         {strings.Repeat("n", 256), nil},
		"bad dimension":          {"ns", []emf.Option{emf.WithDimensions(emf.Dimension{Name: "FunctionName"})}},
		"property and dimension": {"ns", []emf.Option{emf.WithDimensions(emf.Dimension{Name: "x", Value: "1"}), emf.WithProperty("x", "2")}},
		"nil clock":              {"ns", []emf.Option{emf.WithClock(nil)}},
	} {
		if _, err := emf.New(&out, tc.ns, tc.opts...); err == nil {
			t.Errorf("%s: New succeeded, want an error", name)
		}
	}
	if _, err := emf.New(nil, "ns"); err == nil {
		t.Error("nil writer: New succeeded, want an error")
	}
}

func TestWrap(t *testing.T) {
	var out bytes.Buffer
	var flushErrs []error
	l := newLogger(t, &out, emf.WithErrorHandler(func(err error) { flushErrs = append(flushErrs, err) }))
	// Init-time metrics go to the background batch.
	l.For(context.Background()).Count("InitReads", 1)
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := totals(parseAll(t, out.String())); got["InitReads FunctionName=fn"] != 1 {
		t.Fatalf("background flush wrote %v", got)
	}
	out.Reset()

	failure := errors.New("handler failed")
	h := emf.Wrap(l, func(ctx context.Context, n int) (string, error) {
		b := emf.FromContext(ctx)
		if b == nil || l.For(ctx) != b {
			t.Fatal("the handler's context carries no batch")
		}
		b.Count("Calls", 1)
		b.Count("Calls", 1)
		l.Background().Count("Late", 1) // e.g. a background refresh
		if n < 0 {
			b.Count("Bad Name\n", 1)
			return "", failure
		}
		return "ok", nil
	})
	for i := range 3 {
		if got, err := h(context.Background(), i); err != nil || got != "ok" {
			t.Fatalf("invocation %d: %q, %v", i, got, err)
		}
	}
	if _, err := h(context.Background(), -1); !errors.Is(err, failure) {
		t.Fatalf("got %v, want the handler's error", err)
	}
	docs := parseAll(t, out.String())
	if len(docs) != 8 {
		t.Errorf("got %d documents, want 8 (one per invocation, one per background flush):\n%s", len(docs), out.String())
	}
	got := totals(docs)
	if got["Calls FunctionName=fn"] != 8 || got["Late FunctionName=fn"] != 4 {
		t.Errorf("got %v, want Calls 8 and Late 4", got)
	}
	if len(flushErrs) != 1 || !strings.Contains(flushErrs[0].Error(), "Bad Name") {
		t.Errorf("error handler got %v, want one error naming the bad metric", flushErrs)
	}
	if emf.FromContext(context.Background()) != nil {
		t.Error("FromContext of a bare context is not nil")
	}
}

func TestConcurrentBatches(t *testing.T) {
	var out bytes.Buffer
	l := newLogger(t, &out)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				b := l.NewBatch()
				var inner sync.WaitGroup
				for range 4 {
					inner.Add(1)
					go func() {
						defer inner.Done()
						b.Count("Decisions", 1, emf.Dimension{Name: "Outcome", Value: fmt.Sprint("o", g%3)})
						b.Value("Latency", emf.Milliseconds, 1)
					}()
				}
				inner.Wait()
				if err := b.Flush(); err != nil {
					t.Error(err)
				}
				b.Release()
			}
		}()
	}
	wg.Wait()
	docs := parseAll(t, out.String())
	got := totals(docs)
	if len(docs) != 400 || got["Latency FunctionName=fn"] != 1600 {
		t.Errorf("got %d documents, latency total %v; want 400 and 1600", len(docs), got["Latency FunctionName=fn"])
	}
}

func Example() {
	var out bytes.Buffer // os.Stdout in a Lambda function
	l, _ := emf.New(&out, "Originlock",
		emf.WithDimensions(emf.Dimension{Name: "FunctionName", Value: "authorizer"}),
		emf.WithClock(fixedClock{epoch}))
	b := l.NewBatch()
	b.Count("Decisions", 1, emf.Dimension{Name: "Outcome", Value: "pending"})
	b.Value("SecretReadLatency", emf.Milliseconds, 8.25)
	_ = b.Flush()
	fmt.Print(out.String())
	// Output:
	// {"_aws":{"Timestamp":1795435200000,"CloudWatchMetrics":[{"Namespace":"Originlock","Dimensions":[["FunctionName","Outcome"]],"Metrics":[{"Name":"Decisions","Unit":"Count"}]},{"Namespace":"Originlock","Dimensions":[["FunctionName"]],"Metrics":[{"Name":"SecretReadLatency","Unit":"Milliseconds"}]}]},"FunctionName":"authorizer","Outcome":"pending","Decisions":1,"SecretReadLatency":8.25}
}

// BenchmarkInvocation is one authorizer invocation's metrics: a decision,
// recorded and flushed (as Wrap does, to a discarding writer).
func BenchmarkInvocation(b *testing.B) {
	var out bytes.Buffer
	l := newLogger(b, &out)
	h := emf.Wrap(l, func(ctx context.Context, _ struct{}) (bool, error) {
		emf.FromContext(ctx).Count("Decisions", 1, emf.Dimension{Name: "Outcome", Value: "current"})
		return true, nil
	})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		if ok, _ := h(ctx, struct{}{}); !ok {
			b.Fatal("handler failed")
		}
	}
}

func TestEscaping(t *testing.T) {
	var out bytes.Buffer
	b := newLogger(t, &out).NewBatch()
	b.Count(`Say "hi"`, 1, emf.Dimension{Name: `back\slash`, Value: `a"b\c`})
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	ms := parseAll(t, out.String())[0].Metrics()
	if len(ms) != 1 || ms[0].Name != `Say "hi"` || ms[0].Dimension(`back\slash`) != `a"b\c` {
		t.Errorf("read back %+v", ms)
	}
}

// echo is an Invoker that records a count in the invocation's batch.
type echo struct{}

func (echo) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	b := emf.FromContext(ctx)
	if b == nil {
		return nil, errors.New("no batch in the context")
	}
	b.Count("Invocations", 1)
	return payload, nil
}

func TestWrapInvoker(t *testing.T) {
	var out bytes.Buffer
	l := newLogger(t, &out)
	h := l.WrapInvoker(echo{})
	for range 2 {
		if got, err := h.Invoke(context.Background(), []byte(`{"a":1}`)); err != nil || string(got) != `{"a":1}` {
			t.Fatalf("got %s, %v", got, err)
		}
	}
	docs := parseAll(t, out.String())
	if got := totals(docs); len(docs) != 2 || got["Invocations FunctionName=fn"] != 2 {
		t.Errorf("got %d documents, %v; want one per invocation", len(docs), got)
	}
}
