package rotationtest_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/originlock/originlock/rotation"
	"github.com/originlock/originlock/rotation/rotationtest"
)

// acceptingDouble is a test double for an origin-side target over an
// in-memory set of accepted values, with switches that break it the ways the
// kit must catch.
type acceptingDouble struct {
	st     *doubleState
	logger *slog.Logger
}

type doubleState struct {
	mu       sync.Mutex
	accepted map[string]bool
	broken   string
}

func (d *acceptingDouble) SetSecret(ctx context.Context, req rotation.SetSecretRequest) (rotation.SetSecretResponse, error) {
	d.st.mu.Lock()
	defer d.st.mu.Unlock()
	if d.st.broken == "leaks" {
		d.logger.InfoContext(ctx, "setting", "value", string(req.Pending))
	}
	d.st.accepted[string(req.Pending)], d.st.accepted[string(req.Current)] = true, true
	if d.st.broken == "forgets-current" {
		delete(d.st.accepted, string(req.Current))
	}
	return rotation.SetSecretResponse{}, nil
}

func (d *acceptingDouble) TestSecret(_ context.Context, req rotation.TestSecretRequest) (rotation.TestSecretResponse, error) {
	d.st.mu.Lock()
	defer d.st.mu.Unlock()
	if req.ConfigOnly || d.st.broken == "lies" || d.st.accepted[string(req.Pending)] {
		return rotation.TestSecretResponse{}, nil
	}
	if d.st.broken == "leaks-in-error" {
		return rotation.TestSecretResponse{}, errors.New("double: not accepted: " + string(req.Pending))
	}
	return rotation.TestSecretResponse{}, errors.New("double: pending value not accepted")
}

func (d *acceptingDouble) FinishSecret(_ context.Context, req rotation.FinishSecretRequest) (rotation.FinishSecretResponse, error) {
	d.st.mu.Lock()
	defer d.st.mu.Unlock()
	if d.st.broken == "never-prunes" {
		return rotation.FinishSecretResponse{}, nil
	}
	for v := range d.st.accepted {
		if v != string(req.Current) && v != string(req.Previous) {
			delete(d.st.accepted, v)
		}
	}
	return rotation.FinishSecretResponse{}, nil
}

func runDouble(t *testing.T, broken string) {
	rotationtest.Run(t, func(t *testing.T) rotationtest.Backend {
		initial := strings.Repeat("i", 64)
		st := &doubleState{accepted: map[string]bool{initial: true}, broken: broken}
		return rotationtest.Backend{
			Role:    rotationtest.Accepts,
			Initial: initial,
			NewTarget: func(_ testing.TB, env rotationtest.Env) rotation.Target {
				return &acceptingDouble{st: st, logger: env.Logger}
			},
			Uses: func(testing.TB) []string {
				st.mu.Lock()
				defer st.mu.Unlock()
				var vs []string
				for v := range st.accepted {
					vs = append(vs, v)
				}
				return vs
			},
		}
	})
}

func TestCorrectDoubleConforms(t *testing.T) { runDouble(t, "") }

// TestBrokenDouble runs the kit on one broken double; it is the subprocess of
// TestKitCatchesBrokenTargets and does nothing on its own.
func TestBrokenDouble(t *testing.T) {
	broken := os.Getenv("ROTATIONTEST_BROKEN")
	if broken == "" {
		t.Skip("runs only as the subprocess of TestKitCatchesBrokenTargets")
	}
	runDouble(t, broken)
}

// TestKitCatchesBrokenTargets proves the kit can fail: each broken double
// must fail it, with the message that names its fault.
func TestKitCatchesBrokenTargets(t *testing.T) {
	for broken, want := range map[string]string{
		"lies":            "TestSecret before SetSecret succeeded",
		"leaks":           "appears in the Target's log records",
		"leaks-in-error":  "appears in the Target's errors",
		"never-prunes":    "which is neither AWSCURRENT nor AWSPREVIOUS",
		"forgets-current": "the origin refuses AWSCURRENT",
	} {
		t.Run(broken, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenDouble$", "-test.v") // #nosec G204 -- this test binary
			cmd.Env = append(os.Environ(), "ROTATIONTEST_BROKEN="+broken)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the kit passed a double that %s", broken)
			}
			if !strings.Contains(string(out), want) {
				t.Errorf("the kit failed without saying %q:\n%s", want, out)
			}
		})
	}
}
