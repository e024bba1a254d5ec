package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/awsproxy"
	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/rotation"
)

// Goals, from the performance issue.
const (
	goalVerifyNs     = 1000
	goalHandlerNs    = 5000
	goalCallsPerTTL  = 2
	goalReadsPerCool = 1
	goalColdRatio    = 1.0 / 3
	goalBinaryBytes  = 10_000_000 // 10 MB, decimal
)

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
func secs(d time.Duration) string {
	return fmt.Sprintf("%.1f s", d.Seconds())
}
func us(d time.Duration) string {
	if d >= 10*time.Millisecond {
		return ms(d)
	}
	return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
}
func mib(kib int) string { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }
func ns(x float64) string {
	if x >= 10000 {
		return fmt.Sprintf("%.1f µs", x/1000)
	}
	return fmt.Sprintf("%.0f ns", x)
}

// --- micro -----------------------------------------------------------------

type microResult struct {
	stats map[string]*benchStats
	order []string
	py    *pyMicro
}

type microCase struct {
	bench, what string
	goalNs      float64 // 0: no goal
	zeroAllocs  bool
}

var microCases = []microCase{
	{"BenchmarkVerify/current", "Verify, AWSCURRENT (fake clock, as the tests run it)", goalVerifyNs, true},
	{"BenchmarkVerify/pending", "Verify, AWSPENDING (fake clock)", goalVerifyNs, true},
	{"BenchmarkVerify/previous", "Verify, AWSPREVIOUS in its grace window (fake clock)", goalVerifyNs, true},
	{"BenchmarkVerifySystemClock", "Verify, AWSCURRENT, system clock (as in production)", goalVerifyNs, true},
	{"BenchmarkVerifyParallel", "Verify, AWSCURRENT, all cores at once (time per op across them)", goalVerifyNs, true},
	{"BenchmarkRESTRequest", "RESTRequest handler: typed event in, response out", goalHandlerNs, false},
	{"BenchmarkRESTToken", "RESTToken handler: typed event in, response out", goalHandlerNs, false},
	{"BenchmarkHTTPAPI", "HTTPAPI handler (simple response): typed event in, response out", goalHandlerNs, false},
	{"BenchmarkHTTPAPIIAM", "HTTPAPIIAM handler: typed event in, response out", goalHandlerNs, false},
	{"BenchmarkMiddleware", "Middleware: *http.Request in, response written (httptest recorder)", goalHandlerNs, false},
	{"BenchmarkHandlerWithMetrics/off", "authorizer function's RESTRequest handler, METRICS=off (examples/lambda/authorizer)", goalHandlerNs, false},
	{"BenchmarkHandlerWithMetrics/on", "the same with EMF metrics: the Verifier's Decisions count, one EMF document written per invocation", goalHandlerNs, false},
	{"BenchmarkInvoke/rest-request", "RESTRequest as Lambda runs it: event JSON bytes in, response JSON out (lambda.NewHandler)", 0, false},
	{"BenchmarkInvoke/rest-token", "RESTToken, JSON in and out (lambda.NewHandler)", 0, false},
	{"BenchmarkInvoke/http-simple", "HTTPAPI, JSON in and out (lambda.NewHandler)", 0, false},
	{"BenchmarkInvoke/http-iam", "HTTPAPIIAM, JSON in and out (lambda.NewHandler)", 0, false},
	{"BenchmarkVerifyUnknown", "Verify of a random value within the refresh cooldown (one flood request)", 0, false},
}

