package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/internal/fixture"
)

// TestRotateWaitTimesOutOnTheInjectedClock runs the command in-process with
// a test clock: a rotation that never progresses (the function is never
// run) ends at --timeout of the clock's time, not the wall's, and the lines
// carry that clock's elapsed time. The output is a terminal's: a live line.
func TestRotateWaitTimesOutOnTheInjectedClock(t *testing.T) {
	w := newWorld(t, nil)
	w.enableRotation(false)
	hook := startHook(t, w.moto.URL)
	// Secrets Manager never gets to run the function.
	hook.setHooks(func(string, string) {}, func(string) string { return w.functionARN(w.function) })
	cfg, err := w.moto.AWSConfig(t.Context(), config.WithBaseEndpoint(hook.URL))
	if err != nil {
		t.Fatal(err)
	}
	clk := clocktest.New(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	var out, errOut bytes.Buffer
	a := &app{out: &out, errOut: &errOut, in: strings.NewReader(""), clock: clk, terminal: true,
		connect: func(context.Context, awsOptions) (*clients, error) { return fromConfig(cfg), nil }}
	began := time.Now()
	code := a.run(t.Context(), []string{"rotate", "--secret", w.name, "--wait", "--interval", "1m", "--timeout", "30m"})
	if code != exitError {
		st, _ := fixture.Stages(t.Context(), w.sm, w.arn)
		t.Fatalf("stages %v; exit code %d, want %d\n%s%s", st, code, exitError, out.String(), errOut.String())
	}
	if !strings.Contains(errOut.String(), "the rotation did not complete within 30m0s") || !strings.Contains(out.String(), "[     0s] createSecret: waiting for the new value") {
		t.Errorf("output:\n%s%s", out.String(), errOut.String())
	}
	// On a terminal, a live line is redrawn in place and cleared at the end.
	if !strings.Contains(out.String(), "\r\033[K") || !strings.Contains(out.String(), "waiting: createSecret") {
		t.Errorf("no live status line on a terminal:\n%q", out.String())
	}
	if waits := clk.Waits(); len(waits) != 30 || waits[0] != time.Minute {
		t.Errorf("the command waited %v on the clock, want 30 waits of 1m", waits)
	}
	if real := time.Since(began); real > 2*time.Minute {
		t.Errorf("30 minutes of the test clock took %v of real time", real)
	}
	w.checkLeaks(result{stdout: out.String(), stderr: errOut.String()}, []string{"rotate (in-process)"})
}
