package originlock

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/originlock/originlock/examples/cdk/internal/cfnlint"
)

func TestMain(m *testing.M) {
	code := m.Run()
	// Stop the jsii kernel's node process before the test binary exits.
	jsii.Close()
	os.Exit(code)
}

// synthesized is one stack with a lock in it, synthesized with the cdk-nag
// AwsSolutions pack applied.
type synthesized struct {
	outdir   string
	lock     *Lock
	stack    awscdk.Stack
	template assertions.Template
	json     map[string]any
}

// synth builds a stack holding New(props) into its own temporary cloud
// assembly and synthesizes it. The functions are built from the originlock
// module this test runs in (Props.ModuleDir is left to FindModuleDir).
func synth(t *testing.T, props *Props) *synthesized {
	t.Helper()
	return synthHooks(t, props, nil, nil)
}

// synthHooks is synth with hooks: before runs on the stack ahead of New (to
// import resources the props refer to), after runs behind it (to add
// resources of another kind, or use the lock's authorizer on a method).
func synthHooks(t *testing.T, props *Props, before func(awscdk.Stack), after func(awscdk.Stack, *Lock)) *synthesized {
	t.Helper()
	outdir := t.TempDir()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(outdir)})
	stack := awscdk.NewStack(app, jsii.String("Test"), nil)
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	if before != nil {
		before(stack)
	}
	lock, err := New(stack, "Lock", props)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if after != nil {
		after(stack, lock)
	}
	tpl := assertions.Template_FromStack(stack, nil)
	var doc map[string]any
	raw, err := json.Marshal(tpl.ToJSON())
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return &synthesized{outdir: outdir, lock: lock, stack: stack, template: tpl, json: doc}
}

// lint runs cfn-lint on the synthesized template file and fails the test on
// any error or warning.
func (s *synthesized) lint(t *testing.T) {
	t.Helper()
	path := filepath.Join(s.outdir, *s.stack.TemplateFile())
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("synthesized template: %v", err)
	}
	findings, err := cfnlint.Lint(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.Serious() {
			t.Errorf("cfn-lint: %v", f)
		} else {
			t.Logf("cfn-lint (informational): %v", f)
		}
	}
}

// must runs an assertions call, which reports a mismatch by panicking (a
// JavaScript exception through jsii), and turns the panic into a test error
// that names the caller's line.
func must(t *testing.T, what string, assertion func()) {
	t.Helper()
	_, file, line, _ := runtime.Caller(1)
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s:%d: %s: %v", filepath.Base(file), line, what, r)
		}
	}()
	assertion()
}

// resources returns the template's resources of type typ by logical ID.
func (s *synthesized) resources(typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range s.json["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == typ {
			out[id] = res
		}
	}
	return out
}

// only returns the logical ID and the properties of the single resource of
// type typ whose JSON contains every one of substrings, failing the test if
// there is not exactly one.
func (s *synthesized) only(t *testing.T, typ string, substrings ...string) (string, map[string]any) {
	t.Helper()
	var ids []string
	var props map[string]any
	for id, r := range s.resources(typ) {
		raw, _ := json.Marshal(r)
		ok := true
		for _, sub := range substrings {
			ok = ok && strings.Contains(string(raw), sub)
		}
		if ok {
			ids = append(ids, id)
			props, _ = r["Properties"].(map[string]any)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("%s containing %q: got %d resources %v, want 1", typ, substrings, len(ids), ids)
	}
	return ids[0], props
}

// ref and getAtt are the CloudFormation intrinsics as they appear in the
// template JSON.
func ref(id string) map[string]any { return map[string]any{"Ref": id} }

func getAtt(id, attr string) map[string]any {
	return map[string]any{"Fn::GetAtt": []any{id, attr}}
}

// equalJSON reports whether got and want marshal to the same JSON.
func equalJSON(got, want any) bool {
	g, err1 := json.Marshal(got)
	w, err2 := json.Marshal(want)
	return err1 == nil && err2 == nil && string(g) == string(w)
}

func jsonString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}
