package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// microArgs is the go test command of the micro benchmarks: the authorizer
// package's, and the authorizer function's handler with its EMF metrics.
var microArgs = []string{"test", "-run", "^$", "-bench", ".", "-benchmem", "-count", "5", "-benchtime", "500ms", "./authorizer", "./examples/lambda/authorizer"}

// benchStats are one benchmark's runs.
type benchStats struct {
	name   string
	ns     []float64
	bytes  []float64
	allocs []float64
}

func (b benchStats) medianNs() float64  { return median(b.ns) }
func (b benchStats) maxAllocs() float64 { return slices.Max(b.allocs) }
func (b benchStats) maxBytes() float64  { return slices.Max(b.bytes) }

// runMicro runs the authorizer package's benchmarks and parses their output.
func (e *env) runMicro(ctx context.Context) (map[string]*benchStats, []string, error) {
	cmd := exec.CommandContext(ctx, "go", microArgs...)
	cmd.Dir = e.root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, nil, fmt.Errorf("go %s: %w\n%s", strings.Join(microArgs, " "), err, out.String())
	}
	stats, order := parseBench(out.String())
	if len(stats) == 0 {
		return nil, nil, fmt.Errorf("go %s printed no benchmark:\n%s", strings.Join(microArgs, " "), out.String())
	}
	return stats, order, nil
}

var (
	benchLine   = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op`)
	benchBytes  = regexp.MustCompile(`\s([\d.]+) B/op`)
	benchAllocs = regexp.MustCompile(`\s([\d.]+) allocs/op`)
)

// parseBench reads go test -bench output: per benchmark (GOMAXPROCS suffix
// dropped), every run's ns/op, B/op and allocs/op, in first-seen order.
// Other metrics a benchmark reports (cpu-ns/op) may sit between them.
func parseBench(out string) (map[string]*benchStats, []string) {
	stats := map[string]*benchStats{}
	var order []string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		b := stats[m[1]]
		if b == nil {
			b = &benchStats{name: m[1]}
			stats[m[1]] = b
			order = append(order, m[1])
		}
		ns, _ := strconv.ParseFloat(m[2], 64)
		var by, al float64
		if b := benchBytes.FindStringSubmatch(sc.Text()); b != nil {
			by, _ = strconv.ParseFloat(b[1], 64)
		}
		if a := benchAllocs.FindStringSubmatch(sc.Text()); a != nil {
			al, _ = strconv.ParseFloat(a[1], 64)
		}
		b.ns, b.bytes, b.allocs = append(b.ns, ns), append(b.bytes, by), append(b.allocs, al)
	}
	return stats, order
}
