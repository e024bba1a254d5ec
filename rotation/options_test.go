// Tests of the options that shape a rotation: the secret format and the
// settle delay.
package rotation_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/rotation"
)

// TestSettleDelay: setSecret waits the settle delay before the target may
// use the value, on every invocation.
func TestSettleDelay(t *testing.T) {
	target := &targetDouble{}
	e := newEnv(t, initialJSON(), target, rotation.WithSettleDelay(10*time.Second))
	token := e.begin()
	e.mustStep(rotation.StepCreate, token)
	e.mustStep(rotation.StepSet, token)
	if waits := e.clock.Waits(); len(waits) != 1 || waits[0] != 10*time.Second {
		t.Fatalf("waits = %v, want one of 10s before the target was called", waits)
	}
	if len(target.sets) != 1 {
		t.Fatalf("SetSecret calls = %d, want 1", len(target.sets))
	}
	e.mustStep(rotation.StepSet, token)
	if waits := e.clock.Waits(); len(waits) != 2 || waits[1] != 10*time.Second {
		t.Errorf("waits = %v, want a retry to wait again", waits)
	}
	if !strings.Contains(e.logs.String(), "settle") {
		t.Error("the wait was not logged")
	}
}

func TestSettleDelayDisabled(t *testing.T) {
	e := newEnv(t, initialJSON(), &targetDouble{}, rotation.WithSettleDelay(0))
	token := e.begin()
	e.mustStep(rotation.StepCreate, token)
	e.mustStep(rotation.StepSet, token)
	if got := len(e.clock.Waits()); got != 0 {
		t.Errorf("WithSettleDelay(0) waited %d times", got)
	}
}

// TestSettleDelayRespectsTheDeadline: a context that ends during the wait
// fails setSecret without calling the target.
func TestSettleDelayRespectsTheDeadline(t *testing.T) {
	target := &targetDouble{}
	moto := newEnv(t, initialJSON(), target)
	h, err := rotation.NewHandler(moto.sm, moto.arn, target, quiet(), rotation.WithSettleDelay(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	token := moto.begin()
	moto.mustStep(rotation.StepCreate, token)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	err = h.Handle(ctx, fixture.Event(rotation.StepSet, moto.arn, token))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the context's deadline", err)
	}
	if len(target.sets) != 0 {
		t.Error("the target was called before the value settled")
	}
}

func TestSecretFormats(t *testing.T) {
	t.Run("plain", func(t *testing.T) {
		e := newEnv(t, initialValue, nil, rotation.WithPlainValue(), rotation.WithValueLength(100))
		token := e.begin()
		for _, step := range fixture.Steps {
			e.mustStep(step, token)
		}
		if got := e.secretString(rotation.StageCurrent); len(got) != 100 || got == initialValue {
			t.Errorf("AWSCURRENT has %d characters, want a new 100-character plain value", len(got))
		}
	})
	t.Run("JSON key added", func(t *testing.T) {
		e := newEnv(t, `{"other":"kept"}`, nil, rotation.WithJSONKey("verify"))
		token := e.begin()
		for _, step := range fixture.Steps {
			e.mustStep(step, token)
		}
		got := decode(t, e.secretString(rotation.StageCurrent))
		if v, _ := got["verify"].(string); len(v) != rotation.DefaultValueLength || got["other"] != "kept" {
			t.Errorf("AWSCURRENT keys = %v, want a new verify value and other kept", slices.Sorted(maps.Keys(got)))
		}
	})
	t.Run("key not a string is repaired", func(t *testing.T) {
		e := newEnv(t, `{"HEADERVALUE": 42}`, nil)
		token := e.begin()
		for _, step := range fixture.Steps {
			e.mustStep(step, token)
		}
		if v, _ := decode(t, e.secretString(rotation.StageCurrent))["HEADERVALUE"].(string); len(v) != rotation.DefaultValueLength {
			t.Error("the rotation did not store a new string value")
		}
	})
	for name, secretString := range map[string]string{
		"not JSON":   initialValue,
		"JSON array": `["` + initialValue + `"]`,
		"JSON null":  `null`,
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, secretString, nil)
			token := e.begin()
			before := e.stages()
			err := e.step(rotation.StepCreate, token)
			if !errors.Is(err, rotation.ErrMalformedSecret) {
				t.Fatalf("got %v, want ErrMalformedSecret", err)
			}
			if strings.Contains(err.Error(), initialValue) {
				t.Error("the error contains the secret value")
			}
			if got := e.stages(); !maps.EqualFunc(got, before, slices.Equal[[]string]) {
				t.Errorf("stages changed: %v -> %v", before, got)
			}
		})
	}
	t.Run("binary", func(t *testing.T) {
		e := newEnv(t, initialJSON(), nil)
		_, err := e.sm.PutSecretValue(t.Context(), &secretsmanager.PutSecretValueInput{SecretId: aws.String(e.arn), SecretBinary: []byte("binary"), VersionStages: []string{rotation.StageCurrent}})
		if err != nil {
			t.Fatal(err)
		}
		token := e.begin()
		if err := e.step(rotation.StepCreate, token); !errors.Is(err, rotation.ErrMalformedSecret) {
			t.Fatalf("got %v, want ErrMalformedSecret", err)
		}
	})
}
