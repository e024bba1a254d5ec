//go:build terraform

package terraform

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"

	"github.com/originlock/originlock/internal/motoserver"
)

// offlineCLIConfig is the committed Terraform CLI configuration that takes
// providers from the local mirror only, defaultMirror.
const (
	offlineCLIConfig = "offline.tfrc"
	defaultMirror    = "/opt/tf-plugins"
)

// pluginMirror is the provider mirror: TF_PLUGIN_MIRROR (scripts/lib.sh),
// or offline.tfrc's default.
func pluginMirror() string {
	if m := os.Getenv("TF_PLUGIN_MIRROR"); m != "" {
		return m
	}
	return defaultMirror
}

// providerMirror is the provider directory the mirror must hold.
func providerMirror() string {
	return filepath.Join(pluginMirror(), "registry.terraform.io", "hashicorp", "aws")
}

// cliConfig returns the Terraform CLI configuration to use: offline.tfrc,
// or a copy of it naming TF_PLUGIN_MIRROR where that is not the default.
func cliConfig(t *testing.T) string {
	t.Helper()
	committed, err := filepath.Abs(offlineCLIConfig)
	if err != nil {
		t.Fatal(err)
	}
	mirror := pluginMirror()
	if mirror == defaultMirror {
		return committed
	}
	b, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"`+defaultMirror+`"`) {
		t.Fatalf("%s no longer names %s: update cliConfig", offlineCLIConfig, defaultMirror)
	}
	path := filepath.Join(t.TempDir(), offlineCLIConfig)
	out := strings.ReplaceAll(string(b), `"`+defaultMirror+`"`, strconv.Quote(mirror))
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// commandTimeout bounds one terraform or aws command; testTimeout one
// terraform test, which runs a whole test file (dozens of plans and applies).
const (
	commandTimeout = 5 * time.Minute
	testTimeout    = 12 * time.Minute
)

// workspace is a temporary copy of the example with the test-only override
// file and variables, in which terraform runs against one moto server. Its
// state lives in the copy and goes with it.
type workspace struct {
	t   *testing.T
	dir string
	env []string

	mu      sync.Mutex
	printed bytes.Buffer // all terraform printed, for the leak check
}

// newWorkspace copies the example's .tf files, writes moto_override.tf from
// testdata/moto_override.tf.tmpl and vars as test.auto.tfvars.json.
func newWorkspace(t *testing.T, moto *motoserver.Server, vars map[string]any) *workspace {
	t.Helper()
	w := newModuleWorkspace(t, moto, ".")
	if _, err := os.Stat(filepath.Join(w.dir, "modules", "originlock", "main.tf")); err != nil {
		t.Fatalf("the copy lacks the module: %v", err)
	}

	tmpl, err := template.ParseFiles(filepath.Join("testdata", "moto_override.tf.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	var override bytes.Buffer
	if err := tmpl.Execute(&override, struct{ Endpoint string }{moto.URL}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(w.dir, "moto_override.tf"), override.Bytes())

	b, err := json.MarshalIndent(vars, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(w.dir, "test.auto.tfvars.json"), b)
	return w
}

// newModuleWorkspace copies the Terraform files under src (.tf, and the
// .tftest.hcl of terraform test) into a workspace whose terraform talks to
// moto: through moto's environment (AWS_ENDPOINT_URL), which the provider
// honours when no override file names endpoints.
func newModuleWorkspace(t *testing.T, moto *motoserver.Server, src string) *workspace {
	t.Helper()
	dir := t.TempDir()
	copyTerraformFiles(t, src, dir)
	cli := cliConfig(t)
	env := append(cleanEnv(), motoEnv(moto)...)
	env = append(env, "TF_CLI_CONFIG_FILE="+cli, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1")
	return &workspace{t: t, dir: dir, env: env}
}

// run runs terraform with args in the workspace and returns its stdout. It
// fails the test if terraform fails, showing terraform's output (which
// redacts sensitive values). The output is kept for the leak check.
func (w *workspace) run(args ...string) []byte {
	w.t.Helper()
	stdout, stderr, err := w.exec(args)
	w.mu.Lock()
	w.printed.Write(stdout)
	w.printed.Write(stderr)
	w.mu.Unlock()
	if err != nil {
		w.t.Fatalf("terraform %s: %v\n%s\n%s", strings.Join(args, " "), err, tail(stdout), tail(stderr))
	}
	return stdout
}

// runSecret is run for commands whose output holds sensitive values in
// clear (terraform show -json): stdout is neither logged nor kept.
func (w *workspace) runSecret(args ...string) []byte {
	w.t.Helper()
	stdout, stderr, err := w.exec(args)
	if err != nil {
		w.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, tail(stderr))
	}
	return stdout
}

func (w *workspace) exec(args []string) (stdout, stderr []byte, err error) {
	limit := commandTimeout
	if args[0] == "test" {
		limit = testTimeout
	}
	ctx, cancel := commandContext(w.t, limit)
	defer cancel()
	if colored[args[0]] {
		args = append([]string{args[0], "-no-color"}, args[1:]...)
	}
	cmd := exec.CommandContext(ctx, "terraform", args...)
	cmd.Dir = w.dir
	cmd.Env = w.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	configureCommand(cmd)
	start := time.Now()
	err = cmd.Run()
	w.t.Logf("terraform %s: %s", args[0], time.Since(start).Round(100*time.Millisecond))
	return out.Bytes(), errOut.Bytes(), err
}

// colored are the commands that color their output unless told not to.
var colored = map[string]bool{"init": true, "plan": true, "apply": true, "destroy": true, "output": true, "show": true, "test": true}

// outputs returns the root module's outputs, all strings.
func (w *workspace) outputs() map[string]string {
	w.t.Helper()
	var raw map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal(w.run("output", "-json"), &raw); err != nil {
		w.t.Fatalf("terraform output -json: %v", err)
	}
	out := map[string]string{}
	for k, v := range raw {
		s, ok := v.Value.(string)
		if !ok {
			w.t.Fatalf("output %s is %T, want a string", k, v.Value)
		}
		out[k] = s
	}
	return out
}

// printedContains reports whether terraform ever printed s.
func (w *workspace) printedContains(s string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return bytes.Contains(w.printed.Bytes(), []byte(s))
}

// commandContext bounds a command by limit and by the test's own deadline,
// so that a hung command is stopped (with its process group) before go test
// gives up on the whole binary.
func commandContext(t *testing.T, limit time.Duration) (context.Context, context.CancelFunc) {
	deadline := time.Now().Add(limit)
	if d, ok := t.Deadline(); ok && d.Add(-30*time.Second).Before(deadline) {
		deadline = d.Add(-30 * time.Second)
	}
	return context.WithDeadline(context.Background(), deadline)
}

// copyTerraformFiles copies the .tf and .tftest.hcl files under src to dst.
// Terraform's own directories, state files, testdata and any local override
// file stay behind.
func copyTerraformFiles(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != src && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		keep := strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tftest.hcl")
		if !keep || name == "override.tf" || strings.HasSuffix(name, "_override.tf") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}

// cleanEnv is the test's environment without AWS, Terraform and checkpoint
// settings, so that nothing on the machine (a profile, TF_LOG, a CLI config)
// changes what terraform and the AWS CLI do.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") || strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "CHECKPOINT_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// motoEnv is moto.Environ() without its empty settings (AWS_PROFILE=,
// AWS_SESSION_TOKEN=): the AWS CLI takes an empty AWS_PROFILE for a profile
// named "" and fails. Unset is what they mean.
func motoEnv(moto *motoserver.Server) []string {
	var env []string
	for _, kv := range moto.Environ() {
		if !strings.HasSuffix(kv, "=") {
			env = append(env, kv)
		}
	}
	return env
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// tail is the end of a command's output, enough to see why it failed.
func tail(b []byte) string {
	const max = 8 << 10
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return string(b)
}
