// Command originbench measures originlock against its performance goals and
// against a per-request-fetch authorizer like the ones in today's blog posts
// (bench/authorizer-baseline), and writes BENCHMARKS.md. It exits 1 when a
// goal is missed, 2 when a measurement could not be made.
//
// It starts one moto_server for the whole run; every AWS request goes through
// a counting proxy (internal/awsproxy). scripts/bench runs it with every
// section; -only runs some:
//
//	go run ./bench/cmd/originbench -only steady,flood
//
// Sections: micro, size, throughput, coldstart, steady, flood, rotation,
// scaling.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/internal/lambdabuild"
	"github.com/originlock/originlock/internal/motoserver"
)

var allSections = []string{"micro", "size", "throughput", "coldstart", "steady", "flood", "rotation", "scaling"}

type flags struct {
	only        []string
	out         string
	command     string
	coldRuns    int
	throughputD time.Duration
	latency     time.Duration
}

func main() {
	var f flags
	only := flag.String("only", strings.Join(allSections, ","), "comma-separated sections to run: "+strings.Join(allSections, ", "))
	flag.StringVar(&f.out, "out", "-", "where to write the report (- for stdout)")
	flag.StringVar(&f.command, "command", "", "the command to name as the report's generator (default: this command line)")
	flag.IntVar(&f.coldRuns, "coldstart-runs", 10, "cold starts per function, after one discarded start each")
	flag.DurationVar(&f.throughputD, "throughput-duration", 5*time.Second, "how long each function is invoked in the throughput section")
	flag.DurationVar(&f.latency, "cloudfront-latency", 300*time.Millisecond, "latency added to every CloudFront call in the scaling section")
	flag.Parse()
	for _, s := range strings.Split(*only, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !slices.Contains(allSections, s) {
			fmt.Fprintf(os.Stderr, "originbench: unknown section %q (want %s)\n", s, strings.Join(allSections, ", "))
			os.Exit(2)
		}
		f.only = append(f.only, s)
	}
	if f.command == "" {
		f.command = "go run ./bench/cmd/originbench " + strings.Join(os.Args[1:], " ")
		f.command = strings.TrimSpace(f.command)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := run(ctx, f)
	if err != nil {
		fmt.Fprintln(os.Stderr, "originbench:", err)
		os.Exit(2)
	}
	if missed := res.failed(); len(missed) > 0 {
		fmt.Fprintf(os.Stderr, "originbench: %d goal(s) missed:\n", len(missed))
		for _, g := range missed {
			fmt.Fprintf(os.Stderr, "  %s: %s: target %s, measured %s\n", g.section, g.name, g.target, g.got)
		}
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "originbench: all %d goals met\n", len(res.goals))
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "originbench: "+format+"\n", args...)
}