func microSection(res *results, m *microResult) *section {
	s := &section{
		title: "Authorizer: verify path and handlers (go test -bench)",
		what: `The authorizer package's benchmarks and the authorizer function's handler without and with its EMF metrics (examples/lambda/authorizer), run 5 times each; the table gives the median ns/op (and the range), B/op and allocs/op (the largest of the 5 runs).
The Verifier is warm (its first read done) over a Secrets Manager test double, so no call is made: this is the per-request cost once the secret is cached.
"Typed event in, response out" is the adapter's handler function as lambda.Start calls it after decoding; the BenchmarkInvoke rows add what aws-lambda-go does around it on every invocation (encoding/json decode of the real event from authorizer/testdata, reflection call, encode), which is not the library's code and has no goal here.
The goals (≤ 1 µs and 0 allocs for Verify, ≤ 5 µs per handler) are checked on the median.
Baseline: the Python authorizer's handler called in-process in a loop (bench/authorizer-baseline/microbench.py, 500 calls after one warm-up), which makes a GetSecretValue to moto on every call.`,
		command: "go " + strings.Join(microArgs, " "),
		head:    []string{"benchmark", "what", "goal", "median", "range", "B/op", "allocs/op", "baseline (same run)", "verdict"},
	}
	base := "not measured (no Python with boto3)"
	if m.py != nil {
		base = fmt.Sprintf("%s per request (median), %.2f GetSecretValue each", us(time.Duration(m.py.MedianUs*1000)),
			float64(m.py.calls.Op("secretsmanager", "GetSecretValue"))/float64(m.py.N+1))
	}
	seen := map[string]bool{}
	for _, c := range microCases {
		st := m.stats[c.bench]
		seen[c.bench] = true
		if st == nil {
			if c.goalNs > 0 {
				res.check(s, c.bench, fmt.Sprintf("≤ %s", ns(c.goalNs)), "not run", false)
			}
			continue
		}
		goalText, verdictText := "—", "—"
		if c.goalNs > 0 {
			goalText = "≤ " + ns(c.goalNs)
			ok := st.medianNs() <= c.goalNs
			got := ns(st.medianNs())
			if c.zeroAllocs {
				goalText += ", 0 allocs"
				ok = ok && st.maxAllocs() == 0
				got += fmt.Sprintf(", %.0f allocs", st.maxAllocs())
			}
			res.check(s, strings.TrimPrefix(c.bench, "Benchmark"), goalText, got, ok)
			verdictText = verdict(ok)
		}
		s.row("`"+strings.TrimPrefix(c.bench, "Benchmark")+"`", c.what, goalText, ns(st.medianNs()),
			ns(slices.Min(st.ns))+" – "+ns(slices.Max(st.ns)), fmt.Sprintf("%.0f", st.maxBytes()), fmt.Sprintf("%.0f", st.maxAllocs()), base, verdictText)
	}
	for _, name := range m.order {
		if !seen[name] {
			st := m.stats[name]
			s.row("`"+strings.TrimPrefix(name, "Benchmark")+"`", "", "—", ns(st.medianNs()), ns(slices.Min(st.ns))+" – "+ns(slices.Max(st.ns)),
				fmt.Sprintf("%.0f", st.maxBytes()), fmt.Sprintf("%.0f", st.maxAllocs()), base, "—")
		}
	}
	return s
}

// --- size ------------------------------------------------------------------

func sizeSection(res *results, bins []binary, deps int64, unneeded []string) *section {
	s := &section{
		title: "Binary size",
		what: `The Lambda bootstraps built exactly as scripts/build-lambdas builds them (internal/lambdabuild: CGO_ENABLED=0, -trimpath, -ldflags "-s -w", so stripped; the AWS SDK linked).
The goal, ≤ 10 MB stripped, is the authorizer's (the issue sets it with the authorizer's cold start); it is checked as 10 MB = 10,000,000 bytes, the stricter reading (10 MiB would be 10,485,760). The rotation function's sizes are given for reference.
Baseline: the Python authorizer's own files are a few KB, but it needs boto3 and botocore, which Lambda's Python runtimes provide outside the zip; their installed size on this machine is given for scale.`,
		command: "go run ./bench/cmd/originbench -only size",
		head:    []string{"function", "arch", "bytes", "MB", "MiB", "goal", "baseline (same run)", "verdict"},
	}
	base := "n/a"
	if deps > 0 {
		base = fmt.Sprintf("boto3 + botocore installed: %.1f MB", float64(deps)/1e6)
	}
	for _, b := range bins {
		goalText, verdictText := "— (reference)", "—"
		if b.name == "authorizer" {
			ok := b.size <= goalBinaryBytes
			res.check(s, b.name+" "+b.arch, "≤ 10 MB", fmt.Sprintf("%.2f MB", float64(b.size)/1e6), ok)
			goalText, verdictText = "≤ 10 MB", verdict(ok)
		}
		s.row(b.name, b.arch, fmt.Sprintf("%d", b.size), fmt.Sprintf("%.2f", float64(b.size)/1e6), fmt.Sprintf("%.2f", float64(b.size)/(1<<20)), goalText, base, verdictText)
	}
	if len(unneeded) > 0 {
		s.notes = append(s.notes, "The authorizer function links packages it never calls: `"+strings.Join(unneeded, "`, `")+
			"` (go list -deps ./examples/lambda/authorizer), because examples/lambda/authorizer/config.go imports the cloudfront package for ValidateHeaderName. Moving that check to a package without SDK dependencies would drop them from the binary.")
	}
	return s
}

