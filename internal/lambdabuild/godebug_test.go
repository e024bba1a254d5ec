package lambdabuild

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestFunctionsHaveCurrentGODEBUGDefaults builds every function as
// scripts/build-lambdas does and checks, with go version -m, that none runs
// with a GODEBUG default of the go.mod's Go version that this toolchain has
// since changed (tlssha1=1 and the like): each must be set to its new value
// by a //go:debug line in the function's godebug_go1XX.go files.
func TestFunctionsHaveCurrentGODEBUGDefaults(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every Lambda function: skipped by -short")
	}
	ctx := t.Context()
	dir, err := ModuleDir(ctx)
	if err != nil {
		t.Fatal(err)
	}
	old, goVersion := oldDefaults(t, dir)
	if len(old) == 0 {
		t.Logf("this toolchain changed no GODEBUG default since go %s", goVersion)
	}
	names, err := filepath.Glob(filepath.Join(dir, "examples", "lambda", "*", "main.go"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no functions under examples/lambda: %v", err)
	}
	for _, mainFile := range names {
		name := filepath.Base(filepath.Dir(mainFile))
		t.Run(name, func(t *testing.T) {
			bin := filepath.Join(t.TempDir(), "bootstrap")
			if err := Build(ctx, dir, name, runtime.GOARCH, bin); err != nil {
				t.Fatal(err)
			}
			out, err := exec.CommandContext(ctx, "go", "version", "-m", bin).Output() // #nosec G204 -- the binary this test built
			if err != nil {
				t.Fatalf("go version -m: %v", err)
			}
			got := defaultGODEBUG(string(out))
			for _, bad := range stale(got, old) {
				t.Errorf("%s runs with %s, the go %s default: add //go:debug %s=<the new value> to examples/lambda/%s/godebug_go1XX.go (go version -m: DefaultGODEBUG=%s)",
					name, bad, goVersion, strings.SplitN(bad, "=", 2)[0], name, got)
			}
		})
	}
}

// oldDefaults is the DefaultGODEBUG this toolchain gives a main package of a
// module at go.mod's go version, without //go:debug lines: every setting
// changed since, at its old value. It also returns that version.
func oldDefaults(t *testing.T, moduleDir string) (map[string]string, string) {
	t.Helper()
	gomod, err := os.ReadFile(filepath.Join(moduleDir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion := ""
	for _, line := range strings.Split(string(gomod), "\n") {
		if v, ok := strings.CutPrefix(line, "go "); ok {
			goVersion = strings.TrimSpace(v)
		}
	}
	if goVersion == "" {
		t.Fatal("go.mod has no go line")
	}
	tmp := t.TempDir()
	files := map[string]string{"go.mod": "module example.com/probe\n\ngo " + goVersion + "\n", "main.go": "package main\n\nfunc main() {}\n"}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(tmp, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.CommandContext(t.Context(), "go", "list", "-f", "{{.DefaultGODEBUG}}", ".")
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOTOOLCHAIN=local")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list in a go %s module: %v\n%s", goVersion, err, out)
	}
	return parseGODEBUG(strings.TrimSpace(string(out))), goVersion
}

// defaultGODEBUG is the DefaultGODEBUG of go version -m's output, "" if
// none.
func defaultGODEBUG(versionM string) string {
	sc := bufio.NewScanner(strings.NewReader(versionM))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "build\tDefaultGODEBUG="); ok {
			return v
		}
	}
	return ""
}

func parseGODEBUG(s string) map[string]string {
	m := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// stale lists the settings of old that the binary's DefaultGODEBUG (got)
// leaves at their old value, as key=value.
func stale(got string, old map[string]string) []string {
	have := parseGODEBUG(got)
	var out []string
	for k, v := range old {
		if hv, ok := have[k]; !ok || hv == v {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// TestStale checks the comparison on recorded go version -m output: the
// authorizer built before its godebug files, and after.
func TestStale(t *testing.T) {
	old := parseGODEBUG("containermaxprocs=0,cryptocustomrand=1,decoratemappings=0,tlssecpmlkem=0,tlssha1=1,updatemaxprocs=0,urlstrictcolons=0,x509sha256skid=0")
	before := "/tmp/bootstrap: go1.26.8\n\tpath\tgithub.com/originlock/originlock/examples/lambda/authorizer\n\tbuild\tDefaultGODEBUG=containermaxprocs=0,cryptocustomrand=1,decoratemappings=0,tlssecpmlkem=0,tlssha1=1,updatemaxprocs=0,urlstrictcolons=0,x509sha256skid=0\n\tbuild\tCGO_ENABLED=0\n"
	after := "/tmp/bootstrap: go1.26.8\n\tbuild\tDefaultGODEBUG=containermaxprocs=1,cryptocustomrand=0,decoratemappings=1,tlssecpmlkem=1,tlssha1=0,updatemaxprocs=1,urlstrictcolons=1,x509sha256skid=1\n"
	partial := "x: go1.26.8\n\tbuild\tDefaultGODEBUG=tlssha1=0\n"
	for _, tc := range []struct {
		out  string
		want int
	}{{before, 8}, {after, 0}, {partial, 7}, {"x: go1.26.8\n", 8}} {
		if got := stale(defaultGODEBUG(tc.out), old); len(got) != tc.want {
			t.Errorf("%q: stale %v, want %d settings", tc.out, got, tc.want)
		}
	}
	if got := fmt.Sprint(stale("tlssha1=0", map[string]string{})); got != "[]" {
		t.Errorf("nothing changed since go.mod's version: got %s", got)
	}
}
