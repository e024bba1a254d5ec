package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDemo runs the demo with shorter delays and checks its timeline and
// summary: every step ran, traffic flowed both ways, and nothing legitimate
// was refused nor anything direct allowed.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto_server and builds the Lambda binaries: skipped by -short")
	}
	cfg := defaultConfig()
	cfg.propagation, cfg.firstEdge = 3*time.Second, 500*time.Millisecond
	cfg.settle, cfg.cooldown = 2*time.Second, time.Second
	cfg.warmup, cfg.tail = time.Second, time.Second
	var out bytes.Buffer
	// Building the two functions from a cold module cache, on a busy
	// machine, takes minutes; the rotation itself takes seconds.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s, err := run(ctx, cfg, &out)
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{"createSecret", "setSecret", "testSecret", "finishSecret", "8/8 edges send the new value",
		"PASS: legitimate requests denied = 0, direct requests allowed = 0"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	legit := number(t, text, `legitimate requests \(through the edges\): (\d+), denied: (\d+)`)
	direct := number(t, text, `direct requests \(no header or a guessed value\): (\d+), allowed: (\d+)`)
	if legit[0] < 100 || legit[1] != 0 || direct[0] < 10 || direct[1] != 0 {
		t.Errorf("summary: legitimate %d denied %d, direct %d allowed %d; want traffic both ways, 0 denied, 0 allowed\n%s", legit[0], legit[1], direct[0], direct[1], text)
	}
	if !s.ok() {
		t.Errorf("summary %+v is not ok", s)
	}
	checkDecisions(t, s)
}

// checkDecisions checks the authorizers' Decisions metrics against the
// run: one decision per invocation (give or take the invocations in flight
// when the run ended, at most one per container), AWSCURRENT and AWSPENDING
// both seen during the rotation, nothing unavailable to legitimate traffic.
func checkDecisions(t *testing.T, s summary) {
	t.Helper()
	d := s.decisions
	if d.documents == 0 {
		t.Logf("the authorizers wrote no EMF document: their Verifier emits no decision events yet (summary: %s)", d)
		return
	}
	if diff := s.invocations - int64(d.total()); diff < 0 || diff > int64(defaultConfig().containers) {
		t.Errorf("%v decisions in the metrics for %d invocations", d.total(), s.invocations)
	}
	if d.byStage["current"] == 0 || d.byStage["pending"] == 0 {
		t.Errorf("decisions by stage %s: want both current and pending during a rotation", d)
	}
}

func number(t *testing.T, text, pattern string) [2]int {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("output lacks %s:\n%s", pattern, text)
	}
	a, _ := strconv.Atoi(m[1])
	b, _ := strconv.Atoi(m[2])
	return [2]int{a, b}
}

func TestGlob(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"arn:aws:execute-api:us-east-1:1:api/prod/*/*", "arn:aws:execute-api:us-east-1:1:api/prod/GET/pets/42", true},
		{"arn:aws:execute-api:us-east-1:1:api/prod/*/*", "arn:aws:execute-api:us-east-1:1:api/test/GET/pets", false},
		{"arn:aws:execute-api:us-east-1:1:api/prod/GET/pets", "arn:aws:execute-api:us-east-1:1:api/prod/GET/pets/42", false},
		{"*", "anything", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
	}
	for _, tc := range cases {
		if got := glob(tc.pattern, tc.s); got != tc.want {
			t.Errorf("glob(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}