// --- throughput ----------------------------------------------------------------

func throughputSection(res *results, tps []throughputResult, ip inProcess, f flags) *section {
	s := &section{
		title: "Authorizer: throughput and Secrets Manager calls per request, against the same moto",
		what: fmt.Sprintf(`Each function runs as its bootstrap in a fresh execution environment of internal/lambdaruntime (the fake Lambda Runtime API) and is invoked one request at a time, as Lambda feeds one execution environment, for %v after one warm-up invocation; every request carries AWSCURRENT (a REST API REQUEST event) and must be allowed.
The Go function is the built examples/lambda/authorizer bootstrap (defaults: 5 min TTL); the baseline is bench/authorizer-baseline (Python and boto3, with a Runtime API loop over one keep-alive connection), which calls GetSecretValue on every request, as blog posts do.
Both talk to the same moto_server through the counting proxy; calls are the HTTP requests the proxy saw during the timed invocations.
Latency is per invocation as the harness sees it (queue, Runtime API exchange, handler). The in-process row is the Verifier itself over the same moto, one goroutine, system clock, no Lambda runtime.
Peak RSS is the function process's VmHWM after the run. No goal is set for throughput; it shows where the time goes.`, f.throughputD),
		command: fmt.Sprintf("go run ./bench/cmd/originbench -only throughput -throughput-duration %v", f.throughputD),
		head:    []string{"function", "invocations", "req/s", "p50", "p99", "Secrets Manager calls", "calls/request", "peak RSS"},
	}
	for _, tp := range tps {
		s.row(tp.fn, fmt.Sprintf("%d", tp.invocations), fmt.Sprintf("%.0f", tp.perSecond()), us(percentile(tp.latencies, 50)), us(percentile(tp.latencies, 99)),
			tp.calls.String(), fmt.Sprintf("%.3f", tp.callsPerRequest()), mib(tp.rssKiB))
	}
	s.row("Go Verifier in-process (no Lambda runtime)", fmt.Sprintf("%d", ip.ops), fmt.Sprintf("%.0f", float64(ip.ops)/ip.elapsed.Seconds()),
		"—", "—", ip.calls.String(), fmt.Sprintf("%.6f", float64(ip.calls.Service("secretsmanager"))/float64(ip.ops)), "—")
	if len(tps) == 2 && tps[1].perSecond() > 0 {
		s.notes = append(s.notes, fmt.Sprintf("Through the same harness the Go function served %.1f× the baseline's requests per second. The baseline is bound by its GetSecretValue round trip to moto on every request; the Go function makes no call per request, so its figure is the harness's own round trip (Go test process ↔ function over loopback HTTP) on this machine.",
			tps[0].perSecond()/tps[1].perSecond()),
			"moto answers on loopback in a few milliseconds; a real Secrets Manager endpoint is a network round trip away, so against AWS the baseline's per-request cost would be higher, not lower.")
	}
	return s
}

// --- cold start ------------------------------------------------------------

