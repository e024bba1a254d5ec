package rotation_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/rotation"
)

// smUnreachable is a test double for events that must be refused before any
// Secrets Manager call: every method fails the test.
type smUnreachable struct{ t *testing.T }

const unreachable = "Secrets Manager was called for an event that should have been refused"

func (s smUnreachable) DescribeSecret(context.Context, *secretsmanager.DescribeSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	s.t.Fatal(unreachable)
	return nil, nil
}

func (s smUnreachable) GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	s.t.Fatal(unreachable)
	return nil, nil
}

func (s smUnreachable) PutSecretValue(context.Context, *secretsmanager.PutSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error) {
	s.t.Fatal(unreachable)
	return nil, nil
}

func (s smUnreachable) UpdateSecretVersionStage(context.Context, *secretsmanager.UpdateSecretVersionStageInput, ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretVersionStageOutput, error) {
	s.t.Fatal(unreachable)
	return nil, nil
}

func TestRefusedEvents(t *testing.T) {
	token := "0123456789abcdef0123456789abcdef"
	cases := map[string]struct {
		event events.SecretsManagerSecretRotationEvent
		want  error
	}{
		"unknown step":        {events.SecretsManagerSecretRotationEvent{Step: "dropSecret", SecretID: "s", ClientRequestToken: token}, rotation.ErrUnknownStep},
		"empty step":          {events.SecretsManagerSecretRotationEvent{SecretID: "s", ClientRequestToken: token}, rotation.ErrUnknownStep},
		"step in wrong case":  {events.SecretsManagerSecretRotationEvent{Step: "CreateSecret", SecretID: "s", ClientRequestToken: token}, rotation.ErrUnknownStep},
		"no secret":           {events.SecretsManagerSecretRotationEvent{Step: rotation.StepCreate, ClientRequestToken: token}, rotation.ErrInvalidEvent},
		"huge secret ID":      {events.SecretsManagerSecretRotationEvent{Step: rotation.StepCreate, SecretID: strings.Repeat("s", 5000), ClientRequestToken: token}, rotation.ErrInvalidEvent},
		"no token":            {events.SecretsManagerSecretRotationEvent{Step: rotation.StepCreate, SecretID: "s"}, rotation.ErrInvalidEvent},
		"short token":         {events.SecretsManagerSecretRotationEvent{Step: rotation.StepCreate, SecretID: "s", ClientRequestToken: "abc"}, rotation.ErrInvalidEvent},
		"long token":          {events.SecretsManagerSecretRotationEvent{Step: rotation.StepCreate, SecretID: "s", ClientRequestToken: strings.Repeat("t", 65)}, rotation.ErrInvalidEvent},
		"binary token":        {events.SecretsManagerSecretRotationEvent{Step: rotation.StepCreate, SecretID: "s", ClientRequestToken: token[:31] + "\x00"}, rotation.ErrInvalidEvent},
		"huge rotation token": {events.SecretsManagerSecretRotationEvent{Step: rotation.StepCreate, SecretID: "s", ClientRequestToken: token, RotationToken: strings.Repeat("r", 5000)}, rotation.ErrInvalidEvent},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var logs bytes.Buffer
			h, err := rotation.NewHandler(smUnreachable{t: t}, &targetDouble{}, rotation.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
			if err != nil {
				t.Fatal(err)
			}
			err = h.Handle(context.Background(), tc.event)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			var se *rotation.StepError
			if !errors.As(err, &se) {
				t.Fatalf("got %T, want *rotation.StepError", err)
			}
			if len(err.Error()) > 3000 {
				t.Errorf("error message is %d bytes: a hostile event floods it", len(err.Error()))
			}
			if !strings.Contains(logs.String(), "rotation step failed") {
				t.Error("the refusal was not logged")
			}
		})
	}
}

func TestNewHandlerRefusesBadOptions(t *testing.T) {
	cases := map[string][]rotation.Option{
		"short values":    {rotation.WithValueLength(rotation.MinValueLength - 1)},
		"long values":     {rotation.WithValueLength(rotation.MaxValueLength + 1)},
		"empty key":       {rotation.WithJSONKey("")},
		"nil generator":   {rotation.WithGenerator(nil)},
		"nil logger":      {rotation.WithLogger(nil)},
		"empty secret":    {rotation.WithExpectedSecret("")},
		"negative settle": {rotation.WithSettleDelay(-time.Second)},
		"nil clock":       {rotation.WithClock(nil)},
	}
	for name, opts := range cases {
		if _, err := rotation.NewHandler(smUnreachable{t: t}, &targetDouble{}, opts...); err == nil {
			t.Errorf("%s: NewHandler succeeded, want an error", name)
		}
	}
	if _, err := rotation.NewHandler(nil, &targetDouble{}); err == nil {
		t.Error("nil client: NewHandler succeeded, want an error")
	}
	if _, err := rotation.NewHandler(smUnreachable{t: t}, nil); err == nil {
		t.Error("nil target: NewHandler succeeded, want an error")
	}
}

func TestStepErrorUnwraps(t *testing.T) {
	inner := errors.New("inner")
	err := error(&rotation.StepError{Step: rotation.StepSet, SecretARN: "arn:s", VersionID: "v", Err: inner})
	if !errors.Is(err, inner) {
		t.Error("StepError does not unwrap")
	}
	if got, want := err.Error(), "rotation: setSecret arn:s (version v): inner"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
