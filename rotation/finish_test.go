package rotation_test

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/originlock/originlock/rotation"
)

// TestFinishSecretConfirmsWithTheTarget: createSecret followed directly by
// finishSecret (an operator invoking the function by hand, or anyone who
// read the pending token) must not make AWSCURRENT a value the target does
// not use; finishSecret fails with ErrNotInEffect and changes nothing.
func TestFinishSecretConfirmsWithTheTarget(t *testing.T) {
	target := &targetDouble{}
	e := newEnv(t, initialJSON(), target, noSettle())
	token := e.begin()
	e.mustStep(rotation.StepCreate, token)
	before, current := e.stages(), e.secretString(rotation.StageCurrent)

	err := e.step(rotation.StepFinish, token)
	if !errors.Is(err, rotation.ErrNotInEffect) || !errors.Is(err, errNotInUse) {
		t.Fatalf("finishSecret right after createSecret: got %v, want ErrNotInEffect wrapping the target's error", err)
	}
	if got := e.stages(); !maps.EqualFunc(got, before, slices.Equal[[]string]) {
		t.Errorf("the refused finishSecret changed the stages: %v -> %v", before, got)
	}
	if e.secretString(rotation.StageCurrent) != current {
		t.Error("the refused finishSecret changed AWSCURRENT")
	}
	if len(target.tests) != 1 || target.tests[0].ConfigOnly || target.tests[0].VersionID != token || target.tests[0].Pending == "" {
		t.Fatalf("TestSecret requests = %+v, want one full test of the pending value", target.tests)
	}

	// Once the target uses the value, the same invocation succeeds.
	e.mustStep(rotation.StepSet, token)
	e.mustStep(rotation.StepFinish, token)
	if !slices.Contains(e.stages()[token], rotation.StageCurrent) {
		t.Errorf("token's version holds %v, want AWSCURRENT", e.stages()[token])
	}
	if string(target.tests[len(target.tests)-1].Pending) != target.inUse {
		t.Error("finishSecret did not test the value the target uses")
	}
}

// TestFinishSecretTargetLostTheValue: the target used the value at
// testSecret but no longer does (someone reverted CloudFront by hand):
// finishSecret refuses.
func TestFinishSecretTargetLostTheValue(t *testing.T) {
	target := &targetDouble{}
	e := newEnv(t, initialJSON(), target, noSettle())
	token := e.begin()
	for _, step := range []string{rotation.StepCreate, rotation.StepSet, rotation.StepTest} {
		e.mustStep(step, token)
	}
	target.inUse = initialValue
	if err := e.step(rotation.StepFinish, token); !errors.Is(err, rotation.ErrNotInEffect) {
		t.Fatalf("got %v, want ErrNotInEffect", err)
	}
	if slices.Contains(e.stages()[token], rotation.StageCurrent) {
		t.Error("AWSCURRENT moved to a value the target does not use")
	}
}
