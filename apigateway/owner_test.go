package apigateway_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/apigateway"

	"github.com/originlock/originlock/apigateway"
	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/rotation"
)

// Two secrets' ARNs; not credentials.
const (
	secretA = "arn:aws:secretsmanager:us-east-1:123456789012:secret:api-a-AbCdEf" // #nosec G101 -- an ARN
	secretB = "arn:aws:secretsmanager:us-east-1:123456789012:secret:api-b-GhIjKl" // #nosec G101 -- an ARN
)

// rotate runs setSecret, testSecret and finishSecret of one rotation.
func rotate(t *testing.T, k *apigateway.APIKeys, secret, version, current, pending string) {
	t.Helper()
	set := rotation.SetSecretRequest{SecretARN: secret, VersionID: version, Pending: rotation.Value(pending), Current: rotation.Value(current)}
	if _, err := k.SetSecret(t.Context(), set); err != nil {
		t.Fatal(err)
	}
	if _, err := k.TestSecret(t.Context(), rotation.TestSecretRequest{SecretARN: secret, VersionID: version, Pending: rotation.Value(pending), Current: rotation.Value(current)}); err != nil {
		t.Fatal(err)
	}
	finish(t, k, secret, version, pending, current)
}

func finish(t *testing.T, k *apigateway.APIKeys, secret, version, current, previous string) {
	t.Helper()
	if _, err := k.FinishSecret(t.Context(), rotation.FinishSecretRequest{SecretARN: secret, VersionID: version, Current: rotation.Value(current), Previous: rotation.Value(previous)}); err != nil {
		t.Fatal(err)
	}
}

// TestTwoSecretsSharePrefix: two APIs in one account and Region, each with
// its own secret, usage plans and rotation function, both with the same key
// name prefix (as with DefaultKeyNamePrefix). Neither rotation may disable
// or delete the other's keys, in either mode, however much time passes; each
// still retires its own.
func TestTwoSecretsSharePrefix(t *testing.T) {
	for _, revoke := range []bool{false, true} {
		t.Run(map[bool]string{false: "grace", true: "revoke previous"}[revoke], func(t *testing.T) {
			a0, a1, a2 := fixture.RandomValue(), fixture.RandomValue(), fixture.RandomValue()
			b0, b1 := fixture.RandomValue(), fixture.RandomValue()
			a := newAccount(t, a0)
			b := newAccount(t, "")
			b.prefix = a.prefix // the shared prefix
			b.addKey(t, b.prefix+"initial-b", b0, true, b.plans...)
			clk := clocktest.New(time.Unix(1_800_000_000, 0))
			const grace = 10 * time.Minute
			opts := []apigateway.Option{apigateway.WithRetireGrace(grace), apigateway.WithKeyDelay(0)}
			if revoke {
				opts = append(opts, apigateway.WithRevokePrevious())
			}
			ka, kb := a.target(t, clk, opts...), b.target(t, clk, opts...)

			rotate(t, kb, secretB, "b1", b0, b1) // B now sends b1; b0 in B's grace
			rotate(t, ka, secretA, "a1", a0, a1) // A's finish must leave b0 and b1 alone
			for range 3 {
				clk.Advance(grace)
				set := rotation.SetSecretRequest{SecretARN: secretA, VersionID: "a2", Pending: rotation.Value(a2), Current: rotation.Value(a1), Previous: rotation.Value(a0)}
				if _, err := ka.SetSecret(t.Context(), set); err != nil {
					t.Fatal(err)
				}
				finish(t, ka, secretA, "a1", a1, a0) // a late retry: still nothing of B's
			}
			usable := b.usable(t)
			if !slices.Contains(usable, b1) {
				t.Error("secret A's rotation disabled secret B's current key")
			}
			if got := slices.Contains(usable, b0); got == revoke { // B's own finish revokes b0
				t.Errorf("secret B's previous key usable %v, want %v: only B's rotation may retire it", got, !revoke)
			}
			// A retired its own: a0 deleted, a2 (pending of an abandoned
			// rotation) disabled by the late finish.
			got := a.keys(t)
			if got[a2] {
				t.Error("the late finishSecret left the abandoned pending key enabled")
			}
			if _, exists := got[a0]; exists {
				t.Error("secret A's previous key still exists after three graces")
			}
			if !got[a1] {
				t.Error("secret A's current key is not enabled")
			}
		})
	}
}

