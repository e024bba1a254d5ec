package terraform

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The inputs and outputs tables of each module's README.md are generated
// from its variables.tf and outputs.tf, between these markers. The test
// fails when they differ; UPDATE_README=1 go test ./examples/terraform/
// -run README rewrites them.
const (
	inputsBegin  = "<!-- inputs: generated from variables.tf -->"
	inputsEnd    = "<!-- end of inputs -->"
	outputsBegin = "<!-- outputs: generated from outputs.tf -->"
	outputsEnd   = "<!-- end of outputs -->"
)

// README tables: every module's inputs and outputs.
var documentedModules = []string{"modules/originlock", "modules/rotation", "modules/authorizer"}

func TestREADMETablesMatchTheModules(t *testing.T) {
	for _, dir := range documentedModules {
		t.Run(dir, func(t *testing.T) {
			inputs := parseBlocks(t, filepath.Join(dir, "variables.tf"), "variable")
			outputs := parseBlocks(t, filepath.Join(dir, "outputs.tf"), "output")
			path := filepath.Join(dir, "README.md")
			readme, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := replaceBetween(t, string(readme), inputsBegin, inputsEnd, inputsTable(inputs))
			want = replaceBetween(t, want, outputsBegin, outputsEnd, outputsTable(outputs))
			if want == string(readme) {
				return
			}
			if os.Getenv("UPDATE_README") == "1" {
				if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			t.Errorf("%s: the inputs or outputs table differs from variables.tf/outputs.tf; run UPDATE_README=1 go test ./examples/terraform/ -run README", path)
		})
	}
}

// block is one variable or output: its name, description and, for a
// variable, whether it has a default.
type block struct {
	name, description string
	required          bool
}

var (
	blockStart  = regexp.MustCompile(`^(variable|output) "([A-Za-z0-9_]+)" \{$`)
	descLine    = regexp.MustCompile(`^  description = (".*")$`)
	defaultLine = regexp.MustCompile(`^  default\s+=`)
)

// parseBlocks reads the top-level blocks of kind from a file that terraform
// fmt has formatted (two-space indentation, closing brace in column one).
func parseBlocks(t *testing.T, path, kind string) []block {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []block
	var cur *block
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if m := blockStart.FindStringSubmatch(line); m != nil && m[1] == kind {
			out = append(out, block{name: m[2], required: true})
			cur = &out[len(out)-1]
			continue
		}
		if cur == nil {
			continue
		}
		switch {
		case line == "}":
			if cur.description == "" {
				t.Errorf("%s: %s %q has no description", path, kind, cur.name)
			}
			cur = nil
		case descLine.MatchString(line):
			d, err := strconv.Unquote(descLine.FindStringSubmatch(line)[1])
			if err != nil {
				t.Fatalf("%s: %s %q: description: %v", path, kind, cur.name, err)
			}
			cur.description = d
		case defaultLine.MatchString(line):
			cur.required = false
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no %s blocks", path, kind)
	}
	return out
}

func inputsTable(inputs []block) string {
	var b strings.Builder
	b.WriteString("| name | required | description |\n|---|---|---|\n")
	for _, in := range inputs {
		req := "no"
		if in.required {
			req = "yes"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", in.name, req, cell(in.description))
	}
	return b.String()
}

func outputsTable(outputs []block) string {
	var b strings.Builder
	b.WriteString("| name | description |\n|---|---|\n")
	for _, o := range outputs {
		fmt.Fprintf(&b, "| `%s` | %s |\n", o.name, cell(o.description))
	}
	return b.String()
}

// cell escapes what would end a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// replaceBetween replaces the text between the lines begin and end.
func replaceBetween(t *testing.T, doc, begin, end, content string) string {
	t.Helper()
	i := strings.Index(doc, begin+"\n")
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("README lacks the markers %q ... %q", begin, end)
	}
	return doc[:i+len(begin)+1] + content + doc[j:]
}