func coldStartSection(res *results, fns []function, cs [][]coldStart, f flags) *section {
	s := &section{
		title: "Cold start",
		what: fmt.Sprintf(`Time from just before the bootstrap process is started to the first response, through internal/lambdaruntime: process start, init (Go: AWS SDK config loaded with config.LoadDefaultConfig and the secret read during init by Verifier.Load; Python: boto3 imported and its client created at module load), the Runtime API's first /next, and the first invocation (Python: its GetSecretValue).
"init" ends at the function's first GET /invocation/next.
%d starts of each function, alternating Go and Python, after one discarded start of each (so both find the page cache warm); median and range. Peak RSS is VmHWM of the function process right after its first response.
Goal: the Go median is at most 1/3 of the Python median.`, f.coldRuns),
		command: fmt.Sprintf("go run ./bench/cmd/originbench -only coldstart -coldstart-runs %d", f.coldRuns),
		head:    []string{"function", "starts", "init (median)", "first response (median)", "range", "peak RSS (median)", "Secrets Manager calls until the first response"},
	}
	var medians []time.Duration
	for i, fn := range fns {
		var inits, firsts []time.Duration
		var rss []int // KiB
		for _, c := range cs[i] {
			inits, firsts, rss = append(inits, c.init), append(firsts, c.first), append(rss, c.rssKiB)
		}
		medians = append(medians, median(firsts))
		s.row(fn.name, fmt.Sprintf("%d", len(cs[i])), ms(median(inits)), ms(median(firsts)), ms(percentile(firsts, 0))+" – "+ms(percentile(firsts, 100)),
			mib(median(rss)), cs[i][0].calls.String())
	}
	if len(medians) == 2 {
		ratio := float64(medians[0]) / float64(medians[1])
		ok := ratio <= goalColdRatio
		res.check(s, "Go first response / Python first response (medians)", "≤ 0.33", fmt.Sprintf("%.3f (%s vs %s)", ratio, ms(medians[0]), ms(medians[1])), ok)
		s.notes = append(s.notes, fmt.Sprintf("Go / Python, medians of the first response: **%.3f** (goal ≤ 1/3): %s.", ratio, verdict(ok)))
	}
	return s
}

// --- steady state ------------------------------------------------------------

var steadyCases = []struct{ ttl, duration time.Duration }{
	{10 * time.Second, time.Minute},
	{time.Minute, time.Minute},
	{authorizer.DefaultCacheTTL, time.Minute},
	{authorizer.DefaultCacheTTL, time.Hour},
}

func baselineCalls(perRequest float64, requests int) string {
	if perRequest < 0 {
		return "run with -only throughput,… to measure"
	}
	return fmt.Sprintf("%.0f (%.2f/request × %d)", perRequest*float64(requests), perRequest, requests)
}

func steadySection(res *results, rs []steadyResult, basePerRequest float64) *section {
	s := &section{
		title: "Authorizer: Secrets Manager calls in steady state (simulated time)",
		what: `One Verifier (one container) over moto through the counting proxy, with a fake clock (authorizer.WithClock): after its first read (Load, as the Lambda makes it during init; counted apart), 1,000 requests a second carrying AWSCURRENT, the clock advanced 1 ms per request, for the simulated duration shown.
The secret has AWSCURRENT and AWSPREVIOUS, as between rotations. Reads are due every TTL, spread between TTL/2 and TTL.
"calls per TTL" is the steady calls divided by the number of TTLs in the run; "most in any TTL window" is the largest number of calls the Verifier made in any TTL-long window of simulated time (the goal, ≤ 2 calls per TTL, is checked on this one).
Baseline: the per-request-fetch authorizer makes one call per request (its calls/request as measured in the throughput section of this run, times the requests).`,
		command: "go run ./bench/cmd/originbench -only throughput,steady",
		head:    []string{"TTL", "simulated", "requests", "refused", "first read (init)", "steady calls", "calls per TTL", "most in any TTL window", "goal", "baseline calls (same run)", "verdict"},
	}
	for _, r := range rs {
		ok := r.maxPerTTL <= goalCallsPerTTL && r.refused == 0
		res.check(s, fmt.Sprintf("TTL %v over %v", r.ttl, r.duration), "≤ 2 calls per TTL window, 0 refused",
			fmt.Sprintf("%d most, %.2f mean, %d refused", r.maxPerTTL, r.perTTL, r.refused), ok)
		s.row(r.ttl.String(), r.duration.String(), fmt.Sprintf("%d", r.requests), fmt.Sprintf("%d", r.refused), r.init.String(), r.steady.String(),
			fmt.Sprintf("%.2f", r.perTTL), fmt.Sprintf("%d", r.maxPerTTL), "≤ 2", baselineCalls(basePerRequest, r.requests), verdict(ok))
	}
	return s
}

