package rotation_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/rotation"
)

const initialValue = "initial-value-0123456789abcdefghijklmnopqrstuvwxyz"

func initialJSON() string {
	return `{"HEADERVALUE":"` + initialValue + `","note":"kept <as> is","n":12345678901234567890}`
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("secret string is not a JSON object: %v", err)
	}
	return m
}

func TestFullRotation(t *testing.T) {
	target := &targetDouble{}
	e := newEnv(t, initialJSON(), target)
	token := e.begin()
	for _, step := range fixture.Steps {
		e.mustStep(step, token)
	}

	current := decode(t, e.secretString(rotation.StageCurrent))
	newValue, _ := current["HEADERVALUE"].(string)
	if len(newValue) != rotation.DefaultValueLength || newValue == initialValue {
		t.Errorf("AWSCURRENT HEADERVALUE has %d characters (changed: %v), want a new %d-character value", len(newValue), newValue != initialValue, rotation.DefaultValueLength)
	}
	if current["note"] != "kept <as> is" || current["n"] != json.Number("12345678901234567890") {
		t.Errorf("other keys were not preserved: note=%v n=%v", current["note"], current["n"])
	}
	if got := decode(t, e.secretString(rotation.StagePrevious))["HEADERVALUE"]; got != initialValue {
		t.Error("AWSPREVIOUS does not hold the initial value")
	}
	if !slices.Contains(e.stages()[token], rotation.StageCurrent) {
		t.Errorf("token's version holds %v, want AWSCURRENT", e.stages()[token])
	}
	if target.inUse != newValue {
		t.Error("target does not use the new value")
	}
	if len(target.sets) != 1 || string(target.sets[0].Current) != initialValue || string(target.sets[0].Pending) != newValue || target.sets[0].VersionID != token {
		t.Errorf("SetSecret requests = %d, want 1 with Current=initial, Pending=new, VersionID=token", len(target.sets))
	}
	// testSecret tests, and finishSecret confirms before it moves AWSCURRENT.
	if len(target.tests) != 2 || target.tests[0].ConfigOnly || target.tests[1].ConfigOnly {
		t.Errorf("TestSecret requests = %d (ConfigOnly %v), want 2 full tests", len(target.tests), len(target.tests) > 0 && target.tests[0].ConfigOnly)
	}
}

// TestEachStepTwice runs every step twice in a row, as a retry after a lost
// response would, and checks that the repeat changes nothing.
func TestEachStepTwice(t *testing.T) {
	target := &targetDouble{}
	e := newEnv(t, initialJSON(), target)
	token := e.begin()
	for _, step := range fixture.Steps {
		e.mustStep(step, token)
		stages, pending, inUse := e.stages(), e.pendingOrCurrent(token), target.inUse
		e.mustStep(step, token)
		if got := e.stages(); !maps.EqualFunc(got, stages, slices.Equal[[]string]) {
			t.Errorf("repeating %s changed the stages: %v -> %v", step, stages, got)
		}
		if got := e.pendingOrCurrent(token); got != pending {
			t.Errorf("repeating %s changed the token's value", step)
		}
		if target.inUse != inUse {
			t.Errorf("repeating %s changed what the target uses", step)
		}
	}
}

// pendingOrCurrent is the secret string of the token's version.
func (e *env) pendingOrCurrent(token string) string {
	e.t.Helper()
	out, err := e.sm.GetSecretValue(e.t.Context(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(e.arn), VersionId: aws.String(token)})
	if err != nil {
		return ""
	}
	return aws.ToString(out.SecretString)
}

// TestRetryWholeRotation replays Secrets Manager's retry: after setSecret
// fails, the whole rotation runs again from createSecret.
func TestRetryWholeRotation(t *testing.T) {
	target := &targetDouble{setErr: errors.New("target double: injected failure")}
	e := newEnv(t, initialJSON(), target)
	token := e.begin()
	e.mustStep(rotation.StepCreate, token)
	pending := e.pendingOrCurrent(token)
	if err := e.step(rotation.StepSet, token); err == nil {
		t.Fatal("setSecret succeeded, want the target's error")
	}
	if got := e.secretString(rotation.StageCurrent); got != initialJSON() {
		t.Error("a failed setSecret changed AWSCURRENT")
	}
	target.setErr = nil
	for _, step := range fixture.Steps {
		e.mustStep(step, token)
	}
	if got := e.secretString(rotation.StageCurrent); got != pending {
		t.Error("the retried rotation did not finish with the value createSecret stored first")
	}
}

