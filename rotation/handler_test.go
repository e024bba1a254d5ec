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

// TestRefusedEvents: an event with a field out of bounds or not printable
// ASCII is refused with ErrInvalidEvent before any call, and neither the
// record nor the error carries the fields' text (log injection: AWS's
// rotation template refuses anything but ^[ -~]+$ before it logs).
func TestRefusedEvents(t *testing.T) {
	const (
		secret = "MARKsecret"
		token  = "MARKtoken-0123456789abcdef0123456789"
	)
	injected := "MARK\n{\"level\":\"ERROR\",\"msg\":\"forged\"}\x1b[2J"
	ev := func(step, secretID, token string) events.SecretsManagerSecretRotationEvent {
		return events.SecretsManagerSecretRotationEvent{Step: step, SecretID: secretID, ClientRequestToken: token}
	}
	cases := map[string]struct {
		event events.SecretsManagerSecretRotationEvent
		want  error
	}{
		"unknown step":              {ev("dropSecret", secret, token), rotation.ErrUnknownStep},
		"step in wrong case":        {ev("CreateSecret", secret, token), rotation.ErrUnknownStep},
		"empty step":                {ev("", secret, token), rotation.ErrInvalidEvent},
		"step with a newline":       {ev(rotation.StepCreate+"\n", secret, token), rotation.ErrInvalidEvent},
		"step with log injection":   {ev(injected, secret, token), rotation.ErrInvalidEvent},
		"huge step":                 {ev(strings.Repeat("MARK", 20), secret, token), rotation.ErrInvalidEvent},
		"no secret":                 {ev(rotation.StepCreate, "", token), rotation.ErrInvalidEvent},
		"huge secret ID":            {ev(rotation.StepCreate, strings.Repeat("MARK", 1250), token), rotation.ErrInvalidEvent},
		"secret with log injection": {ev(rotation.StepCreate, injected, token), rotation.ErrInvalidEvent},
		"secret with UTF-8":         {ev(rotation.StepCreate, "MARK-sécret", token), rotation.ErrInvalidEvent},
		"no token":                  {ev(rotation.StepCreate, secret, ""), rotation.ErrInvalidEvent},
		"short token":               {ev(rotation.StepCreate, secret, "MARK"), rotation.ErrInvalidEvent},
		"long token":                {ev(rotation.StepCreate, secret, strings.Repeat("MARK", 17)), rotation.ErrInvalidEvent},
		"binary token":              {ev(rotation.StepCreate, secret, token[:35]+"\x00"), rotation.ErrInvalidEvent},
		"token with log injection":  {ev(rotation.StepCreate, secret, injected+token), rotation.ErrInvalidEvent},
		"huge rotation token": {events.SecretsManagerSecretRotationEvent{Step: rotation.StepCreate, SecretID: secret, ClientRequestToken: token,
			RotationToken: strings.Repeat("MARK", 1250)}, rotation.ErrInvalidEvent},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var logs bytes.Buffer
			h, err := rotation.NewHandler(smUnreachable{t: t}, "s", &targetDouble{}, rotation.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
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
			if !strings.Contains(logs.String(), "rotation") || strings.Count(logs.String(), "\n") != 1 {
				t.Errorf("the refusal was not logged as one record: %q", logs.String())
			}
			if tc.want == rotation.ErrInvalidEvent && strings.Contains(logs.String()+err.Error(), "MARK") {
				t.Errorf("an invalid event's text reached the record or the error:\n%s\n%s", logs.String(), err)
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
		"negative settle": {rotation.WithSettleDelay(-time.Second)},
		"nil clock":       {rotation.WithClock(nil)},
	}
	for name, opts := range cases {
		if _, err := rotation.NewHandler(smUnreachable{t: t}, "s", &targetDouble{}, opts...); err == nil {
			t.Errorf("%s: NewHandler succeeded, want an error", name)
		}
	}
	if _, err := rotation.NewHandler(nil, "s", &targetDouble{}); err == nil {
		t.Error("nil client: NewHandler succeeded, want an error")
	}
	if _, err := rotation.NewHandler(smUnreachable{t: t}, "s", nil); err == nil {
		t.Error("nil target: NewHandler succeeded, want an error")
	}
	for _, id := range []string{"", "secret\nname", strings.Repeat("s", 2049)} {
		if _, err := rotation.NewHandler(smUnreachable{t: t}, id, &targetDouble{}); err == nil {
			t.Errorf("secret ID %q: NewHandler succeeded, want an error", id)
		}
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