// --- flood -------------------------------------------------------------------

func floodSection(res *results, rs []floodResult, basePerRequest float64) *section {
	s := &section{
		title: "Authorizer: a flood of random header values (simulated time)",
		what: `One warm Verifier (default TTL 5 min, refresh cooldown 5 s) over moto through the counting proxy, fake clock: for 60 simulated seconds, 1,000 requests a second carrying AWSCURRENT and, mixed in, random 64-character values at the rate shown.
An unknown value makes a read (one DescribeSecret; GetSecretValue only for versions not seen before) at most once per cooldown; within the cooldown, after a recent good read, unknown values are denied at once (they cannot be new values: the rotation's settle delay exceeds cooldown + read timeout), so a flood gets Deny (403), not ErrUnavailable (500) an attacker could use to trip 5XX alarms. The "Deny / Unavailable" column shows it.
"reads per cooldown" is DescribeSecret calls divided by the 12 cooldowns in the run; "most in any 5 s window" counts every Secrets Manager call in any cooldown-long window of simulated time (goal ≤ 1 read per cooldown, checked on both; flat: the highest rate makes no more reads than the lowest).
Baseline: one call per request, legitimate or not.`,
		command: "go run ./bench/cmd/originbench -only throughput,flood",
		head:    []string{"random values/s", "random requests", "legitimate requests", "legitimate refused", "random: Deny / Unavailable", "Secrets Manager calls", "reads per cooldown", "most in any 5 s window", "goal", "baseline calls (same run)", "verdict"},
	}
	for _, r := range rs {
		ok := r.perCooldown <= goalReadsPerCool && r.maxPerCooldown <= goalReadsPerCool && r.legitRefused == 0
		res.check(s, fmt.Sprintf("%d random values/s", r.rate), "≤ 1 read per cooldown, 0 legitimate refused",
			fmt.Sprintf("%.2f mean, %d most, %d refused", r.perCooldown, r.maxPerCooldown, r.legitRefused), ok)
		s.row(fmt.Sprintf("%d", r.rate), fmt.Sprintf("%d", r.flood), fmt.Sprintf("%d", r.legit), fmt.Sprintf("%d", r.legitRefused),
			fmt.Sprintf("%d / %d", r.denied, r.unavailable), r.calls.String(), fmt.Sprintf("%.2f", r.perCooldown), fmt.Sprintf("%d", r.maxPerCooldown),
			"≤ 1", baselineCalls(basePerRequest, r.legit+r.flood), verdict(ok))
	}
	if len(rs) > 1 {
		lo, hi := rs[0], rs[len(rs)-1]
		ok := hi.reads <= lo.reads
		res.check(s, "flat in the flood rate", fmt.Sprintf("reads at %d/s ≤ reads at %d/s", hi.rate, lo.rate), fmt.Sprintf("%d vs %d", hi.reads, lo.reads), ok)
	}
	return s
}

// --- rotation ----------------------------------------------------------------

