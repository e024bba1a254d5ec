package waf_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/rotation"
	"github.com/originlock/originlock/waf"
)

func TestPropagationWait(t *testing.T) {
	initial, pending := fixture.RandomValue(), fixture.RandomValue()
	w := newWebACL(t, initial)
	clk := clocktest.New(time.Unix(1_800_000_000, 0))
	const delay = 90 * time.Second
	newTarget := func() *waf.HeaderRule { return w.target(t, nil, waf.WithClock(clk), waf.WithPropagationDelay(delay)) }
	h := newTarget()
	test := rotation.TestSecretRequest{Pending: rotation.Value(pending), Current: rotation.Value(initial)}

	if _, err := h.TestSecret(t.Context(), test); !errors.Is(err, waf.ErrNotInRule) {
		t.Fatalf("TestSecret before SetSecret: err = %v, want ErrNotInRule", err)
	}
	if _, err := h.SetSecret(t.Context(), rotation.SetSecretRequest{Pending: rotation.Value(pending), Current: rotation.Value(initial)}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(30 * time.Second) // the rest of setSecret, the next invocation
	if _, err := h.TestSecret(t.Context(), test); err != nil {
		t.Fatal(err)
	}
	if got := clk.Waits(); !slices.Equal(got, []time.Duration{60 * time.Second}) {
		t.Errorf("waits = %v, want the 60s left of the delay", got)
	}
	if _, err := h.TestSecret(t.Context(), test); err != nil {
		t.Fatal(err)
	}
	if got := len(clk.Waits()); got != 1 {
		t.Errorf("a second TestSecret waited again (%d waits)", got)
	}

	// A new instance (a crash, another container) cannot know when the rule
	// changed: it waits the whole delay from when it first sees the value.
	if _, err := newTarget().TestSecret(t.Context(), test); err != nil {
		t.Fatal(err)
	}
	if got := clk.Waits(); len(got) != 2 || got[1] != delay {
		t.Errorf("waits = %v, want a whole delay for the new instance", got)
	}

	// Not enough time before the Lambda deadline: an error, no wait.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	fresh := newTarget()
	_, err := fresh.TestSecret(ctx, test)
	var np *waf.NotPropagatedError
	if !errors.As(err, &np) || np.Remaining != delay {
		t.Fatalf("err = %v, want a *NotPropagatedError with the whole delay left", err)
	}
	if got := len(clk.Waits()); got != 2 {
		t.Error("TestSecret waited although the deadline was too close")
	}
	// The same instance, retried later, waits only what is left.
	clk.Advance(delay)
	if _, err := fresh.TestSecret(ctx, test); err != nil {
		t.Fatal(err)
	}
	if got := len(clk.Waits()); got != 2 {
		t.Error("a retry after the delay waited again")
	}
}

func TestConfigErrors(t *testing.T) {
	initial := fixture.RandomValue()
	w := newWebACL(t, initial)

	cfg := w.config()
	cfg.RuleName = "NoSuchRule"
	h, err := waf.NewHeaderRule(w.api, cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.TestSecret(t.Context(), rotation.TestSecretRequest{ConfigOnly: true, Current: rotation.Value(initial)})
	if !errors.Is(err, waf.ErrRuleNotFound) || !strings.Contains(err.Error(), "NoSuchRule") {
		t.Errorf("missing rule: err = %v, want ErrRuleNotFound naming the rule", err)
	}

	cfg = w.config()
	cfg.RuleName = "GeoBlock" // a rule of another shape is never overwritten
	h, _ = waf.NewHeaderRule(w.api, cfg)
	before := w.get(t).WebACL
	if _, err := h.SetSecret(t.Context(), rotation.SetSecretRequest{Pending: rotation.Value(fixture.RandomValue()), Current: rotation.Value(initial)}); !errors.Is(err, waf.ErrUnexpectedRule) {
		t.Errorf("GeoBlock rule: err = %v, want ErrUnexpectedRule", err)
	}
	if after := w.get(t).WebACL; aws.ToString(after.Description) != aws.ToString(before.Description) || after.Rules[0].Statement.GeoMatchStatement == nil {
		t.Error("a refused SetSecret changed the web ACL")
	}

	long := strings.Repeat("v", waf.MaxValueLength+1)
	if _, err := w.target(t, nil).SetSecret(t.Context(), rotation.SetSecretRequest{Pending: rotation.Value(long), Current: rotation.Value(initial)}); !errors.Is(err, waf.ErrInvalidValue) || strings.Contains(err.Error(), long) {
		t.Errorf("long value: err = %v, want ErrInvalidValue without the value", err)
	}

	for name, c := range map[string]waf.Config{
		"empty":     {},
		"bad scope": {WebACLName: "a", WebACLID: "b", RuleName: "c", HeaderName: "X-Origin-Verify", Scope: "GLOBAL"},
		"bad name":  {WebACLName: "a", WebACLID: "b", RuleName: "c", HeaderName: "Host"},
	} {
		if _, err := waf.NewHeaderRule(w.api, c); !errors.Is(err, waf.ErrInvalidConfig) {
			t.Errorf("%s: err = %v, want ErrInvalidConfig", name, err)
		}
	}
	if _, err := waf.NewHeaderRule(w.api, w.config(), waf.WithPropagationDelay(-time.Second)); err == nil {
		t.Error("a negative propagation delay was accepted")
	}
}

func TestRevokePrevious(t *testing.T) {
	initial, pending := fixture.RandomValue(), fixture.RandomValue()
	for _, revoke := range []bool{false, true} {
		w := newWebACL(t, initial)
		var opts []waf.Option
		if revoke {
			opts = append(opts, waf.WithRevokePrevious())
		}
		h := w.target(t, nil, opts...)
		if _, err := h.SetSecret(t.Context(), rotation.SetSecretRequest{Pending: rotation.Value(pending), Current: rotation.Value(initial)}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.FinishSecret(t.Context(), rotation.FinishSecretRequest{Current: rotation.Value(pending), Previous: rotation.Value(initial)}); err != nil {
			t.Fatal(err)
		}
		got := w.accepted(t)
		want := []string{initial, pending}
		if revoke {
			want = []string{pending}
		}
		if !slices.Equal(got, want) {
			t.Errorf("revoke %v: the rule accepts %d values, want %d", revoke, len(got), len(want))
		}
	}
}