func TestLateRetryAfterFinish(t *testing.T) {
	target := &targetDouble{}
	e := newEnv(t, initialJSON(), target)
	token := e.begin()
	for _, step := range fixture.Steps {
		e.mustStep(step, token)
	}
	sets, tests := len(target.sets), len(target.tests)
	stages := e.stages()
	for _, step := range fixture.Steps {
		e.mustStep(step, token)
	}
	if len(target.sets) != sets || len(target.tests) != tests {
		t.Error("late retries called the target")
	}
	if got := e.stages(); !maps.EqualFunc(got, stages, slices.Equal[[]string]) {
		t.Errorf("late retries changed the stages: %v -> %v", stages, got)
	}
	if !strings.Contains(e.logs.String(), "already AWSCURRENT") {
		t.Error("late retries did not log that the version is already current")
	}
}

func TestPreambleRefusals(t *testing.T) {
	t.Run("rotation disabled", func(t *testing.T) {
		e := newEnv(t, initialJSON(), nil)
		err := e.step(rotation.StepCreate, fixture.NewToken())
		if !errors.Is(err, rotation.ErrRotationDisabled) {
			t.Fatalf("got %v, want ErrRotationDisabled", err)
		}
	})
	t.Run("unknown token", func(t *testing.T) {
		e := newEnv(t, initialJSON(), nil)
		e.begin()
		before := e.stages()
		for _, step := range fixture.Steps {
			if err := e.step(step, fixture.NewToken()); !errors.Is(err, rotation.ErrUnknownVersion) {
				t.Errorf("%s: got %v, want ErrUnknownVersion", step, err)
			}
		}
		if got := e.stages(); !maps.EqualFunc(got, before, slices.Equal[[]string]) {
			t.Errorf("stages changed: %v -> %v", before, got)
		}
	})
	t.Run("token not pending", func(t *testing.T) {
		e := newEnv(t, initialJSON(), nil)
		first := e.begin()
		for _, step := range fixture.Steps {
			e.mustStep(step, first)
		}
		previous := fixture.VersionWith(e.stages(), rotation.StagePrevious)
		err := e.step(rotation.StepSet, previous)
		if !errors.Is(err, rotation.ErrNotPending) || errors.Is(err, rotation.ErrStalePending) {
			t.Fatalf("got %v, want ErrNotPending", err)
		}
	})
	t.Run("another secret", func(t *testing.T) {
		e := newEnv(t, initialJSON(), nil)
		h, err := rotation.NewHandler(e.sm, "originlock/some-other-secret", &targetDouble{}, quiet(), noSettle())
		if err != nil {
			t.Fatal(err)
		}
		token := e.begin()
		err = h.Handle(t.Context(), fixture.Event(rotation.StepCreate, e.arn, token))
		if !errors.Is(err, rotation.ErrSecretMismatch) {
			t.Fatalf("got %v, want ErrSecretMismatch", err)
		}
		if e.pendingOrCurrent(token) != "" {
			t.Error("createSecret stored a value for a secret it does not serve")
		}
	})
}

// TestSecretIDForms: the handler accepts events for its secret whichever
// form NewHandler was given it in: ARN, name or partial ARN.
func TestSecretIDForms(t *testing.T) {
	probe := newEnv(t, initialJSON(), nil)
	name := probe.name
	for _, id := range []string{probe.arn, name, probe.arn[:len(probe.arn)-7]} {
		e := &env{t: t, sm: probe.sm, arn: probe.arn, rotate: probe.rotate, logs: probe.logs}
		h, err := rotation.NewHandler(probe.sm, id, &targetDouble{}, quiet(), noSettle())
		if err != nil {
			t.Fatal(err)
		}
		e.handler = h
		token := e.begin()
		if err := e.step(rotation.StepCreate, token); err != nil {
			t.Errorf("NewHandler(sm, %q, ...): %v", id, err)
		}
		e.mustStep(rotation.StepSet, token)
		e.mustStep(rotation.StepTest, token)
		e.mustStep(rotation.StepFinish, token)
	}
}