func rotationSection(res *results, steps []stepCalls, late awsproxy.Counts) *section {
	s := &section{
		title: "Rotation: API calls per full rotation, and on re-runs",
		what: `rotation.Handler over cloudfront.OriginHeader with one distribution in moto, every call counted by the proxy (SDK retries would count too; there were none). Secrets Manager's part (RotateSecret, then invoking each step) is played by internal/fixture with an uncounted client.
Each step runs twice in a row, as a retry after a lost response would (the re-run columns); afterwards the whole rotation is run again, as a late retry of a finished rotation.
Waits (the default 10 s settle delay, polling) pass on a fake clock; moto reports Deployed at once, so testSecret polls once. Goal: exactly one UpdateDistribution per distribution per rotation, none on any re-run.`,
		command: "go run ./bench/cmd/originbench -only rotation",
		head:    []string{"step", "first run: Secrets Manager", "first run: CloudFront", "re-run: Secrets Manager", "re-run: CloudFront"},
	}
	var first, rerun awsproxy.Counts = awsproxy.Counts{}, awsproxy.Counts{}
	for _, st := range steps {
		s.row(st.step, svc(st.first, "secretsmanager"), svc(st.first, "cloudfront"), svc(st.rerun, "secretsmanager"), svc(st.rerun, "cloudfront"))
		for k, v := range st.first {
			first[k] += v
		}
		for k, v := range st.rerun {
			rerun[k] += v
		}
	}
	s.row("**whole rotation**", svc(first, "secretsmanager"), svc(first, "cloudfront"), svc(rerun, "secretsmanager"), svc(rerun, "cloudfront"))
	s.row("late retry of all four steps after finishSecret", svc(late, "secretsmanager"), svc(late, "cloudfront"), "", "")
	up := first.Op("cloudfront", "UpdateDistribution")
	res.check(s, "UpdateDistribution per distribution per rotation", "exactly 1", fmt.Sprintf("%d", up), up == 1)
	extra := rerun.Op("cloudfront", "UpdateDistribution") + late.Op("cloudfront", "UpdateDistribution")
	res.check(s, "extra UpdateDistribution on re-runs", "0", fmt.Sprintf("%d", extra), extra == 0)
	return s
}

// svc formats the calls of one service: "3 (DescribeSecret 2, GetSecretValue 1)".
func svc(c awsproxy.Counts, service string) string {
	only := awsproxy.Counts{}
	for op, n := range c {
		if strings.HasPrefix(op, service+":") {
			only[op] = n
		}
	}
	if len(only) == 0 {
		return "0"
	}
	return fmt.Sprintf("%d (%s)", only.Service(service), only)
}

// --- scaling -------------------------------------------------------------------

// simulatedDeploy is how long a simulated CloudFront deployment takes.
const simulatedDeploy = 5 * time.Minute

func realLatency(d time.Duration) func(*clocktest.Clock) awsproxy.Options {
	return func(*clocktest.Clock) awsproxy.Options { return awsproxy.Options{CloudFrontLatency: d} }
}

func simulatedCloudFront(d time.Duration) func(*clocktest.Clock) awsproxy.Options {
	return func(c *clocktest.Clock) awsproxy.Options {
		return awsproxy.Options{CloudFrontLatency: d, Sleep: c.Advance, DeployTime: simulatedDeploy, Now: c.Now}
	}
}

