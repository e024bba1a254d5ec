package apigateway_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"testing"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/service/apigateway"

	"github.com/originlock/originlock/apigateway"
	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/rotation"
)

// TestRevokePrevious: in emergency mode finishSecret disables the previous
// key at once, and the next step (here a retry of finishSecret) deletes it;
// the current key is never touched. A key retired earlier in the default
// mode is disabled at the first step of a revoking instance, grace or not.
func TestRevokePrevious(t *testing.T) {
	v0, v1, v2 := fixture.RandomValue(), fixture.RandomValue(), fixture.RandomValue()
	a := newAccount(t, v0)
	clk := clocktest.New(time.Unix(1_800_000_000, 0))
	k := a.target(t, clk, apigateway.WithKeyDelay(0), apigateway.WithRevokePrevious())
	rotate(t, k, secretA, "v1", v0, v1)
	if got := a.usable(t); !slices.Equal(got, []string{v1}) {
		t.Fatalf("right after a revoking finish: %d usable keys (previous usable %v); want only the current one", len(got), slices.Contains(got, v0))
	}
	finish(t, k, secretA, "v1", v1, "") // the retry: AWSPREVIOUS already gone
	got := a.keys(t)
	if _, exists := got[v0]; exists {
		t.Error("the next step did not delete the revoked key")
	}
	if !got[v1] {
		t.Error("the current key is not enabled")
	}

	// Default mode retires v1 with a grace; a revoking instance, at its
	// next step, disables it without waiting.
	normal := a.target(t, clk, apigateway.WithKeyDelay(0))
	rotate(t, normal, secretA, "v2", v1, v2)
	if !a.keys(t)[v1] {
		t.Fatal("default mode disabled the previous key at finish")
	}
	finish(t, k, secretA, "v2", v2, v1)
	if a.keys(t)[v1] {
		t.Error("a revoking finishSecret left a key retired in default mode enabled")
	}
}

// TestFinishRetry: a finishSecret retried (after a crash, in a new
// container) neither restarts the grace nor loses it; a retry without
// AWSPREVIOUS keeps an existing mark's grace.
func TestFinishRetry(t *testing.T) {
	v0, v1, v2 := fixture.RandomValue(), fixture.RandomValue(), fixture.RandomValue()
	a := newAccount(t, v0)
	clk := clocktest.New(time.Unix(1_800_000_000, 0))
	const grace = 10 * time.Minute
	opts := []apigateway.Option{apigateway.WithKeyDelay(0), apigateway.WithRetireGrace(grace)}
	rotate(t, a.target(t, clk, opts...), secretA, "v1", v0, v1)
	clk.Advance(grace / 2)
	finish(t, a.target(t, clk, opts...), secretA, "v1", v1, "") // new container, label gone
	if !a.keys(t)[v0] {
		t.Fatal("a retry without AWSPREVIOUS disabled a key still in its grace")
	}
	clk.Advance(grace / 2)
	set := rotation.SetSecretRequest{SecretARN: secretA, VersionID: "v2", Pending: rotation.Value(v2), Current: rotation.Value(v1), Previous: rotation.Value(v0)}
	if _, err := a.target(t, clk, opts...).SetSecret(t.Context(), set); err != nil {
		t.Fatal(err)
	}
	if a.keys(t)[v0] {
		t.Error("one grace after the first finish the retired key is enabled: the retry restarted the grace")
	}
}