// TestTestOnlyInvocation replays RotateSecret with RotateImmediately=false:
// Secrets Manager runs only testSecret, on a pending copy of AWSCURRENT.
func TestTestOnlyInvocation(t *testing.T) {
	target := &targetDouble{}
	e := newEnv(t, initialJSON(), target)
	token, err := e.rotate(false)
	if err != nil {
		t.Fatal(err)
	}
	before := e.secretString(rotation.StageCurrent)
	e.mustStep(rotation.StepTest, token)
	if len(target.tests) != 1 || !target.tests[0].ConfigOnly {
		t.Fatalf("TestSecret requests = %d, want 1 with ConfigOnly", len(target.tests))
	}
	if len(target.sets) != 0 {
		t.Error("the test-only invocation called SetSecret")
	}
	if e.secretString(rotation.StageCurrent) != before {
		t.Error("the test-only invocation changed AWSCURRENT")
	}
}

func TestStalePending(t *testing.T) {
	// setUp leaves the secret with a finished rotation and a second one that
	// failed and left AWSPENDING behind, and returns the AWSPREVIOUS version,
	// which an event then names.
	setUp := func(t *testing.T, storeValue bool) (*env, string, string) {
		e := newEnv(t, initialJSON(), nil)
		first := e.begin()
		for _, step := range fixture.Steps {
			e.mustStep(step, first)
		}
		stale := e.begin()
		if storeValue {
			e.mustStep(rotation.StepCreate, stale)
		}
		return e, stale, fixture.VersionWith(e.stages(), rotation.StagePrevious)
	}

	t.Run("without value", func(t *testing.T) {
		e, stale, previous := setUp(t, false)
		err := e.step(rotation.StepCreate, previous)
		var se *rotation.StalePendingError
		if !errors.As(err, &se) || se.VersionID != stale || se.HasValue {
			t.Fatalf("got %v, want a StalePendingError for %s without value", err, stale)
		}
		if !errors.Is(err, rotation.ErrStalePending) || !strings.Contains(err.Error(), "--remove-from-version-id "+stale) {
			t.Errorf("error %q should match ErrStalePending and say how to clear the label", err)
		}
		if !slices.Contains(e.stages()[stale], rotation.StagePending) {
			t.Error("the label was removed")
		}
	})
	t.Run("with value", func(t *testing.T) {
		e, stale, previous := setUp(t, true)
		err := e.step(rotation.StepCreate, previous)
		var se *rotation.StalePendingError
		if !errors.As(err, &se) || !se.HasValue {
			t.Fatalf("got %v, want a StalePendingError with a value", err)
		}
		if !slices.Contains(e.stages()[stale], rotation.StagePending) {
			t.Error("the label was removed: CloudFront may be sending that value")
		}
		if !strings.Contains(err.Error(), "finish that rotation") {
			t.Errorf("error %q should tell the operator to finish that rotation", err)
		}
	})
}

// TestFinishSecretRefusesAnEmptyVersion: a finishSecret invoked by hand, or
// out of order, before createSecret stored a value must not make the empty
// version AWSCURRENT.
func TestFinishSecretRefusesAnEmptyVersion(t *testing.T) {
	e := newEnv(t, initialJSON(), nil)
	token := e.begin()
	if err := e.step(rotation.StepFinish, token); !errors.Is(err, rotation.ErrNoPendingValue) {
		t.Fatalf("got %v, want ErrNoPendingValue", err)
	}
	if got := e.secretString(rotation.StageCurrent); got != initialJSON() {
		t.Error("AWSCURRENT changed")
	}
}

// smRecorder is a test double that records PutSecretValue inputs and passes
// every call on to moto.
type smRecorder struct {
	rotation.SecretsManagerAPI
	puts []*secretsmanager.PutSecretValueInput
}

func (r *smRecorder) PutSecretValue(ctx context.Context, in *secretsmanager.PutSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error) {
	r.puts = append(r.puts, in)
	return r.SecretsManagerAPI.PutSecretValue(ctx, in, optFns...)
}

