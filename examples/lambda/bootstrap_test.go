// Package lambda_test runs the ready-to-deploy Lambda functions as Lambda
// runs them: each test builds the function's bootstrap binary as
// scripts/build-lambdas does (for linux on this machine's architecture), and
// drives it through internal/lambdaruntime's Runtime API against moto_server.
// internal/lambdabuild does the build, with the flags scripts/build-lambdas
// uses.
package lambda_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/originlock/originlock/internal/lambdabuild"
	"github.com/originlock/originlock/internal/lambdaruntime"
	"github.com/originlock/originlock/internal/motoserver"
)

func TestMain(m *testing.M) {
	code := motoserver.Main(m)
	if builds.dir != "" {
		_ = os.RemoveAll(builds.dir)
	}
	os.Exit(code)
}

// builds holds the binaries built so far, one per function.
var builds struct {
	mu    sync.Mutex
	dir   string
	paths map[string]string
	errs  map[string]error
}

// bootstrap returns the path of examples/lambda/<name> built as a Lambda
// bootstrap, building it on first use. Under -short, or on a machine that
// cannot run a linux binary, it skips the test and says why.
func bootstrap(t *testing.T, name string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the Lambda binary: skipped by -short")
	}
	if runtime.GOOS != "linux" {
		t.Skipf("the Lambda binary is a linux executable; this machine runs %s", runtime.GOOS)
	}
	builds.mu.Lock()
	defer builds.mu.Unlock()
	if builds.paths == nil {
		dir, err := os.MkdirTemp("", "originlock-lambda-*")
		if err != nil {
			t.Fatal(err)
		}
		builds.dir, builds.paths, builds.errs = dir, map[string]string{}, map[string]error{}
	}
	if _, done := builds.paths[name]; !done {
		out := filepath.Join(builds.dir, name, "bootstrap")
		start := time.Now()
		dir, err := lambdabuild.ModuleDir(t.Context())
		if err == nil {
			err = lambdabuild.Build(t.Context(), dir, name, runtime.GOARCH, out)
		}
		builds.errs[name] = err
		t.Logf("built %s in %v", name, time.Since(start).Round(time.Millisecond))
		builds.paths[name] = out
	}
	if err := builds.errs[name]; err != nil {
		t.Fatal(err)
	}
	return builds.paths[name]
}

// logRecord is one JSON line a function logged.
type logRecord map[string]any

// records parses the JSON lines of a function's output; other lines (the
// runtime client's own) are skipped.
func records(logs string) []logRecord {
	var out []logRecord
	for _, line := range strings.Split(logs, "\n") {
		var r logRecord
		if json.Unmarshal([]byte(line), &r) == nil {
			out = append(out, r)
		}
	}
	return out
}

// startFunction execs the bootstrap in a fresh runtime with env.
func startFunction(t *testing.T, bin string, env []string) *lambdaruntime.Runtime {
	t.Helper()
	rt := lambdaruntime.ForTest(t)
	if err := rt.Exec(t.Context(), bin, env); err != nil {
		t.Fatalf("the function did not start: %v", err)
	}
	return rt
}
