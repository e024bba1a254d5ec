package simulation_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/originlock/originlock/authorizer"
)

// seeds are the runs a test makes; SIMULATION_SEED=n runs seed n alone (to
// reproduce a failure). Under the race detector, which slows this
// single-goroutine simulation tenfold and has nothing to find in it, only
// the first seed runs.
func seeds(t *testing.T, defaults ...uint64) []uint64 {
	t.Helper()
	if raceEnabled {
		defaults = defaults[:1]
	}
	if s := os.Getenv("SIMULATION_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("SIMULATION_SEED=%q: %v", s, err)
		}
		return []uint64{n}
	}
	return defaults
}

func (c counts) String() string {
	return fmt.Sprintf("%d rotations (%d attempts, %d CloudFront updates) over %v simulated; legitimate: %d requests, %d denied, %d served a cached Deny, %d answered 500; forged: %d, %d allowed; replays of retired values: %d, %d accepted (latest %v after retirement); %d authorizer invocations, %d Verifier reads, %d containers",
		c.Rotations, c.Attempts, c.Updates, c.SimTime.Round(time.Minute), c.Legit, c.LegitDenied, c.LegitCachedDeny, c.LegitUnavailable,
		c.Forged, c.ForgedAllowed, c.Replays, c.ReplaysLate, c.MaxReplayLateness.Round(time.Second), c.Invocations, c.VerifierReads, c.Containers)
}

// TestPropagationSimulation is the simulation of zero downtime: per seed, a
// random deployment (edges, propagation lags, stragglers, API Gateway TTL,
// containers and their ages, cache TTLs and cooldowns, traffic) lives
// through 100 rotations back to back. No legitimate request may be refused
// in any way (Deny, cached Deny, 500), no forged one let in, every rotation
// must complete, CloudFront must never be given a value the authorizer would
// refuse, and no value may reach a log.
func TestPropagationSimulation(t *testing.T) {
	for _, seed := range seeds(t, 1, 2, 3, 4, 5) {
		t.Run(fmt.Sprint("seed-", seed), func(t *testing.T) {
			t.Parallel()
			p := randomParams(seed)
			start := time.Now()
			s := newSim(p)
			c := s.run()
			t.Logf("%s\n  %s\n  (%v)", p, c, time.Since(start).Round(time.Millisecond))
			checkClean(t, s, c)
		})
	}
}

// TestSimulationWithFaultyAWS is the same simulation with every Secrets
// Manager and CloudFront call failing 5% of the time. A legitimate request
// may then get a 500 (its value is new to a container and the secret cannot
// be read), but never a Deny; every rotation still completes.
func TestSimulationWithFaultyAWS(t *testing.T) {
	for _, seed := range seeds(t, 11, 12, 13) {
		t.Run(fmt.Sprint("seed-", seed), func(t *testing.T) {
			t.Parallel()
			p := randomParams(seed)
			p.FailureRate = 0.05
			s := newSim(p)
			c := s.run()
			t.Logf("%s\n  %s", p, c)
			if c.LegitDenied+c.LegitCachedDeny > 0 {
				t.Errorf("%d legitimate requests denied (%d from API Gateway's cache)\n%s", c.LegitDenied+c.LegitCachedDeny, c.LegitCachedDeny, c.firstRefusal)
			}
			if c.ForgedAllowed > 0 {
				t.Errorf("%d forged requests allowed\n%s", c.ForgedAllowed, c.firstForgery)
			}
			if c.CheckFailures > 0 || c.Rotations != p.Rotations {
				t.Errorf("%d of %d rotations completed; %d checks failed\n%s", c.Rotations, p.Rotations, c.CheckFailures, c.firstBroken)
			}
			if s.leaked() {
				t.Error("a secret value appears in the logs")
			}
		})
	}
}

