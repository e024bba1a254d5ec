package authorizer_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/internal/clocktest"
)

const (
	valCurrent  = "CurrentValue0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
	valPending  = "PendingValue0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
	valPrevious = "PreviousValu0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
	valWrong    = "WrongValue000123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
)

var t0 = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// verifierEnv is a Verifier over an smDouble with a fake clock and captured logs.
type verifierEnv struct {
	sm    *smDouble
	clock *clocktest.Clock
	v     *authorizer.Verifier
	logs  *bytes.Buffer
}

func newVerifierEnv(t testing.TB, opts ...authorizer.Option) *verifierEnv {
	t.Helper()
	clock := clocktest.New(t0)
	e := &verifierEnv{sm: newSMDouble(valCurrent, clock.Now), clock: clock, logs: &bytes.Buffer{}}
	logger := slog.New(slog.NewJSONHandler(&lockedWriter{w: e.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	v, err := authorizer.NewVerifier(e.sm, doubleARN, append([]authorizer.Option{authorizer.WithClock(e.clock), authorizer.WithLogger(logger)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	e.v = v
	return e
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (e *verifierEnv) verify(t testing.TB, value string) authorizer.Decision {
	t.Helper()
	d, err := e.v.Verify(context.Background(), value)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return d
}

// rotate plays a whole rotation on the double: a new pending version, then
// finishSecret. It returns the new version's ID.
func (e *verifierEnv) rotate(newValue string) string {
	id := e.sm.put(jsonValue(newValue), "AWSPENDING")
	e.sm.finish(id)
	return id
}

func TestVerifyStages(t *testing.T) {
	e := newVerifierEnv(t)
	e.sm.put(jsonValue(valPrevious), "AWSCURRENT") // valCurrent becomes AWSPREVIOUS...
	e.sm.put(jsonValue(valCurrent), "AWSCURRENT")  // ...then current again: set up the three stages
	e.sm.put(jsonValue(valPending), "AWSPENDING")
	// Stages now: current=valCurrent, previous=valPrevious, pending=valPending.
	cases := []struct {
		value string
		want  authorizer.Decision
	}{
		{valCurrent, authorizer.AllowCurrent},
		{valPending, authorizer.AllowPending},
		{valPrevious, authorizer.AllowPrevious},
		{valWrong, authorizer.Deny},
		{"", authorizer.Deny},
		{valCurrent[:len(valCurrent)-1], authorizer.Deny},
		{valCurrent + "x", authorizer.Deny},
		{strings.ToLower(valCurrent), authorizer.Deny},
		{strings.Repeat("x", authorizer.MaxValueLength+1), authorizer.Deny},
		{valCurrent[:10] + "\x00" + valCurrent[11:], authorizer.Deny},
	}
	for _, tc := range cases {
		if got := e.verify(t, tc.value); got != tc.want {
			t.Errorf("Verify(%.12q...) = %v, want %v", tc.value, got, tc.want)
		}
		e.clock.Advance(authorizer.DefaultRefreshCooldown) // each unknown value gets its own read
	}
}

// TestDenyWithoutReadAllocatesNothing: a value that can never be valid — a
// missing header above all, the usual probe of the origin — is refused
// without a read and without building an error.
func TestDenyWithoutReadAllocatesNothing(t *testing.T) {
	e := newVerifierEnv(t)
	e.verify(t, valCurrent) // the first read
	for _, value := range []string{"", " " + valCurrent, strings.Repeat("x", authorizer.MaxValueLength+1), "a\x00b", valCurrent[:20] + "," + valCurrent[21:]} {
		var d authorizer.Decision
		var err error
		allocs := testing.AllocsPerRun(100, func() { d, err = e.v.Verify(context.Background(), value) })
		if d != authorizer.Deny || err != nil {
			t.Errorf("Verify(%.12q...) = %v, %v; want Deny, nil", value, d, err)
		}
		if allocs != 0 {
			t.Errorf("Verify(%.12q...) made %v allocations, want 0", value, allocs)
		}
	}
	if n := e.sm.count("DescribeSecret"); n != 1 {
		t.Errorf("DescribeSecret calls = %d, want 1 (the first read only)", n)
	}
}

func TestPreviousGraceWindow(t *testing.T) {
	e := newVerifierEnv(t, authorizer.WithPreviousGrace(15*time.Minute))
	if got := e.verify(t, valCurrent); got != authorizer.AllowCurrent {
		t.Fatalf("warm-up: got %v", got)
	}
	e.rotate(valPending)
	// The first request with the new value reads again (refresh on miss) and
	// sees the rotation: the old value is AWSPREVIOUS from now on.
	if got := e.verify(t, valPending); got != authorizer.AllowCurrent {
		t.Fatalf("new value: got %v, want AllowCurrent", got)
	}
	e.clock.Advance(14 * time.Minute)
	if got := e.verify(t, valCurrent); got != authorizer.AllowPrevious {
		t.Errorf("old value within the grace window: got %v, want AllowPrevious", got)
	}
	e.clock.Advance(2 * time.Minute)
	if got := e.verify(t, valCurrent); got != authorizer.Deny {
		t.Errorf("old value after the grace window: got %v, want Deny", got)
	}
}

func TestPreviousGraceDisabled(t *testing.T) {
	e := newVerifierEnv(t, authorizer.WithPreviousGrace(0))
	e.verify(t, valCurrent)
	e.rotate(valPending)
	e.verify(t, valPending)
	e.clock.Advance(authorizer.DefaultRefreshCooldown)
	if got := e.verify(t, valCurrent); got != authorizer.Deny {
		t.Errorf("old value with grace 0: got %v, want Deny", got)
	}
}

// TestPreviousGraceColdStart: a Verifier that starts after a rotation counts
// the grace window from the secret's LastChangedDate.
func TestPreviousGraceColdStart(t *testing.T) {
	e := newVerifierEnv(t, authorizer.WithPreviousGrace(15*time.Minute))
	e.rotate(valPending) // LastChangedDate = t0 in the double
	e.clock.Advance(10 * time.Minute)
	if got := e.verify(t, valCurrent); got != authorizer.AllowPrevious {
		t.Errorf("10 minutes after the rotation: got %v, want AllowPrevious", got)
	}
	e2 := newVerifierEnv(t, authorizer.WithPreviousGrace(15*time.Minute))
	e2.rotate(valPending)
	e2.clock.Advance(16 * time.Minute)
	if got := e2.verify(t, valCurrent); got != authorizer.Deny {
		t.Errorf("16 minutes after the rotation: got %v, want Deny", got)
	}
}

// TestPreviousWindowStartsAtTheRotation: a warm Verifier that gets no
// request for hours after a rotation learns of it late, but still counts the
// grace window from the rotation, not from its late read.
func TestPreviousWindowStartsAtTheRotation(t *testing.T) {
	e := newVerifierEnv(t)
	if got := e.verify(t, valCurrent); got != authorizer.AllowCurrent {
		t.Fatalf("warm-up: %v", got)
	}
	e.rotate(valPending)
	e.clock.Advance(3 * time.Hour)
	if got := e.verify(t, valCurrent); got != authorizer.Deny {
		t.Errorf("old value 3 h after the rotation: %v, want Deny (grace is 15 min)", got)
	}
}

// TestPreviousWindowColdStartDuringTheNextRotation: a Verifier that
// starts while the next rotation begins (its pending version has no value
// yet) cannot tell when the last rotation ended, only that it ended before
// RotateSecret changed the secret: it counts the window from there, which can
// be late but is never early.
func TestPreviousWindowColdStartDuringTheNextRotation(t *testing.T) {
	e := newVerifierEnv(t)
	e.rotate(valPending)
	e.clock.Advance(3 * time.Hour)
	e.sm.putEmpty() // the next rotation begins: LastChangedDate moves to now
	e.clock.Advance(10 * time.Minute)
	if got := e.verify(t, valCurrent); got != authorizer.AllowPrevious {
		t.Errorf("old value, cold Verifier, 10 min into the next rotation: %v, want AllowPrevious", got)
	}
	e.clock.Advance(6 * time.Minute)
	if got := e.verify(t, valCurrent); got != authorizer.Deny {
		t.Errorf("old value, 16 min into the next rotation: %v, want Deny", got)
	}
}

// TestPreviousWindowMovedByHand: when AWSCURRENT was moved by hand, the
// window runs from that change (LastChangedDate).
func TestPreviousWindowMovedByHand(t *testing.T) {
	e := newVerifierEnv(t)
	id := e.sm.put(jsonValue(valPending), "AWSPENDING")
	e.clock.Advance(time.Hour)
	e.sm.mu.Lock()
	e.sm.move(id, "AWSCURRENT") // by hand: LastChangedDate moves
	e.sm.mu.Unlock()
	e.clock.Advance(10 * time.Minute)
	if got := e.verify(t, valCurrent); got != authorizer.AllowPrevious {
		t.Errorf("10 min after a move by hand: %v, want AllowPrevious", got)
	}
	e.clock.Advance(6 * time.Minute)
	if got := e.verify(t, valCurrent); got != authorizer.Deny {
		t.Errorf("16 min after a move by hand: %v, want Deny", got)
	}
}

// TestPendingWithoutValue: between RotateSecret and createSecret, AWSPENDING
// names a version without a value; that is normal, not a failure.
func TestPendingWithoutValue(t *testing.T) {
	e := newVerifierEnv(t)
	e.sm.putEmpty()
	if got := e.verify(t, valCurrent); got != authorizer.AllowCurrent {
		t.Fatalf("got %v, want AllowCurrent", got)
	}
	if got := e.verify(t, valWrong); got != authorizer.Deny {
		t.Fatalf("got %v, want Deny", got)
	}
}

// TestSteadyStateCalls: 10,000 requests with valid values over 10 TTLs cost
// at most 2 Secrets Manager calls per TTL.
func TestSteadyStateCalls(t *testing.T) {
	const ttl = time.Minute
	e := newVerifierEnv(t, authorizer.WithCacheTTL(ttl))
	e.verify(t, valCurrent) // first read: 1 DescribeSecret + 1 GetSecretValue
	warm := e.sm.total()
	for i := range 10_000 {
		e.clock.Advance(10 * ttl / 10_000)
		if got := e.verify(t, valCurrent); got != authorizer.AllowCurrent {
			t.Fatalf("request %d: got %v", i, got)
		}
	}
	calls := e.sm.total() - warm
	if calls > 2*10 {
		t.Errorf("%d Secrets Manager calls over 10 TTLs, want at most 20", calls)
	}
	if calls < 10 {
		t.Errorf("%d calls over 10 TTLs: the Verifier did not re-read every TTL", calls)
	}
	if got := e.sm.count("GetSecretValue"); got != 1 {
		t.Errorf("GetSecretValue calls = %d, want 1: values are fetched once per version", got)
	}
}

func TestStaleIfError(t *testing.T) {
	e := newVerifierEnv(t, authorizer.WithCacheTTL(time.Minute), authorizer.WithMaxStaleness(time.Hour))
	e.verify(t, valCurrent)
	e.sm.setFail(errThrottled)

	e.clock.Advance(59 * time.Minute)
	if got := e.verify(t, valCurrent); got != authorizer.AllowCurrent {
		t.Errorf("within max staleness: got %v, want AllowCurrent", got)
	}
	if _, err := e.v.Verify(context.Background(), valWrong); !errors.Is(err, authorizer.ErrUnavailable) {
		t.Errorf("unknown value while Secrets Manager fails: got %v, want ErrUnavailable (not a cacheable Deny)", err)
	}
	failed := e.sm.count("DescribeSecret")
	e.clock.Advance(2 * time.Minute)
	d, err := e.v.Verify(context.Background(), valCurrent)
	if !errors.Is(err, authorizer.ErrUnavailable) || d.Allowed() {
		t.Fatalf("beyond max staleness: got %v, %v; want Deny with ErrUnavailable", d, err)
	}
	if !strings.Contains(err.Error(), "old") {
		t.Errorf("error %q should say the last good read is too old", err)
	}
	if e.sm.count("DescribeSecret") == failed {
		t.Error("the Verifier stopped retrying")
	}

	e.sm.setFail(nil)
	e.clock.Advance(10 * time.Second) // past the retry cooldown
	if got := e.verify(t, valCurrent); got != authorizer.AllowCurrent {
		t.Errorf("after Secrets Manager recovers: got %v, want AllowCurrent", got)
	}
}

func TestFirstReadFails(t *testing.T) {
	e := newVerifierEnv(t, authorizer.WithRefreshCooldown(5*time.Second))
	e.sm.setFail(errInjected)
	for range 100 {
		if _, err := e.v.Verify(context.Background(), valCurrent); !errors.Is(err, authorizer.ErrUnavailable) {
			t.Fatalf("got %v, want ErrUnavailable", err)
		}
	}
	if got := e.sm.count("DescribeSecret"); got != 1 {
		t.Errorf("DescribeSecret calls = %d, want 1 per cooldown", got)
	}
	if logs := e.logs.String(); strings.Contains(logs, "last good read") || !strings.Contains(logs, "no read has succeeded yet") {
		t.Errorf("the log of a failed first read must say no read has succeeded, not mention a last good read:\n%s", logs)
	}
	e.sm.setFail(nil)
	e.clock.Advance(5 * time.Second)
	if err := e.v.Load(context.Background()); err != nil {
		t.Fatalf("Load after recovery: %v", err)
	}
	if got := e.verify(t, valCurrent); got != authorizer.AllowCurrent {
		t.Errorf("got %v, want AllowCurrent", got)
	}
}

// TestLoadFailureDoesNotHoldTheFirstRequest: a failed read during Lambda
// init must not make the first request wait out the cooldown.
func TestLoadFailureDoesNotHoldTheFirstRequest(t *testing.T) {
	e := newVerifierEnv(t)
	e.sm.setFail(errInjected)
	if err := e.v.Load(context.Background()); err == nil {
		t.Fatal("Load succeeded against a failing Secrets Manager")
	}
	e.sm.setFail(nil)
	if got := e.verify(t, valCurrent); got != authorizer.AllowCurrent {
		t.Errorf("first request after a failed Load: got %v, want AllowCurrent", got)
	}
}

// TestPendingFilledAfterAnEmptyRead: a pending version read while still
// empty (between RotateSecret and createSecret) is read again once it holds
// its value.
func TestPendingFilledAfterAnEmptyRead(t *testing.T) {
	e := newVerifierEnv(t)
	id := e.sm.putEmpty()
	if got := e.verify(t, valCurrent); got != authorizer.AllowCurrent {
		t.Fatalf("got %v", got)
	}
	e.sm.mu.Lock()
	v := jsonValue(valPending)
	e.sm.versions[id].value = &v // createSecret stores the value
	e.sm.mu.Unlock()
	if got := e.verify(t, valPending); got != authorizer.AllowPending {
		t.Errorf("the value stored after an empty read: got %v, want AllowPending", got)
	}
}

func TestSecretFormats(t *testing.T) {
	t.Run("plain", func(t *testing.T) {
		e := newVerifierEnv(t, authorizer.WithPlainValue())
		e.sm.put(valPending, "AWSCURRENT")
		if got := e.verify(t, valPending); got != authorizer.AllowCurrent {
			t.Errorf("got %v, want AllowCurrent", got)
		}
	})
	t.Run("JSON key", func(t *testing.T) {
		e := newVerifierEnv(t, authorizer.WithJSONKey("owner"))
		if got := e.verify(t, "team-api"); got != authorizer.AllowCurrent {
			t.Errorf("got %v, want AllowCurrent", got)
		}
	})
	t.Run("malformed current", func(t *testing.T) {
		e := newVerifierEnv(t)
		e.sm.put("not json: "+valPrevious, "AWSCURRENT")
		e.sm.put(jsonValue(valPending), "AWSPENDING")
		if got := e.verify(t, valPending); got != authorizer.AllowPending {
			t.Errorf("pending beside a malformed current: got %v, want AllowPending", got)
		}
		if got := e.verify(t, "not json: "+valPrevious); got != authorizer.Deny {
			t.Errorf("the malformed secret string itself: got %v, want Deny", got)
		}
		if strings.Contains(e.logs.String(), valPrevious) {
			t.Error("the logs contain the malformed secret string")
		}
	})
}

func TestNewVerifierRefusesBadOptions(t *testing.T) {
	cases := map[string][]authorizer.Option{
		"zero TTL":           {authorizer.WithCacheTTL(0)},
		"negative cooldown":  {authorizer.WithRefreshCooldown(-time.Second)},
		"negative grace":     {authorizer.WithPreviousGrace(-time.Second)},
		"zero max staleness": {authorizer.WithMaxStaleness(0)},
		"empty key":          {authorizer.WithJSONKey("")},
		"nil clock":          {authorizer.WithClock(nil)},
		"nil logger":         {authorizer.WithLogger(nil)},
		"zero read timeout":  {authorizer.WithReadTimeout(0)},
	}
	for name, opts := range cases {
		if _, err := authorizer.NewVerifier(newSMDouble(valCurrent, time.Now), doubleARN, opts...); err == nil {
			t.Errorf("%s: NewVerifier succeeded, want an error", name)
		}
	}
	if _, err := authorizer.NewVerifier(nil, doubleARN); err == nil {
		t.Error("nil client: NewVerifier succeeded")
	}
	if _, err := authorizer.NewVerifier(newSMDouble(valCurrent, time.Now), ""); err == nil {
		t.Error("empty secret ID: NewVerifier succeeded")
	}
}

// TestValueWithACommaIsNeverAccepted: one rule for every layer. HTTP APIs
// cannot tell a value with a comma from a header sent twice, so a secret
// holding one is not usable (it is logged, not accepted), and such a value
// is denied without a read by every adapter.
func TestValueWithACommaIsNeverAccepted(t *testing.T) {
	withComma := valPending[:20] + "," + valPending[21:]
	e := newVerifierEnv(t)
	e.sm.put(jsonValue(withComma), "AWSPENDING")
	if got := e.verify(t, valCurrent); got != authorizer.AllowCurrent {
		t.Fatalf("current: %v", got)
	}
	reads := e.sm.count("DescribeSecret")
	if got := e.verify(t, withComma); got != authorizer.Deny {
		t.Errorf("a stored value with a comma: %v, want Deny", got)
	}
	if got := e.sm.count("DescribeSecret") - reads; got != 0 {
		t.Errorf("a value with a comma caused %d reads, want none", got)
	}
	if !strings.Contains(e.logs.String(), "no usable value") {
		t.Errorf("the unusable pending value was not logged:\n%s", e.logs)
	}
}
