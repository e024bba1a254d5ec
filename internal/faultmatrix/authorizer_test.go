package faultmatrix_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/internal/faultproxy"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/rotation"
)

// answer is what a request got: a decision, or "unavailable" (the adapters'
// uncached 500).
func answer(d authorizer.Decision, err error) string {
	switch {
	case errors.Is(err, authorizer.ErrUnavailable):
		return "unavailable"
	case err != nil:
		return "error: " + err.Error()
	}
	return d.String()
}

// TestAuthorizerUnderFaults: a warm authorizer whose reads of the secret fail
// — throttled, 5xx, lost, or cut by the invocation's deadline — while a
// rotation makes a new value appear. The new value must never be denied
// (API Gateway would cache that): it is unavailable (500, not cached) while
// the read fails and allowed once a read succeeds; the current value keeps
// being allowed from the last good read.
func TestAuthorizerUnderFaults(t *testing.T) {
	type row struct{ op, fault, answers string }
	var rows []row
	t.Cleanup(func() {
		var b strings.Builder
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "operation\tfault\tnew value during the fault, current value, new value after the cooldown\n")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", r.op, r.fault, r.answers)
		}
		_ = tw.Flush()
		t.Logf("authorizer under faults:\n%s", b.String())
	})
	for _, op := range []string{"DescribeSecret", "GetSecretValue"} {
		for _, fault := range []faultproxy.Fault{faultproxy.Throttle, faultproxy.ServerError, faultproxy.LostResponse, faultproxy.Deadline} {
			t.Run(op+"-"+fault.String(), func(t *testing.T) {
				w := newWorld(t, unsafeName.ReplaceAllString(t.Name(), "-"))
				v, err := authorizer.NewVerifier(w.sm, w.arn, authorizer.WithLogger(w.logger), authorizer.WithClock(w.vclock))
				if err != nil {
					t.Fatal(err)
				}
				if d, err := v.Verify(context.Background(), initial); d != authorizer.AllowCurrent || err != nil {
					t.Fatalf("warm-up: %s", answer(d, err))
				}
				// A rotation begins behind the warm authorizer's back.
				token, err := fixture.BeginRotation(context.Background(), w.dsm, w.arn, true)
				if err != nil {
					t.Fatal(err)
				}
				direct, err := rotation.NewHandler(w.dsm, w.arn, nopTarget{}, rotation.WithLogger(w.logger))
				if err != nil {
					t.Fatal(err)
				}
				if err := direct.Handle(context.Background(), fixture.Event(rotation.StepCreate, w.arn, token)); err != nil {
					t.Fatal(err)
				}
				w.learnValues(context.Background())
				pending := w.pending(t)

				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				w.proxy.SetDeadline(cancel)
				rule := faultproxy.Rule{Op: op, Fault: fault}
				if fault == faultproxy.Deadline {
					// The Verifier's reads run detached from the request that
					// started them; the invocation's deadline passes once, and
					// the read's retry belongs to a later invocation.
					rule.Attempts = 1
				}
				w.proxy.Inject(rule)
				during := answer(v.Verify(ctx, pending))
				if w.proxy.Pending() != 0 {
					t.Fatal("the fault was never injected")
				}
				current := answer(v.Verify(context.Background(), initial))
				w.vclock.Advance(authorizer.DefaultRefreshCooldown)
				after := answer(v.Verify(context.Background(), pending))
				rows = append(rows, row{op, fault.String(), strings.Join([]string{during, current, after}, ", ")})

				if during != "unavailable" {
					t.Errorf("new value while the read fails: %s, want unavailable", during)
				}
				if current != "AWSCURRENT" {
					t.Errorf("current value while the read fails: %s, want AWSCURRENT", current)
				}
				if after != "AWSPENDING" {
					t.Errorf("new value once reads work: %s, want AWSPENDING", after)
				}
				for _, l := range w.leaks() {
					t.Errorf("leak: %s appears in logs or errors", l)
				}
			})
		}
	}
}

// TestAuthorizerOutage: Secrets Manager fails every call for hours. A warm
// authorizer keeps deciding from its last good read up to the maximum
// staleness, then fails closed with ErrUnavailable, never with a Deny of the
// real value; a cold one is unavailable at once. Both recover after it.
func TestAuthorizerOutage(t *testing.T) {
	w := newWorld(t, "authorizer-outage")
	ctx := context.Background()
	warm, err := authorizer.NewVerifier(w.sm, w.arn, authorizer.WithLogger(w.logger), authorizer.WithClock(w.vclock))
	if err != nil {
		t.Fatal(err)
	}
	if got := answer(warm.Verify(ctx, initial)); got != "AWSCURRENT" {
		t.Fatalf("warm-up: %s", got)
	}
	w.proxy.Inject(faultproxy.Rule{Service: faultproxy.SecretsManager, Fault: faultproxy.ServerError, Calls: 1 << 30})
	cold, err := authorizer.NewVerifier(w.sm, w.arn, authorizer.WithLogger(w.logger), authorizer.WithClock(w.vclock))
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		advance   time.Duration
		v         *authorizer.Verifier
		value     string
		want      string
		situation string
	}{
		{0, cold, initial, "unavailable", "cold start during the outage"},
		{authorizer.DefaultCacheTTL, warm, initial, "AWSCURRENT", "warm, read due, outage"},
		{authorizer.DefaultMaxStaleness - 2*authorizer.DefaultCacheTTL, warm, initial, "AWSCURRENT", "warm, just under the maximum staleness"},
		{0, warm, "forged-value-0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", "unavailable", "unknown value during the outage"},
		{2 * authorizer.DefaultCacheTTL, warm, initial, "unavailable", "warm, beyond the maximum staleness"},
	}
	for _, s := range steps {
		w.vclock.Advance(s.advance)
		if got := answer(s.v.Verify(ctx, s.value)); got != s.want {
			t.Errorf("%s: %s, want %s", s.situation, got, s.want)
		}
	}
	w.proxy.Clear()
	w.vclock.Advance(authorizer.DefaultRefreshCooldown)
	for name, v := range map[string]*authorizer.Verifier{"warm": warm, "cold": cold} {
		if got := answer(v.Verify(ctx, initial)); got != "AWSCURRENT" {
			t.Errorf("%s, after the outage: %s, want AWSCURRENT", name, got)
		}
	}
	for _, l := range w.leaks() {
		t.Errorf("leak: %s appears in logs or errors", l)
	}
}

// pending returns the AWSPENDING header value.
func (w *world) pending(t *testing.T) string {
	t.Helper()
	s, err := fixture.SecretString(context.Background(), w.dsm, w.arn, rotation.StagePending)
	if err != nil {
		t.Fatal(err)
	}
	return headerValue(s)
}

// nopTarget is a rotation.Target test double that does nothing: the tests
// here only need createSecret.
type nopTarget struct{}

func (nopTarget) SetSecret(context.Context, rotation.SetSecretRequest) (rotation.SetSecretResponse, error) {
	return rotation.SetSecretResponse{}, nil
}

func (nopTarget) TestSecret(context.Context, rotation.TestSecretRequest) (rotation.TestSecretResponse, error) {
	return rotation.TestSecretResponse{}, nil
}
