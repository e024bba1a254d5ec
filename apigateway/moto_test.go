package apigateway_test

import (
	"errors"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/apigateway"

	"github.com/originlock/originlock/apigateway"
	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/motoserver"
	"github.com/originlock/originlock/rotation"
	"github.com/originlock/originlock/rotation/rotationtest"
)

func TestMain(m *testing.M) { os.Exit(motoserver.Main(m)) }

// account is API keys and two usage plans in moto. Each test gets its own
// key name prefix, because keys are account-wide.
type account struct {
	api    *sdk.Client
	plans  []string
	prefix string
}

func newAccount(t testing.TB, initial string) *account {
	t.Helper()
	moto := motoserver.Shared(t)
	a := &account{api: sdk.NewFromConfig(moto.AWSConfigForTest(t)), prefix: "ol-" + fixture.NewToken()[:8] + "-"}
	for _, n := range []string{"a", "b"} {
		out, err := a.api.CreateUsagePlan(t.Context(), &sdk.CreateUsagePlanInput{Name: aws.String(a.prefix + n)})
		if err != nil {
			t.Fatal(err)
		}
		a.plans = append(a.plans, aws.ToString(out.Id))
	}
	if initial != "" {
		a.addKey(t, a.prefix+"initial", initial, true, a.plans...)
	}
	return a
}

func (a *account) addKey(t testing.TB, name, value string, enabled bool, plans ...string) string {
	t.Helper()
	k, err := a.api.CreateApiKey(t.Context(), &sdk.CreateApiKeyInput{Name: aws.String(name), Value: aws.String(value), Enabled: enabled})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		if _, err := a.api.CreateUsagePlanKey(t.Context(), &sdk.CreateUsagePlanKeyInput{UsagePlanId: aws.String(p), KeyId: k.Id, KeyType: aws.String("API_KEY")}); err != nil {
			t.Fatal(err)
		}
	}
	return aws.ToString(k.Id)
}

// keys returns this account's keys by value: enabled or not.
func (a *account) keys(t testing.TB) map[string]bool {
	t.Helper()
	out, err := a.api.GetApiKeys(t.Context(), &sdk.GetApiKeysInput{IncludeValues: aws.Bool(true), Limit: aws.Int32(500)})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, k := range out.Items {
		if strings.HasPrefix(aws.ToString(k.Name), a.prefix) {
			keys[aws.ToString(k.Value)] = k.Enabled
		}
	}
	return keys
}

// usable returns the values API Gateway accepts: enabled keys in every plan.
func (a *account) usable(t testing.TB) []string {
	t.Helper()
	out, err := a.api.GetApiKeys(t.Context(), &sdk.GetApiKeysInput{IncludeValues: aws.Bool(true), Limit: aws.Int32(500)})
	if err != nil {
		t.Fatal(err)
	}
	inPlan := map[string]int{}
	for _, p := range a.plans {
		pk, err := a.api.GetUsagePlanKeys(t.Context(), &sdk.GetUsagePlanKeysInput{UsagePlanId: aws.String(p), Limit: aws.Int32(500)})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range pk.Items {
			inPlan[aws.ToString(k.Id)]++
		}
	}
	var values []string
	for _, k := range out.Items {
		if k.Enabled && inPlan[aws.ToString(k.Id)] == len(a.plans) {
			values = append(values, aws.ToString(k.Value))
		}
	}
	return values
}

