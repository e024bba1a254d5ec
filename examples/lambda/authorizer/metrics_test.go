package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/emf"
	"github.com/originlock/originlock/internal/envconfig"
)

func newMetrics(tb testing.TB, w *bytes.Buffer) *emf.Logger {
	tb.Helper()
	l, err := emf.New(w, "Originlock", emf.WithDimensions(emf.Dimension{Name: "FunctionName", Value: "auth"}))
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

// sums parses out as EMF documents and sums each metric by name and
// dimensions ("Decisions Outcome=current").
func sums(t *testing.T, out string) map[string]float64 {
	t.Helper()
	got := map[string]float64{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		doc, err := emf.Parse([]byte(line))
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		for _, m := range doc.Metrics() {
			k := m.Name
			for _, d := range m.Dimensions {
				if d.Name != "FunctionName" {
					k += " " + d.Name + "=" + d.Value
				} else if d.Value != "auth" {
					t.Errorf("FunctionName %q", d.Value)
				}
			}
			got[k] += m.Sum()
		}
	}
	return got
}

func TestObserverMetrics(t *testing.T) {
	var out bytes.Buffer
	l := newMetrics(t, &out)
	o := observer{l}
	b := l.NewBatch()
	ctx := emf.NewContext(context.Background(), b)
	o.ObserveDecision(ctx, authorizer.DecisionEvent{Outcome: authorizer.OutcomePrevious})
	o.ObserveDecision(ctx, authorizer.DecisionEvent{Outcome: authorizer.OutcomePrevious})
	o.ObserveRead(ctx, authorizer.ReadEvent{Cause: authorizer.ReadMiss, Duration: 12500 * time.Microsecond})
	o.ObserveRead(ctx, authorizer.ReadEvent{Cause: authorizer.ReadMiss, Duration: 3 * time.Millisecond, Failed: true})
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	// Unavailable decisions, and a Reason that is not a short word (as a bug
	// passing a value would make it), in another invocation.
	b = l.NewBatch()
	ctx = emf.NewContext(context.Background(), b)
	const value = "Zm9vYmFyLXNlY3JldC12YWx1ZS0wMTIzNDU2Nzg5LWFiY2RlZmdoaWprbG1ub3A"
	o.ObserveDecision(ctx, authorizer.DecisionEvent{Outcome: authorizer.OutcomeUnavailable, Reason: "read_failed"})
	o.ObserveDecision(ctx, authorizer.DecisionEvent{Outcome: authorizer.OutcomeUnavailable, Reason: value})
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	// A read during init, outside any invocation: the background batch.
	o.ObserveRead(context.Background(), authorizer.ReadEvent{Cause: authorizer.ReadFirst, Duration: time.Millisecond})
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	got := sums(t, out.String())
	want := map[string]float64{
		"Decisions Outcome=previous": 2, "SecretReads Cause=miss": 2, "SecretReadFailures": 1, "SecretReadLatency": 16.5,
		"Decisions Outcome=unavailable": 2, "UnavailableDecisions Reason=read_failed": 1, "UnavailableDecisions Reason=other": 1,
		"SecretReads Cause=first": 1,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got metrics %v, want %v", got, want)
	}
	if strings.Contains(out.String(), value) {
		t.Error("a value reached the metrics")
	}
}

func TestHandlerWithMetrics(t *testing.T) {
	var out bytes.Buffer
	v, err := authorizer.NewVerifier(staticSM{value: benchValue}, staticARN)
	if err != nil {
		t.Fatal(err)
	}
	l := newMetrics(t, &out)
	h, ok := handler(v, config{authorizerType: typeRESTToken}, l).(lambda.Handler)
	if !ok {
		t.Fatalf("with metrics the handler is a %T, want a lambda.Handler", h)
	}
	payload, _ := json.Marshal(events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: benchValue, MethodArn: benchARN})
	resp, err := h.Invoke(context.Background(), payload)
	if err != nil || !strings.Contains(string(resp), `"Effect":"Allow"`) {
		t.Fatalf("got %s, %v", resp, err)
	}
	// The Verifier's own events reach the metrics once the authorizer
	// package emits them; until then a flush writes nothing, and a line it
	// writes must be valid EMF.
	if s := strings.TrimSpace(out.String()); s != "" {
		sums(t, s)
	}
}

const (
	benchValue = "bench0value0bench0value0bench0value0bench0value0bench0value0abcd"
	benchARN   = "arn:aws:execute-api:us-east-1:123456789012:demoapi/prod/GET/pets/42"
)

// BenchmarkHandlerWithMetrics is the REST API REQUEST handler as this
// function runs it: "off" without metrics; "on" with the Verifier's
// observer (one Decisions count per invocation), the invocation's batch and
// its flush of one EMF document (to a buffer). The goal is 5 µs per invocation,
// as for the handlers without metrics. cpu-ns/op is the process's CPU time
// per invocation, which a busy machine inflates less than ns/op.
func BenchmarkHandlerWithMetrics(b *testing.B) {
	for _, mode := range []string{"off", "on"} {
		b.Run(mode, func(b *testing.B) {
			var out bytes.Buffer
			var l *emf.Logger
			if mode != "off" {
				l = newMetrics(b, &out)
			}
			cfg, err := parseConfig(envconfig.Map(map[string]string{"SECRET_ID": staticARN, "METRICS": "off"}))
			if err != nil {
				b.Fatal(err)
			}
			v, err := authorizer.NewVerifier(staticSM{value: benchValue}, staticARN, cfg.options(discardLogger(), l)...)
			if err != nil {
				b.Fatal(err)
			}
			// emf.Wrap around the typed handler does what the function's
			// WrapInvoker does around lambda.NewHandler's, without
			// aws-lambda-go's JSON decoding and encoding (BenchmarkInvoke in
			// package authorizer measures that).
			h := authorizer.RESTRequest(v, cfg.headerName)
			if l != nil {
				h = emf.Wrap(l, h)
			}
			ev := events.APIGatewayCustomAuthorizerRequestTypeRequest{Type: "REQUEST", MethodArn: benchARN, Headers: map[string]string{"X-Origin-Verify": benchValue}}
			ctx := context.Background()
			call := func() {
				out.Reset()
				resp, err := h(ctx, ev)
				if err != nil || resp.PolicyDocument.Statement[0].Effect != "Allow" {
					b.Fatalf("got %+v, %v", resp, err)
				}
			}
			call() // the first read
			call() // a steady-state invocation: one decision, no read
			if mode == "on" && !strings.Contains(out.String(), `"Decisions":1`) {
				b.Fatalf("no Decisions document written: %q", out.String())
			}
			b.ReportAllocs()
			cpu0, ok := cpuTime()
			for b.Loop() {
				call()
			}
			if cpu1, _ := cpuTime(); ok {
				b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}
