package cloudfront_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"sync"
	"testing"

	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/motoserver"
	"github.com/originlock/originlock/rotation"
)

func TestMain(m *testing.M) { os.Exit(motoserver.Main(m)) }

// callCounter is a test double that counts the CloudFront calls it passes
// on to the real client.
type callCounter struct {
	cloudfront.API
	mu    sync.Mutex
	calls map[string]int
}

func (c *callCounter) add(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[op]++
}

func (c *callCounter) count(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[op]
}

func (c *callCounter) UpdateDistribution(ctx context.Context, in *cfsdk.UpdateDistributionInput, o ...func(*cfsdk.Options)) (*cfsdk.UpdateDistributionOutput, error) {
	c.add("UpdateDistribution")
	return c.API.UpdateDistribution(ctx, in, o...)
}

// motoEnv is a secret and two distributions in the shared moto server:
// E1 has origins api and api-2 (selected, with other headers around the
// rotated one) and static (not selected); E2 has one origin whose header name
// is lower case.
type motoEnv struct {
	moto       *motoserver.Server
	sm         *secretsmanager.Client
	cf         *cfsdk.Client
	arn        string
	d1, d2     string
	raw1, raw2 []byte
}

const motoInitial = "moto-initial-0123456789abcdefghijklmnopqrstuvwxyzABCDEF"

func newMotoEnv(t *testing.T) *motoEnv {
	t.Helper()
	ctx := t.Context()
	e := &motoEnv{moto: motoserver.Shared(t)}
	cfg := e.moto.AWSConfigForTest(t)
	e.sm, e.cf = secretsmanager.NewFromConfig(cfg), cfsdk.NewFromConfig(cfg)
	var err error
	name := t.Name() + "-" + fixture.NewToken()[:8] // apart when tests run more than once (-count)
	if e.arn, err = fixture.CreateSecret(ctx, e.sm, "originlock/"+name, `{"HEADERVALUE":"`+motoInitial+`","owner":"team-api"}`); err != nil {
		t.Fatal(err)
	}
	if e.d1, err = fixture.CreateDistribution(ctx, e.cf, name+"-1",
		fixture.Origin{ID: "api", Headers: [][2]string{{"X-Before", "b"}, {"X-Origin-Verify", motoInitial}, {"X-After", "a"}}},
		fixture.Origin{ID: "api-2", Headers: [][2]string{{"X-Origin-Verify", motoInitial}}},
		fixture.Origin{ID: "static", Headers: [][2]string{{"X-Static", "s"}}},
	); err != nil {
		t.Fatal(err)
	}
	if e.d2, err = fixture.CreateDistribution(ctx, e.cf, name+"-2",
		fixture.Origin{ID: "api", Headers: [][2]string{{"x-origin-verify", motoInitial}}},
	); err != nil {
		t.Fatal(err)
	}
	e.raw1, e.raw2 = e.raw(t, e.d1), e.raw(t, e.d2)
	if n1, n2 := bytes.Count(e.raw1, []byte(motoInitial)), bytes.Count(e.raw2, []byte(motoInitial)); n1 != 2 || n2 != 1 {
		t.Fatalf("raw configs hold the initial value %d and %d times, want 2 and 1", n1, n2)
	}
	return e
}

