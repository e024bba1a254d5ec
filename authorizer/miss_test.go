package authorizer_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/originlock/originlock/authorizer"
)

// TestRefreshOnMiss: a value stored as AWSPENDING after the Verifier's last
// read is allowed on its first appearance, with one read.
func TestRefreshOnMiss(t *testing.T) {
	e := newVerifierEnv(t)
	e.verify(t, valCurrent)
	before := e.sm.calls["DescribeSecret"]
	e.sm.put(jsonValue(valPending), "AWSPENDING")
	if got := e.verify(t, valPending); got != authorizer.AllowPending {
		t.Fatalf("new pending value: got %v, want AllowPending", got)
	}
	if got := e.sm.count("DescribeSecret") - before; got != 1 {
		t.Errorf("DescribeSecret calls for the miss = %d, want 1", got)
	}
	if got := e.sm.count("GetSecretValue"); got != 2 {
		t.Errorf("GetSecretValue calls = %d, want 2 (each version once)", got)
	}
	if got := e.verify(t, valCurrent); got != authorizer.AllowCurrent {
		t.Errorf("current value after the miss: got %v", got)
	}
}

// TestFloodOfUnknownValues: 10,000 random values over a minute cost one read
// per cooldown, none is allowed, and — with the rotation's settle delay
// assumed — every one gets a cacheable Deny (403), not ErrUnavailable (500):
// an attacker cannot choose the API's 5XX rate. With WithSettleDelay(0), the
// former behaviour, all but the one value per cooldown checked against its
// own read get ErrUnavailable.
func TestFloodOfUnknownValues(t *testing.T) {
	const n, span, cooldown = 10_000, time.Minute, 5 * time.Second
	for _, tc := range []struct {
		name            string
		settle          time.Duration
		wantUnavailable int
	}{
		{"settle delay assumed", authorizer.DefaultSettleDelay, 0},
		{"no settle delay", 0, n - int(span/cooldown)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newVerifierEnv(t, authorizer.WithRefreshCooldown(cooldown), authorizer.WithSettleDelay(tc.settle))
			e.verify(t, valCurrent)
			warm := e.sm.total()
			unavailable := 0
			for i := range n {
				value := valWrong[:50] + strings.Repeat("z", i%13) + string(rune('a'+i%26))
				d, err := e.v.Verify(context.Background(), value)
				if d.Allowed() {
					t.Fatalf("random value %d was allowed", i)
				}
				if errors.Is(err, authorizer.ErrUnavailable) {
					unavailable++
				} else if err != nil {
					t.Fatal(err)
				}
				e.clock.Advance(span / n)
			}
			t.Logf("flood of %d random values over %v, cooldown %v, settle delay %v: %.2f%% Deny (403), %.2f%% ErrUnavailable (500), %d Secrets Manager calls",
				n, span, cooldown, tc.settle, 100*float64(n-unavailable)/n, 100*float64(unavailable)/n, e.sm.total()-warm)
			if unavailable != tc.wantUnavailable {
				t.Errorf("%d values got ErrUnavailable, want %d", unavailable, tc.wantUnavailable)
			}
			if got, want := e.sm.total()-warm, int(span/cooldown); got != want {
				t.Errorf("Secrets Manager calls caused by the flood = %d, want %d (one DescribeSecret per cooldown)", got, want)
			}
		})
	}
}

// TestCooldownWithoutARecentRead: within the cooldown, an unknown value is
// denied only against a read recent enough to have seen every value
// CloudFront may send; when the miss read failed and the last good read is
// older, it gets ErrUnavailable.
func TestCooldownWithoutARecentRead(t *testing.T) {
	e := newVerifierEnv(t, authorizer.WithCacheTTL(time.Hour))
	e.verify(t, valCurrent)
	e.clock.Advance(time.Minute)
	e.sm.setFail(errThrottled)
	if _, err := e.v.Verify(context.Background(), valWrong); !errors.Is(err, authorizer.ErrUnavailable) {
		t.Fatalf("unknown value, miss read failing: got %v, want ErrUnavailable", err)
	}
	e.clock.Advance(time.Second)
	_, err := e.v.Verify(context.Background(), valWrong+"x")
	var ue *authorizer.UnavailableError
	if !errors.As(err, &ue) || ue.Reason != authorizer.ReasonCooldown {
		t.Errorf("unknown value within the cooldown, last good read a minute old: got %v, want ErrUnavailable (%s)", err, authorizer.ReasonCooldown)
	}
	e.sm.setFail(nil)
	e.clock.Advance(authorizer.DefaultRefreshCooldown)
	if got := e.verify(t, valWrong); got != authorizer.Deny {
		t.Fatalf("after the cooldown: got %v, want Deny", got)
	}
	e.clock.Advance(time.Second)
	if got := e.verify(t, valWrong+"x"); got != authorizer.Deny {
		t.Errorf("unknown value within the cooldown after a good read: got %v, want Deny", got)
	}
}

