package authorizer_test

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/internal/clocktest"
)

// TestRemovedPreviousLabelStopsWorking: a value that matches only
// AWSPREVIOUS is allowed only against a read younger than the refresh
// cooldown, so removing the label from the old version revokes it within
// the cooldown, not at the next TTL read. Under steady AWSPREVIOUS traffic
// the extra reads are at most one per cooldown.
func TestRemovedPreviousLabelStopsWorking(t *testing.T) {
	const step = 100 * time.Millisecond
	e := newVerifierEnv(t, authorizer.WithCacheTTL(5*time.Minute))
	e.verify(t, valCurrent)
	old := e.sm.versionOf("AWSCURRENT")
	e.rotate(valPending)
	e.clock.Advance(authorizer.DefaultRefreshCooldown)
	if got := e.verify(t, valPending); got != authorizer.AllowCurrent {
		t.Fatalf("new value: %v", got)
	}

	// A minute of steady AWSPREVIOUS traffic, ten requests a second.
	before := e.sm.count("DescribeSecret")
	for range int(time.Minute / step) {
		if got := e.verify(t, valCurrent); got != authorizer.AllowPrevious {
			t.Fatalf("old value within the grace window: %v", got)
		}
		e.clock.Advance(step)
	}
	perMinute := e.sm.count("DescribeSecret") - before
	t.Logf("steady AWSPREVIOUS traffic (10 requests/s), cooldown %v: %d reads per minute", authorizer.DefaultRefreshCooldown, perMinute)
	if max := int(time.Minute / authorizer.DefaultRefreshCooldown); perMinute > max || perMinute < max-1 {
		t.Errorf("%d reads per minute under AWSPREVIOUS traffic, want about one per cooldown (%d)", perMinute, max)
	}

	// The label goes 2.3 s into the next minute of the same traffic.
	var removed time.Time
	var lastAllowed time.Duration = -1
	for i := range int(time.Minute / step) {
		if i == int(2300*time.Millisecond/step) {
			e.sm.removeStage(old, "AWSPREVIOUS")
			removed = e.clock.Now()
		}
		d, err := e.v.Verify(context.Background(), valCurrent)
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed() && !removed.IsZero() {
			lastAllowed = e.clock.Now().Sub(removed)
		}
		e.clock.Advance(step)
	}
	t.Logf("AWSPREVIOUS removed: last allowed %v after the removal", lastAllowed)
	if lastAllowed >= authorizer.DefaultRefreshCooldown {
		t.Errorf("the old value was allowed %v after its label was removed, want less than the cooldown (%v)", lastAllowed, authorizer.DefaultRefreshCooldown)
	}
	// Without AWSPREVIOUS traffic nothing is read beyond the TTL: the reads
	// are confined to the grace window.
	e.clock.Advance(authorizer.DefaultPreviousGrace)
	before = e.sm.count("DescribeSecret")
	for range int(time.Minute / step) {
		e.verify(t, valPending)
		e.clock.Advance(step)
	}
	if got := e.sm.count("DescribeSecret") - before; got > 1 {
		t.Errorf("%d reads in a minute of AWSCURRENT traffic after the grace window, want at most one (the TTL)", got)
	}
}

// TestRotationEndRevokesTheOldCurrentValue: a Verifier whose read shows a
// rotation under way (a pending value) holds the old value as AWSCURRENT;
// once the rotation finished and AWSPREVIOUS was removed (REVOKE_PREVIOUS),
// the old value is refused within the cooldown, not at the next TTL read.
func TestRotationEndRevokesTheOldCurrentValue(t *testing.T) {
	e := newVerifierEnv(t, authorizer.WithCacheTTL(5*time.Minute))
	e.verify(t, valCurrent)
	old := e.sm.versionOf("AWSCURRENT")
	id := e.sm.put(jsonValue(valPending), "AWSPENDING")
	e.clock.Advance(authorizer.DefaultSettleDelay)
	if got := e.verify(t, valPending); got != authorizer.AllowPending {
		t.Fatalf("pending value: %v", got)
	}
	e.sm.finish(id)
	e.sm.removeStage(old, "AWSPREVIOUS")
	finished := e.clock.Now()
	var lastAllowed time.Duration = -1
	for range 600 {
		d, err := e.v.Verify(context.Background(), valCurrent)
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed() {
			lastAllowed = e.clock.Now().Sub(finished)
		}
		e.clock.Advance(100 * time.Millisecond)
	}
	t.Logf("rotation finished with AWSPREVIOUS removed: old value last allowed %v after", lastAllowed)
	if lastAllowed >= authorizer.DefaultRefreshCooldown {
		t.Errorf("the old value was allowed %v after the rotation removed it, want less than the cooldown", lastAllowed)
	}
}

