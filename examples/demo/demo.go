package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/internal/awsproxy"
	"github.com/originlock/originlock/internal/fingerprint"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/lambdabuild"
	"github.com/originlock/originlock/internal/lambdaruntime"
	"github.com/originlock/originlock/internal/motoserver"
)

const header = "X-Origin-Verify"

// config shapes one demo run.
type config struct {
	edges, containers int
	// edgeEvery and directEvery are the pauses between one edge's requests
	// and between two direct requests.
	edgeEvery, directEvery time.Duration
	// propagation is the simulated deployment time; the first edge switches
	// no earlier than firstEdge after the update.
	propagation, firstEdge time.Duration
	// settle and cooldown are the functions' SETTLE_DELAY and REFRESH_COOLDOWN.
	settle, cooldown time.Duration
	// apiCacheTTL is API Gateway's authorizer result TTL.
	apiCacheTTL time.Duration
	// warmup and tail are the traffic before and after the rotation.
	warmup, tail time.Duration
	seed         uint64
}

func defaultConfig() config {
	return config{
		edges: 8, containers: 2,
		edgeEvery: 50 * time.Millisecond, directEvery: 100 * time.Millisecond,
		propagation: 8 * time.Second, firstEdge: time.Second,
		settle: 10 * time.Second, cooldown: 5 * time.Second,
		apiCacheTTL: 300 * time.Second,
		warmup:      2 * time.Second, tail: 2 * time.Second,
		seed: 1,
	}
}

// summary is what a run proves.
type summary struct {
	legitimate, legitimateDenied int64
	direct, directAllowed        int64
	// decisions are the authorizers' decisions by stage from their metrics,
	// for the invocations API Gateway made.
	decisions   decisions
	invocations int64
}

func (s summary) ok() bool {
	return s.legitimate > 0 && s.direct > 0 && s.legitimateDenied == 0 && s.directAllowed == 0
}

// counters are the request outcomes, updated by the traffic goroutines.
type counters struct {
	legitimate, legitimateDenied atomic.Int64
	direct, directAllowed        atomic.Int64
	directStatus                 [600]atomic.Int64
}

// demo is one run's world.
type demo struct {
	cfg   config
	out   io.Writer
	start time.Time
	mu    sync.Mutex // serializes timeline lines

	sm *secretsmanager.Client
	cf *cfsdk.Client
	// Each function calls AWS through a proxy of its own, so that calls are
	// counted per function; the rotation's also plays CloudFront's
	// deployment to the edges (moto deploys at once).
	rotProxy, authProxy *awsproxy.Proxy
	api                 *apiGateway
	count               counters
	// authorizers are the authorizer containers, whose output holds their
	// EMF metrics.
	authorizers []*lambdaruntime.Runtime
	decisions   decisions
	invocations int64
	// closers stop the function processes when the run ends.
	closers []func()
}

func (d *demo) logf(format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	fmt.Fprintf(d.out, "%6.1fs  %s\n", time.Since(d.start).Seconds(), fmt.Sprintf(format, args...))
}

// status is the counts and Secrets Manager calls so far, for a timeline line.
func (d *demo) status() string {
	rot, _ := calls(d.rotProxy, "secretsmanager")
	auth, _ := calls(d.authProxy, "secretsmanager")
	return fmt.Sprintf("[edges %d ok / %d refused | direct %d allowed / %d refused | SM calls: rotation %d, authorizers %d]",
		d.count.legitimate.Load()-d.count.legitimateDenied.Load(), d.count.legitimateDenied.Load(),
		d.count.directAllowed.Load(), d.count.direct.Load()-d.count.directAllowed.Load(), rot, auth)
}

