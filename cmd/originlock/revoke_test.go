package main

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/internal/fixture"
)

func TestRevoke(t *testing.T) {
	rw := newRotationWorld(t, nil)
	before, err := fixture.Stages(t.Context(), rw.sm, rw.arn)
	if err != nil {
		t.Fatal(err)
	}
	var leaked string
	for id, stages := range before {
		if slices.Contains(stages, "AWSCURRENT") {
			leaked = id
		}
	}
	// Declined: nothing changes.
	rw.run(rw.hook.URL, "n\n", "revoke", "--secret", rw.name, "--rest-api", "a1b2c3d4e5/prod").want(t, exitError, "aborted: nothing was changed")
	if after, _ := fixture.Stages(t.Context(), rw.sm, rw.arn); !slices.Contains(after[leaked], "AWSCURRENT") || len(rw.hook.Flushes()) != 0 {
		t.Fatalf("a declined revoke changed something: %v, flushes %v", after, rw.hook.Flushes())
	}

	auth := rw.name + "-auth"
	rw.createFunction(auth, 10, map[string]string{"SECRET_ID": rw.name, "REFRESH_COOLDOWN": "0", "CACHE_TTL": "2m", "AUTHORIZER_TYPE": "http-simple"})
	r := rw.run(rw.hook.URL, "yes\n", "revoke", "--secret", rw.name, "--rest-api", "a1b2c3d4e5/prod", "--http-api", "f6g7h8i9j0", "--authorizer-function", auth, "--interval", "200ms")
	t.Logf("revoke printed:\n%s%s", r.stdout, r.stderr)
	r.want(t, exitOK, "Revoking version "+leaked, "Type yes to continue", "finishSecret done", "AWSPREVIOUS removed from version "+leaked,
		"3. recycle the containers of authorizer function(s) "+auth, "recycling authorizer function "+auth+": setting ORIGINLOCK_RECYCLED_AT",
		"authorizer function "+auth+" updated (Successful)",
		"authorizer cache of REST API a1b2c3d4e5/prod flushed", "authorizer cache of HTTP API f6g7h8i9j0/$default flushed",
		"refuse it from", "plus REFRESH_COOLDOWN 0s", "containers were replaced by", "Worst case: the leaked value #", "is refused everywhere from")
	after, err := fixture.Stages(t.Context(), rw.sm, rw.arn)
	if err != nil {
		t.Fatal(err)
	}
	if len(after[leaked]) != 0 {
		t.Errorf("the leaked version %s still holds %v", leaked, after[leaked])
	}
	want := []string{"/restapis/a1b2c3d4e5/stages/prod/cache/authorizers", "/v2/apis/f6g7h8i9j0/stages/$default/cache/authorizers"}
	if got := rw.hook.Flushes(); !slices.Equal(got, want) {
		t.Errorf("cache flushes %v, want %v", got, want)
	}
	// The removal comes after the rotation; the recycle after the removal;
	// the flushes after both, as the calls reached the proxy.
	if got, want := rw.hook.Calls(), []string{"remove AWSPREVIOUS", "recycle " + auth, "flush " + want[0], "flush " + want[1]}; !slices.Equal(got, want) {
		t.Errorf("calls %q, want %q", got, want)
	}
	out := r.stdout
	if !(strings.Index(out, "finishSecret done") < strings.Index(out, "AWSPREVIOUS removed")) {
		t.Errorf("revoke removed the label before the rotation was done:\n%s", out)
	}
	// The flush comes REFRESH_COOLDOWN (0) + 5 s after the removal at the
	// earliest: the lines' times say so.
	removed, flushedAt := lineTime(t, out, "AWSPREVIOUS removed"), lineTime(t, out, "authorizer cache of REST API")
	if d := flushedAt.Sub(removed); d < flushMargin {
		t.Errorf("flushed %s after the removal, want at least %s", d, flushMargin)
	}
	// The recycle kept the authorizer's variables and added one.
	cfg, err := rw.fn.GetFunctionConfiguration(t.Context(), &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(auth)})
	if err != nil {
		t.Fatal(err)
	}
	vars := cfg.Environment.Variables
	if vars["SECRET_ID"] != rw.name || vars["CACHE_TTL"] != "2m" || vars["AUTHORIZER_TYPE"] != "http-simple" || vars[recycleEnv] == "" {
		t.Errorf("the authorizer's environment after the recycle: %v", vars)
	}
}