func TestSettleDelayInvariant(t *testing.T) {
	cases := []struct {
		name string
		opts []authorizer.Option
		ok   bool
	}{
		{"defaults", nil, true},
		{"cooldown too long", []authorizer.Option{authorizer.WithRefreshCooldown(7 * time.Second)}, false},
		{"read timeout too long", []authorizer.Option{authorizer.WithReadTimeout(5 * time.Second)}, false},
		{"settle delay too short", []authorizer.Option{authorizer.WithSettleDelay(9 * time.Second)}, false},
		{"longer settle delay", []authorizer.Option{authorizer.WithSettleDelay(time.Minute), authorizer.WithRefreshCooldown(30 * time.Second)}, true},
		{"no settle delay assumed", []authorizer.Option{authorizer.WithSettleDelay(0), authorizer.WithRefreshCooldown(time.Minute)}, true},
		{"negative", []authorizer.Option{authorizer.WithSettleDelay(-time.Second)}, false},
	}
	for _, tc := range cases {
		_, err := authorizer.NewVerifier(newSMDouble(valCurrent, time.Now), doubleARN, tc.opts...)
		if (err == nil) != tc.ok {
			t.Errorf("%s: NewVerifier error %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && tc.ok == false && tc.name != "negative" && !strings.Contains(err.Error(), "WithSettleDelay") {
			t.Errorf("%s: error %q does not name WithSettleDelay", tc.name, err)
		}
	}
}

// newPendingBehindHeldReads returns a warm Verifier whose secret has just
// gained a pending value, and whose next DescribeSecret signals entered and
// then waits until hold is closed.
func newPendingBehindHeldReads(t *testing.T) (e *verifierEnv, hold, entered chan struct{}) {
	t.Helper()
	e = newVerifierEnv(t)
	e.verify(t, valCurrent)
	e.sm.put(jsonValue(valPending), "AWSPENDING")
	hold, entered = make(chan struct{}), make(chan struct{}, 1)
	e.sm.mu.Lock()
	e.sm.hold, e.sm.entered = hold, entered
	e.sm.mu.Unlock()
	return e, hold, entered
}

// TestConcurrentMissesShareOneRead holds Secrets Manager while 50 requests
// with the new value arrive, then lets it answer once.
func TestConcurrentMissesShareOneRead(t *testing.T) {
	e, hold, entered := newPendingBehindHeldReads(t)

	var wg sync.WaitGroup
	results := make(chan authorizer.Decision, 50)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := e.v.Verify(context.Background(), valPending)
			if err != nil {
				t.Error(err)
			}
			results <- d
		}()
	}
	<-entered // one request is reading; the others join it or arrive later
	if len(results) != 0 {
		t.Fatal("a request finished while the read was held")
	}
	close(hold)
	wg.Wait()
	close(results)
	for d := range results {
		if d != authorizer.AllowPending {
			t.Errorf("a concurrent request got %v, want AllowPending", d)
		}
	}
	if got := e.sm.count("DescribeSecret"); got != 2 {
		t.Errorf("DescribeSecret calls = %d, want 2 (first read, one shared miss read)", got)
	}
}

// TestCallerCancelDoesNotFailTheSharedRead: a request that starts the read
// for an unknown value and then goes away (its client hung up) must not fail
// that read for the requests waiting on it.
func TestCallerCancelDoesNotFailTheSharedRead(t *testing.T) {
	e, hold, entered := newPendingBehindHeldReads(t)

	gone, hangUp := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := e.v.Verify(gone, valWrong) // starts the shared read
		first <- err
	}()
	<-entered
	second := make(chan authorizer.Decision, 1)
	go func() {
		d, err := e.v.Verify(context.Background(), valPending) // joins it
		if err != nil {
			t.Error(err)
		}
		second <- d
	}()
	hangUp()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("the request that hung up: got %v, want its own cancellation", err)
	}
	close(hold)
	if d := <-second; d != authorizer.AllowPending {
		t.Errorf("the waiting request: got %v, want AllowPending", d)
	}
}

// TestMissAfterASharedReadCleared: a request that loaded the snapshot before
// a shared miss read published a newer one, and reaches the refresh-on-miss
// lock after that read is over (within the cooldown), decides against the
// newer read instead of answering ErrUnavailable. The hook orders the two
// requests deterministically.
func TestMissAfterASharedReadCleared(t *testing.T) {
	var e *verifierEnv
	once := false
	e = newVerifierEnv(t, authorizer.WithHookBeforeMiss(func() {
		if once {
			return
		}
		once = true
		// The first request has loaded the old snapshot and missed; another
		// request now makes the shared read, which publishes the new value
		// and clears the flight before the first request goes on.
		if got := e.verify(t, valPending); got != authorizer.AllowPending {
			t.Errorf("the request that made the shared read: got %v, want AllowPending", got)
		}
	}))
	e.verify(t, valCurrent)
	e.sm.put(jsonValue(valPending), "AWSPENDING")
	d, err := e.v.Verify(context.Background(), valPending)
	if d != authorizer.AllowPending || err != nil {
		t.Errorf("the request that loaded the snapshot before the shared read: got %v, %v; want AllowPending", d, err)
	}
	if got := e.sm.count("DescribeSecret"); got != 2 {
		t.Errorf("DescribeSecret calls = %d, want 2 (first read, one shared miss read)", got)
	}
}