func run(ctx context.Context, cfg config, out io.Writer) (summary, error) {
	d := &demo{cfg: cfg, out: out, start: time.Now()}
	fmt.Fprintln(out, "originlock demo: one rotation of the CloudFront origin header, with traffic, against moto_server")

	moto, err := motoserver.Start(ctx)
	if err != nil {
		return summary{}, err
	}
	defer moto.Close()
	awsCfg, err := moto.AWSConfig(ctx)
	if err != nil {
		return summary{}, err
	}
	d.sm, d.cf = secretsmanager.NewFromConfig(awsCfg), cfsdk.NewFromConfig(awsCfg)
	d.logf("setup        moto_server listening on %s", moto.URL)

	bins, cleanup, err := d.build(ctx)
	if err != nil {
		return summary{}, err
	}
	defer cleanup()

	secretName := "originlock-demo"
	initial := fixture.RandomValue()
	arn, err := fixture.CreateSecret(ctx, d.sm, secretName, `{"HEADERVALUE":"`+initial+`"}`)
	if err != nil {
		return summary{}, err
	}
	distID, err := fixture.CreateDistribution(ctx, d.cf, "originlock-demo",
		fixture.Origin{ID: "api", Headers: [][2]string{{header, initial}}})
	if err != nil {
		return summary{}, err
	}
	d.logf("setup        secret %s holds value %s; distribution %s sends it to origin \"api\" as %s", secretName, fingerprint.Of(initial), distID, header)

	// Edges, and the proxy that plays CloudFront's deployment to them.
	rng := mrand.New(mrand.NewPCG(cfg.seed, cfg.seed)) // #nosec G404 -- a reproducible simulation of edge timing, not a secret
	edges := make([]*edge, cfg.edges)
	for i := range edges {
		edges[i] = &edge{}
		edges[i].store(initial)
	}
	prop := &propagation{
		edges: edges, minDelay: cfg.firstEdge, window: cfg.propagation, rng: rng,
		fetch: func(ctx context.Context) (string, error) {
			c, err := fixture.DistributionConfig(ctx, d.cf, distID)
			if err != nil {
				return "", err
			}
			return fixture.HeaderValue(c, "api", header), nil
		},
		deployed: func() { d.rotProxy.Deployed(distID) },
		log:      d.logf,
	}
	d.rotProxy, err = awsproxy.Start(moto.URL, awsproxy.Options{
		HoldDeployment: true,
		OnUpdate:       func(string) { prop.begin(context.WithoutCancel(ctx)) },
	})
	if err != nil {
		return summary{}, err
	}
	defer d.rotProxy.Close()
	if d.authProxy, err = awsproxy.Start(moto.URL, awsproxy.Options{}); err != nil {
		return summary{}, err
	}
	defer d.authProxy.Close()
	defer func() {
		for _, c := range d.closers {
			c()
		}
	}()

	containers, err := d.startAuthorizers(ctx, bins["authorizer"], secretName)
	if err != nil {
		return summary{}, err
	}
	rotationFn, err := d.startRotation(ctx, bins["rotation"], secretName, distID)
	if err != nil {
		return summary{}, err
	}
	d.api = newAPIGateway(header, cfg.apiCacheTTL, containers)

	trafficCtx, stopTraffic := context.WithCancel(ctx)
	var traffic sync.WaitGroup
	d.startTraffic(trafficCtx, &traffic, edges)
	d.logf("traffic      %d edges send a request every %v each; direct requests every %v; API Gateway caches authorizer answers for %v",
		cfg.edges, cfg.edgeEvery, cfg.directEvery, cfg.apiCacheTTL)
	sleep(ctx, cfg.warmup)
	d.logf("traffic      warm %s", d.status())

	err = d.rotate(ctx, rotationFn, arn)
	if err == nil {
		sleep(ctx, cfg.tail)
	}
	stopTraffic()
	traffic.Wait()
	prop.wait()
	if err != nil {
		return summary{}, err
	}
	sum := d.report(arn)
	d.originlockStatus(ctx, moto.URL, secretName, distID)
	return sum, nil
}

// originlockStatus ends the demo as an operator would check a deployment:
// with the originlock command's status of the secret and the distribution
// (values shown only as fingerprints). Its exit code is printed, not
// judged: the demo's verdict is its summary.
func (d *demo) originlockStatus(ctx context.Context, motoURL, secretName, distID string) {
	root, err := lambdabuild.ModuleDir(ctx)
	if err != nil {
		fmt.Fprintf(d.out, "\noriginlock status: cannot find the module: %v\n", err)
		return
	}
	fmt.Fprintf(d.out, "\n$ originlock status --secret %s --distribution %s:api\n", secretName, distID)
	// #nosec G204 -- fixed program and arguments built by the demo itself.
	cmd := exec.CommandContext(ctx, "go", "run", "./cmd/originlock", "status", "--secret", secretName, "--distribution", distID+":api")
	cmd.Dir, cmd.Stdout, cmd.Stderr = root, d.out, d.out
	cmd.Env = append(os.Environ(), endpointEnv(motoURL)...)
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(d.out, "(originlock status: %v)\n", err)
	}
}

// build compiles both functions for this machine, as they are deployed.
func (d *demo) build(ctx context.Context) (map[string]string, func(), error) {
	dir, err := os.MkdirTemp("", "originlock-demo-*")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { _ = os.RemoveAll(dir) }
	root, err := lambdabuild.ModuleDir(ctx)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	bins := map[string]string{}
	start := time.Now()
	for _, name := range []string{"rotation", "authorizer"} {
		bins[name] = filepath.Join(dir, name, "bootstrap")
		if err := lambdabuild.Build(ctx, root, name, runtime.GOARCH, bins[name]); err != nil {
			cleanup()
			return nil, nil, err
		}
	}
	d.logf("setup        built the rotation and authorizer bootstrap binaries (linux/%s) in %v", runtime.GOARCH, time.Since(start).Round(100*time.Millisecond))
	return bins, cleanup, nil
}