func (e *motoEnv) raw(t *testing.T, id string) []byte {
	t.Helper()
	b, err := fixture.RawDistributionConfig(t.Context(), e.moto.URL, id)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *motoEnv) handler(t *testing.T, api cloudfront.API, dists []cloudfront.Distribution) *rotation.Handler {
	t.Helper()
	quiet := slog.New(slog.DiscardHandler)
	target, err := cloudfront.NewOriginHeader(api, cloudfront.Config{HeaderName: "X-Origin-Verify", Distributions: dists}, cloudfront.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	h, err := rotation.NewHandler(e.sm, e.arn, target, rotation.WithLogger(quiet), rotation.WithSettleDelay(0))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (e *motoEnv) current(t *testing.T) string {
	t.Helper()
	s, err := fixture.SecretString(t.Context(), e.sm, e.arn, rotation.StageCurrent)
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ HEADERVALUE, Owner string }
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	if v.Owner != "team-api" {
		t.Error("the rotation dropped the secret's other JSON key")
	}
	return v.HEADERVALUE
}

func TestRotationAcrossDistributions(t *testing.T) {
	e := newMotoEnv(t)
	api := &callCounter{API: e.cf}
	h := e.handler(t, api, []cloudfront.Distribution{{ID: e.d1, OriginIDs: []string{"api", "api-2"}}, {ID: e.d2}})

	token, err := fixture.Rotate(t.Context(), e.sm, e.arn, h.Handle)
	if err != nil {
		t.Fatal(err)
	}
	value := e.current(t)
	if value == motoInitial || len(value) != rotation.DefaultValueLength {
		t.Fatalf("AWSCURRENT holds %d characters (changed: %v), want a new value", len(value), value != motoInitial)
	}
	// The only bytes that changed are the rotated values.
	for id, before := range map[string][]byte{e.d1: e.raw1, e.d2: e.raw2} {
		want := bytes.ReplaceAll(before, []byte(motoInitial), []byte(value))
		if got := e.raw(t, id); !bytes.Equal(got, want) {
			t.Errorf("distribution %s config differs from the original beyond the header value:\n got %s\nwant %s", id, got, want)
		}
	}
	if got := api.count("UpdateDistribution"); got != 2 {
		t.Errorf("UpdateDistribution calls = %d, want 2", got)
	}

	// Every step again, twice, and late: nothing more changes.
	after1, after2 := e.raw(t, e.d1), e.raw(t, e.d2)
	for range 2 {
		for _, step := range fixture.Steps {
			if err := h.Handle(t.Context(), fixture.Event(step, e.arn, token)); err != nil {
				t.Fatalf("repeated %s: %v", step, err)
			}
		}
	}
	if !bytes.Equal(e.raw(t, e.d1), after1) || !bytes.Equal(e.raw(t, e.d2), after2) || e.current(t) != value {
		t.Error("repeating the steps changed something")
	}
	if got := api.count("UpdateDistribution"); got != 2 {
		t.Errorf("UpdateDistribution calls after repeats = %d, want still 2", got)
	}

	// A second rotation moves on from the first.
	if _, err := fixture.Rotate(t.Context(), e.sm, e.arn, h.Handle); err != nil {
		t.Fatal(err)
	}
	if second := e.current(t); second == value || fixture.HeaderValue(mustConfig(t, e.cf, e.d1), "api", "X-Origin-Verify") != second {
		t.Error("the second rotation did not reach the distributions")
	}
}

// TestEachStepTwiceInARow repeats each step right after itself, as a retry
// after a lost response does, before moving on.
func TestEachStepTwiceInARow(t *testing.T) {
	e := newMotoEnv(t)
	api := &callCounter{API: e.cf}
	h := e.handler(t, api, []cloudfront.Distribution{{ID: e.d1, OriginIDs: []string{"api", "api-2"}}, {ID: e.d2}})
	token, err := fixture.BeginRotation(t.Context(), e.sm, e.arn, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range fixture.Steps {
		for range 2 {
			if err := h.Handle(t.Context(), fixture.Event(step, e.arn, token)); err != nil {
				t.Fatalf("%s: %v", step, err)
			}
		}
	}
	if got := api.count("UpdateDistribution"); got != 2 {
		t.Errorf("UpdateDistribution calls = %d, want 2", got)
	}
}

func TestBadTargetLeavesEverythingAsItWas(t *testing.T) {
	cases := map[string]struct {
		dists func(e *motoEnv) []cloudfront.Distribution
		want  error
	}{
		"unknown origin": {
			dists: func(e *motoEnv) []cloudfront.Distribution {
				return []cloudfront.Distribution{{ID: e.d1, OriginIDs: []string{"api", "no-such-origin"}}}
			},
			want: cloudfront.ErrOriginNotFound,
		},
		"unknown distribution": {
			dists: func(e *motoEnv) []cloudfront.Distribution { return []cloudfront.Distribution{{ID: "ENOSUCHDIST"}} },
			want:  &types.NoSuchDistribution{},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := newMotoEnv(t)
			h := e.handler(t, e.cf, tc.dists(e))
			token, err := fixture.Rotate(t.Context(), e.sm, e.arn, h.Handle)
			var nsd *types.NoSuchDistribution
			if !errors.Is(err, tc.want) && !(errors.As(tc.want, &nsd) && errors.As(err, &nsd)) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			var se *rotation.StepError
			if !errors.As(err, &se) || se.Step != rotation.StepSet {
				t.Errorf("got %v, want a setSecret StepError", err)
			}
			if e.current(t) != motoInitial {
				t.Error("AWSCURRENT changed")
			}
			if !bytes.Equal(e.raw(t, e.d1), e.raw1) || !bytes.Equal(e.raw(t, e.d2), e.raw2) {
				t.Error("a distribution changed")
			}
			if token == "" {
				t.Error("no rotation started")
			}
		})
	}
}

func mustConfig(t *testing.T, cf *cfsdk.Client, id string) *types.DistributionConfig {
	t.Helper()
	cfg, err := fixture.DistributionConfig(t.Context(), cf, id)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
