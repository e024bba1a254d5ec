package cfnlint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The linter must find problems, or a clean result elsewhere means nothing.
func TestLintFindsProblems(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	bad := filepath.Join(dir, "bad.json")
	write(t, good, `{"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}`)
	write(t, bad, `{"Resources": {
		"Fn": {"Type": "AWS::Lambda::Function", "Properties": {
			"Runtime": "provided.al2023", "Handler": "bootstrap", "Timeout": 1000,
			"Role": "arn:aws:iam::123456789012:role/x", "Code": {"ZipFile": "x"}}},
		"Queue": {"Type": "AWS::SQS::Queue", "DependsOn": ["Fn"],
			"Properties": {"QueueName": {"Fn::GetAtt": ["Fn", "Arn"]}}}}}`)

	findings, err := Lint(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) != 0 {
		t.Errorf("good template: got findings %v, want none", findings)
	}

	findings, err = Lint(bad)
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]bool{}
	for _, f := range findings {
		rules[f.Rule] = true
		if f.Template != bad || f.Line == "" || f.Message == "" || !f.Serious() {
			t.Errorf("finding not parsed as expected: %+v", f)
		}
	}
	// E3034: Timeout above 900 s; W3005: DependsOn already implied.
	for _, want := range []string{"E3034", "W3005"} {
		if !rules[want] {
			t.Errorf("bad template: got rules %v, want %s among them", rules, want)
		}
	}
}

func TestParse(t *testing.T) {
	got, err := parse("a.json:3:5:3:9:W3005:'X' dependency: already enforced\n")
	if err != nil {
		t.Fatal(err)
	}
	want := Finding{Template: "a.json", Line: "3", Rule: "W3005", Message: "'X' dependency: already enforced"}
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %+v, want [%+v]", got, want)
	}
	if _, err := parse("not the parseable format"); err == nil || !strings.Contains(err.Error(), "unexpected output") {
		t.Errorf("got error %v, want an unexpected output error", err)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
