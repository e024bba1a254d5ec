package rotation_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/rotation"
)

// requestIDHandler is a test double of aws-lambda-go's
// lambdacontext.NewLogHandler (which writes to os.Stdout only): it adds
// the Lambda request ID from the record's context, as that handler does.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		r.AddAttrs(slog.String("requestId", lc.AwsRequestID))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// observerDouble records every event it receives.
type observerDouble struct {
	mu     sync.Mutex
	starts []rotation.StepStartEvent
	ends   []rotation.StepEndEvent
	// ctxOK counts calls whose context carried the Lambda request ID.
	ctxOK int
}

func (o *observerDouble) ObserveStepStart(ctx context.Context, e rotation.StepStartEvent) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.starts = append(o.starts, e)
	if _, ok := lambdacontext.FromContext(ctx); ok {
		o.ctxOK++
	}
}

func (o *observerDouble) ObserveStepEnd(ctx context.Context, e rotation.StepEndEvent) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ends = append(o.ends, e)
	if _, ok := lambdacontext.FromContext(ctx); ok {
		o.ctxOK++
	}
}

func lambdaContext(t *testing.T, requestID string) context.Context {
	return lambdacontext.NewContext(t.Context(), &lambdacontext.LambdaContext{AwsRequestID: requestID})
}

// records parses JSON log lines.
func records(t *testing.T, logs *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(logs.Bytes()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %v", err)
		}
		out = append(out, m)
	}
	return out
}

// TestLogRecordsCarryTheRequestID captures every record of a full rotation,
// a late retry, a failing step, a panicking step, an unknown step and an
// invalid event, made each with its own Lambda request ID, and checks that
// every record carries its invocation's ID, the agreed keys, and no value or
// RotationToken; and that the Observer saw a start and an end of each.
func TestLogRecordsCarryTheRequestID(t *testing.T) {
	target := &targetDouble{}
	obs := &observerDouble{}
	e := newEnv(t, initialJSON(), target, rotation.WithObserver(obs), noSettle())
	logs := &bytes.Buffer{}
	h, err := rotation.NewHandler(e.sm, e.arn, target, rotation.WithObserver(obs), noSettle(),
		rotation.WithLogger(slog.New(requestIDHandler{slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})})))
	if err != nil {
		t.Fatal(err)
	}

	type invocation struct {
		id      string
		event   events.SecretsManagerSecretRotationEvent
		outcome string
		step    string // the observer's Step
	}
	var invocations []invocation
	invoke := func(id, step, token, outcome string, prepare func()) {
		if prepare != nil {
			prepare()
		}
		ev := fixture.Event(step, e.arn, token)
		ev.RotationToken = leakRotationToken
		err := h.Handle(lambdaContext(t, id), ev)
		if (err != nil) != (outcome == rotation.OutcomeFailed) {
			t.Fatalf("%s: %s: got %v, want outcome %s", id, step, err, outcome)
		}
		obsStep := step
		if step != rotation.StepCreate && step != rotation.StepSet && step != rotation.StepTest && step != rotation.StepFinish {
			obsStep = "unknown"
		}
		invocations = append(invocations, invocation{id, ev, outcome, obsStep})
	}
	token := e.begin()
	invoke("req-create", rotation.StepCreate, token, rotation.OutcomeOK, nil)
	invoke("req-set-fails", rotation.StepSet, token, rotation.OutcomeFailed, func() { target.setErr = errors.New("target double: injected failure") })
	invoke("req-set-panics", rotation.StepSet, token, rotation.OutcomeFailed, func() { target.setErr, target.panicWith = nil, "panic" })
	invoke("req-set", rotation.StepSet, token, rotation.OutcomeOK, func() { target.panicWith = nil })
	invoke("req-test", rotation.StepTest, token, rotation.OutcomeOK, nil)
	invoke("req-finish", rotation.StepFinish, token, rotation.OutcomeOK, nil)
	invoke("req-late-retry", rotation.StepSet, token, rotation.OutcomeAlreadyCurrent, nil)
	invoke("req-unknown-step", "dropSecret", token, rotation.OutcomeFailed, nil)
	invoke("req-invalid", "setSecret\n", token, rotation.OutcomeFailed, nil)

	recs := records(t, logs)
	if len(recs) < len(invocations) {
		t.Fatalf("%d records for %d invocations", len(recs), len(invocations))
	}
	ids := map[string]bool{}
	for _, inv := range invocations {
		ids[inv.id] = false
	}
	secrets := append(valuesOf(t, e), leakRotationToken)
	if len(secrets) < 3 {
		t.Fatalf("found %d secrets, want the initial value, the new one and the RotationToken", len(secrets))
	}
	for _, rec := range recs {
		id, _ := rec["requestId"].(string)
		if _, ok := ids[id]; !ok {
			t.Errorf("record %q has request ID %q, want one of the invocations'", rec["msg"], id)
			continue
		}
		ids[id] = true
		if _, ok := rec["step"]; !ok && id != "req-invalid" {
			t.Errorf("%s: record %q has no step", id, rec["msg"])
		}
		if _, ok := rec["duration"]; ok {
			t.Errorf("%s: record %q has a duration without its unit", id, rec["msg"])
		}
		line, _ := json.Marshal(rec)
		for _, s := range secrets {
			if strings.Contains(string(line), s) {
				t.Errorf("%s: record %q carries a value or the RotationToken", id, rec["msg"])
			}
		}
		if msg := rec["msg"].(string); strings.Contains(msg, "done") || strings.Contains(msg, "failed") {
			if _, ok := rec["duration_ms"].(float64); !ok {
				t.Errorf("%s: record %q has no duration_ms", id, msg)
			}
			if rec["outcome"] == nil {
				t.Errorf("%s: record %q has no outcome", id, msg)
			}
		}
	}
	for id, seen := range ids {
		if !seen {
			t.Errorf("no record for invocation %s", id)
		}
	}

	if len(obs.starts) != len(invocations) || len(obs.ends) != len(invocations) {
		t.Fatalf("observer saw %d starts and %d ends, want %d of each", len(obs.starts), len(obs.ends), len(invocations))
	}
	if obs.ctxOK != 2*len(invocations) {
		t.Errorf("%d observer calls had the invocation's context, want %d", obs.ctxOK, 2*len(invocations))
	}
	for i, inv := range invocations {
		start, end := obs.starts[i], obs.ends[i]
		if start.Step != inv.step || end.Step != inv.step || end.Outcome != inv.outcome {
			t.Errorf("%s: observer saw start %q, end %q %q; want %q %q", inv.id, start.Step, end.Step, end.Outcome, inv.step, inv.outcome)
		}
		if (end.Err != nil) != (inv.outcome == rotation.OutcomeFailed) {
			t.Errorf("%s: observer Err = %v", inv.id, end.Err)
		}
		if end.Err != nil {
			for _, s := range secrets {
				if strings.Contains(end.Err.Error(), s) {
					t.Errorf("%s: the observer's Err carries a value or the RotationToken", inv.id)
				}
			}
		}
		if end.Duration < 0 {
			t.Errorf("%s: negative duration", inv.id)
		}
	}
}
