package rotationtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/originlock/originlock/clock"
	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/rotation"
)

// Role says how the kit reads Backend.Uses.
type Role int

const (
	// Accepts: the Target makes an origin accept values; Uses lists the
	// values the origin accepts now.
	Accepts Role = iota + 1
	// Sends: the Target makes something send a value to the origin; Uses
	// lists the values it sends now (one per place it sends from, duplicates
	// allowed).
	Sends
)

// RotationInterval is how far the kit moves the clock between two rotations.
const RotationInterval = 24 * time.Hour

// SecretARN is the secret the kit's requests name.
const SecretARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rotationtest-AbCdEf" // #nosec G101 -- an ARN, not a credential

// Env is what the kit gives each new Target instance.
type Env struct {
	// Clock is the scenario's fake clock, shared by every instance: its waits
	// return at once and move it forward.
	Clock clock.Clock
	// Logger captures records; the kit fails if a value appears in them.
	Logger *slog.Logger
}

// Backend is one fresh backing system (its own web ACL, distribution, API
// keys...) and how to build and observe Targets over it.
type Backend struct {
	Role Role
	// Initial is the value the system uses before the first rotation: the
	// secret's AWSCURRENT. It must be a valid value for the Target.
	Initial string
	// NewTarget returns a new Target instance over the system, wired to env.
	// The kit calls it for every simulated crash.
	NewTarget func(t testing.TB, env Env) rotation.Target
	// Uses returns the values the system uses now (see Role). It reads the
	// system directly, not through the Target.
	Uses func(t testing.TB) []string
}

// Factory returns a new Backend with its own state; Run calls it once per
// scenario.
type Factory func(t *testing.T) Backend

// Run runs every scenario of the kit against backends from factory, each as
// a subtest.
func Run(t *testing.T, factory Factory) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			r := newRun(t, factory(t))
			sc.run(r)
			r.checkLeaks()
		})
	}
}

// run is one scenario's state.
type run struct {
	t       *testing.T
	b       Backend
	clock   *clocktest.Clock
	logs    *lockedBuffer
	logger  *slog.Logger
	target  rotation.Target
	errs    []string
	values  []string
	crashes bool

	// The rotation in progress.
	previous, current, pending string
	version                    string
	tested, finished           bool
}

