// The tests of this package are in package rotation_test, and must stay
// there: they build on internal/fixture, which imports rotation (for its
// step and stage constants and the value generator the demo and the bench
// share), so in package rotation they would form an import cycle
// (rotation -> fixture -> rotation). Being outside also keeps them honest:
// they reach the Handler only through its exported API, as a user's Target
// and Lambda main do; there are no test-only exports to move into an
// export_test.go (WithClock, the one option tests lean on, is also used by
// the simulation and the bench).
package rotation_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/motoserver"
	"github.com/originlock/originlock/internal/smdouble"
	"github.com/originlock/originlock/rotation"
)

func TestMain(m *testing.M) { os.Exit(motoserver.Main(m)) }

// targetDouble is a test double of a rotation.Target: it "uses" the last
// value SetSecret gave it, passes TestSecret once that is the pending value,
// and records every request.
type targetDouble struct {
	mu       sync.Mutex
	inUse    string
	sets     []rotation.SetSecretRequest
	tests    []rotation.TestSecretRequest
	finishes []rotation.FinishSecretRequest
	// setErr, when set, is returned by SetSecret without changing anything.
	setErr error
	// panicWith, when set, makes SetSecret panic with it.
	panicWith any
}

var errNotInUse = errors.New("target double: pending value not in use")

func (d *targetDouble) SetSecret(_ context.Context, req rotation.SetSecretRequest) (rotation.SetSecretResponse, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sets = append(d.sets, req)
	if d.panicWith != nil {
		panic(d.panicWith)
	}
	if d.setErr != nil {
		return rotation.SetSecretResponse{}, d.setErr
	}
	d.inUse = string(req.Pending)
	return rotation.SetSecretResponse{}, nil
}

func (d *targetDouble) TestSecret(_ context.Context, req rotation.TestSecretRequest) (rotation.TestSecretResponse, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.tests = append(d.tests, req)
	if !req.ConfigOnly && d.inUse != string(req.Pending) {
		return rotation.TestSecretResponse{}, errNotInUse
	}
	return rotation.TestSecretResponse{}, nil
}

// finisherDouble is a targetDouble that also implements rotation.Finisher.
type finisherDouble struct{ targetDouble }

func (d *finisherDouble) FinishSecret(_ context.Context, req rotation.FinishSecretRequest) (rotation.FinishSecretResponse, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.finishes = append(d.finishes, req)
	return rotation.FinishSecretResponse{}, nil
}

// secretsManager is what the tests call where the secret lives: the
// handler's calls, and listing every version (deprecated ones included) to
// search them all for leaks.
type secretsManager interface {
	rotation.SecretsManagerAPI
	ListSecretVersionIds(ctx context.Context, in *secretsmanager.ListSecretVersionIdsInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.ListSecretVersionIdsOutput, error)
}

// env is a secret with a handler wired to a target double, its logs
// captured. The secret lives in the shared moto server, or, under -short,
// in the Secrets Manager test double (internal/smdouble), which
// TestDoubleMatchesMoto checks against moto: so "go test -short" runs the
// whole state machine without moto_server.
type env struct {
	t    *testing.T
	sm   secretsManager
	name string
	arn  string
	// rotate begins a rotation as RotateSecret does and returns its token.
	rotate  func(immediately bool) (string, error)
	target  rotation.Target
	handler *rotation.Handler
	logs    *bytes.Buffer
	// clock makes setSecret's settle delay pass at once.
	clock *clocktest.Clock
}

func newEnv(t *testing.T, secretString string, target rotation.Target, opts ...rotation.Option) *env {
	t.Helper()
	// The suffix keeps names apart when the tests run more than once (-count).
	name := "originlock/" + strings.ReplaceAll(t.Name(), "/", "-") + "-" + fixture.NewToken()[:8]
	e := &env{t: t, name: name, target: target, logs: &bytes.Buffer{}}
	if testing.Short() {
		d := smdouble.New(name, fixture.NewToken(), secretString, time.Now)
		e.sm, e.arn = d, d.ARN()
		e.rotate = func(immediately bool) (string, error) {
			token := fixture.NewToken()
			if immediately {
				return token, d.BeginRotation(token)
			}
			return token, d.BeginTestRotation(token)
		}
	} else {
		moto := motoserver.Shared(t)
		sm := secretsmanager.NewFromConfig(moto.AWSConfigForTest(t))
		arn, err := fixture.CreateSecret(t.Context(), sm, name, secretString)
		if err != nil {
			t.Fatal(err)
		}
		e.sm, e.arn = sm, arn
		e.rotate = func(immediately bool) (string, error) {
			return fixture.BeginRotation(t.Context(), sm, arn, immediately)
		}
	}
	if e.target == nil {
		e.target = &targetDouble{}
	}
	logger := slog.New(requestIDHandler{slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})})
	e.clock = clocktest.New(time.Now())
	h, err := rotation.NewHandler(e.sm, e.arn, e.target, append([]rotation.Option{rotation.WithLogger(logger), rotation.WithClock(e.clock)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	e.handler = h
	return e
}

// quiet is a handler option that discards logs.
func quiet() rotation.Option { return rotation.WithLogger(slog.New(slog.DiscardHandler)) }

// noSettle is a handler option for tests that do not look at the settle delay.
func noSettle() rotation.Option { return rotation.WithSettleDelay(0) }

// begin starts a rotation as RotateSecret does and returns its token.
func (e *env) begin() string {
	e.t.Helper()
	token, err := e.rotate(true)
	if err != nil {
		e.t.Fatal(err)
	}
	return token
}

func (e *env) step(step, token string) error {
	return e.handler.Handle(e.t.Context(), fixture.Event(step, e.arn, token))
}

// mustStep runs a step that must succeed.
func (e *env) mustStep(step, token string) {
	e.t.Helper()
	if err := e.step(step, token); err != nil {
		e.t.Fatalf("%s: %v", step, err)
	}
}

func (e *env) stages() map[string][]string {
	e.t.Helper()
	s, err := fixture.Stages(e.t.Context(), e.sm, e.arn)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *env) secretString(stage string) string {
	e.t.Helper()
	s, err := fixture.SecretString(e.t.Context(), e.sm, e.arn, stage)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}
