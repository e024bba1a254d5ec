package lambda_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/lambdaruntime"
	"github.com/originlock/originlock/internal/motoserver"
	"github.com/originlock/originlock/rotation"
)

const header = "X-Origin-Verify"

// rotationEnv is a secret and two distributions in the shared moto server,
// and the rotation function's environment for them.
type rotationEnv struct {
	t       *testing.T
	sm      *secretsmanager.Client
	cf      *cfsdk.Client
	name    string
	arn     string
	initial string
	// dists are a distribution whose "api" origin is selected by ID and one
	// whose origins are selected because they carry the header.
	dists [2]string
	env   []string
}

func newRotationEnv(t *testing.T) *rotationEnv {
	t.Helper()
	moto := motoserver.Shared(t)
	cfg := moto.AWSConfigForTest(t)
	e := &rotationEnv{
		t:       t,
		sm:      secretsmanager.NewFromConfig(cfg),
		cf:      cfsdk.NewFromConfig(cfg),
		name:    "originlock-lambda-" + fixture.NewToken()[:8],
		initial: "initial0value0" + strings.ReplaceAll(fixture.NewToken(), "-", ""),
	}
	ctx := t.Context()
	var err error
	if e.arn, err = fixture.CreateSecret(ctx, e.sm, e.name, `{"HEADERVALUE":"`+e.initial+`","note":"kept"}`); err != nil {
		t.Fatal(err)
	}
	withHeader := [][2]string{{header, e.initial}}
	if e.dists[0], err = fixture.CreateDistribution(ctx, e.cf, e.name+"-a",
		fixture.Origin{ID: "api", Headers: withHeader}, fixture.Origin{ID: "static"}); err != nil {
		t.Fatal(err)
	}
	if e.dists[1], err = fixture.CreateDistribution(ctx, e.cf, e.name+"-b",
		fixture.Origin{ID: "api-2", Headers: withHeader}); err != nil {
		t.Fatal(err)
	}
	e.env = append(moto.Environ(),
		"SECRET_ID="+e.name,
		"DISTRIBUTIONS="+e.dists[0]+":api; "+e.dists[1],
		"POLL_INTERVAL=1s",
		// The delay is real time in the process; the rotation package tests it
		// on a fake clock.
		"SETTLE_DELAY=0",
		"LOG_LEVEL=debug",
	)
	return e
}

// invoke sends the event of step for token, as Secrets Manager would, with
// the RotationToken rotationToken(token).
func invoke(ctx context.Context, rt *lambdaruntime.Runtime, step, arn, token string) error {
	ev := fixture.Event(step, arn, token)
	ev.RotationToken = rotationToken(token)
	payload, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	_, err = rt.Invoke(ctx, payload, time.Minute)
	return err
}

// rotationToken is the RotationToken invoke sends with token: a canary that
// must appear in no log record and no metric.
func rotationToken(token string) string { return "rotation-token-canary-" + token }

// headerValue is the header's value on one origin of a distribution.
func (e *rotationEnv) headerValue(dist, origin string) string {
	e.t.Helper()
	cfg, err := fixture.DistributionConfig(e.t.Context(), e.cf, dist)
	if err != nil {
		e.t.Fatal(err)
	}
	return fixture.HeaderValue(cfg, origin, header)
}

// versionValue is the HEADERVALUE of the secret's version id.
func (e *rotationEnv) versionValue(id string) string {
	e.t.Helper()
	out, err := e.sm.GetSecretValue(e.t.Context(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(e.arn), VersionId: aws.String(id)})
	if err != nil {
		e.t.Fatalf("GetSecretValue %s: %v", id, err)
	}
	var v struct{ HEADERVALUE, Note string }
	if err := json.Unmarshal([]byte(aws.ToString(out.SecretString)), &v); err != nil || v.Note != "kept" {
		e.t.Fatalf("version %s is not the JSON object with the note kept: %v", id, err)
	}
	return v.HEADERVALUE
}