func run(ctx context.Context, f flags) (*results, error) {
	started := time.Now()
	root, err := lambdabuild.ModuleDir(ctx)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "originbench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	e := &env{root: root, tmp: tmp, python: findPython(ctx)}
	m := describeMachine(ctx, e.python)
	want := func(s string) bool { return slices.Contains(f.only, s) }
	res := &results{}

	var micro *microResult
	if want("micro") {
		progress("micro benchmarks: go %s", strings.Join(microArgs, " "))
		stats, order, err := e.runMicro(ctx)
		if err != nil {
			return nil, err
		}
		micro = &microResult{stats: stats, order: order}
	}

	needMoto := slices.ContainsFunc(f.only, func(s string) bool { return s != "size" })
	if needMoto {
		progress("starting moto_server")
		if e.moto, err = motoserver.Start(ctx); err != nil {
			return nil, err
		}
		defer e.moto.Close()
		cfg, err := e.moto.AWSConfig(ctx)
		if err != nil {
			return nil, err
		}
		e.sm = secretsmanager.NewFromConfig(cfg)
	}
	var s *secret
	if needMoto {
		if s, err = e.newSecret(ctx); err != nil {
			return nil, err
		}
	}
	if micro != nil {
		if e.python != "" {
			progress("baseline handler in-process")
			py, err := e.pythonMicro(ctx, s, 500)
			if err != nil {
				return nil, err
			}
			micro.py = &py
		}
		res.add(microSection(res, micro))
	}

	var bins []binary
	if want("size") || want("throughput") || want("coldstart") {
		progress("building the Lambda functions")
		if bins, err = e.buildAll(ctx); err != nil {
			return nil, err
		}
	}
	if want("size") {
		deps, err := e.pythonDepsSize(ctx)
		if err != nil {
			deps = -1
		}
		unneeded, err := e.unneededDeps(ctx)
		if err != nil {
			return nil, err
		}
		res.add(sizeSection(res, bins, deps, unneeded))
	}

	var fns []function
	if want("throughput") || want("coldstart") {
		if e.python == "" {
			return nil, errNoPython
		}
		boot, err := e.baselineDir()
		if err != nil {
			return nil, err
		}
		fns = []function{goFunction(hostBinary(bins, "authorizer"), s), pyFunction(boot, e.python, s)}
	}
	var baselinePerRequest float64 = -1
	if want("throughput") {
		var tps []throughputResult
		for _, fn := range fns {
			progress("throughput: %s for %v", fn.name, f.throughputD)
			tp, err := e.throughput(ctx, fn, s, f.throughputD)
			if err != nil {
				return nil, err
			}
			tps = append(tps, tp)
		}
		progress("throughput: Verifier in-process")
		ip, err := e.inProcessThroughput(ctx, s, 2*time.Second)
		if err != nil {
			return nil, err
		}
		baselinePerRequest = tps[1].callsPerRequest()
		res.add(throughputSection(res, tps, ip, f))
	}
	if want("coldstart") {
		progress("cold starts: %d of each function", f.coldRuns)
		cs, err := e.coldStarts(ctx, fns, s, f.coldRuns)
		if err != nil {
			return nil, err
		}
		res.add(coldStartSection(res, fns, cs, f))
	}
	if want("steady") {
		var rs []steadyResult
		for _, c := range steadyCases {
			progress("steady state: TTL %v for %v", c.ttl, c.duration)
			r, err := e.steadyState(ctx, s, c.ttl, c.duration, 1000)
			if err != nil {
				return nil, err
			}
			rs = append(rs, r)
		}
		res.add(steadySection(res, rs, baselinePerRequest))
	}
	if want("flood") {
		var rs []floodResult
		for _, rate := range []int{100, 1000, 10000} {
			progress("flood: %d random values a second", rate)
			r, err := e.flood(ctx, s, rate, time.Minute)
			if err != nil {
				return nil, err
			}
			rs = append(rs, r)
		}
		res.add(floodSection(res, rs, baselinePerRequest))
	}
	if want("rotation") {
		progress("rotation: calls per step")
		steps, late, err := e.rotationCalls(ctx, 1)
		if err != nil {
			return nil, err
		}
		res.add(rotationSection(res, steps, late))
	}
	if want("scaling") {
		var real, sim []scaleResult
		for _, n := range []int{1, 5, 25} {
			progress("scaling: %d distributions, %v CloudFront latency (real)", n, f.latency)
			r, err := e.scaling(ctx, n, realLatency(f.latency))
			if err != nil {
				return nil, err
			}
			real = append(real, r)
		}
		for _, n := range []int{1, 5, 25} {
			progress("scaling: %d distributions, simulated deployment", n)
			r, err := e.scaling(ctx, n, simulatedCloudFront(f.latency))
			if err != nil {
				return nil, err
			}
			sim = append(sim, r)
		}
		res.add(scalingSection(res, real, sim, f))
		var runs []throttleResult
		for _, interval := range []time.Duration{0, pacedInterval} {
			progress("scaling: 25 distributions, UpdateDistribution throttled to %d a minute (simulated), update interval %v", throttlePerMinute, interval)
			th, err := e.throttled(ctx, 25, throttlePerMinute, f.latency, interval)
			if err != nil {
				return nil, err
			}
			runs = append(runs, th)
		}
		res.add(throttleSection(res, runs, f))
	}

	m.loadEnd = loadavg()
	m.duration = time.Since(started)
	report := res.markdown(m, f.command)
	if f.out == "-" {
		_, err = os.Stdout.WriteString(report)
	} else {
		err = os.WriteFile(f.out, []byte(report), 0o644) // #nosec G306 -- BENCHMARKS.md is a committed, public document
	}
	return res, err
}
