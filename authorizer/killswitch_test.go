package authorizer_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/motoserver"
)

// deniedEverything checks that every value — AWSCURRENT, AWSPREVIOUS within
// its grace window, unknown — gets a Deny (a kill switch is not a transient
// error: no stale if error, no ErrUnavailable).
func deniedEverything(t *testing.T, e *verifierEnv, when string) {
	t.Helper()
	for _, value := range []string{valCurrent, valPrevious, valWrong} {
		d, err := e.v.Verify(context.Background(), value)
		if d != authorizer.Deny || err != nil {
			t.Errorf("%s: Verify(%.12q...) = %v, %v; want Deny", when, value, d, err)
		}
	}
}

// warmWithPrevious returns a warm Verifier that accepts valCurrent and, as
// AWSPREVIOUS, valPrevious.
func warmWithPrevious(t *testing.T) *verifierEnv {
	t.Helper()
	e := newVerifierEnv(t)
	e.sm.put(jsonValue(valPrevious), "AWSCURRENT")
	e.sm.put(jsonValue(valCurrent), "AWSCURRENT")
	for value, want := range map[string]authorizer.Decision{valCurrent: authorizer.AllowCurrent, valPrevious: authorizer.AllowPrevious} {
		if got := e.verify(t, value); got != want {
			t.Fatalf("warm-up: %v, want %v", got, want)
		}
	}
	return e
}

func TestScheduledDeletionRefusesEverything(t *testing.T) {
	e := warmWithPrevious(t)
	e.sm.scheduleDeletion(e.clock.Now())
	e.clock.Advance(authorizer.DefaultCacheTTL) // the next read is due
	deniedEverything(t, e, "scheduled for deletion")
	if !containsLog(e, "scheduled for deletion") {
		t.Errorf("no log says the secret is deleted:\n%s", e.logs)
	}
	// RestoreSecret: allowed again within the cooldown.
	e.sm.scheduleDeletion(time.Time{})
	e.clock.Advance(authorizer.DefaultRefreshCooldown)
	if got := e.verify(t, valCurrent); got != authorizer.AllowCurrent {
		t.Errorf("a cooldown after RestoreSecret: %v, want AllowCurrent", got)
	}
}

func TestDeletedSecretRefusesEverything(t *testing.T) {
	e := warmWithPrevious(t)
	e.sm.setFail(errNotFound)
	// The next read is one a refresh on miss makes: within the cooldown
	// of the deletion, every value is refused.
	if got := e.verify(t, valWrong); got != authorizer.Deny {
		t.Fatalf("unknown value: %v", got)
	}
	deniedEverything(t, e, "deleted (ResourceNotFoundException)")
	e.clock.Advance(7 * 24 * time.Hour) // no stale if error, no 6 h limit either way
	deniedEverything(t, e, "a week after the deletion")
}

func TestDeletedAtColdStart(t *testing.T) {
	e := newVerifierEnv(t)
	e.sm.setFail(errNotFound)
	if err := e.v.Load(context.Background()); err != nil {
		t.Fatalf("Load: %v", err)
	}
	deniedEverything(t, e, "cold start, deleted secret")
}

// TestAccessDeniedFailsClosedAfterTheCooldown: AccessDeniedException (a
// detached policy, a disabled KMS key, a Deny in the resource policy) is
// given one cooldown to be transient, during which the last good read still
// decides; after it, every value gets ErrUnavailable (500, not cached)
// until a read succeeds again.
func TestAccessDeniedFailsClosedAfterTheCooldown(t *testing.T) {
	e := newVerifierEnv(t)
	e.verify(t, valCurrent)
	e.sm.setFail(errAccessDenied)
	e.clock.Advance(authorizer.DefaultCacheTTL)
	if got := e.verify(t, valCurrent); got != authorizer.AllowCurrent {
		t.Errorf("the request whose read is denied: %v, want AllowCurrent from the last good read", got)
	}
	e.clock.Advance(authorizer.DefaultRefreshCooldown)
	_, err := e.v.Verify(context.Background(), valCurrent)
	var ue *authorizer.UnavailableError
	if !errors.As(err, &ue) || ue.Reason != authorizer.ReasonAccessDenied {
		t.Fatalf("a cooldown after AccessDenied: got %v, want ErrUnavailable (%s)", err, authorizer.ReasonAccessDenied)
	}
	e.clock.Advance(time.Hour)
	if _, err := e.v.Verify(context.Background(), valCurrent); !errors.Is(err, authorizer.ErrUnavailable) {
		t.Errorf("an hour later: got %v, want ErrUnavailable", err)
	}
	e.sm.setFail(nil)
	e.clock.Advance(authorizer.DefaultRefreshCooldown)
	if got := e.verify(t, valCurrent); got != authorizer.AllowCurrent {
		t.Errorf("once access is back: %v, want AllowCurrent", got)
	}
}

func containsLog(e *verifierEnv, s string) bool {
	return strings.Contains(e.logs.String(), s)
}

// TestKillSwitchAgainstMoto: DeleteSecret with a recovery window and with
// ForceDeleteWithoutRecovery, against moto: a warm Verifier refuses every
// value from its next read on.
func TestKillSwitchAgainstMoto(t *testing.T) {
	ctx := t.Context()
	moto := motoserver.Shared(t)
	sm := secretsmanager.NewFromConfig(moto.AWSConfigForTest(t))
	for _, tc := range []struct {
		name string
		in   secretsmanager.DeleteSecretInput
	}{
		{"recovery window", secretsmanager.DeleteSecretInput{RecoveryWindowInDays: aws.Int64(7)}},
		{"force delete", secretsmanager.DeleteSecretInput{ForceDeleteWithoutRecovery: aws.Bool(true)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			arn, err := fixture.CreateSecret(ctx, sm, "originlock/"+t.Name()+"-"+fixture.NewToken()[:8], `{"HEADERVALUE":"`+valCurrent+`"}`)
			if err != nil {
				t.Fatal(err)
			}
			clock := clocktest.New(time.Now())
			v, err := authorizer.NewVerifier(sm, arn, authorizer.WithClock(clock), authorizer.WithLogger(slog.New(slog.DiscardHandler)))
			if err != nil {
				t.Fatal(err)
			}
			if d, err := v.Verify(ctx, valCurrent); d != authorizer.AllowCurrent || err != nil {
				t.Fatalf("warm-up: %v, %v", d, err)
			}
			in := tc.in
			in.SecretId = aws.String(arn)
			if _, err := sm.DeleteSecret(ctx, &in); err != nil {
				t.Fatal(err)
			}
			clock.Advance(authorizer.DefaultCacheTTL)
			for _, value := range []string{valCurrent, valCurrent, valWrong} {
				if d, err := v.Verify(ctx, value); d != authorizer.Deny || err != nil {
					t.Errorf("after DeleteSecret: Verify(%.12q...) = %v, %v; want Deny", value, d, err)
				}
			}
		})
	}
}
