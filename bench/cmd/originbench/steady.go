package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/internal/awsproxy"
	"github.com/originlock/originlock/internal/clocktest"
)

// stampedSM passes the Verifier's calls on to Secrets Manager and notes the
// simulated time of each, so calls can be counted per TTL or cooldown
// window. The proxy behind it counts the HTTP requests themselves.
type stampedSM struct {
	authorizer.SecretsManagerAPI
	clock *clocktest.Clock
	mu    sync.Mutex
	at    []time.Time
}

func (s *stampedSM) stamp() {
	s.mu.Lock()
	s.at = append(s.at, s.clock.Now())
	s.mu.Unlock()
}

func (s *stampedSM) DescribeSecret(ctx context.Context, in *secretsmanager.DescribeSecretInput, o ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	s.stamp()
	return s.SecretsManagerAPI.DescribeSecret(ctx, in, o...)
}

func (s *stampedSM) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, o ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	s.stamp()
	return s.SecretsManagerAPI.GetSecretValue(ctx, in, o...)
}

// count returns how many calls were stamped.
func (s *stampedSM) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.at)
}

// from returns the stamps of the calls after the first n.
func (s *stampedSM) from(n int) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.at[n:]...)
}

// maxInWindow is the most stamps in any half-open window [t, t+w).
func maxInWindow(at []time.Time, w time.Duration) int {
	best, j := 0, 0
	for i := range at {
		for j < len(at) && at[j].Sub(at[i]) < w {
			j++
		}
		best = max(best, j-i)
	}
	return best
}

// simVerifier is a Verifier in simulated time over moto, behind a proxy.
type simVerifier struct {
	v     *authorizer.Verifier
	clock *clocktest.Clock
	sm    *stampedSM
	p     *awsproxy.Proxy
	// init is what the first read (Load, as the Lambda's init makes it) cost.
	init awsproxy.Counts
	// initCalls is how many calls Load made.
	initCalls int
}

func (e *env) simVerifier(ctx context.Context, s *secret, opts ...authorizer.Option) (*simVerifier, error) {
	p, err := e.proxy(awsproxy.Options{})
	if err != nil {
		return nil, err
	}
	cfg, err := e.awsConfig(ctx, p)
	if err != nil {
		p.Close()
		return nil, err
	}
	clock := clocktest.New(time.Now())
	sm := &stampedSM{SecretsManagerAPI: secretsmanager.NewFromConfig(cfg), clock: clock}
	opts = append([]authorizer.Option{authorizer.WithClock(clock), authorizer.WithLogger(quiet)}, opts...)
	v, err := authorizer.NewVerifier(sm, s.arn, opts...)
	if err != nil {
		p.Close()
		return nil, err
	}
	if err := v.Load(ctx); err != nil {
		p.Close()
		return nil, err
	}
	return &simVerifier{v: v, clock: clock, sm: sm, p: p, init: p.Counts(), initCalls: sm.count()}, nil
}

// steadyResult is one steady-state run.
type steadyResult struct {
	ttl, duration time.Duration
	requests      int
	refused       int
	init, steady  awsproxy.Counts
	perTTL        float64 // steady calls / (duration / TTL)
	maxPerTTL     int     // most calls in any TTL-long window
}

// steadyState sends rate requests a second carrying AWSCURRENT for duration of
// simulated time to a warm Verifier with the given TTL, and counts the
// Secrets Manager calls after its first read.
func (e *env) steadyState(ctx context.Context, s *secret, ttl, duration time.Duration, rate int) (steadyResult, error) {
	sv, err := e.simVerifier(ctx, s, authorizer.WithCacheTTL(ttl))
	if err != nil {
		return steadyResult{}, err
	}
	defer sv.p.Close()
	r := steadyResult{ttl: ttl, duration: duration, init: sv.init}
	step := time.Second / time.Duration(rate)
	r.requests = int(duration / step)
	for range r.requests {
		sv.clock.Advance(step)
		if d, err := sv.v.Verify(ctx, s.current); err != nil || !d.Allowed() {
			r.refused++
		}
	}
	r.steady = sv.p.Counts().Sub(sv.init)
	r.perTTL = float64(r.steady.Service("secretsmanager")) / (float64(duration) / float64(ttl))
	r.maxPerTTL = maxInWindow(sv.sm.from(sv.initCalls), ttl)
	return r, nil
}

// floodResult is one flood run.
type floodResult struct {
	rate                  int // random values per second
	legit, flood          int
	legitRefused          int
	denied, unavailable   int
	calls                 awsproxy.Counts
	reads                 int // DescribeSecret calls: one per read
	perCooldown           float64
	maxPerCooldown        int
	cooldown, ttl, length time.Duration
}

// flood sends 1,000 requests a second with AWSCURRENT and, mixed in, rate
// requests a second with random 64-character values, for duration of
// simulated time, to a warm Verifier with the default TTL and cooldown.
func (e *env) flood(ctx context.Context, s *secret, rate int, duration time.Duration) (floodResult, error) {
	sv, err := e.simVerifier(ctx, s)
	if err != nil {
		return floodResult{}, err
	}
	defer sv.p.Close()
	r := floodResult{rate: rate, cooldown: authorizer.DefaultRefreshCooldown, ttl: authorizer.DefaultCacheTTL, length: duration}
	rng := rand.New(rand.NewPCG(1, uint64(rate))) // #nosec G115 G404 -- a positive rate seeds reproducible flood values, not secrets
	buf := make([]byte, 64)
	ticks := int(duration / time.Millisecond)
	for i := 1; i <= ticks; i++ {
		sv.clock.Advance(time.Millisecond)
		r.legit++
		if d, err := sv.v.Verify(ctx, s.current); err != nil || !d.Allowed() {
			r.legitRefused++
		}
		for range i*rate/1000 - (i-1)*rate/1000 {
			for j := range buf {
				buf[j] = alnum[rng.IntN(len(alnum))]
			}
			r.flood++
			d, err := sv.v.Verify(ctx, string(buf))
			switch {
			case err != nil:
				r.unavailable++
			case d.Allowed():
				return r, fmt.Errorf("flood: a random value was allowed")
			default:
				r.denied++
			}
		}
	}
	r.calls = sv.p.Counts().Sub(sv.init)
	r.reads = r.calls.Op("secretsmanager", "DescribeSecret")
	r.perCooldown = float64(r.reads) / (float64(duration) / float64(r.cooldown))
	r.maxPerCooldown = maxInWindow(sv.sm.from(sv.initCalls), r.cooldown)
	return r, nil
}
