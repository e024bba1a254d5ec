package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/originlock/originlock/internal/awsproxy"
	"github.com/originlock/originlock/internal/lambdaruntime"
)

const (
	methodARN     = "arn:aws:execute-api:us-east-1:123456789012:benchapi/prod/GET/pets/42"
	invokeTimeout = 10 * time.Second
)

// function is a bootstrap to run under the fake Lambda runtime.
type function struct {
	name string
	path string
	env  []string // besides moto's variables, which point at the proxy
}

// goFunction is the built authorizer bootstrap, as deployed: REST REQUEST
// authorizer, default cache settings, info logging.
func goFunction(bin string, s *secret) function {
	return function{name: "Go (originlock)", path: bin, env: []string{"SECRET_ID=" + s.name, "AUTHORIZER_TYPE=rest-request"}}
}

// pyFunction is the Python per-request-fetch baseline.
func pyFunction(bootstrap, python string, s *secret) function {
	return function{name: "Python baseline", path: bootstrap, env: []string{"SECRET_ID=" + s.name, "BASELINE_PYTHON=" + python}}
}

// functionEnv is f's environment: moto's variables, pointing at p, and f's
// own. Variables moto sets to "" (to override a developer's) are left out:
// the function inherits nothing anyway, and boto3 reads AWS_PROFILE="" as a
// profile named "".
func (e *env) functionEnv(f function, p *awsproxy.Proxy) []string {
	var out []string
	for _, kv := range e.moto.Environ() {
		if !strings.HasSuffix(kv, "=") {
			out = append(out, kv)
		}
	}
	return append(append(out, "AWS_ENDPOINT_URL="+p.URL), f.env...)
}

// requestEvent is a REST API REQUEST authorizer event carrying value.
func requestEvent(value string) []byte {
	b, _ := json.Marshal(events.APIGatewayCustomAuthorizerRequestTypeRequest{
		Type: "REQUEST", MethodArn: methodARN, HTTPMethod: "GET", Path: "/pets/42",
		Headers: map[string]string{headerName: value, "Accept": "*/*", "User-Agent": "Amazon CloudFront"},
	})
	return b
}

// effect is the policy's Effect in an authorizer response ("Allow", "Deny"),
// or "?". Only the Effect is read: IAM allows Action as a string or a list.
func effect(payload []byte) string {
	var out struct {
		PolicyDocument struct {
			Statement []struct{ Effect string }
		} `json:"policyDocument"`
	}
	if json.Unmarshal(payload, &out) != nil || len(out.PolicyDocument.Statement) != 1 {
		return "?"
	}
	return out.PolicyDocument.Statement[0].Effect
}

// peakRSS returns the process's VmHWM (peak resident set) in KiB.
func peakRSS(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}

// throughputResult is one function's sequential invocations.
type throughputResult struct {
	fn          string
	invocations int
	elapsed     time.Duration
	latencies   []time.Duration
	calls       awsproxy.Counts // Secrets Manager calls during the timed invocations
	rssKiB      int
}

func (r throughputResult) perSecond() float64 {
	return float64(r.invocations) / r.elapsed.Seconds()
}

func (r throughputResult) callsPerRequest() float64 {
	return float64(r.calls.Service("secretsmanager")) / float64(r.invocations)
}

// throughput starts f in a fresh execution environment, makes one warm-up
// invocation, then invokes it one request at a time (as Lambda feeds one
// execution environment) for d, with AWSCURRENT in the header.
func (e *env) throughput(ctx context.Context, f function, s *secret, d time.Duration) (throughputResult, error) {
	r := throughputResult{fn: f.name}
	p, err := e.proxy(awsproxy.Options{})
	if err != nil {
		return r, err
	}
	defer p.Close()
	rt, err := lambdaruntime.Start()
	if err != nil {
		return r, err
	}
	defer rt.Close()
	rt.Redact(s.current, s.previous)
	if err := rt.Exec(ctx, f.path, e.functionEnv(f, p)); err != nil {
		return r, fmt.Errorf("%s: %w", f.name, err)
	}
	payload := requestEvent(s.current)
	invoke := func() error {
		resp, err := rt.Invoke(ctx, payload, invokeTimeout)
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		if got := effect(resp.Payload); got != "Allow" {
			return fmt.Errorf("%s: effect %q for AWSCURRENT, want Allow", f.name, got)
		}
		return nil
	}
	if err := invoke(); err != nil {
		return r, err
	}
	before := p.Counts()
	start := time.Now()
	for time.Since(start) < d {
		t := time.Now()
		if err := invoke(); err != nil {
			return r, err
		}
		r.latencies = append(r.latencies, time.Since(t))
	}
	r.elapsed = time.Since(start)
	r.invocations = len(r.latencies)
	r.calls = p.Counts().Sub(before)
	r.rssKiB, err = peakRSS(rt.PID())
	return r, err
}

// coldStart is one start of a function.
type coldStart struct {
	init, first time.Duration // from just before the process starts: to its first /next, to its first response
	rssKiB      int
	calls       awsproxy.Counts
}

// startOnce starts f in a fresh execution environment and times it up to its
// first response.
func (e *env) startOnce(ctx context.Context, f function, s *secret) (coldStart, error) {
	var c coldStart
	p, err := e.proxy(awsproxy.Options{})
	if err != nil {
		return c, err
	}
	defer p.Close()
	rt, err := lambdaruntime.Start()
	if err != nil {
		return c, err
	}
	defer rt.Close()
	rt.Redact(s.current, s.previous)
	env := e.functionEnv(f, p)
	payload := requestEvent(s.current)
	start := time.Now()
	if err := rt.Exec(ctx, f.path, env); err != nil {
		return c, fmt.Errorf("%s: %w", f.name, err)
	}
	c.init = time.Since(start)
	resp, err := rt.Invoke(ctx, payload, invokeTimeout)
	c.first = time.Since(start)
	if err != nil {
		return c, fmt.Errorf("%s: %w", f.name, err)
	}
	if got := effect(resp.Payload); got != "Allow" {
		return c, fmt.Errorf("%s: first response %q, want Allow", f.name, got)
	}
	c.calls = p.Counts()
	c.rssKiB, err = peakRSS(rt.PID())
	return c, err
}

// coldStarts starts each function runs times, alternating between them so
// that drift in the machine's load hits both alike, after one discarded
// start of each (which fills the page cache).
func (e *env) coldStarts(ctx context.Context, fns []function, s *secret, runs int) ([][]coldStart, error) {
	out := make([][]coldStart, len(fns))
	for i := -1; i < runs; i++ {
		for j, f := range fns {
			c, err := e.startOnce(ctx, f, s)
			if err != nil {
				return nil, err
			}
			if i >= 0 {
				out[j] = append(out[j], c)
			}
		}
	}
	return out, nil
}

// percentile returns the p-th percentile (0..100, nearest rank) of ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p/100*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func median[T ~int | ~int64 | ~float64](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