func checkClean(t *testing.T, s *sim, c counts) {
	t.Helper()
	if n := c.LegitDenied + c.LegitCachedDeny + c.LegitUnavailable; n > 0 {
		t.Errorf("%d legitimate requests refused (%d denied, %d from a cached Deny, %d answered 500)\n%s", n, c.LegitDenied, c.LegitCachedDeny, c.LegitUnavailable, c.firstRefusal)
	}
	if c.ForgedAllowed > 0 {
		t.Errorf("%d forged requests allowed\n%s", c.ForgedAllowed, c.firstForgery)
	}
	if c.CheckFailures > 0 || c.Rotations != s.p.Rotations {
		t.Errorf("%d of %d rotations completed; %d checks failed\n%s", c.Rotations, s.p.Rotations, c.CheckFailures, c.firstBroken)
	}
	if c.Legit < 1000 || c.Forged < 100 {
		t.Errorf("too little traffic to mean anything: %d legitimate, %d forged requests", c.Legit, c.Forged)
	}
	if s.leaked() {
		t.Error("a secret value appears in the logs")
	}
}

// The counter-examples run the same simulation with one protection removed;
// each must report refused legitimate requests, which shows that the
// simulation can fail.

// TestCounterExampleNoRefreshOnMiss replaces the Verifier with an authorizer
// that caches the secret for its TTL but denies an unknown value at once: a
// new value reaching a container whose cache predates createSecret is denied,
// and API Gateway caches the Deny.
func TestCounterExampleNoRefreshOnMiss(t *testing.T) {
	p := randomParams(21)
	p.Rotations = 30
	p.Naive = true
	p.GatewayTTL = 5 * time.Minute
	s := newSim(p)
	c := s.run()
	t.Logf("%s\n  %s", p, c)
	if c.LegitDenied+c.LegitCachedDeny == 0 {
		t.Errorf("no legitimate request denied without refresh on miss: the simulation cannot see the failure it exists to catch")
	}
}

// TestCounterExampleNoGrace sets the AWSPREVIOUS grace window to zero while
// straggling edges keep sending the old value after Deployed: a container
// that has seen the rotation denies them.
func TestCounterExampleNoGrace(t *testing.T) {
	p := randomParams(22)
	p.Rotations = 30
	p.Grace = 0
	p.StragglerShare, p.MaxStraggle = 0.1, 5*time.Minute
	s := newSim(p)
	c := s.run()
	t.Logf("%s\n  %s", p, c)
	if c.LegitDenied+c.LegitCachedDeny == 0 {
		t.Errorf("no legitimate request denied with grace 0 and straggling edges: the simulation cannot see the failure it exists to catch")
	}
}

// TestCounterExampleNoSettleDelay lets CloudFront send a new value right
// after createSecret while authorizers have a 30 s cooldown and forged
// requests keep them in it: a container whose last read predates the value
// cannot check it and, told that no settle delay protects it, answers 500.
func TestCounterExampleNoSettleDelay(t *testing.T) {
	p := randomParams(23)
	p.Rotations = 30
	p.Settle, p.VerifierSettle = 0, 0
	p.Cooldown = [2]time.Duration{30 * time.Second, 30 * time.Second}
	p.ForgedPerSecond, p.GatewayTTL = 2, 0
	p.MaxLag, p.Edges = time.Minute, 40
	s := newSim(p)
	c := s.run()
	t.Logf("%s\n  %s", p, c)
	if c.LegitUnavailable == 0 {
		t.Errorf("no legitimate request refused without the settle delay: the simulation cannot see the failure it exists to catch")
	}
}

// TestCounterExampleSettleDelayTooShort: the authorizers assume the default
// settle delay, but the rotation waits only a second before CloudFront may
// send the new value, and forged requests keep containers in their cooldown:
// a container denies a new value against a read that predates it, and API
// Gateway caches the Deny. This is what WithSettleDelay's invariant prevents.
func TestCounterExampleSettleDelayTooShort(t *testing.T) {
	p := randomParams(24)
	p.Rotations = 30
	p.Settle, p.VerifierSettle = time.Second, authorizer.DefaultSettleDelay
	p.Cooldown = [2]time.Duration{authorizer.DefaultRefreshCooldown, authorizer.DefaultRefreshCooldown}
	p.ForgedPerSecond, p.GatewayTTL = 2, 5*time.Minute
	p.MaxLag, p.Edges = time.Minute, 40
	s := newSim(p)
	c := s.run()
	t.Logf("%s\n  %s", p, c)
	if c.LegitDenied+c.LegitCachedDeny == 0 {
		t.Errorf("no legitimate request denied with a settle delay shorter than the authorizers assume: the simulation cannot see the failure it exists to catch")
	}
}
