package lambda_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/lambdaruntime"
	"github.com/originlock/originlock/internal/motoserver"
)

const methodARN = "arn:aws:execute-api:us-east-1:123456789012:demoapi/prod/GET/pets/42"

// authorizerEnv is a secret in the shared moto server whose AWSCURRENT,
// AWSPENDING and AWSPREVIOUS hold distinct values, and the authorizer
// function's environment for it.
type authorizerEnv struct {
	name                       string
	current, pending, previous string
	env                        []string
}

func newAuthorizerEnv(t *testing.T) *authorizerEnv {
	t.Helper()
	moto := motoserver.Shared(t)
	sm := secretsmanager.NewFromConfig(moto.AWSConfigForTest(t))
	ctx := t.Context()
	value := func() string { return "v" + strings.ReplaceAll(fixture.NewToken()+fixture.NewToken(), "-", "")[:60] }
	e := &authorizerEnv{name: "originlock-authorizer-" + fixture.NewToken()[:8], previous: value(), current: value(), pending: value()}
	arn, err := fixture.CreateSecret(ctx, sm, e.name, `{"HEADERVALUE":"`+e.previous+`"}`)
	if err != nil {
		t.Fatal(err)
	}
	put := func(value, stage string) {
		_, err := sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(arn), SecretString: aws.String(`{"HEADERVALUE":"` + value + `"}`), VersionStages: []string{stage}})
		if err != nil {
			t.Fatal(err)
		}
	}
	put(e.current, "AWSCURRENT") // previous becomes AWSPREVIOUS
	put(e.pending, "AWSPENDING")
	e.env = append(moto.Environ(), "SECRET_ID="+e.name, "LOG_LEVEL=debug")
	return e
}

// authorize sends a REST API REQUEST authorizer event carrying headers and
// returns the policy's effect, or the function's error.
func authorize(t *testing.T, rt *lambdaruntime.Runtime, headers map[string]string) (string, error) {
	t.Helper()
	payload, err := json.Marshal(events.APIGatewayCustomAuthorizerRequestTypeRequest{Type: "REQUEST", MethodArn: methodARN, Headers: headers})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rt.Invoke(t.Context(), payload, 10*time.Second)
	if err != nil {
		return "", err
	}
	var out events.APIGatewayCustomAuthorizerResponse
	if err := json.Unmarshal(resp.Payload, &out); err != nil {
		t.Fatalf("response is not an authorizer response: %v", err)
	}
	if len(out.PolicyDocument.Statement) != 1 || len(out.PolicyDocument.Statement[0].Resource) != 1 {
		t.Fatalf("unexpected policy %+v", out.PolicyDocument)
	}
	if got, want := out.PolicyDocument.Statement[0].Resource[0], "arn:aws:execute-api:us-east-1:123456789012:demoapi/prod/*/*"; got != want {
		t.Errorf("policy resource = %s, want %s", got, want)
	}
	return out.PolicyDocument.Statement[0].Effect, nil
}

func TestAuthorizerBootstrap(t *testing.T) {
	bin := bootstrap(t, "authorizer")
	e := newAuthorizerEnv(t)
	rt := startFunction(t, bin, e.env)
	rt.Redact(e.current, e.pending, e.previous)

	cases := []struct {
		name    string
		headers map[string]string
		want    string
	}{
		{"current", map[string]string{header: e.current}, "Allow"},
		{"pending", map[string]string{header: e.pending}, "Allow"},
		{"previous, within the grace window", map[string]string{header: e.previous}, "Allow"},
		{"lower-case header name", map[string]string{"x-origin-verify": e.current}, "Allow"},
		{"wrong value", map[string]string{header: "forged" + e.current[6:]}, "Deny"},
		{"missing header", map[string]string{"Accept": "*/*"}, "Deny"},
		{"empty header", map[string]string{header: ""}, "Deny"},
	}
	for _, tc := range cases {
		got, err := authorize(t, rt, tc.headers)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got != tc.want {
			t.Errorf("%s: effect %s, want %s", tc.name, got, tc.want)
		}
	}
	// A second unknown value within the refresh cooldown, right after a good
	// read, cannot be a new value (the rotation's settle delay is longer than
	// the cooldown plus the read timeout): the function denies it (a Deny API
	// Gateway may cache) without another read, rather than erring with a 500
	// an attacker could trigger at will.
	if got, err := authorize(t, rt, map[string]string{header: "forged-again" + e.current[12:]}); err != nil || got != "Deny" {
		t.Errorf("second unknown value within the cooldown: effect %q, error %v; want Deny and no error", got, err)
	}
	// With SETTLE_DELAY=0 the authorizer may assume nothing: the same value
	// within the cooldown gets a function error (API Gateway: 500, not cached).
	noSettle := startFunction(t, bin, append(append([]string(nil), e.env...), "SETTLE_DELAY=0"))
	noSettle.Redact(e.current, e.pending, e.previous)
	if _, err := authorize(t, noSettle, map[string]string{header: "forged-once" + e.current[11:]}); err != nil {
		t.Fatalf("first unknown value: %v", err)
	}
	_, err := authorize(t, noSettle, map[string]string{header: "forged-twice" + e.current[12:]})
	var fe *lambdaruntime.FunctionError
	if !errors.As(err, &fe) || fe.Type != "UnavailableError" {
		t.Errorf("SETTLE_DELAY=0, second unknown value within the cooldown: got %v, want an UnavailableError function error", err)
	}
	for _, secret := range []string{e.current, e.pending, e.previous} {
		if rt.LogsContain(secret) {
			t.Error("the function logged a secret value")
		}
	}
	if !rt.LogsContain("authorizer function ready") {
		t.Errorf("the function did not log that it is ready:\n%s", rt.Logs())
	}
	rt.Close() // the output is complete once the process has exited
	checkMetrics(t, rt.Logs(), e.current, e.pending, e.previous)
}

func TestAuthorizerBootstrapConfigError(t *testing.T) {
	bin := bootstrap(t, "authorizer")
	rt := lambdaruntime.ForTest(t)
	err := rt.Exec(t.Context(), bin, append(motoserver.Shared(t).Environ(), "AUTHORIZER_TYPE=websocket"))
	var ie *lambdaruntime.InitError
	var ee *lambdaruntime.ExitError
	if !errors.As(err, &ie) && !errors.As(err, &ee) {
		t.Fatalf("got %v, want the function to fail during init", err)
	}
	for _, want := range []string{"SECRET_ID", "AUTHORIZER_TYPE"} {
		if !strings.Contains(rt.Logs(), want) {
			t.Errorf("init logs do not name %s:\n%s", want, rt.Logs())
		}
	}
}
