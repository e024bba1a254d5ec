package simulation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/smithy-go"

	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/cfdouble"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/simulation"
	"github.com/originlock/originlock/internal/smdouble"
	"github.com/originlock/originlock/rotation"
)

const (
	header    = "X-Origin-Verify"
	secret    = "origin-verify"
	methodARN = "arn:aws:execute-api:us-east-1:123456789012:api1234567/prod/GET/items"
	// maxAttempts bounds Secrets Manager's retries of one rotation.
	maxAttempts = 30
)

// params are the knobs of one simulation run, all drawn from its seed.
type params struct {
	Seed                 uint64
	Rotations            int
	Distributions, Edges int
	// CloudFront propagation: each edge switches within MaxLag after an
	// update; StragglerShare of them only up to MaxStraggle after Deployed.
	MaxLag, MaxStraggle, ReadLag time.Duration
	StragglerShare               float64
	// GatewayTTL is API Gateway's authorizer result TTL (0: no cache).
	GatewayTTL time.Duration
	// Containers warm authorizer containers, each living ~ContainerLife.
	Containers    int
	ContainerLife time.Duration
	// Per-container Verifier options are drawn from these ranges.
	VerifierTTL, Cooldown [2]time.Duration
	Grace                 time.Duration
	// Settle is rotation.WithSettleDelay; VerifierSettle is the settle delay
	// the authorizers assume (authorizer.WithSettleDelay), normally the same.
	Settle, VerifierSettle time.Duration
	// Traffic, per second of simulated time.
	LegitPerSecond, ForgedPerSecond float64
	// Secrets Manager's pace.
	StepLatency, RetryDelay, Gap [2]time.Duration
	// testSecret polls every PollInterval for up to MaxWait (the Lambda
	// timeout).
	PollInterval, MaxWait time.Duration
	// FailureRate is the probability that any AWS call fails (throttled).
	FailureRate float64
	// Naive replaces the Verifier with an authorizer that has no refresh on
	// miss (counter-example).
	Naive  bool
	Warmup time.Duration
}

func (p params) String() string {
	return fmt.Sprintf("seed=%d rotations=%d dists=%d edges=%d maxLag=%v stragglers=%.0f%%/%v readLag=%v gatewayTTL=%v containers=%d/life~%v verifierTTL=%v-%v cooldown=%v-%v grace=%v settle=%v/%v legit=%.2f/s forged=%.2f/s maxWait=%v failures=%.0f%% naive=%v",
		p.Seed, p.Rotations, p.Distributions, p.Edges, p.MaxLag, 100*p.StragglerShare, p.MaxStraggle, p.ReadLag, p.GatewayTTL,
		p.Containers, p.ContainerLife, p.VerifierTTL[0], p.VerifierTTL[1], p.Cooldown[0], p.Cooldown[1], p.Grace, p.Settle, p.VerifierSettle,
		p.LegitPerSecond, p.ForgedPerSecond, p.MaxWait, 100*p.FailureRate, p.Naive)
}