func (a *account) target(t testing.TB, clk apigateway.Clock, opts ...apigateway.Option) *apigateway.APIKeys {
	t.Helper()
	k, err := apigateway.NewAPIKeys(a.api, apigateway.Config{UsagePlanIDs: a.plans, KeyNamePrefix: a.prefix},
		append([]apigateway.Option{apigateway.WithClock(clk), apigateway.WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestAPIKeysConform(t *testing.T) {
	rotationtest.Run(t, func(t *testing.T) rotationtest.Backend {
		initial := fixture.RandomValue()
		a := newAccount(t, initial)
		return rotationtest.Backend{
			Role:    rotationtest.Accepts,
			Initial: initial,
			NewTarget: func(t testing.TB, env rotationtest.Env) rotation.Target {
				k, err := apigateway.NewAPIKeys(a.api, apigateway.Config{UsagePlanIDs: a.plans, KeyNamePrefix: a.prefix}, apigateway.WithClock(env.Clock), apigateway.WithLogger(env.Logger))
				if err != nil {
					t.Fatal(err)
				}
				return k
			},
			Uses: func(t testing.TB) []string { return a.usable(t) },
		}
	})
}

// TestRetirement follows the retired key: enabled through the grace after
// finishSecret, then disabled, then deleted; the current and pending keys
// are never touched, nor is a key this target does not manage.
func TestRetirement(t *testing.T) {
	v0, v1, v2 := fixture.RandomValue(), fixture.RandomValue(), fixture.RandomValue()
	a := newAccount(t, v0)
	foreign := fixture.RandomValue()
	a.addKey(t, "someone-else-"+a.prefix, foreign, true, a.plans...)
	clk := clocktest.New(time.Unix(1_800_000_000, 0))
	const grace = 10 * time.Minute
	k := a.target(t, clk, apigateway.WithRetireGrace(grace), apigateway.WithKeyDelay(0))
	ctx := t.Context()

	if _, err := k.SetSecret(ctx, rotation.SetSecretRequest{SecretARN: secretA, VersionID: "v1", Pending: rotation.Value(v1), Current: rotation.Value(v0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.TestSecret(ctx, rotation.TestSecretRequest{Pending: rotation.Value(v1), Current: rotation.Value(v0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.FinishSecret(ctx, rotation.FinishSecretRequest{SecretARN: secretA, VersionID: "v1", Current: rotation.Value(v1), Previous: rotation.Value(v0)}); err != nil {
		t.Fatal(err)
	}
	if got := a.keys(t); !got[v0] || !got[v1] {
		t.Fatalf("right after finish: previous enabled %v, current enabled %v; want both", got[v0], got[v1])
	}
	clk.Advance(grace)
	// The grace alone changes nothing: APIKeys acts only inside a step.
	if got := a.keys(t); !got[v0] {
		t.Fatal("one grace after finish, before any step: the retired key is disabled; the docs say at the first step after the grace")
	}
	if _, err := k.SetSecret(ctx, rotation.SetSecretRequest{SecretARN: secretA, VersionID: "v2", Pending: rotation.Value(v2), Current: rotation.Value(v1), Previous: rotation.Value(v0)}); err != nil {
		t.Fatal(err)
	}
	got := a.keys(t)
	if enabled, exists := got[v0]; !exists || enabled {
		t.Fatalf("one grace after finish: the retired key exists %v, enabled %v; want disabled", exists, enabled)
	}
	if !got[v1] || !got[v2] {
		t.Fatal("the current or the pending key is not enabled")
	}
	clk.Advance(grace)
	if _, err := k.SetSecret(ctx, rotation.SetSecretRequest{SecretARN: secretA, VersionID: "v2", Pending: rotation.Value(v2), Current: rotation.Value(v1), Previous: rotation.Value(v0)}); err != nil {
		t.Fatal(err)
	}
	if _, exists := a.keys(t)[v0]; exists {
		t.Fatal("two graces after finish: the retired key still exists")
	}
	if !slices.Contains(a.usable(t), foreign) {
		t.Error("a key this target does not manage was disabled")
	}
}

func TestKeyDelay(t *testing.T) {
	v0, v1 := fixture.RandomValue(), fixture.RandomValue()
	a := newAccount(t, v0)
	clk := clocktest.New(time.Unix(1_800_000_000, 0))
	k := a.target(t, clk)
	test := rotation.TestSecretRequest{Pending: rotation.Value(v1), Current: rotation.Value(v0)}
	var notReady *apigateway.KeyNotReadyError
	if _, err := k.TestSecret(t.Context(), test); !errors.As(err, &notReady) || notReady.KeyID != "" {
		t.Fatalf("before SetSecret: err = %v, want a *KeyNotReadyError without key", err)
	}
	if _, err := k.SetSecret(t.Context(), rotation.SetSecretRequest{SecretARN: secretA, VersionID: "v1", Pending: rotation.Value(v1), Current: rotation.Value(v0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.TestSecret(t.Context(), test); err != nil {
		t.Fatal(err)
	}
	if got := clk.Waits(); !slices.Equal(got, []time.Duration{apigateway.DefaultKeyDelay}) {
		t.Errorf("waits = %v, want one DefaultKeyDelay", got)
	}
	if _, err := k.TestSecret(t.Context(), test); err != nil || len(clk.Waits()) != 1 {
		t.Errorf("a second TestSecret: err %v, %d waits; want no new wait", err, len(clk.Waits()))
	}
	// Too close to the deadline: an error at once, never a value.
	fresh := a.target(t, clk)
	ctx, cancel := contextWithTimeout(t, 30*time.Second)
	defer cancel()
	_, err := fresh.TestSecret(ctx, test)
	if !errors.Is(err, apigateway.ErrNotUsableYet) || strings.Contains(err.Error(), v1) {
		t.Errorf("err = %v, want ErrNotUsableYet without the value", err)
	}
}

func TestBadInput(t *testing.T) {
	a := newAccount(t, "")
	if _, err := apigateway.NewAPIKeys(a.api, apigateway.Config{}); !errors.Is(err, apigateway.ErrInvalidConfig) {
		t.Errorf("no plans: err = %v", err)
	}
	if _, err := apigateway.NewAPIKeys(a.api, apigateway.Config{UsagePlanIDs: []string{"p", "p"}}); !errors.Is(err, apigateway.ErrInvalidConfig) {
		t.Errorf("a plan twice: err = %v", err)
	}
	for _, bad := range []string{"shortvalue", strings.Repeat("v", 129), strings.Repeat("v", 30) + "-" + strings.Repeat("w", 30)} {
		_, err := a.target(t, clocktest.New(time.Now())).SetSecret(t.Context(), rotation.SetSecretRequest{Pending: rotation.Value(bad)})
		if !errors.Is(err, apigateway.ErrInvalidValue) || strings.Contains(err.Error(), bad) {
			t.Errorf("a value of %d characters: err = %v, want ErrInvalidValue without the value", len(bad), err)
		}
	}
	bad, _ := apigateway.NewAPIKeys(a.api, apigateway.Config{UsagePlanIDs: []string{"nosuchplan"}})
	if _, err := bad.TestSecret(t.Context(), rotation.TestSecretRequest{ConfigOnly: true}); err == nil || !strings.Contains(err.Error(), "nosuchplan") {
		t.Errorf("missing usage plan: err = %v, want one naming it", err)
	}
}
