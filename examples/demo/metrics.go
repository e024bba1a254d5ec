package main

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"github.com/originlock/originlock/emf"
)

// stages are the Outcome values of the authorizer's Decisions metric, in
// the order the summary gives them.
var stages = []string{"current", "pending", "previous", "deny", "unavailable"}

// decisions is what the authorizers' own metrics say they decided: the
// Decisions metric summed by Outcome over the EMF documents of their output.
type decisions struct {
	byStage   map[string]float64
	documents int
}

func (d decisions) total() float64 {
	var n float64
	for _, v := range d.byStage {
		n += v
	}
	return n
}

// String is the summary's line: "current 812, pending 240, ...".
func (d decisions) String() string {
	if d.documents == 0 {
		return "none (the authorizers wrote no EMF document)"
	}
	var parts []string
	for _, s := range stages {
		parts = append(parts, fmt.Sprintf("%s %.0f", s, d.byStage[s]))
	}
	for s, v := range d.byStage { // an outcome the demo does not know
		if !contains(stages, s) {
			parts = append(parts, fmt.Sprintf("%s %.0f", s, v))
		}
	}
	return fmt.Sprintf("%s (%d EMF documents)", strings.Join(parts, ", "), d.documents)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// readDecisions parses the EMF documents among the lines of each output
// (other lines, the functions' logs, are skipped) and sums Decisions by
// Outcome. An EMF document that breaks the specification is an error.
func readDecisions(outputs ...string) (decisions, error) {
	d := decisions{byStage: map[string]float64{}}
	for _, out := range outputs {
		sc := bufio.NewScanner(strings.NewReader(out))
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			doc, err := emf.Parse(sc.Bytes())
			switch {
			case errors.Is(err, emf.ErrNotEMF):
				continue
			case err != nil:
				return decisions{}, err
			}
			d.documents++
			for _, m := range doc.Metrics() {
				if m.Name == "Decisions" && m.Dimension("Outcome") != "" {
					d.byStage[m.Dimension("Outcome")] += m.Sum()
				}
			}
		}
		if err := sc.Err(); err != nil {
			return decisions{}, err
		}
	}
	return d, nil
}

// reportDecisions adds the authorizers' decisions by stage, from their own
// metrics, to the summary: the Observer hook, end to end.
func (d *demo) reportDecisions() {
	var outputs []string
	for _, rt := range d.authorizers {
		rt.Close() // the traffic has stopped; the output is complete once the process has exited
		outputs = append(outputs, rt.Logs())
	}
	dec, err := readDecisions(outputs...)
	if err != nil {
		fmt.Fprintf(d.out, "  authorizer decisions by stage: unreadable metrics: %v\n", err)
		return
	}
	d.decisions = dec
	d.invocations = d.api.invocations.Load()
	fmt.Fprintf(d.out, "  authorizer decisions by stage (their EMF metrics): %s; %d invocations\n", dec, d.api.invocations.Load())
}
