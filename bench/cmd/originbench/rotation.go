package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/awsproxy"
	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/rotation"
)

// rotationWorld is a secret and n distributions in moto, and a rotation
// handler over cloudfront.OriginHeader whose AWS calls go through a proxy.
type rotationWorld struct {
	p       *awsproxy.Proxy
	clock   *clocktest.Clock
	handler *rotation.Handler
	arn     string
	dists   []string
}

// rotationWorld sets up the world. The proxy's options come from opts, given
// the world's fake clock; rotOpts are added to the handler's options.
func (e *env) rotationWorld(ctx context.Context, n int, opts func(*clocktest.Clock) awsproxy.Options, rotOpts ...rotation.Option) (*rotationWorld, error) {
	return e.rotationWorldSDK(ctx, n, opts, nil, 0, rotOpts...)
}

// rotationWorldSDK is rotationWorld with SDK options made from the clock.
// interval is the target's cloudfront.WithUpdateInterval.
func (e *env) rotationWorldSDK(ctx context.Context, n int, opts func(*clocktest.Clock) awsproxy.Options, sdk func(*clocktest.Clock) []func(*config.LoadOptions) error, interval time.Duration, rotOpts ...rotation.Option) (*rotationWorld, error) {
	w := &rotationWorld{clock: clocktest.New(time.Now())}
	var err error
	if w.p, err = e.proxy(opts(w.clock)); err != nil {
		return nil, err
	}
	direct, err := e.moto.AWSConfig(ctx)
	if err != nil {
		return nil, err
	}
	cfDirect := cfsdk.NewFromConfig(direct)
	initial := fixture.RandomValue()
	if w.arn, err = fixture.CreateSecret(ctx, e.sm, e.name("rotation"), jsonSecret(initial)); err != nil {
		return nil, err
	}
	var targets []cloudfront.Distribution
	for i := range n {
		id, err := fixture.CreateDistribution(ctx, cfDirect, e.name(fmt.Sprintf("dist%d", i)),
			fixture.Origin{ID: "api", Headers: [][2]string{{headerName, initial}}})
		if err != nil {
			return nil, err
		}
		w.dists = append(w.dists, id)
		targets = append(targets, cloudfront.Distribution{ID: id, OriginIDs: []string{"api"}})
	}
	var sdkOpts []func(*config.LoadOptions) error
	if sdk != nil {
		sdkOpts = sdk(w.clock)
	}
	cfg, err := e.awsConfig(ctx, w.p, sdkOpts...)
	if err != nil {
		return nil, err
	}
	target, err := cloudfront.NewOriginHeader(cfsdk.NewFromConfig(cfg),
		cloudfront.Config{HeaderName: headerName, Distributions: targets},
		cloudfront.WithClock(w.clock), cloudfront.WithLogger(quiet), cloudfront.WithUpdateInterval(interval))
	if err != nil {
		return nil, err
	}
	rotOpts = append([]rotation.Option{rotation.WithClock(w.clock), rotation.WithLogger(quiet)}, rotOpts...)
	w.handler, err = rotation.NewHandler(secretsmanager.NewFromConfig(cfg), w.arn, target, rotOpts...)
	return w, err
}

func (w *rotationWorld) close() { w.p.Close() }

func (w *rotationWorld) event(step, token string) events.SecretsManagerSecretRotationEvent {
	return fixture.Event(step, w.arn, token)
}

// stepCalls is what one step cost, the first time and on a re-run.
type stepCalls struct {
	step           string
	first, rerun   awsproxy.Counts
	firstT, rerunT time.Duration
}

// rotationCalls runs one rotation over n distributions as Secrets Manager
// does, each step twice in a row (a retry after a lost response), and then
// the whole rotation again after it finished (a late retry). Waits (the
// settle delay, polling) pass on a fake clock; moto reports Deployed at once.
func (e *env) rotationCalls(ctx context.Context, n int) (steps []stepCalls, late awsproxy.Counts, err error) {
	w, err := e.rotationWorld(ctx, n, func(*clocktest.Clock) awsproxy.Options { return awsproxy.Options{} })
	if err != nil {
		return nil, nil, err
	}
	defer w.close()
	token, err := fixture.BeginRotation(ctx, e.sm, w.arn, true)
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	run := func(step string) (awsproxy.Counts, time.Duration, error) {
		before, t := w.p.Counts(), time.Now()
		if err := w.handler.Handle(ctx, w.event(step, token)); err != nil {
			return nil, 0, err
		}
		return w.p.Counts().Sub(before), time.Since(t), nil
	}
	for _, step := range fixture.Steps {
		sc := stepCalls{step: step}
		if sc.first, sc.firstT, err = run(step); err != nil {
			return nil, nil, err
		}
		if sc.rerun, sc.rerunT, err = run(step); err != nil {
			return nil, nil, fmt.Errorf("re-run of %s: %w", step, err)
		}
		steps = append(steps, sc)
	}
	before := w.p.Counts()
	for _, step := range fixture.Steps {
		if err := w.handler.Handle(ctx, w.event(step, token)); err != nil {
			return nil, nil, fmt.Errorf("late retry of %s: %w", step, err)
		}
	}
	return steps, w.p.Counts().Sub(before), nil
}

// scaleResult is one rotation over n distributions.
type scaleResult struct {
	n             int
	stepTime      map[string]time.Duration // real time per step
	stepSim       map[string]time.Duration // fake-clock time per step
	total         time.Duration            // real time of the four steps
	simulated     time.Duration            // fake-clock time of the four steps
	calls         awsproxy.Counts
	maxInFlight   int
	updateGapMin  time.Duration // shortest time between two UpdateDistribution arrivals (real)
	updatesPerMin float64       // UpdateDistribution arrivals per minute of setSecret
}