func newRun(t *testing.T, b Backend) *run {
	t.Helper()
	if b.Role != Accepts && b.Role != Sends {
		t.Fatal("rotationtest: Backend.Role must be Accepts or Sends")
	}
	if b.NewTarget == nil || b.Uses == nil || b.Initial == "" {
		t.Fatal("rotationtest: Backend needs NewTarget, Uses and Initial")
	}
	r := &run{t: t, b: b, clock: clocktest.New(time.Now()), logs: &lockedBuffer{}}
	r.logger = slog.New(slog.NewJSONHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r.current = b.Initial
	r.values = []string{b.Initial}
	r.target = r.fresh()
	return r
}

func (r *run) fresh() rotation.Target {
	return r.b.NewTarget(r.t, Env{Clock: r.clock, Logger: r.logger})
}

// instance returns the Target for the next call: a new one when the scenario
// simulates a crash after every call.
func (r *run) instance() rotation.Target {
	if r.crashes {
		r.target = r.fresh()
	}
	return r.target
}

// begin starts a rotation: a new pending value and version.
func (r *run) begin() {
	r.t.Helper()
	if r.pending != "" {
		r.clock.Advance(RotationInterval)
	}
	r.pending = newValue(r.t)
	r.values = append(r.values, r.pending)
	r.version = newVersion()
	r.tested, r.finished = false, false
}

func (r *run) ctx() context.Context { return r.t.Context() }

func (r *run) set() {
	r.t.Helper()
	_, err := r.instance().SetSecret(r.ctx(), rotation.SetSecretRequest{SecretARN: SecretARN, VersionID: r.version, Pending: rotation.Value(r.pending), Current: rotation.Value(r.current), Previous: rotation.Value(r.previous)})
	if err != nil {
		r.fail("SetSecret", err)
	}
	r.check("after SetSecret")
}

func (r *run) test() {
	r.t.Helper()
	if err := r.testErr(false); err != nil {
		r.fail("TestSecret", err)
	}
	r.tested = true
	r.check("after TestSecret")
}

func (r *run) testErr(configOnly bool) error {
	req := rotation.TestSecretRequest{SecretARN: SecretARN, VersionID: r.version, Pending: rotation.Value(r.pending), Current: rotation.Value(r.current), Previous: rotation.Value(r.previous), ConfigOnly: configOnly}
	if configOnly {
		// The test-only invocation: the pending version holds a copy of
		// AWSCURRENT, or nothing.
		req.Pending = req.Current
	}
	_, err := r.instance().TestSecret(r.ctx(), req)
	if err != nil {
		r.errs = append(r.errs, err.Error(), fmt.Sprintf("%+v %#v", err, err))
	}
	return err
}

// finish plays finishSecret: AWSCURRENT has moved to the pending value.
func (r *run) finish() {
	r.t.Helper()
	if !r.finished {
		r.previous, r.current, r.finished = r.current, r.pending, true
	}
	if f, ok := r.instance().(rotation.Finisher); ok {
		if _, err := f.FinishSecret(r.ctx(), rotation.FinishSecretRequest{SecretARN: SecretARN, VersionID: r.version, Current: rotation.Value(r.current), Previous: rotation.Value(r.previous)}); err != nil {
			r.fail("FinishSecret", err)
		}
	}
	r.check("after FinishSecret")
}

// rotate runs one whole rotation.
func (r *run) rotate() {
	r.begin()
	r.set()
	r.test()
	r.finish()
}

func (r *run) fail(method string, err error) {
	r.t.Helper()
	r.errs = append(r.errs, err.Error(), fmt.Sprintf("%+v %#v", err, err))
	r.t.Fatalf("%s failed: %s", method, r.redact(err.Error()))
}

// check verifies the Role's invariants on the backing system.
func (r *run) check(when string) {
	r.t.Helper()
	uses := r.b.Uses(r.t)
	name := r.namer()
	switch r.b.Role {
	case Accepts:
		if r.finished {
			if !slices.Contains(uses, r.current) {
				r.t.Errorf("%s: the origin refuses AWSCURRENT (accepts %s)", when, name(uses))
			}
			for _, v := range uses {
				if v != r.current && v != r.previous {
					r.t.Errorf("%s: the origin still accepts %s, which is neither AWSCURRENT nor AWSPREVIOUS", when, name([]string{v}))
				}
			}
			return
		}
		if !slices.Contains(uses, r.current) {
			r.t.Errorf("%s: the origin refuses AWSCURRENT during the rotation (accepts %s)", when, name(uses))
		}
		if r.tested && !slices.Contains(uses, r.pending) {
			r.t.Errorf("%s: TestSecret succeeded but the origin refuses AWSPENDING (accepts %s)", when, name(uses))
		}
	case Sends:
		if len(uses) == 0 {
			r.t.Errorf("%s: nothing is sent", when)
		}
		allowed := []string{r.current, r.pending}
		if r.tested || r.finished {
			allowed = []string{r.pending}
			if r.finished {
				allowed = []string{r.current}
			}
		}
		for _, v := range uses {
			if !slices.Contains(allowed, v) {
				r.t.Errorf("%s: sends %s, want only %s", when, name([]string{v}), name(allowed))
			}
		}
	}
}

// namer names values by their role in this run, never printing them.
func (r *run) namer() func([]string) string {
	return func(vs []string) string {
		var names []string
		for _, v := range vs {
			switch v {
			case r.pending:
				names = append(names, "AWSPENDING")
			case r.current:
				names = append(names, "AWSCURRENT")
			case r.previous:
				names = append(names, "AWSPREVIOUS")
			default:
				if i := slices.Index(r.values, v); i >= 0 {
					names = append(names, fmt.Sprintf("value #%d", i))
				} else {
					names = append(names, "an unknown value")
				}
			}
		}
		if len(names) == 0 {
			return "nothing"
		}
		return "[" + strings.Join(names, " ") + "]"
	}
}

func (r *run) redact(s string) string {
	for _, v := range r.values {
		s = strings.ReplaceAll(s, v, "[VALUE]")
	}
	return s
}

// checkLeaks fails if any value appears in a log record or an error.
func (r *run) checkLeaks() {
	r.t.Helper()
	haystacks := map[string]string{"log records": r.logs.String(), "errors": strings.Join(r.errs, "\n")}
	for where, text := range haystacks {
		for i, v := range r.values {
			if strings.Contains(text, v) {
				r.t.Errorf("value #%d appears in the Target's %s", i, where)
			}
		}
	}
}

func newValue(t testing.TB) string {
	gen, err := rotation.NewRandomGenerator(rotation.DefaultValueLength)
	if err != nil {
		t.Fatal(err)
	}
	v, err := gen.Generate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func newVersion() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