// TestLateFinish: finishSecret for the previous version, invoked by hand
// while the next rotation's pending key exists, disables that key; the next
// rotation's setSecret, retried, enables it again and testSecret passes.
func TestLateFinish(t *testing.T) {
	v0, v1, v2 := fixture.RandomValue(), fixture.RandomValue(), fixture.RandomValue()
	a := newAccount(t, v0)
	clk := clocktest.New(time.Unix(1_800_000_000, 0))
	k := a.target(t, clk, apigateway.WithKeyDelay(0))
	rotate(t, k, secretA, "v1", v0, v1)
	set := rotation.SetSecretRequest{SecretARN: secretA, VersionID: "v2", Pending: rotation.Value(v2), Current: rotation.Value(v1), Previous: rotation.Value(v0)}
	if _, err := k.SetSecret(t.Context(), set); err != nil {
		t.Fatal(err)
	}
	finish(t, k, secretA, "v1", v1, v0)
	test := rotation.TestSecretRequest{SecretARN: secretA, VersionID: "v2", Pending: rotation.Value(v2), Current: rotation.Value(v1)}
	if _, err := k.TestSecret(t.Context(), test); !errors.Is(err, apigateway.ErrKeyNotReady) {
		t.Fatalf("after a late finishSecret: TestSecret err = %v, want ErrKeyNotReady (the docs say the pending key is disabled)", err)
	}
	if _, err := k.SetSecret(t.Context(), set); err != nil {
		t.Fatal(err)
	}
	if _, err := k.TestSecret(t.Context(), test); err != nil {
		t.Fatalf("setSecret retried: %v", err)
	}
	clk.Advance(3 * apigateway.DefaultRetireGrace)
	if _, err := k.SetSecret(t.Context(), set); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(a.usable(t), v2) {
		t.Error("the late finish's mark outlived setSecret: the pending key was disabled after the grace")
	}
}

// failSecondUpdate is a test double around moto's client: its second
// UpdateApiKey fails without reaching moto, as a finishSecret whose Lambda
// dies between two keys. moto cannot fail one call on demand.
type failSecondUpdate struct {
	*sdk.Client
	updates int
}

func (f *failSecondUpdate) UpdateApiKey(ctx context.Context, in *sdk.UpdateApiKeyInput, opts ...func(*sdk.Options)) (*sdk.UpdateApiKeyOutput, error) {
	if f.updates++; f.updates == 2 {
		return nil, errors.New("test double: the invocation stopped here")
	}
	return f.Client.UpdateApiKey(ctx, in, opts...)
}

// TestFinishCrashBetweenKeys: finishSecret fails after retiring one of two
// keys; the retry completes the other and keeps the first one's mark.
func TestFinishCrashBetweenKeys(t *testing.T) {
	v0, v1, vx := fixture.RandomValue(), fixture.RandomValue(), fixture.RandomValue()
	a := newAccount(t, v0)
	clk := clocktest.New(time.Unix(1_800_000_000, 0))
	const grace = 10 * time.Minute
	k := a.target(t, clk, apigateway.WithKeyDelay(0), apigateway.WithRetireGrace(grace))
	// An abandoned rotation left vx's key; then v1's rotation.
	if _, err := k.SetSecret(t.Context(), rotation.SetSecretRequest{SecretARN: secretA, VersionID: "vx", Pending: rotation.Value(vx), Current: rotation.Value(v0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.SetSecret(t.Context(), rotation.SetSecretRequest{SecretARN: secretA, VersionID: "v1", Pending: rotation.Value(v1), Current: rotation.Value(v0)}); err != nil {
		t.Fatal(err)
	}
	double := &failSecondUpdate{Client: a.api}
	crashing, err := apigateway.NewAPIKeys(double, apigateway.Config{UsagePlanIDs: a.plans, KeyNamePrefix: a.prefix},
		apigateway.WithClock(clk), apigateway.WithLogger(slog.New(slog.DiscardHandler)), apigateway.WithRetireGrace(grace))
	if err != nil {
		t.Fatal(err)
	}
	req := rotation.FinishSecretRequest{SecretARN: secretA, VersionID: "v1", Current: rotation.Value(v1), Previous: rotation.Value(v0)}
	if _, err := crashing.FinishSecret(t.Context(), req); err == nil {
		t.Fatal("the test double's failure did not surface")
	}
	clk.Advance(grace / 2)
	finish(t, k, secretA, "v1", v1, v0)
	got := a.keys(t)
	if got[vx] || !got[v0] || !got[v1] {
		t.Fatalf("after the retry: abandoned enabled %v, previous %v, current %v; want false, true, true", got[vx], got[v0], got[v1])
	}
	clk.Advance(grace / 2)
	finish(t, k, secretA, "v1", v1, v0)
	if a.keys(t)[v0] {
		t.Error("the previous key's grace restarted at the retry")
	}
}
