package rotation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/smdouble"
	"github.com/originlock/originlock/rotation"
)

const (
	fuzzCurrentID = "0f6c2a3e-1d4b-4c5a-9e8f-7a6b5c4d3e2f"
	fuzzPendingID = "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
)

// fuzzOps are the Secrets Manager calls the handler makes.
var fuzzOps = []string{smdouble.OpDescribeSecret, smdouble.OpGetSecretValue, smdouble.OpPutSecretValue, smdouble.OpUpdateSecretVersionStage}

// printableLike replaces what the handler's messages replace.
func printableLike(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '?'
		}
	}
	return string(b)
}

// FuzzHandle sends the handler events with fuzzed fields — or, as the mode
// byte chooses, the real secret and token with a fuzzed step or rotation
// token — against a Secrets Manager double where a rotation has begun. The
// handler must never panic, must refuse an invalid event before any call,
// must return a *StepError with a short, printable message, and no value and
// no RotationToken may reach the error or the logs.
func FuzzHandle(f *testing.F) {
	f.Add(rotation.StepCreate, "", "", "rotation-token", uint8(0b0011))
	f.Add(rotation.StepSet, "", "", "", uint8(0b0111))
	f.Add("bogus", "", "", "", uint8(0b0011))
	f.Add("", "s", strings.Repeat("t", 32), "", uint8(0))
	f.Add(rotation.StepFinish, "\x00", strings.Repeat("\xff", 40), "x", uint8(0))
	f.Add(rotation.StepTest, strings.Repeat("a", 2049), fuzzPendingID, strings.Repeat("r", 4097), uint8(0b1000_0010))
	f.Add(rotation.StepCreate, "arn:aws:secretsmanager:us-east-1:123456789012:secret:fuzz-secret", fuzzCurrentID, "", uint8(0b1111_0000))
	f.Fuzz(func(t *testing.T, step, secretID, token, rotationToken string, mode uint8) {
		clock := clocktest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		sm := smdouble.New("fuzz-secret", fuzzCurrentID, `{"HEADERVALUE":"initial-value-0123456789abcdefghijklmnopqrstuvwxyzABCDEF","owner":"x"}`, clock.Now)
		if err := sm.BeginRotation(fuzzPendingID); err != nil {
			t.Fatal(err)
		}
		if mode&1 != 0 {
			secretID = sm.ARN()
			if mode&4 != 0 {
				secretID = "fuzz-secret"
			}
		}
		if mode&2 != 0 {
			token = fuzzPendingID
		}
		if mode&8 != 0 {
			step = fixture.Steps[int(mode>>4)%len(fixture.Steps)]
		}
		// A marked RotationToken: no fixed text of the handler contains it.
		rotationToken = "RT~" + rotationToken + "~TR"
		var logs bytes.Buffer
		h, err := rotation.NewHandler(sm, "fuzz-secret", &targetDouble{}, rotation.WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
			rotation.WithClock(clock), rotation.WithSettleDelay(0))
		if err != nil {
			t.Fatal(err)
		}
		ev := events.SecretsManagerSecretRotationEvent{Step: step, SecretID: secretID, ClientRequestToken: token, RotationToken: rotationToken}
		err = h.Handle(context.Background(), ev)

		calls := 0
		for _, op := range fuzzOps {
			calls += sm.Calls(op)
		}
		invalid := step == "" || len(step) > 64 || secretID == "" || len(secretID) > 2048 || len(token) < 32 || len(token) > 64 || len(rotationToken) > 4096 ||
			printableLike(step) != step || printableLike(secretID) != secretID || printableLike(token) != token
		known := step == rotation.StepCreate || step == rotation.StepSet || step == rotation.StepTest || step == rotation.StepFinish
		switch {
		case invalid && !errors.Is(err, rotation.ErrInvalidEvent):
			t.Fatalf("invalid event: got %v, want ErrInvalidEvent", err)
		case !invalid && !known && !errors.Is(err, rotation.ErrUnknownStep):
			t.Fatalf("unknown step: got %v, want ErrUnknownStep", err)
		case (invalid || !known) && calls != 0:
			t.Fatalf("%d Secrets Manager calls for an event that must be refused first", calls)
		case errors.Is(err, rotation.ErrPanic):
			t.Fatalf("the handler panicked: %v", err)
		}
		var haystack strings.Builder
		haystack.WriteString(logs.String())
		if err != nil {
			var se *rotation.StepError
			if !errors.As(err, &se) {
				t.Fatalf("got %T, want *rotation.StepError", err)
			}
			msg := err.Error()
			if len(msg) > 2048+64+32+1200 || strings.ContainsFunc(msg, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				t.Fatalf("the message is %d bytes or carries control characters", len(msg))
			}
			fmt.Fprintf(&haystack, "\n%s\n%+v\n%#v", msg, err, err)
		}
		secrets := []string{"initial-value-0123456789abcdefghijklmnopqrstuvwxyzABCDEF"}
		if s, ok := sm.ValueAt(rotation.StagePending); ok {
			var v struct{ HEADERVALUE string }
			_ = json.Unmarshal([]byte(s), &v)
			secrets = append(secrets, v.HEADERVALUE)
		}
		for _, s := range secrets {
			if s != "" && strings.Contains(haystack.String(), s) {
				t.Fatal("a header value appears in the error or the logs")
			}
		}
		echoed := printableLike(secretID) + " " + printableLike(token) + " " + printableLike(step) + " " + secretID + token + step
		if !strings.Contains(echoed, rotationToken) && strings.Contains(haystack.String(), rotationToken) {
			t.Fatal("the RotationToken appears in the error or the logs")
		}
	})
}