// randomParams draws a deployment from the seed: how many edges, how slow
// propagation is, API Gateway's TTL, how many containers and how old, each
// container's cache TTL and cooldown (the longest the authorizer accepts
// with the settle delay: cooldown + read timeout + ConsistencyMargin below it), traffic, and Secrets Manager's pace.
func randomParams(seed uint64) params {
	r := rand.New(rand.NewPCG(seed, 0x0219_10c4))
	seconds := func(lo, hi int) time.Duration { return time.Duration(lo+r.IntN(hi-lo+1)) * time.Second }
	p := params{
		Seed: seed, Rotations: 100, Distributions: 1 + r.IntN(2), Edges: 5 + r.IntN(36),
		MaxLag: seconds(30, 20*60), ReadLag: seconds(0, 30),
		GatewayTTL:     []time.Duration{0, 30 * time.Second, 5 * time.Minute, time.Hour}[r.IntN(4)],
		Containers:     1 + r.IntN(8),
		ContainerLife:  seconds(10*60, 3*3600),
		VerifierTTL:    [2]time.Duration{30 * time.Second, seconds(60, 15*60)},
		Grace:          authorizer.DefaultPreviousGrace,
		Settle:         rotation.DefaultSettleDelay,
		LegitPerSecond: 0.1 + 0.9*r.Float64(), ForgedPerSecond: 0.01 + 0.25*r.Float64(),
		StepLatency:  [2]time.Duration{50 * time.Millisecond, 3 * time.Second},
		RetryDelay:   [2]time.Duration{30 * time.Second, 10 * time.Minute},
		Gap:          [2]time.Duration{0, 30 * time.Minute},
		PollInterval: cloudfront.DefaultPollInterval,
		MaxWait:      seconds(3*60, 15*60),
		Warmup:       time.Hour,
	}
	p.VerifierSettle = p.Settle
	// The longest cooldown authorizer.NewVerifier accepts with this settle
	// delay and the default read timeout.
	p.Cooldown = [2]time.Duration{0, p.Settle - authorizer.DefaultReadTimeout - authorizer.ConsistencyMargin - time.Millisecond}
	if r.IntN(2) == 0 {
		p.StragglerShare, p.MaxStraggle = 0.1*r.Float64(), seconds(0, 5*60)
	}
	return p
}

// outcome is what API Gateway answered.
type outcome int

const (
	allowed outcome = iota
	denied
	unavailable  // 500: the authorizer returned an error; not cached
	unauthorized // 401: no header, with caching on
)

// counts are a run's numbers.
type counts struct {
	Rotations, Attempts, Updates            int
	Legit, LegitDenied, LegitCachedDeny     int
	LegitUnavailable                        int
	Forged, ForgedAllowed                   int
	Replays, ReplaysLate                    int
	Invocations, VerifierReads, Containers  int
	CheckFailures                           int
	SimTime                                 time.Duration
	MaxReplayLateness                       time.Duration
	firstRefusal, firstForgery, firstBroken string
}

// sim is one run.
type sim struct {
	p      params
	r      *rand.Rand
	w      *simulation.World
	sm     *smdouble.SecretsManager
	cf     *simulation.CloudFront
	logs   *bytes.Buffer
	logger *slog.Logger
	rot    *rotation.Handler
	dists  []string
	// smFault is the fault injected into sm (setSMFault), kept so that
	// checkUpdate can lift it for its own reads and put it back.
	smFault func(op string) error

	// API Gateway.
	cache      map[string]cached
	containers []*container
	nextID     int

	c counts
	// labels name values in traces, so that no value is ever printed.
	labels map[string]string
	// superseded is when each former AWSCURRENT value stopped being current.
	superseded []supersededValue
	trace      []string
}

type cached struct {
	out   outcome
	until time.Time
}

type supersededValue struct {
	value string
	at    time.Time
}

type container struct {
	id     int
	handle func(context.Context, events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error)
	naive  *naiveAuthorizer
}