func scalingSection(res *results, real, sim []scaleResult, f flags) *section {
	s := &section{
		title: "Rotation: scaling with the number of distributions",
		what: fmt.Sprintf(`One full rotation (the four steps) over N distributions in moto, with rotation.WithSettleDelay(0) so the settle wait (10 s by default, once per rotation whatever N) is left out of these numbers.
**Real latency**: the proxy sleeps %v before forwarding every CloudFront call; moto reports Deployed at once, so testSecret polls each distribution once. Times are real wall time.
**Simulated deployment**: the same %v latency and a deployment that stays InProgress for %v after each UpdateDistribution, both on the fake clock (so they cost no real time), polled every %v (cloudfront.DefaultPollInterval); times are simulated.
"in flight" is the most CloudFront calls the proxy handled at once; "shortest gap" is the least time between two UpdateDistribution calls.`, f.latency, f.latency, simulatedDeploy, cloudfront.DefaultPollInterval),
		command: fmt.Sprintf("go run ./bench/cmd/originbench -only scaling -cloudfront-latency %v", f.latency),
		head:    []string{"model", "N", "setSecret", "testSecret", "total", "Secrets Manager calls", "CloudFront calls", "in flight", "shortest gap between updates", "updates per minute"},
	}
	add := func(model string, r scaleResult, simulated bool) {
		set, test, total := r.stepTime[rotation.StepSet], r.stepTime[rotation.StepTest], r.total
		if simulated {
			set, test, total = r.stepSim[rotation.StepSet], r.stepSim[rotation.StepTest], r.simulated
		}
		perMin := "—"
		if r.updatesPerMin > 0 {
			perMin = fmt.Sprintf("%.0f", r.updatesPerMin)
		}
		gap := "—"
		if r.n > 1 {
			gap = ms(r.updateGapMin)
		}
		s.row(model, fmt.Sprintf("%d", r.n), secs(set), secs(test), secs(total), svc(r.calls, "secretsmanager"), svc(r.calls, "cloudfront"),
			fmt.Sprintf("%d", r.maxInFlight), gap, perMin)
		up := r.calls.Op("cloudfront", "UpdateDistribution")
		res.check(s, fmt.Sprintf("%s, N=%d: UpdateDistribution", model, r.n), fmt.Sprintf("exactly %d", r.n), fmt.Sprintf("%d", up), up == r.n)
		res.check(s, fmt.Sprintf("%s, N=%d: CloudFront calls in flight", model, r.n), "1 (no parallel burst)", fmt.Sprintf("%d", r.maxInFlight), r.maxInFlight == 1)
	}
	for _, r := range real {
		add("real latency", r, false)
	}
	for _, r := range sim {
		add("simulated deployment", r, true)
	}
	s.notes = append(s.notes, scalingNotes(real, sim, f)...)
	return s
}

func scalingNotes(real, sim []scaleResult, f flags) []string {
	var notes []string
	if len(real) > 0 {
		last := real[len(real)-1]
		notes = append(notes, fmt.Sprintf(`How it grows: linearly in N. setSecret reads and writes the distributions one after the other (GetDistributionConfig, then UpdateDistribution guarded by the ETag: 2 calls, 2 × latency each), and testSecret asks each distribution's status (GetDistribution) once per poll round until it is Deployed with the value, never again after that. Secrets Manager calls do not depend on N. With %v per CloudFront call the latency alone is 3 × N × %v (N=%d: %s); measured %s, the rest being moto's own time and the Secrets Manager calls on this machine.`,
			f.latency, f.latency, last.n, secs(3*time.Duration(last.n)*f.latency), secs(last.total)))
	}
	if len(sim) > 0 {
		last := sim[len(sim)-1]
		notes = append(notes, fmt.Sprintf(`With deployments of minutes, testSecret's time is the deployment's, not N's: every poll round asks each distribution not yet confirmed once, so GetDistribution calls grow as N × rounds (N=%d: %d GetDistribution calls, %s simulated). The budget is the Lambda's deadline minus cloudfront.DefaultDeadlineMargin; a deployment that outlasts it fails testSecret with a NotDeployedError, and Secrets Manager's retry finds setSecret done and waits again.`,
			last.n, last.calls.Op("cloudfront", "GetDistribution"), secs(last.simulated)))
	}
	if len(real) > 0 {
		last := real[len(real)-1]
		notes = append(notes, fmt.Sprintf(`Throttling: updates are never in flight together (at most one CloudFront call at a time), and by default nothing spaces them beyond the calls' own latency: with %v latency N=%d sent its updates at least %s apart, %.0f a minute on average. Users report CloudFront throttling ("Rate exceeded") at 2–3 updates a minute; throttled calls then back off (%v doubling to %v, jittered) until the deadline budget, and cloudfront.WithUpdateInterval spaces the updates instead: see the next section.`,
			f.latency, last.n, ms(last.updateGapMin), last.updatesPerMin, cloudfront.DefaultBackoff, cloudfront.DefaultMaxBackoff))
	}
	return notes
}

