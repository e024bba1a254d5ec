package rotation_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/rotation"
)

// stageCalls is a test double that passes every call on and records the
// UpdateSecretVersionStage inputs; failPrevious makes the ones that remove
// AWSPREVIOUS fail without reaching Secrets Manager, as a crash right after
// the move would leave things.
type stageCalls struct {
	rotation.SecretsManagerAPI
	moves        []*secretsmanager.UpdateSecretVersionStageInput
	failPrevious bool
}

func (s *stageCalls) UpdateSecretVersionStage(ctx context.Context, in *secretsmanager.UpdateSecretVersionStageInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretVersionStageOutput, error) {
	s.moves = append(s.moves, in)
	if s.failPrevious && aws.ToString(in.VersionStage) == rotation.StagePrevious {
		return nil, &types.InternalServiceError{Message: aws.String("injected")}
	}
	return s.SecretsManagerAPI.UpdateSecretVersionStage(ctx, in, optFns...)
}

func TestRevokePrevious(t *testing.T) {
	target := &finisherDouble{}
	e := newEnv(t, initialJSON(), target, rotation.WithRevokePrevious(), noSettle())
	old := fixture.VersionWith(e.stages(), rotation.StageCurrent)
	token := e.begin()
	for _, step := range fixture.Steps {
		e.mustStep(step, token)
	}
	stages := e.stages()
	if got := fixture.VersionWith(stages, rotation.StagePrevious); got != "" {
		t.Errorf("version %s holds AWSPREVIOUS, want none", got)
	}
	if !slices.Contains(stages[token], rotation.StageCurrent) {
		t.Errorf("token's version holds %v, want AWSCURRENT", stages[token])
	}
	if slices.Contains(stages[old], rotation.StageCurrent) {
		t.Errorf("the old version still holds %v", stages[old])
	}
	if len(target.finishes) != 1 || string(target.finishes[0].Previous) != initialValue {
		t.Error("the Finisher did not get the revoked value as Previous")
	}

	// A late retry finds nothing to remove and makes no call.
	rec := &stageCalls{SecretsManagerAPI: e.sm}
	h, err := rotation.NewHandler(rec, e.arn, &targetDouble{}, rotation.WithRevokePrevious(), quiet())
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(t.Context(), fixture.Event(rotation.StepFinish, e.arn, token)); err != nil {
		t.Fatal(err)
	}
	if len(rec.moves) != 0 {
		t.Errorf("a late retry made %d UpdateSecretVersionStage calls, want 0", len(rec.moves))
	}
}

// TestRevokePreviousAfterACrash: the move succeeds but the removal does not
// (a crash, or a failed call); finishSecret fails, and its retry removes the
// label.
func TestRevokePreviousAfterACrash(t *testing.T) {
	target := &targetDouble{}
	e := newEnv(t, initialJSON(), target, noSettle())
	old := fixture.VersionWith(e.stages(), rotation.StageCurrent)
	token := e.begin()
	for _, step := range fixture.Steps[:3] {
		e.mustStep(step, token)
	}
	failing := &stageCalls{SecretsManagerAPI: e.sm, failPrevious: true}
	h, err := rotation.NewHandler(failing, e.arn, target, rotation.WithRevokePrevious(), quiet())
	if err != nil {
		t.Fatal(err)
	}
	err = h.Handle(t.Context(), fixture.Event(rotation.StepFinish, e.arn, token))
	if !errors.Is(err, rotation.ErrRevokePrevious) {
		t.Fatalf("got %v, want ErrRevokePrevious", err)
	}
	stages := e.stages()
	if !slices.Contains(stages[token], rotation.StageCurrent) || !slices.Contains(stages[old], rotation.StagePrevious) {
		t.Fatalf("stages = %v, want AWSCURRENT moved and AWSPREVIOUS still on the old version", stages)
	}

	retry := &stageCalls{SecretsManagerAPI: e.sm}
	if h, err = rotation.NewHandler(retry, e.arn, target, rotation.WithRevokePrevious(), quiet()); err != nil {
		t.Fatal(err)
	}
	if err := h.Handle(t.Context(), fixture.Event(rotation.StepFinish, e.arn, token)); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got := fixture.VersionWith(e.stages(), rotation.StagePrevious); got != "" {
		t.Errorf("after the retry version %s holds AWSPREVIOUS, want none", got)
	}
	if len(retry.moves) != 1 || aws.ToString(retry.moves[0].RemoveFromVersionId) != old || retry.moves[0].MoveToVersionId != nil {
		t.Errorf("the retry made %d calls, want one that removes AWSPREVIOUS from %s", len(retry.moves), old)
	}
}
