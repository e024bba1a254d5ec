package authorizer_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/motoserver"
	"github.com/originlock/originlock/rotation"
)

func TestMain(m *testing.M) { os.Exit(motoserver.Main(m)) }

// acceptAll is a rotation.Target test double that accepts every value at
// once, so the rotation handler can drive the secret through its stages.
type acceptAll struct{}

func (acceptAll) SetSecret(context.Context, rotation.SetSecretRequest) (rotation.SetSecretResponse, error) {
	return rotation.SetSecretResponse{}, nil
}

func (acceptAll) TestSecret(context.Context, rotation.TestSecretRequest) (rotation.TestSecretResponse, error) {
	return rotation.TestSecretResponse{}, nil
}

// countingSM is a test double that counts calls on their way to moto.
type countingSM struct {
	authorizer.SecretsManagerAPI
	describe, get atomic.Int64
}

func (c *countingSM) DescribeSecret(ctx context.Context, in *secretsmanager.DescribeSecretInput, o ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	c.describe.Add(1)
	return c.SecretsManagerAPI.DescribeSecret(ctx, in, o...)
}

func (c *countingSM) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, o ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	c.get.Add(1)
	return c.SecretsManagerAPI.GetSecretValue(ctx, in, o...)
}

func TestVerifierAgainstMoto(t *testing.T) {
	ctx := t.Context()
	moto := motoserver.Shared(t)
	sm := secretsmanager.NewFromConfig(moto.AWSConfigForTest(t))
	arn, err := fixture.CreateSecret(ctx, sm, "originlock/"+t.Name()+"-"+fixture.NewToken()[:8], `{"HEADERVALUE":"`+valCurrent+`"}`)
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	rotator, err := rotation.NewHandler(sm, arn, acceptAll{}, rotation.WithLogger(quiet), rotation.WithSettleDelay(0))
	if err != nil {
		t.Fatal(err)
	}
	clock := clocktest.New(time.Now())
	counted := &countingSM{SecretsManagerAPI: sm}
	v, err := authorizer.NewVerifier(counted, arn, authorizer.WithClock(clock), authorizer.WithLogger(quiet), authorizer.WithPreviousGrace(15*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	verify := func(value string) authorizer.Decision {
		t.Helper()
		d, err := v.Verify(ctx, value)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		return d
	}
	if got := verify(valCurrent); got != authorizer.AllowCurrent {
		t.Fatalf("current: got %v", got)
	}

	// A rotation starts behind the warm Verifier's back.
	token, err := fixture.BeginRotation(ctx, sm, arn, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := rotator.Handle(ctx, fixture.Event(rotation.StepCreate, arn, token)); err != nil {
		t.Fatal(err)
	}
	pending := secretValue(t, sm, arn, rotation.StagePending)
	reads := counted.describe.Load()
	if got := verify(pending); got != authorizer.AllowPending {
		t.Fatalf("first request with the new value: got %v, want AllowPending", got)
	}
	if got := counted.describe.Load() - reads; got != 1 {
		t.Errorf("reads for the miss = %d, want 1", got)
	}

	for _, step := range fixture.Steps[1:] {
		if err := rotator.Handle(ctx, fixture.Event(step, arn, token)); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(authorizer.DefaultCacheTTL) // the next read sees AWSCURRENT moved
	if got := verify(pending); got != authorizer.AllowCurrent {
		t.Errorf("new value after finishSecret: got %v, want AllowCurrent", got)
	}
	// The grace window runs from the rotation, not from this late read.
	clock.Advance(5 * time.Minute)
	if got := verify(valCurrent); got != authorizer.AllowPrevious {
		t.Errorf("old value 10 min after the rotation: got %v, want AllowPrevious", got)
	}
	clock.Advance(6 * time.Minute)
	if got := verify(valCurrent); got != authorizer.Deny {
		t.Errorf("old value 16 min after the rotation: got %v, want Deny", got)
	}
}

func secretValue(t *testing.T, sm *secretsmanager.Client, arn, stage string) string {
	t.Helper()
	s, err := fixture.SecretString(t.Context(), sm, arn, stage)
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ HEADERVALUE string }
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v.HEADERVALUE
}
