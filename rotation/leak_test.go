package rotation_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/rotation"
)

const leakRotationToken = "LEAK-CANARY-rotation-token-9f8e7d6c5b4a"

// TestNoSecretInLogsOrErrors drives the handler through success, every
// refusal, a failing target and a panicking one, then searches everything it
// logged, every error it returned and every Observer event for a value or
// the RotationToken, and checks that every record carries the request ID.
func TestNoSecretInLogsOrErrors(t *testing.T) {
	target := &finisherDouble{}
	obs := &observerDouble{}
	e := newEnv(t, initialJSON(), target, rotation.WithObserver(obs))
	var errs []string
	ctx := lambdaContext(t, "req-leak")
	run := func(step, token string) {
		ev := fixture.Event(step, e.arn, token)
		ev.RotationToken = leakRotationToken
		if err := e.handler.Handle(ctx, ev); err != nil {
			errs = append(errs, err.Error(), stringOf(err))
		}
	}
	rotate := func() string {
		token := e.begin()
		for _, step := range fixture.Steps {
			run(step, token)
			run(step, token)
		}
		return token
	}

	first := rotate()
	for _, step := range fixture.Steps { // late retries
		run(step, first)
	}
	run(rotation.StepSet, fixture.VersionWith(e.stages(), rotation.StagePrevious)) // not pending
	run(rotation.StepSet, fixture.NewToken())                                      // unknown version
	run("bogus", first)                                                            // unknown step

	target.setErr = errors.New("target double: injected failure")
	token := e.begin()
	run(rotation.StepCreate, token)
	run(rotation.StepSet, token)
	target.setErr = nil
	target.panicWith = "panic carrying " + pendingValue(t, e, token)
	run(rotation.StepSet, token)
	target.panicWith = nil
	run(rotation.StepSet, token)
	run(rotation.StepTest, token)
	run(rotation.StepFinish, token)

	stale := e.begin()
	run(rotation.StepCreate, stale)
	run(rotation.StepCreate, fixture.VersionWith(e.stages(), rotation.StagePrevious)) // stale pending with a value

	testOnly, err := e.rotate(false)
	if err == nil {
		run(rotation.StepTest, testOnly)
	}

	if len(errs) < 6 {
		t.Fatalf("only %d errors collected: the refusal paths did not run", len(errs))
	}
	if !strings.Contains(e.logs.String(), "panicked") {
		t.Fatal("the panic path did not run")
	}
	for _, end := range obs.ends {
		if end.Err != nil {
			errs = append(errs, end.Err.Error())
		}
	}
	for _, rec := range records(t, e.logs) {
		if rec["requestId"] != "req-leak" {
			t.Errorf("record %q has no request ID", rec["msg"])
		}
	}
	haystack := e.logs.String() + "\n" + strings.Join(errs, "\n")
	secrets := append(allValues(t, e), leakRotationToken)
	for _, s := range secrets {
		if strings.Contains(haystack, s) {
			t.Errorf("a secret value or the rotation token appears in logs or errors (%d characters long)", len(s))
		}
	}
}

func pendingValue(t *testing.T, e *env, token string) string {
	t.Helper()
	return decode(t, e.pendingOrCurrent(token))["HEADERVALUE"].(string)
}

// allValues returns every header value any version of the secret holds,
// and fails the test unless three rotations' worth are there.
func allValues(t *testing.T, e *env) []string {
	t.Helper()
	values := valuesOf(t, e)
	if len(values) < 4 {
		t.Fatalf("found %d values, want the initial one and three rotations' worth", len(values))
	}
	return values
}

// valuesOf returns every header value any version of the secret holds,
// deprecated versions (without a label) included.
func valuesOf(t *testing.T, e *env) []string {
	t.Helper()
	values := []string{initialValue}
	list, err := e.sm.ListSecretVersionIds(t.Context(), &secretsmanager.ListSecretVersionIdsInput{SecretId: aws.String(e.arn), IncludeDeprecated: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	for _, version := range list.Versions {
		out, err := e.sm.GetSecretValue(t.Context(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(e.arn), VersionId: version.VersionId})
		if err != nil {
			continue // the empty version of a rotation that has not stored a value
		}
		if v, ok := decode(t, aws.ToString(out.SecretString))["HEADERVALUE"].(string); ok {
			values = append(values, v)
		}
	}
	return values
}

// stringOf prints err with %+v and %#v too, as careless callers might.
func stringOf(err error) string {
	return strings.Join([]string{fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)}, "\n")
}
