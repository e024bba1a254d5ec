package rotation_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/originlock/originlock/rotation"
	"github.com/originlock/originlock/rotation/rotationtest"
)

// memWorld is a test double for an origin behind a sender: the values the
// origin accepts and the value the sender sends, with a log of the calls and
// failures to inject.
type memWorld struct {
	mu       sync.Mutex
	accepted map[string]bool
	sent     string
	calls    []string
	// violations records every time the sender started sending a value the
	// origin refused.
	violations int
	fail       map[string]error // "member.Method" -> error, used once
}

func newMemWorld(initial string) *memWorld {
	return &memWorld{accepted: map[string]bool{initial: true}, sent: initial, fail: map[string]error{}}
}

func (w *memWorld) enter(call string) error {
	w.calls = append(w.calls, call)
	if err, ok := w.fail[call]; ok {
		delete(w.fail, call)
		return err
	}
	return nil
}

// acceptDouble is an origin-side test double target: SetSecret adds the
// pending and current values, FinishSecret keeps only current and previous.
type acceptDouble struct {
	w    *memWorld
	name string
}

func (d *acceptDouble) SetSecret(_ context.Context, req rotation.SetSecretRequest) (rotation.SetSecretResponse, error) {
	d.w.mu.Lock()
	defer d.w.mu.Unlock()
	if err := d.w.enter(d.name + ".SetSecret"); err != nil {
		return rotation.SetSecretResponse{}, err
	}
	d.w.accepted[string(req.Pending)], d.w.accepted[string(req.Current)] = true, true
	return rotation.SetSecretResponse{}, nil
}

func (d *acceptDouble) TestSecret(_ context.Context, req rotation.TestSecretRequest) (rotation.TestSecretResponse, error) {
	d.w.mu.Lock()
	defer d.w.mu.Unlock()
	if err := d.w.enter(d.name + ".TestSecret"); err != nil {
		return rotation.TestSecretResponse{}, err
	}
	if !req.ConfigOnly && !d.w.accepted[string(req.Pending)] {
		return rotation.TestSecretResponse{}, errors.New("accept double: pending value not accepted")
	}
	return rotation.TestSecretResponse{}, nil
}

func (d *acceptDouble) FinishSecret(_ context.Context, req rotation.FinishSecretRequest) (rotation.FinishSecretResponse, error) {
	d.w.mu.Lock()
	defer d.w.mu.Unlock()
	if err := d.w.enter(d.name + ".FinishSecret"); err != nil {
		return rotation.FinishSecretResponse{}, err
	}
	for v := range d.w.accepted {
		if v != string(req.Current) && v != string(req.Previous) {
			delete(d.w.accepted, v)
		}
	}
	return rotation.FinishSecretResponse{}, nil
}

// sendDouble is a sending test double target (a stand-in for CloudFront).
// It is not a Finisher.
type sendDouble struct {
	w    *memWorld
	name string
}

func (d *sendDouble) SetSecret(_ context.Context, req rotation.SetSecretRequest) (rotation.SetSecretResponse, error) {
	d.w.mu.Lock()
	defer d.w.mu.Unlock()
	if err := d.w.enter(d.name + ".SetSecret"); err != nil {
		return rotation.SetSecretResponse{}, err
	}
	if !d.w.accepted[string(req.Pending)] {
		d.w.violations++
	}
	d.w.sent = string(req.Pending)
	return rotation.SetSecretResponse{}, nil
}

func (d *sendDouble) TestSecret(_ context.Context, req rotation.TestSecretRequest) (rotation.TestSecretResponse, error) {
	d.w.mu.Lock()
	defer d.w.mu.Unlock()
	if err := d.w.enter(d.name + ".TestSecret"); err != nil {
		return rotation.TestSecretResponse{}, err
	}
	if !req.ConfigOnly && d.w.sent != string(req.Pending) {
		return rotation.TestSecretResponse{}, errors.New("send double: pending value not sent")
	}
	return rotation.TestSecretResponse{}, nil
}