func TestRotationTokenPassedToWrites(t *testing.T) {
	e := newEnv(t, initialJSON(), nil)
	for _, rotationToken := range []string{"", "rotation-token-from-the-event"} {
		rec := &smRecorder{SecretsManagerAPI: e.sm}
		h, err := rotation.NewHandler(rec, e.arn, &targetDouble{}, quiet(), noSettle())
		if err != nil {
			t.Fatal(err)
		}
		token := e.begin()
		ev := fixture.Event(rotation.StepCreate, e.arn, token)
		ev.RotationToken = rotationToken
		if err := h.Handle(t.Context(), ev); err != nil {
			t.Fatal(err)
		}
		if len(rec.puts) != 1 {
			t.Fatalf("PutSecretValue calls = %d, want 1", len(rec.puts))
		}
		if got := aws.ToString(rec.puts[0].RotationToken); got != rotationToken || (rotationToken == "") != (rec.puts[0].RotationToken == nil) {
			t.Errorf("RotationToken = %q (nil %v), want %q", got, rec.puts[0].RotationToken == nil, rotationToken)
		}
		for _, step := range fixture.Steps[1:] {
			e.mustStep(step, token)
		}
	}
}

func TestSetSecretBeforeCreateSecret(t *testing.T) {
	target := &targetDouble{}
	e := newEnv(t, initialJSON(), target)
	token := e.begin()
	if err := e.step(rotation.StepSet, token); !errors.Is(err, rotation.ErrNoPendingValue) {
		t.Fatalf("got %v, want ErrNoPendingValue", err)
	}
	if len(target.sets) != 0 {
		t.Error("the target was called without a pending value")
	}
}

func TestFinisher(t *testing.T) {
	target := &finisherDouble{}
	e := newEnv(t, initialJSON(), target)
	token := e.begin()
	for _, step := range fixture.Steps {
		e.mustStep(step, token)
	}
	e.mustStep(rotation.StepFinish, token) // a retry runs the clean-up again
	if len(target.finishes) != 2 {
		t.Fatalf("FinishSecret calls = %d, want 2 (finish and its retry)", len(target.finishes))
	}
	for _, f := range target.finishes {
		if string(f.Current) != target.inUse || string(f.Previous) != initialValue || f.VersionID != token {
			t.Error("FinishSecret got the wrong Current, Previous or VersionID")
		}
	}
}

// lostResponseSM is a test double that passes UpdateSecretVersionStage on to
// moto and then fails as if its response had been lost and the SDK's retry
// had found the label already moved.
type lostResponseSM struct{ rotation.SecretsManagerAPI }

func (l lostResponseSM) UpdateSecretVersionStage(ctx context.Context, in *secretsmanager.UpdateSecretVersionStageInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretVersionStageOutput, error) {
	if _, err := l.SecretsManagerAPI.UpdateSecretVersionStage(ctx, in, optFns...); err != nil {
		return nil, err
	}
	return nil, &types.InvalidParameterException{Message: aws.String("The parameter RemoveFromVersionId doesn't match the current version")}
}

func TestFinishSecretLostResponse(t *testing.T) {
	finish := func(t *testing.T, wrap func(rotation.SecretsManagerAPI) rotation.SecretsManagerAPI) (*env, string, error) {
		e := newEnv(t, initialJSON(), nil)
		token := e.begin()
		for _, step := range fixture.Steps[:3] {
			e.mustStep(step, token)
		}
		h, err := rotation.NewHandler(wrap(e.sm), e.arn, e.target, quiet(), noSettle())
		if err != nil {
			t.Fatal(err)
		}
		return e, token, h.Handle(t.Context(), fixture.Event(rotation.StepFinish, e.arn, token))
	}
	t.Run("moved, response lost", func(t *testing.T) {
		e, token, err := finish(t, func(sm rotation.SecretsManagerAPI) rotation.SecretsManagerAPI { return lostResponseSM{sm} })
		if err != nil {
			t.Fatalf("finishSecret after a lost response: %v, want success", err)
		}
		if !slices.Contains(e.stages()[token], rotation.StageCurrent) {
			t.Error("the version is not AWSCURRENT")
		}
	})
	t.Run("not moved", func(t *testing.T) {
		_, _, err := finish(t, func(sm rotation.SecretsManagerAPI) rotation.SecretsManagerAPI { return failingStageSM{sm} })
		if err == nil {
			t.Error("finishSecret succeeded although AWSCURRENT did not move")
		}
	})
}

// failingStageSM is a test double whose UpdateSecretVersionStage fails
// without reaching moto.
type failingStageSM struct{ rotation.SecretsManagerAPI }

func (failingStageSM) UpdateSecretVersionStage(context.Context, *secretsmanager.UpdateSecretVersionStageInput, ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretVersionStageOutput, error) {
	return nil, &types.InternalServiceError{Message: aws.String("injected")}
}
