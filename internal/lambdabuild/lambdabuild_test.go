package lambdabuild

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestFlagsMatchScript keeps Flags and scripts/build-lambdas's BUILD_FLAGS in
// step, so that tests and the demo run the binaries that ship.
func TestFlagsMatchScript(t *testing.T) {
	dir, err := ModuleDir(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join(dir, "scripts", "build-lambdas"))
	if err != nil {
		t.Fatal(err)
	}
	quoted := make([]string, len(Flags))
	for i, f := range Flags {
		quoted[i] = f
		if strings.ContainsAny(f, " ,") { // as the script quotes them (ShellCheck SC2054)
			quoted[i] = `"` + f + `"`
		}
	}
	want := "BUILD_FLAGS=(" + strings.Join(quoted, " ") + ")"
	if !strings.Contains(string(script), "\n"+want+"\n") {
		t.Errorf("scripts/build-lambdas does not set %s", want)
	}
	for _, want := range []string{"CGO_ENABLED=0", "GOOS=linux", "\nunset " + strings.Join(Unset, " ") + "\n"} {
		if !strings.Contains(string(script), want) {
			t.Errorf("scripts/build-lambdas does not set %s", want)
		}
	}
}

func TestBuildReportsFailure(t *testing.T) {
	dir, err := ModuleDir(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	err = Build(context.Background(), dir, "no-such-function", runtime.GOARCH, filepath.Join(t.TempDir(), "bootstrap"))
	if err == nil || !strings.Contains(err.Error(), "no-such-function") {
		t.Errorf("got %v, want an error naming the missing function", err)
	}
}