func newTestComposite(t testing.TB, w *memWorld) *rotation.Composite {
	t.Helper()
	c, err := rotation.NewComposite(rotation.CompositeConfig{
		Accepting: []rotation.Member{{Name: "waf", Target: &acceptDouble{w: w, name: "waf"}}, {Name: "apikey", Target: &acceptDouble{w: w, name: "apikey"}}},
		Sending:   []rotation.Member{{Name: "cloudfront", Target: &sendDouble{w: w, name: "cloudfront"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCompositeConforms runs the conformance kit on a Composite of test
// doubles, and checks on every look that the sender never sends a value the
// origin refuses: every method twice, a crash after every call, retries out
// of order.
func TestCompositeConforms(t *testing.T) {
	rotationtest.Run(t, func(t *testing.T) rotationtest.Backend {
		initial := strings.Repeat("I", 64)
		w := newMemWorld(initial)
		return rotationtest.Backend{
			Role:      rotationtest.Sends,
			Initial:   initial,
			NewTarget: func(t testing.TB, _ rotationtest.Env) rotation.Target { return newTestComposite(t, w) },
			Uses: func(t testing.TB) []string {
				w.mu.Lock()
				defer w.mu.Unlock()
				if !w.accepted[w.sent] || w.violations > 0 {
					t.Errorf("the sender sent a value the origin refused (%d times)", w.violations)
				}
				return []string{w.sent}
			},
		}
	})
}

func TestCompositeOrder(t *testing.T) {
	w := newMemWorld("current")
	c := newTestComposite(t, w)
	req := rotation.SetSecretRequest{Pending: "pending", Current: "current"}
	if _, err := c.SetSecret(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TestSecret(t.Context(), rotation.TestSecretRequest{Pending: "pending", Current: "current"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.FinishSecret(t.Context(), rotation.FinishSecretRequest{Current: "pending", Previous: "current"}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		// Every accepting member is set before any is tested, so that their
		// propagation waits overlap.
		"waf.SetSecret", "apikey.SetSecret", "waf.TestSecret", "apikey.TestSecret", "cloudfront.SetSecret",
		"waf.TestSecret", "apikey.TestSecret", "cloudfront.TestSecret",
		"waf.FinishSecret", "apikey.FinishSecret", // cloudfront's double is no Finisher
	}
	if !slices.Equal(w.calls, want) {
		t.Errorf("calls:\n got %v\nwant %v", w.calls, want)
	}
}

// TestCompositeCrashBetweenMembers fails each member call once, as a crash
// there would, and checks that the sender never moves before the accepting
// members confirm, and that the retry completes.
func TestCompositeCrashBetweenMembers(t *testing.T) {
	for _, call := range []string{"waf.SetSecret", "waf.TestSecret", "apikey.SetSecret", "apikey.TestSecret", "cloudfront.SetSecret"} {
		t.Run(call, func(t *testing.T) {
			w := newMemWorld("current")
			injected := errors.New("double: injected failure")
			w.fail[call] = injected
			req := rotation.SetSecretRequest{Pending: "pending", Current: "current"}
			_, err := newTestComposite(t, w).SetSecret(t.Context(), req)
			var me *rotation.MemberError
			if !errors.As(err, &me) || !errors.Is(err, injected) || me.Member+"."+me.Method != call {
				t.Fatalf("err = %v, want a *MemberError for %s wrapping the injected failure", err, call)
			}
			if call != "cloudfront.SetSecret" && w.sent != "current" {
				t.Fatal("the sender moved although an accepting member failed")
			}
			// The retry goes to a new Composite (a new Lambda container).
			if _, err := newTestComposite(t, w).SetSecret(t.Context(), req); err != nil {
				t.Fatal(err)
			}
			if w.sent != "pending" || !w.accepted["pending"] || w.violations != 0 {
				t.Errorf("after the retry: sent pending %v, accepted %v, violations %d", w.sent == "pending", w.accepted["pending"], w.violations)
			}
		})
	}
}

func TestCompositeFinishTellsEveryMember(t *testing.T) {
	w := newMemWorld("current")
	first := errors.New("double: waf finish failed")
	w.fail["waf.FinishSecret"] = first
	w.accepted["old"] = true
	_, err := newTestComposite(t, w).FinishSecret(t.Context(), rotation.FinishSecretRequest{Current: "current", Previous: "previous"})
	if !errors.Is(err, first) {
		t.Fatalf("err = %v, want the waf member's failure", err)
	}
	if !slices.Contains(w.calls, "apikey.FinishSecret") || w.accepted["old"] {
		t.Error("a failing member kept the next one from finishing")
	}
}

func TestNewCompositeRefusesBadConfig(t *testing.T) {
	d := &sendDouble{w: newMemWorld("x")}
	for name, cfg := range map[string]rotation.CompositeConfig{
		"empty":     {},
		"no name":   {Sending: []rotation.Member{{Target: d}}},
		"no target": {Sending: []rotation.Member{{Name: "cloudfront"}}},
		"twice":     {Accepting: []rotation.Member{{Name: "x", Target: d}}, Sending: []rotation.Member{{Name: "x", Target: d}}},
	} {
		if _, err := rotation.NewComposite(cfg); !errors.Is(err, rotation.ErrInvalidComposite) {
			t.Errorf("%s: err = %v, want ErrInvalidComposite", name, err)
		}
	}
}