// TestOwnedElsewhere: a key holding this secret's value whose description
// names another secret is not adopted (the other rotation would disable it):
// an error naming the key and the other secret, never the value.
func TestOwnedElsewhere(t *testing.T) {
	v0, v1 := fixture.RandomValue(), fixture.RandomValue()
	a := newAccount(t, v0)
	clk := clocktest.New(time.Unix(1_800_000_000, 0))
	kb := a.target(t, clk, apigateway.WithKeyDelay(0))
	rotate(t, kb, secretB, "b1", v0, v1) // v1's key now names secret B
	ka := a.target(t, clk, apigateway.WithKeyDelay(0))
	_, err := ka.SetSecret(t.Context(), rotation.SetSecretRequest{SecretARN: secretA, VersionID: "a1", Pending: rotation.Value(v1), Current: rotation.Value(v0)})
	var owned *apigateway.OwnedElsewhereError
	if !errors.As(err, &owned) || !errors.Is(err, apigateway.ErrOwnedElsewhere) || owned.Owner != secretB {
		t.Fatalf("err = %v, want an *OwnedElsewhereError naming secret B", err)
	}
	if strings.Contains(err.Error(), v1) || strings.Contains(err.Error(), v0) {
		t.Error("the error holds a value")
	}
}

func TestNoSecretARN(t *testing.T) {
	v0, v1 := fixture.RandomValue(), fixture.RandomValue()
	a := newAccount(t, v0)
	k := a.target(t, clocktest.New(time.Unix(1_800_000_000, 0)))
	if _, err := k.SetSecret(t.Context(), rotation.SetSecretRequest{VersionID: "v1", Pending: rotation.Value(v1), Current: rotation.Value(v0)}); !errors.Is(err, apigateway.ErrNoSecretARN) {
		t.Errorf("SetSecret: err = %v, want ErrNoSecretARN", err)
	}
	if _, err := k.FinishSecret(t.Context(), rotation.FinishSecretRequest{VersionID: "v1", Current: rotation.Value(v1), Previous: rotation.Value(v0)}); !errors.Is(err, apigateway.ErrNoSecretARN) {
		t.Errorf("FinishSecret: err = %v, want ErrNoSecretARN", err)
	}
	if len(a.keys(t)) != 1 {
		t.Error("a request without a secret ARN changed the keys")
	}
}

// TestClaimsInitialKey: the hand-made key of the initial value (prefixed,
// any description) is claimed at the first setSecret, and so retired after
// the first rotation.
func TestClaimsInitialKey(t *testing.T) {
	v0, v1 := fixture.RandomValue(), fixture.RandomValue()
	a := newAccount(t, v0)
	clk := clocktest.New(time.Unix(1_800_000_000, 0))
	k := a.target(t, clk, apigateway.WithKeyDelay(0), apigateway.WithRevokePrevious())
	rotate(t, k, secretA, "v1", v0, v1)
	if got := a.keys(t); got[v0] || !got[v1] {
		t.Fatalf("after a revoking finish: initial key enabled %v, current enabled %v; want false, true", got[v0], got[v1])
	}
	out, err := a.api.GetApiKeys(t.Context(), &sdk.GetApiKeysInput{NameQuery: aws.String(a.prefix), Limit: aws.Int32(500)})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range out.Items {
		if d := aws.ToString(key.Description); !strings.Contains(d, secretA) {
			t.Errorf("key %s: description %q does not name the secret", aws.ToString(key.Id), d)
		}
	}
}