// scaling runs one full rotation over n distributions, with the settle delay
// off. opts shapes CloudFront's latency and deployment; timing is real
// elapsed time, and the fake clock's elapsed time, which also counts the
// waits the library makes on it.
func (e *env) scaling(ctx context.Context, n int, opts func(*clocktest.Clock) awsproxy.Options) (scaleResult, error) {
	r := scaleResult{n: n, stepTime: map[string]time.Duration{}, stepSim: map[string]time.Duration{}}
	w, err := e.rotationWorld(ctx, n, opts, rotation.WithSettleDelay(0))
	if err != nil {
		return r, err
	}
	defer w.close()
	token, err := fixture.BeginRotation(ctx, e.sm, w.arn, true)
	if err != nil {
		return r, err
	}
	// A Lambda's longest timeout: testSecret's polling budget on the fake
	// clock is this minus its margin.
	ctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
	defer cancel()
	before, simStart, start := w.p.Counts(), w.clock.Now(), time.Now()
	for _, step := range fixture.Steps {
		t, sim := time.Now(), w.clock.Now()
		if err := w.handler.Handle(ctx, w.event(step, token)); err != nil {
			return r, fmt.Errorf("%d distributions, %s: %w", n, step, err)
		}
		r.stepTime[step], r.stepSim[step] = time.Since(t), w.clock.Now().Sub(sim)
	}
	r.total = time.Since(start)
	r.simulated = w.clock.Now().Sub(simStart)
	r.calls = w.p.Counts().Sub(before)
	r.maxInFlight = w.p.MaxCloudFrontInFlight()
	ups := w.p.UpdateTimes()
	for i := 1; i < len(ups); i++ {
		if gap := ups[i].Sub(ups[i-1]); i == 1 || gap < r.updateGapMin {
			r.updateGapMin = gap
		}
	}
	if len(ups) > 1 {
		r.updatesPerMin = float64(len(ups)-1) / ups[len(ups)-1].Sub(ups[0]).Minutes()
	}
	return r, nil
}

// clockBackoff is the SDK's standard retry backoff spent on a fake clock: the
// wait is computed as the SDK computes it, added to the clock, and not slept.
type clockBackoff struct {
	std   *retry.ExponentialJitterBackoff
	clock *clocktest.Clock
}

func (b clockBackoff) BackoffDelay(attempt int, err error) (time.Duration, error) {
	d, e := b.std.BackoffDelay(attempt, err)
	if e == nil {
		b.clock.Advance(d)
	}
	return 0, e
}

// simulatedRetries makes the SDK's retries wait on the clock.
func simulatedRetries(c *clocktest.Clock) []func(*config.LoadOptions) error {
	return []func(*config.LoadOptions) error{config.WithRetryer(func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = clockBackoff{std: retry.NewExponentialJitterBackoff(o.MaxBackoff), clock: c}
		})
	})}
}

// throttleResult is setSecret over n distributions under throttling.
type throttleResult struct {
	n, perMinute int
	interval     time.Duration   // cloudfront.WithUpdateInterval
	invocations  int             // setSecret invocations until one succeeded
	failures     []string        // why the failed ones failed (error types)
	calls        awsproxy.Counts // CloudFront requests, throttled ones included
	throttled    int
	simulated    time.Duration // fake-clock time from the first setSecret to the last one's end
	lowerBound   time.Duration // least time n updates can take at perMinute
}

// maxSetSecretInvocations bounds the throttling run.
const maxSetSecretInvocations = 50

// throttled runs createSecret, then setSecret over n distributions while the
// proxy throttles UpdateDistribution to perMinute a minute, re-invoking
// setSecret at once whenever it fails (Secrets Manager retries a failed
// rotation, on a schedule it does not document). Everything happens on the
// fake clock: CloudFront latency, the library's backoff and the SDK's.
func (e *env) throttled(ctx context.Context, n, perMinute int, latency, interval time.Duration) (throttleResult, error) {
	r := throttleResult{n: n, perMinute: perMinute, interval: interval}
	opts := func(c *clocktest.Clock) awsproxy.Options {
		return awsproxy.Options{CloudFrontLatency: latency, Sleep: c.Advance, Now: c.Now, UpdatesPerMinute: perMinute}
	}
	w, err := e.rotationWorldSDK(ctx, n, opts, simulatedRetries, interval, rotation.WithSettleDelay(0))
	if err != nil {
		return r, err
	}
	defer w.close()
	token, err := fixture.BeginRotation(ctx, e.sm, w.arn, true)
	if err != nil {
		return r, err
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
	defer cancel()
	if err := w.handler.Handle(ctx, w.event(rotation.StepCreate, token)); err != nil {
		return r, err
	}
	before, start := w.p.Counts(), w.clock.Now()
	for r.invocations < maxSetSecretInvocations {
		r.invocations++
		err := w.handler.Handle(ctx, w.event(rotation.StepSet, token))
		if err == nil {
			break
		}
		var de *cloudfront.DistributionError
		if !errors.As(err, &de) {
			return r, fmt.Errorf("setSecret under throttling: %w", err)
		}
		r.failures = append(r.failures, de.Error())
	}
	r.simulated = w.clock.Now().Sub(start)
	r.calls = w.p.Counts().Sub(before)
	r.throttled = w.p.Throttled()
	if n > perMinute {
		r.lowerBound = time.Duration(ceilDiv(n-perMinute, perMinute)) * time.Minute
	}
	return r, nil
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