// TestFreshReadFails: when the fresh read a value needs fails, AWSCURRENT is
// still allowed from the last good read (stale if error) while AWSPREVIOUS
// gets ErrUnavailable: its label may have been removed.
func TestFreshReadFails(t *testing.T) {
	e := newVerifierEnv(t)
	e.verify(t, valCurrent)
	e.sm.put(jsonValue(valPrevious), "AWSCURRENT") // valCurrent becomes AWSPREVIOUS
	e.sm.put(jsonValue(valPending), "AWSPENDING")
	e.clock.Advance(authorizer.DefaultRefreshCooldown)
	if got := e.verify(t, valPending); got != authorizer.AllowPending {
		t.Fatalf("pending: %v", got)
	}
	e.clock.Advance(time.Minute)
	e.sm.setFail(errThrottled)
	for _, tc := range []struct {
		value   string
		want    authorizer.Decision
		wantErr bool
	}{
		{valPrevious, authorizer.AllowCurrent, false},
		{valCurrent, authorizer.Deny, true},
		{valPending, authorizer.AllowPending, false},
	} {
		d, err := e.v.Verify(context.Background(), tc.value)
		if d != tc.want || errors.Is(err, authorizer.ErrUnavailable) != tc.wantErr {
			t.Errorf("Verify(%.12q...) while reads fail = %v, %v; want %v (error: %v)", tc.value, d, err, tc.want, tc.wantErr)
		}
	}
}

// TestRevocationAcrossWarmContainers: eight warm Verifiers of different
// TTLs and read ages share one secret; an attacker replays the old value to
// a random one every 50 ms. Once the AWSPREVIOUS label is gone, none allows
// it for more than 30 s (the goal); the test measures the worst case.
func TestRevocationAcrossWarmContainers(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	clock := clocktest.New(t0)
	sm := newSMDouble(valCurrent, clock.Now)
	quiet := slog.New(slog.DiscardHandler)
	var vs []*authorizer.Verifier
	for range 8 {
		v, err := authorizer.NewVerifier(sm, doubleARN, authorizer.WithClock(clock), authorizer.WithLogger(quiet),
			authorizer.WithCacheTTL(time.Duration(1+r.IntN(10))*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(context.Background(), valCurrent); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
		clock.Advance(time.Duration(r.IntN(30)) * time.Second)
	}
	old := sm.versionOf("AWSCURRENT")
	id := sm.put(jsonValue(valPending), "AWSPENDING")
	clock.Advance(authorizer.DefaultSettleDelay)
	// Half of them see the rotation begin, as edges start sending the value.
	for _, v := range vs[:4] {
		if d, err := v.Verify(context.Background(), valPending); d != authorizer.AllowPending || err != nil {
			t.Fatalf("pending: %v, %v", d, err)
		}
	}
	clock.Advance(2 * time.Minute) // CloudFront deploys
	sm.finish(id)
	for _, v := range vs[4:] {
		if d, err := v.Verify(context.Background(), valPending); !d.Allowed() || err != nil {
			t.Fatalf("new value after the rotation: %v, %v", d, err)
		}
	}
	// The attacker replays the old value throughout; the label goes a
	// minute and a bit after the rotation.
	const every = 50 * time.Millisecond
	var removed time.Time
	worst := time.Duration(-1)
	for i := range int(10 * time.Minute / every) {
		if i == int((time.Minute+2300*time.Millisecond)/every) {
			sm.removeStage(old, "AWSPREVIOUS")
			removed = clock.Now()
		}
		v := vs[r.IntN(len(vs))]
		d, err := v.Verify(context.Background(), valCurrent)
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed() && !removed.IsZero() {
			worst = max(worst, clock.Now().Sub(removed))
		}
		clock.Advance(every)
	}
	t.Logf("AWSPREVIOUS removed: worst case, the old value was allowed %v after the removal (8 warm containers)", worst)
	if worst > 30*time.Second {
		t.Errorf("a warm Verifier allowed the old value %v after its label was removed, want at most 30 s", worst)
	}
}