// startAuthorizers starts warm authorizer containers, each its own process
// with its own Verifier, calling AWS through the proxy.
func (d *demo) startAuthorizers(ctx context.Context, bin, secretID string) ([]invoker, error) {
	var out []invoker
	for i := range d.cfg.containers {
		rt, err := lambdaruntime.Start()
		if err != nil {
			return nil, err
		}
		d.closers = append(d.closers, rt.Close)
		d.authorizers = append(d.authorizers, rt)
		env := append(endpointEnv(d.authProxy.URL), "SECRET_ID="+secretID, "AUTHORIZER_TYPE=rest-request", "HEADER_NAME="+header,
			"REFRESH_COOLDOWN="+d.cfg.cooldown.String(), "LOG_LEVEL=warn")
		if err := rt.Exec(ctx, bin, env); err != nil {
			return nil, fmt.Errorf("authorizer container %d: %w", i+1, err)
		}
		out = append(out, func(ctx context.Context, event []byte) ([]byte, error) {
			resp, err := rt.Invoke(ctx, event, 10*time.Second)
			if err != nil {
				return nil, err
			}
			return resp.Payload, nil
		})
	}
	d.logf("setup        %d authorizer containers started (REFRESH_COOLDOWN=%v), each read the secret during init", d.cfg.containers, d.cfg.cooldown)
	return out, nil
}

func (d *demo) startRotation(ctx context.Context, bin, secretID, distID string) (*lambdaruntime.Runtime, error) {
	rt, err := lambdaruntime.Start()
	if err != nil {
		return nil, err
	}
	d.closers = append(d.closers, rt.Close)
	env := append(endpointEnv(d.rotProxy.URL), "SECRET_ID="+secretID, "DISTRIBUTIONS="+distID+":api", "HEADER_NAME="+header,
		"SETTLE_DELAY="+d.cfg.settle.String(), "POLL_INTERVAL=1s", "LOG_LEVEL=warn")
	if err := rt.Exec(ctx, bin, env); err != nil {
		return nil, fmt.Errorf("rotation function: %w", err)
	}
	return rt, nil
}

// endpointEnv points a function's AWS SDK at url with test credentials.
func endpointEnv(url string) []string {
	return []string{"AWS_ENDPOINT_URL=" + url, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=" + motoserver.Region,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull}
}

// startTraffic sends the edges' and the direct requests until ctx ends.
func (d *demo) startTraffic(ctx context.Context, wg *sync.WaitGroup, edges []*edge) {
	for _, e := range edges {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick(ctx, d.cfg.edgeEvery, func() {
				code := d.api.serve(ctx, e.load())
				if ctx.Err() != nil {
					return // the run is ending: the request did not complete
				}
				d.count.legitimate.Add(1)
				if code != http.StatusOK {
					d.count.legitimateDenied.Add(1)
				}
			})
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		n := 0
		tick(ctx, d.cfg.directEvery, func() {
			n++
			value := "" // the execute-api URL called without the header
			if n%2 == 0 {
				value = fixture.RandomValue() // a guessed value
			}
			code := d.api.serve(ctx, value)
			if ctx.Err() != nil {
				return
			}
			d.count.direct.Add(1)
			d.count.directStatus[code].Add(1)
			if code == http.StatusOK {
				d.count.directAllowed.Add(1)
			}
		})
	}()
}

// rotate runs the four steps through the rotation function, as Secrets
// Manager invokes them.
func (d *demo) rotate(ctx context.Context, fn *lambdaruntime.Runtime, arn string) error {
	token, err := fixture.BeginRotation(ctx, d.sm, arn, true)
	if err != nil {
		return err
	}
	d.logf("rotation     Secrets Manager starts a rotation: version %s gets AWSPENDING", token[:8])
	for _, step := range fixture.Steps {
		event, _ := json.Marshal(fixture.Event(step, arn, token))
		began := time.Now()
		if _, err := fn.Invoke(ctx, event, 15*time.Minute); err != nil {
			return fmt.Errorf("%s: %w", step, err)
		}
		d.logf("%-12s %s (%v) %s", step, d.describe(ctx, step, arn), time.Since(began).Round(100*time.Millisecond), d.status())
	}
	return nil
}

// describe says what a step changed, naming values only by fingerprint.
func (d *demo) describe(ctx context.Context, step, arn string) string {
	value := func(stage string) string {
		s, err := fixture.SecretString(ctx, d.sm, arn, stage)
		if err != nil {
			return "?"
		}
		var v struct{ HEADERVALUE string }
		_ = json.Unmarshal([]byte(s), &v)
		return fingerprint.Of(v.HEADERVALUE)
	}
	switch step {
	case "createSecret":
		return "stored AWSPENDING = " + value("AWSPENDING")
	case "setSecret":
		_, cf := calls(d.rotProxy, "cloudfront")
		return fmt.Sprintf("waited SETTLE_DELAY, then wrote %s into the distribution (%s)", value("AWSPENDING"), cf)
	case "testSecret":
		n, _ := calls(d.rotProxy, "cloudfront")
		return fmt.Sprintf("distribution Deployed with the pending value (%d CloudFront calls so far)", n)
	}
	return fmt.Sprintf("AWSCURRENT = %s, AWSPREVIOUS = %s", value("AWSCURRENT"), value("AWSPREVIOUS"))
}

func tick(ctx context.Context, every time.Duration, f func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f()
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