// lineTime is the RFC 3339 time that starts the line of out containing s.
func lineTime(t *testing.T, out, s string) time.Time {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, s) {
			at, err := time.Parse(time.RFC3339, strings.Fields(line)[0])
			if err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			return at
		}
	}
	t.Fatalf("no line contains %q:\n%s", s, out)
	return time.Time{}
}

func TestRevokeRefusesDuringARotation(t *testing.T) {
	w := newWorld(t, nil)
	token := w.enableRotation(true)
	w.run("", "", "revoke", "--secret", w.name, "--yes").want(t, exitError, "cannot revoke now: a rotation is already in progress: version "+token)
}

func TestRevokeUsage(t *testing.T) {
	w := newWorld(t, nil)
	w.run("", "", "revoke", "--secret", w.name, "--rest-api", "noslash", "--yes").want(t, exitUsage, `--rest-api "noslash": want ID/STAGE`, "Run 'originlock revoke --help'")
}

// TestRevokeWithRevokePrevious runs revoke in-process on a test clock
// against a rotation function with REVOKE_PREVIOUS=true and no
// --authorizer-function: finishSecret removed the label, so revoke does not
// (and does not fail on its absence); the flush waits REFRESH_COOLDOWN +
// 5 s on the clock; the exposure says what recycling would have closed; a
// flush that fails is reported with its command.
func TestRevokeWithRevokePrevious(t *testing.T) {
	rw := newRotationWorld(t, func(vars map[string]string, w *world) {
		vars["REVOKE_PREVIOUS"] = "true"
		_, err := w.fn.UpdateFunctionConfiguration(t.Context(), &lambda.UpdateFunctionConfigurationInput{
			FunctionName: aws.String(w.function), Environment: &lambdatypes.Environment{Variables: vars},
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	cfg, err := rw.moto.AWSConfig(t.Context(), config.WithBaseEndpoint(rw.hook.URL))
	if err != nil {
		t.Fatal(err)
	}
	clk := clocktest.New(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	var out, errOut bytes.Buffer
	a := &app{out: &out, errOut: &errOut, in: strings.NewReader(""), clock: clk,
		connect: func(context.Context, awsOptions) (*clients, error) { return fromConfig(cfg), nil }}
	code := a.run(t.Context(), []string{"revoke", "--secret", rw.name, "--rest-api", "a1b2c3d4e5/prod", "--http-api", "nosuchapi", "--yes", "--interval", "100ms"})
	t.Logf("revoke printed:\n%s%s", out.String(), errOut.String())
	r := result{code: code, stdout: out.String(), stderr: errOut.String()}
	rw.checkLeaks(r, []string{"revoke (in-process)"})
	r.want(t, exitError, "2. check that finishSecret removed AWSPREVIOUS", "(REVOKE_PREVIOUS=true on "+rw.function+")",
		"3. (no --authorizer-function: a warm authorizer container whose last read predates the rotation may accept the old value until its next read, up to CACHE_TTL 5m0s)",
		"by finishSecret (REVOKE_PREVIOUS=true)", "waiting 10s: API Gateway's caches are flushed REFRESH_COOLDOWN 5s + 5s after the removal",
		"may accept it as its AWSCURRENT until its next read: up to CACHE_TTL 5m0s after the removal",
		"unless its caches are flushed after", "Worst case: every authorizer refuses #",
		// A flush that fails is named, with the command to do it by hand.
		"flush HTTP API nosuchapi/$default: flush: an error occurred (NotFoundException)",
		"the rotation and the label's removal are done, but these steps failed", "aws apigatewayv2 reset-authorizers-cache --api-id nosuchapi --stage-name '$default'")
	if got, want := rw.hook.Calls(), []string{"flush /restapis/a1b2c3d4e5/stages/prod/cache/authorizers", "flush /v2/apis/nosuchapi/stages/$default/cache/authorizers"}; !slices.Equal(got, want) {
		t.Errorf("calls %q, want %q (no removal by revoke: finishSecret did it)", got, want)
	}
	if waits := clk.Waits(); len(waits) == 0 || waits[len(waits)-1] != 10*time.Second {
		t.Errorf("the last wait on the clock was not the flush's 10s: %v", waits)
	}
}