func newSim(p params) *sim {
	s := &sim{p: p, r: rand.New(rand.NewPCG(p.Seed, 0x51_0c_ed)), logs: &bytes.Buffer{},
		cache: map[string]cached{}, labels: map[string]string{}}
	s.logger = slog.New(slog.NewJSONHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s.w = simulation.NewWorld(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	initial := s.randomValue()
	s.label(initial)
	s.sm = smdouble.New(secret, s.token(), jsonValue(initial), s.w.Now)
	s.cf = &simulation.CloudFront{Now: s.w.Now, Rand: s.r, Edges: p.Edges, MaxLag: p.MaxLag,
		StragglerShare: p.StragglerShare, MaxStraggle: p.MaxStraggle, ReadLag: p.ReadLag, OnUpdate: s.checkUpdate}
	if p.FailureRate > 0 {
		s.setSMFault(s.fault)
		s.cf.Fault = func(op string) cfdouble.Fault {
			if s.fault(op) != nil {
				return cfdouble.Throttle
			}
			return 0
		}
	}
	var dists []cloudfront.Distribution
	for i := range p.Distributions {
		id := fmt.Sprintf("EDIST%02d", i)
		s.cf.Add(id, distConfig(initial))
		s.dists = append(s.dists, id)
		dists = append(dists, cloudfront.Distribution{ID: id, OriginIDs: []string{"api"}})
	}
	target, err := cloudfront.NewOriginHeader(s.cf.Client(), cloudfront.Config{HeaderName: header, Distributions: dists},
		cloudfront.WithClock(s.w), cloudfront.WithLogger(s.logger), cloudfront.WithPollInterval(p.PollInterval), cloudfront.WithMaxWait(p.MaxWait))
	if err != nil {
		panic(err)
	}
	gen := rotation.GeneratorFunc(func(context.Context) (string, error) { return s.randomValue(), nil })
	s.rot, err = rotation.NewHandler(s.sm, s.sm.ARN(), target, rotation.WithClock(s.w), rotation.WithLogger(s.logger),
		rotation.WithSettleDelay(p.Settle), rotation.WithGenerator(gen))
	if err != nil {
		panic(err)
	}
	return s
}

var errThrottled = &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded (simulated)"}

func (s *sim) fault(string) error {
	if s.r.Float64() < s.p.FailureRate {
		return errThrottled
	}
	return nil
}

// setSMFault injects f into every later Secrets Manager call (nil: none).
func (s *sim) setSMFault(f func(op string) error) {
	s.smFault = f
	s.sm.SetFault(f)
}

func jsonValue(v string) string {
	b, _ := json.Marshal(map[string]string{"HEADERVALUE": v, "owner": "team-api"})
	return string(b)
}

func extract(secretString string) string {
	var v struct{ HEADERVALUE string }
	_ = json.Unmarshal([]byte(secretString), &v)
	return v.HEADERVALUE
}

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func (s *sim) randomValue() string {
	b := make([]byte, rotation.DefaultValueLength)
	for i := range b {
		b[i] = alphabet[s.r.IntN(len(alphabet))]
	}
	return string(b)
}

func (s *sim) token() string {
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", s.r.Uint32(), s.r.IntN(1<<16), s.r.IntN(1<<12), s.r.IntN(1<<12), s.r.Uint64()&(1<<48-1))
}

func (s *sim) label(v string) string {
	if l, ok := s.labels[v]; ok {
		return l
	}
	l := fmt.Sprintf("V%d", len(s.labels))
	s.labels[v] = l
	return l
}

func (s *sim) labelOf(v string) string {
	if l, ok := s.labels[v]; ok {
		return l
	}
	return "forged"
}

func (s *sim) note(format string, args ...any) {
	line := fmt.Sprintf("%s ", s.w.Now().Format("Jan 2 15:04:05.000")) + fmt.Sprintf(format, args...)
	if len(s.trace) >= 40 {
		s.trace = s.trace[1:]
	}
	s.trace = append(s.trace, line)
}

func (s *sim) snapshot(what string) string {
	return fmt.Sprintf("%s\n  %s\n  last events:\n    %s", what, s.p, strings.Join(s.trace, "\n    "))
}

func distConfig(value string) *cftypes.DistributionConfig {
	return &cftypes.DistributionConfig{
		CallerReference: aws.String("simulation"), Comment: aws.String("simulated"), Enabled: aws.Bool(true),
		Origins: &cftypes.Origins{Quantity: aws.Int32(1), Items: []cftypes.Origin{{
			Id: aws.String("api"), DomainName: aws.String("api1234567.execute-api.us-east-1.amazonaws.com"),
			CustomHeaders: &cftypes.CustomHeaders{Quantity: aws.Int32(1), Items: []cftypes.OriginCustomHeader{
				{HeaderName: aws.String(header), HeaderValue: aws.String(value)}}},
		}}},
	}
}

// stage returns the header value at a stage, or "".
func (s *sim) stage(label string) string {
	v, ok := s.sm.ValueAt(label)
	if !ok {
		return ""
	}
	return extract(v)
}

// checkUpdate runs at every UpdateDistribution: the value written must be
// AWSCURRENT or AWSPENDING at that moment, and a fresh authorizer without
// any AWSPREVIOUS grace must accept it.
func (s *sim) checkUpdate(id string, cfg *cftypes.DistributionConfig) {
	s.c.Updates++
	v := fixture.HeaderValue(cfg, "api", header)
	s.note("UpdateDistribution %s: %s", id, s.labelOf(v))
	if v != s.stage(smdouble.Current) && v != s.stage(smdouble.Pending) {
		s.broken("CloudFront was given %s, which is neither AWSCURRENT nor AWSPENDING", s.labelOf(v))
	}
	s.sm.SetFault(nil) // the check itself must not fail
	defer s.sm.SetFault(s.smFault)
	fresh, err := authorizer.NewVerifier(s.sm, s.sm.ARN(), authorizer.WithClock(s.w), authorizer.WithPreviousGrace(0), authorizer.WithLogger(s.logger))
	if err != nil {
		panic(err)
	}
	if d, err := fresh.Verify(context.Background(), v); err != nil || !d.Allowed() {
		s.broken("a fresh authorizer refuses the value CloudFront was given (%v, %v)", d, err)
	}
}

func (s *sim) broken(format string, args ...any) {
	s.c.CheckFailures++
	if s.c.firstBroken == "" {
		s.c.firstBroken = s.snapshot(fmt.Sprintf(format, args...))
	}
}

// startContainer starts a cold authorizer container; it reads the secret at
// init and is replaced by a new one when it dies.
func (s *sim) startContainer() *container {
	s.nextID++
	s.c.Containers++
	c := &container{id: s.nextID}
	if s.p.Naive {
		c.naive = &naiveAuthorizer{sm: s.sm, now: s.w.Now, ttl: between(s.r, s.p.VerifierTTL)}
	} else {
		v, err := authorizer.NewVerifier(&readCounter{SecretsManager: s.sm, reads: &s.c.VerifierReads}, s.sm.ARN(),
			authorizer.WithClock(s.w), authorizer.WithLogger(s.logger),
			authorizer.WithCacheTTL(between(s.r, s.p.VerifierTTL)), authorizer.WithRefreshCooldown(between(s.r, s.p.Cooldown)),
			authorizer.WithPreviousGrace(s.p.Grace), authorizer.WithSettleDelay(s.p.VerifierSettle))
		if err != nil {
			panic(err)
		}
		_ = v.Load(context.Background()) // init; a failure is retried by the first request
		c.handle = authorizer.RESTRequest(v, header)
	}
	life := time.Duration(s.r.ExpFloat64() * float64(s.p.ContainerLife))
	s.w.At(s.w.Now().Add(life), func() {
		for i, other := range s.containers {
			if other == c {
				s.containers[i] = s.startContainer()
				s.note("container %d replaced by %d", c.id, s.containers[i].id)
			}
		}
	})
	return c
}

// decide invokes the container's authorizer.
func (c *container) decide(value string) outcome {
	if c.naive != nil {
		return c.naive.decide(value)
	}
	resp, err := c.handle(context.Background(), events.APIGatewayCustomAuthorizerRequestTypeRequest{
		Type: "REQUEST", MethodArn: methodARN, Headers: map[string]string{header: value},
	})
	switch {
	case err != nil:
		return unavailable
	case len(resp.PolicyDocument.Statement) == 1 && resp.PolicyDocument.Statement[0].Effect == "Allow":
		return allowed
	}
	return denied
}

// request is API Gateway in front of the authorizer containers.
func (s *sim) request(value string) (outcome, bool) {
	now := s.w.Now()
	if s.p.GatewayTTL > 0 && value == "" {
		return unauthorized, false
	}
	if e, ok := s.cache[value]; ok && now.Before(e.until) {
		return e.out, true
	}
	s.c.Invocations++
	c := s.containers[s.r.IntN(len(s.containers))]
	out := c.decide(value)
	if out != unavailable && s.p.GatewayTTL > 0 {
		if len(s.cache) > 20000 {
			for k, e := range s.cache {
				if !now.Before(e.until) {
					delete(s.cache, k)
				}
			}
		}
		s.cache[value] = cached{out: out, until: now.Add(s.p.GatewayTTL)}
	}
	return out, false
}

// legit is a viewer's request through a random edge of a random
// distribution.
func (s *sim) legit() {
	d := s.dists[s.r.IntN(len(s.dists))]
	edge := s.r.IntN(s.p.Edges)
	v := s.cf.EdgeHeader(d, edge, "api", header)
	s.c.Legit++
	out, fromCache := s.request(v)
	if out == allowed {
		return
	}
	switch {
	case out == unavailable:
		s.c.LegitUnavailable++
	case fromCache:
		s.c.LegitCachedDeny++
	default:
		s.c.LegitDenied++
	}
	s.note("legit request via %s edge %d with %s: %s (cached %v; current %s, pending %s, previous %s)", d, edge, s.labelOf(v), []string{"allowed", "denied", "500", "401"}[out], fromCache,
		s.labelOf(s.stage(smdouble.Current)), s.labelOf(s.stage(smdouble.Pending)), s.labelOf(s.stage(smdouble.Previous)))
	if s.c.firstRefusal == "" {
		s.c.firstRefusal = s.snapshot("first legitimate request refused")
	}
}

// forged is a direct request to the API: no header, a made-up value, a
// near miss of the current value, or a replay of a value retired long ago.
func (s *sim) forged() {
	current := s.stage(smdouble.Current)
	var v string
	switch k := s.r.IntN(7); k {
	case 0, 1:
		v = s.randomValue()
	case 2: // one character off
		b := []byte(current)
		i := s.r.IntN(len(b))
		b[i] = alphabet[(strings.IndexByte(alphabet, b[i])+1+s.r.IntN(len(alphabet)-1))%len(alphabet)]
		v = string(b)
	case 3:
		v = ""
	case 4:
		v = strings.ToLower(current)
		if v == current {
			v += "x"
		}
	case 5:
		v = current + " "
	case 6:
		s.replay()
		return
	}
	s.c.Forged++
	if out, _ := s.request(v); out == allowed {
		s.c.ForgedAllowed++
		s.note("forged request allowed")
		if s.c.firstForgery == "" {
			s.c.firstForgery = s.snapshot("first forged request allowed")
		}
	}
}

// replay sends a value that stopped being AWSCURRENT more than the grace
// window plus API Gateway's TTL ago; an authorizer should have stopped
// accepting it.
func (s *sim) replay() {
	limit := s.w.Now().Add(-s.p.Grace - s.p.GatewayTTL - time.Minute)
	var old []supersededValue
	for _, sv := range s.superseded {
		if sv.at.Before(limit) {
			old = append(old, sv)
		}
	}
	if len(old) == 0 {
		return
	}
	if len(old) > 3 {
		old = old[len(old)-3:]
	}
	sv := old[s.r.IntN(len(old))]
	s.c.Replays++
	if out, _ := s.request(sv.value); out == allowed {
		s.c.ReplaysLate++
		if late := s.w.Now().Sub(sv.at); late > s.c.MaxReplayLateness {
			s.c.MaxReplayLateness = late
		}
		s.note("retired value %s accepted %v after it stopped being current", s.labelOf(sv.value), s.w.Now().Sub(sv.at).Round(time.Second))
	}
}

// schedule keeps a Poisson stream of calls to fn at rate per second.
func (s *sim) schedule(rate float64, fn func()) {
	var next func()
	next = func() {
		fn()
		s.w.At(s.w.Now().Add(exp(s.r, rate)), next)
	}
	s.w.At(s.w.Now().Add(exp(s.r, rate)), next)
}

func exp(r *rand.Rand, rate float64) time.Duration {
	d := time.Duration(r.ExpFloat64() / rate * float64(time.Second))
	if d > 24*time.Hour {
		return 24 * time.Hour
	}
	return d
}

func between(r *rand.Rand, rg [2]time.Duration) time.Duration {
	if rg[1] <= rg[0] {
		return rg[0]
	}
	return rg[0] + time.Duration(r.Int64N(int64(rg[1]-rg[0])+1))
}

// run plays the whole simulation and returns its numbers.
func (s *sim) run() counts {
	for range s.p.Containers {
		s.containers = append(s.containers, s.startContainer())
	}
	s.schedule(s.p.LegitPerSecond, s.legit)
	s.schedule(s.p.ForgedPerSecond, s.forged)
	start := s.w.Now()
	s.w.Advance(s.p.Warmup)
	for range s.p.Rotations {
		s.rotate()
	}
	s.w.Advance(s.p.Grace + s.p.GatewayTTL + s.p.MaxStraggle + time.Hour)
	s.c.SimTime = s.w.Now().Sub(start)
	return s.c
}

// rotate plays Secrets Manager for one rotation: RotateSecret, then the four
// steps with a latency before each, and the whole rotation again after a
// delay whenever a step fails.
func (s *sim) rotate() {
	before := s.stage(smdouble.Current)
	token := s.token()
	if err := s.sm.BeginRotation(token); err != nil {
		s.broken("RotateSecret refused: %v", err)
		return
	}
	s.note("rotation %d begins", s.c.Rotations+1)
	for attempt := 1; ; attempt++ {
		s.c.Attempts++
		err := s.steps(token)
		if err == nil {
			break
		}
		s.note("rotation attempt %d failed: %v", attempt, err)
		if attempt == maxAttempts {
			s.broken("rotation did not complete in %d attempts: %v", maxAttempts, err)
			return
		}
		s.w.Advance(between(s.r, s.p.RetryDelay))
	}
	s.c.Rotations++
	after := s.stage(smdouble.Current)
	s.label(after)
	s.note("rotation %d done: %s is AWSCURRENT", s.c.Rotations, s.labelOf(after))
	if after == before {
		s.broken("the rotation did not change AWSCURRENT")
	}
	s.superseded = append(s.superseded, supersededValue{value: before, at: s.w.Now()})
	for _, d := range s.dists {
		if got := fixture.HeaderValue(s.cf.Config(d), "api", header); got != after {
			s.broken("distribution %s does not carry AWSCURRENT after the rotation", d)
		}
	}
	s.w.Advance(between(s.r, s.p.Gap))
}

func (s *sim) steps(token string) error {
	for _, step := range []string{rotation.StepCreate, rotation.StepSet, rotation.StepTest, rotation.StepFinish} {
		s.w.Advance(between(s.r, s.p.StepLatency))
		ev := events.SecretsManagerSecretRotationEvent{Step: step, SecretID: s.sm.ARN(), ClientRequestToken: token}
		if err := s.rot.Handle(context.Background(), ev); err != nil {
			return err
		}
		if step == rotation.StepCreate {
			s.label(s.stage(smdouble.Pending))
		}
	}
	return nil
}

// leaked reports whether any value the secret held appears in the logs.
func (s *sim) leaked() bool {
	logs := s.logs.String()
	for v := range s.labels {
		if strings.Contains(logs, v) {
			return true
		}
	}
	return false
}

// readCounter is a test double that counts the Verifiers' DescribeSecret
// calls (one per read) on their way to the Secrets Manager double.
type readCounter struct {
	*smdouble.SecretsManager
	reads *int
}

func (c *readCounter) DescribeSecret(ctx context.Context, in *secretsmanager.DescribeSecretInput, o ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	*c.reads++
	return c.SecretsManager.DescribeSecret(ctx, in, o...)
}

// naiveAuthorizer is the counter-example: a cached authorizer as a plain
// secret cache gives it — values re-read every TTL, AWSCURRENT, AWSPENDING
// and AWSPREVIOUS accepted — but without refresh on miss: an unknown value
// is denied at once.
type naiveAuthorizer struct {
	sm     *smdouble.SecretsManager
	now    func() time.Time
	ttl    time.Duration
	readAt time.Time
	values map[string]bool
}

func (n *naiveAuthorizer) decide(value string) outcome {
	if n.values == nil || !n.now().Before(n.readAt.Add(n.ttl)) {
		n.values, n.readAt = map[string]bool{}, n.now()
		for _, stage := range []string{smdouble.Current, smdouble.Pending, smdouble.Previous} {
			if v, ok := n.sm.ValueAt(stage); ok {
				n.values[extract(v)] = true
			}
		}
	}
	if n.values[value] {
		return allowed
	}
	return denied
}