func TestRotationFunction(t *testing.T) {
	bin := bootstrap(t, "rotation")
	e := newRotationEnv(t)
	ctx := t.Context()
	rt := startFunction(t, bin, e.env)
	rt.Redact(e.initial)

	token, err := fixture.BeginRotation(ctx, e.sm, e.arn, true)
	if err != nil {
		t.Fatal(err)
	}
	step := func(name string) {
		t.Helper()
		if err := invoke(ctx, rt, name, e.arn, token); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}

	step("createSecret")
	pending := e.versionValue(token)
	rt.Redact(pending)
	if len(pending) != 64 || pending == e.initial {
		t.Fatalf("createSecret stored a %d-character value (new: %v), want a new 64-character one", len(pending), pending != e.initial)
	}
	step("createSecret") // Secrets Manager's retry
	if e.versionValue(token) != pending {
		t.Fatal("a retried createSecret replaced the pending value")
	}
	step("setSecret")
	step("testSecret")
	step("finishSecret")
	step("finishSecret") // a late retry: the version is already AWSCURRENT

	stages, err := fixture.Stages(ctx, e.sm, e.arn)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(stages[token], "AWSCURRENT") {
		t.Errorf("the new version holds %v, want AWSCURRENT", stages[token])
	}
	current, err := fixture.SecretString(ctx, e.sm, e.arn, "AWSCURRENT")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(current, `"HEADERVALUE":"`+pending+`"`) {
		t.Error("AWSCURRENT does not hold the value createSecret stored")
	}
	for _, o := range []struct{ dist, origin, want string }{
		{e.dists[0], "api", pending},
		{e.dists[0], "static", ""}, // not selected, no header: untouched
		{e.dists[1], "api-2", pending},
	} {
		if got := e.headerValue(o.dist, o.origin); got != o.want {
			t.Errorf("distribution %s origin %s: the header is %s, want %s", o.dist, o.origin, describe(got, e.initial, pending), describe(o.want, e.initial, pending))
		}
	}

	rt.Close() // the output is complete once the process has exited
	for what, v := range map[string]string{"initial": e.initial, "new": pending, "RotationToken": rotationToken(token)} {
		if rt.LogsContain(v) {
			t.Errorf("the function's output contains the %s value", what)
		}
	}
	var done []string
	for _, r := range records(rt.Logs()) {
		if r["message"] == "rotation step done" {
			done = append(done, r["step"].(string))
		}
	}
	if want := []string{"createSecret", "createSecret", "setSecret", "testSecret", "finishSecret", "finishSecret"}; !slices.Equal(done, want) {
		t.Errorf("JSON log records of finished steps: got %v, want %v", done, want)
	}
	checkMetrics(t, rt.Logs(), e.initial, pending, token, rotationToken(token))
}

// describe names a header value without showing it.
func describe(v, initial, pending string) string {
	switch v {
	case "":
		return "absent"
	case initial:
		return "the initial value"
	case pending:
		return "the new value"
	}
	return "another value"
}

func TestRotationFunctionRefusesOtherSecret(t *testing.T) {
	bin := bootstrap(t, "rotation")
	e := newRotationEnv(t)
	ctx := t.Context()
	other, err := fixture.CreateSecret(ctx, e.sm, e.name+"-other", `{"HEADERVALUE":"`+e.initial+`"}`)
	if err != nil {
		t.Fatal(err)
	}
	token, err := fixture.BeginRotation(ctx, e.sm, other, true)
	if err != nil {
		t.Fatal(err)
	}
	rt := startFunction(t, bin, e.env)
	rt.Redact(e.initial)

	err = invoke(ctx, rt, "createSecret", other, token)
	var fe *lambdaruntime.FunctionError
	if !errors.As(err, &fe) {
		t.Fatalf("got %v, want a function error", err)
	}
	if fe.Type != "StepError" || !strings.Contains(fe.Message, "event is for another secret") || !strings.Contains(fe.Message, e.name) {
		t.Errorf("got %s: %s, want a StepError saying the function serves %s", fe.Type, fe.Message, e.name)
	}
	if _, err := e.sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(other), VersionId: aws.String(token)}); err == nil {
		t.Error("the other secret's pending version got a value")
	}
	if got := e.headerValue(e.dists[0], "api"); got != e.initial {
		t.Errorf("the distribution's header is %s, want the initial value", describe(got, e.initial, ""))
	}
}