// throttlePerMinute is the UpdateDistribution rate the throttling run allows:
// users report "Rate exceeded" after 2–3 updates a minute.
const throttlePerMinute = 3

// pacedInterval is the cloudfront.WithUpdateInterval of the paced run: just
// over a minute for every throttlePerMinute updates.
const pacedInterval = 21 * time.Second

func throttleSection(res *results, runs []throttleResult, f flags) *section {
	first := runs[0]
	s := &section{
		title: "Rotation: setSecret over 25 distributions under CloudFront throttling (simulated)",
		what: fmt.Sprintf(`AWS publishes no UpdateDistribution rate; users report "Rate exceeded" after 2–3 updates a minute. This run models that: the proxy lets through at most %d UpdateDistribution calls in any rolling minute and answers the others 400 Throttling, with %v latency on every CloudFront call. Everything runs on the fake clock: the latency, the library's backoff (throttling: %v doubling to %v, jittered, until the deadline budget; 412 and 5xx: at most cloudfront.WithMaxAttempts %d) and the SDK's own retries (its standard retryer, its backoff spent on the clock). The Lambda's deadline is 15 minutes.
After createSecret, setSecret is invoked over %d distributions; whenever it fails, it is invoked again at once, as Secrets Manager retries a failed rotation (its schedule is not documented, so this is the fastest case), up to %d times. The first run leaves the updates unpaced; the second sets cloudfront.WithUpdateInterval.
The lower bound is the least time %d updates can take at that rate.`, first.perMinute, f.latency, cloudfront.DefaultBackoff, cloudfront.DefaultMaxBackoff, cloudfront.DefaultMaxAttempts, first.n, maxSetSecretInvocations, first.n),
		command: fmt.Sprintf("go run ./bench/cmd/originbench -only scaling -cloudfront-latency %v", f.latency),
		head:    []string{"N", "updates allowed per minute", "update interval", "setSecret invocations", "CloudFront calls (throttled included)", "throttled", "simulated time", "lower bound at that rate"},
	}
	for _, r := range runs {
		s.row(fmt.Sprintf("%d", r.n), fmt.Sprintf("%d", r.perMinute), r.interval.String(), fmt.Sprintf("%d", r.invocations), svc(r.calls, "cloudfront"),
			fmt.Sprintf("%d", r.throttled), secs(r.simulated), secs(r.lowerBound))
		up := r.calls.Op("cloudfront", "UpdateDistribution") - r.throttled
		res.check(s, fmt.Sprintf("UpdateDistribution accepted under throttling, interval %v", r.interval), fmt.Sprintf("exactly %d", r.n), fmt.Sprintf("%d", up), up == r.n)
		res.check(s, fmt.Sprintf("setSecret invocations under throttling, interval %v", r.interval), "1 (no failed rotation attempt)", fmt.Sprintf("%d", r.invocations), r.invocations == 1)
		if len(r.failures) > 0 {
			s.notes = append(s.notes, fmt.Sprintf("Interval %v: %d setSecret invocations failed before one succeeded; the first failure: `%s`.", r.interval, len(r.failures), r.failures[0]))
		}
	}
	if len(runs) == 2 && runs[0].invocations == 1 {
		unpaced, paced := runs[0], runs[1]
		s.notes = append(s.notes, fmt.Sprintf(`What it shows: one setSecret invocation updates all %d distributions either way, never sending updates in parallel. Unpaced, it backs off through %d throttled calls and takes %s against a lower bound of %s; paced at %v, it takes %s with %d throttled calls. Both fit in the Lambda's 15 minutes; more distributions need a longer interval and the function's timeout raised to match (UPDATE_INTERVAL in the rotation function).`,
			unpaced.n, unpaced.throttled, secs(unpaced.simulated), secs(unpaced.lowerBound), paced.interval, secs(paced.simulated), paced.throttled))
	}
	return s
}