func TestRotationFunctionBadConfig(t *testing.T) {
	bin := bootstrap(t, "rotation")
	good := []string{"SECRET_ID=originlock/header", "DISTRIBUTIONS=E1ABC", "AWS_REGION=us-east-1"}
	tests := []struct {
		name string
		env  []string
		// want are texts the logged error must contain.
		want []string
	}{
		{"no variables", nil, []string{"SECRET_ID is required but not set", "DISTRIBUTIONS is required but not set"}},
		{"bad value length", append(good, "VALUE_LENGTH=12"), []string{`VALUE_LENGTH="12": want an integer from 43 to 1783`}},
		{"empty distribution", append(good, "DISTRIBUTIONS=E1ABC;;E2DEF"), []string{`DISTRIBUTIONS="E1ABC;;E2DEF"`, "entry 2 is empty"}},
		// SECRET_JSON_KEY names a JSON key, not a secret: its value is shown.
		// (envconfig's own tests check that values of secret-like variables
		// never are.)
		{"key with plain format", append(good, "SECRET_FORMAT=plain", "SECRET_JSON_KEY=value"), []string{`SECRET_JSON_KEY="value": want no value when SECRET_FORMAT is plain`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := lambdaruntime.ForTest(t)
			err := rt.Exec(t.Context(), bin, tt.env)
			var ie *lambdaruntime.InitError
			if !errors.As(err, &ie) || ie.Type != "Runtime.ExitError" || ie.ExitCode != 1 {
				t.Fatalf("Exec: got %v, want an init failure with exit status 1", err)
			}
			var logged []string
			for _, r := range records(ie.Logs) {
				if r["level"] == "ERROR" {
					logged = append(logged, r["error"].(string))
				}
			}
			if len(logged) != 1 {
				t.Fatalf("got %d JSON error records, want 1; output:\n%s", len(logged), ie.Logs)
			}
			for _, want := range tt.want {
				if !strings.Contains(logged[0], want) {
					t.Errorf("the logged error %q does not contain %q", logged[0], want)
				}
			}
		})
	}
}

// TestRotationFunctionRevokePrevious: with REVOKE_PREVIOUS=true the deployed
// function's finishSecret leaves no version holding AWSPREVIOUS, so the old
// value stops being accepted at the authorizers' next read.
func TestRotationFunctionRevokePrevious(t *testing.T) {
	bin := bootstrap(t, "rotation")
	e := newRotationEnv(t)
	ctx := t.Context()
	rt := startFunction(t, bin, append(append([]string(nil), e.env...), "REVOKE_PREVIOUS=true"))
	rt.Redact(e.initial)

	before, err := fixture.Stages(ctx, e.sm, e.arn)
	if err != nil {
		t.Fatal(err)
	}
	token, err := fixture.BeginRotation(ctx, e.sm, e.arn, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{rotation.StepCreate, rotation.StepSet, rotation.StepTest, rotation.StepFinish} {
		if err := invoke(ctx, rt, step, e.arn, token); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	stages, err := fixture.Stages(ctx, e.sm, e.arn)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(stages[token], "AWSCURRENT") {
		t.Fatalf("the new version holds %v, want AWSCURRENT", stages[token])
	}
	for id, s := range stages {
		if slices.Contains(s, "AWSPREVIOUS") {
			t.Errorf("version %s still holds AWSPREVIOUS (%v) with REVOKE_PREVIOUS=true", id, s)
		}
	}
	for id, s := range before {
		if slices.Contains(s, "AWSCURRENT") && slices.Contains(stages[id], "AWSCURRENT") {
			t.Errorf("the old version %s is still AWSCURRENT", id)
		}
	}
}
