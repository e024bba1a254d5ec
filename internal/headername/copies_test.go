package headername

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The copies of the reserved names outside Go's reach: the Terraform
// module's header_name validation and the CDK construct (its own Go module,
// which cannot import an internal package of this one).
const (
	terraformVariables = "../../examples/terraform/modules/originlock/variables.tf"
	terraformReadme    = "../../examples/terraform/modules/originlock/README.md"
	cdkProps           = "../../examples/cdk/originlock/props.go"
)

func TestReservedIsSorted(t *testing.T) {
	// Check finds names with a binary search.
	if !slices.IsSorted(reserved) {
		t.Errorf("reserved is not sorted: %q", reserved)
	}
	for _, name := range reserved {
		if name != strings.ToLower(name) || Check(name) == nil {
			t.Errorf("reserved name %q: want lower case and refused by Check", name)
		}
	}
}

var (
	// tfReserved is the list in the validation's
	// !contains([...], lower(var.header_name)).
	tfReserved = regexp.MustCompile(`(?s)!contains\(\[(.*?)\],\s*lower\(var\.header_name\)\)`)
	// tfPrefix is a startswith(lower(var.header_name), "...") test.
	tfPrefix = regexp.MustCompile(`startswith\(lower\(var\.header_name\),\s*"([^"]*)"\)`)
	// tfLength is the length bound of the validation's token regex.
	tfLength = regexp.MustCompile(`regex\("\^\[[^"]*\]\{1,(\d+)\}\$", var\.header_name\)`)
	// tfMessage is the error_message of the reserved-names validation.
	tfMessage  = regexp.MustCompile(`error_message = "(CloudFront cannot add this header[^"]*)"`)
	quoted     = regexp.MustCompile(`"([^"]*)"`)
	readmeLine = regexp.MustCompile("(?m)^\\| `header_name` .*$")
)

func TestTerraformCopyMatches(t *testing.T) {
	src := readCopy(t, terraformVariables)
	m := tfReserved.FindStringSubmatch(src)
	if m == nil {
		t.Fatalf("%s: no !contains([...], lower(var.header_name)) validation; if the check moved, update this test", terraformVariables)
	}
	var names []string
	for _, q := range quoted.FindAllStringSubmatch(m[1], -1) {
		names = append(names, q[1])
	}
	compareSets(t, terraformVariables+": reserved names", names, reserved)

	var prefixes []string
	for _, p := range tfPrefix.FindAllStringSubmatch(src, -1) {
		prefixes = append(prefixes, p[1])
	}
	compareSets(t, terraformVariables+": reserved prefixes", prefixes, reservedPrefixes)

	if l := tfLength.FindStringSubmatch(src); l == nil {
		t.Errorf("%s: no token regex with a {1,N} length bound on var.header_name", terraformVariables)
	} else if l[1] != strconv.Itoa(MaxLength) {
		t.Errorf("%s: header names up to %s characters, want %d", terraformVariables, l[1], MaxLength)
	}

	// The user-facing lists name every reserved header, in any case.
	msg := tfMessage.FindStringSubmatch(src)
	if msg == nil {
		t.Fatalf("%s: no error_message starting \"CloudFront cannot add this header\"", terraformVariables)
	}
	mentionsAll(t, terraformVariables+": error_message", msg[1])
	row := readmeLine.FindString(readCopy(t, terraformReadme))
	if row == "" {
		t.Fatalf("%s: no header_name row in the inputs table", terraformReadme)
	}
	mentionsAll(t, terraformReadme+": header_name row", row)
}

func TestCDKCopyMatches(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), cdkProps, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names, prefixes []string
	var maxLength string
	seen := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, id := range spec.Names {
			if i >= len(spec.Values) {
				continue
			}
			seen[id.Name] = true
			switch id.Name {
			case "forbiddenHeaders":
				for _, e := range compositeElts(spec.Values[i]) {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						names = append(names, stringLit(t, kv.Key))
					}
				}
			case "forbiddenPrefixes":
				for _, e := range compositeElts(spec.Values[i]) {
					prefixes = append(prefixes, stringLit(t, e))
				}
			case "MaxHeaderNameLength":
				if lit, ok := spec.Values[i].(*ast.BasicLit); ok {
					maxLength = lit.Value
				}
			}
		}
		return true
	})
	for _, name := range []string{"forbiddenHeaders", "forbiddenPrefixes", "MaxHeaderNameLength"} {
		if !seen[name] {
			t.Errorf("%s: no %s; if the copy was renamed, update this test", cdkProps, name)
		}
	}
	compareSets(t, cdkProps+": forbiddenHeaders", names, reserved)
	compareSets(t, cdkProps+": forbiddenPrefixes", prefixes, reservedPrefixes)
	if maxLength != strconv.Itoa(MaxLength) {
		t.Errorf("%s: MaxHeaderNameLength = %s, want %d", cdkProps, maxLength, MaxLength)
	}
}

func TestDiffFindsMissingAndExtraNames(t *testing.T) {
	d := diff([]string{"Host", "via", "X-Foo"}, []string{"host", "te", "via"})
	if !slices.Equal(d.missing, []string{"te"}) || !slices.Equal(d.extra, []string{"x-foo"}) {
		t.Errorf("diff = missing %q, extra %q; want missing [te], extra [x-foo]", d.missing, d.extra)
	}
}

type setDiff struct{ missing, extra []string }

// diff compares got with want without regard to case or order.
func diff(got, want []string) setDiff {
	var d setDiff
	lower := make([]string, len(got))
	for i, g := range got {
		lower[i] = strings.ToLower(g)
	}
	for _, w := range want {
		if !slices.Contains(lower, w) {
			d.missing = append(d.missing, w)
		}
	}
	for _, g := range lower {
		if !slices.Contains(want, g) {
			d.extra = append(d.extra, g)
		}
	}
	return d
}

func compareSets(t *testing.T, what string, got, want []string) {
	t.Helper()
	d := diff(got, want)
	if len(d.missing) > 0 {
		t.Errorf("%s lacks %q, which internal/headername reserves", what, d.missing)
	}
	if len(d.extra) > 0 {
		t.Errorf("%s has %q, which internal/headername does not reserve", what, d.extra)
	}
}

// mentionsAll checks that text names every reserved header and prefix as a
// whole word, in any case.
func mentionsAll(t *testing.T, what, text string) {
	t.Helper()
	for _, name := range slices.Concat(reserved, reservedPrefixes) {
		word := regexp.MustCompile(`(?i)(^|[^A-Za-z-])` + regexp.QuoteMeta(name) + `($|[^A-Za-z-])`)
		if !word.MatchString(text) {
			t.Errorf("%s does not name %s", what, name)
		}
	}
}

func readCopy(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read the copy of CloudFront's reserved header names: %v", err)
	}
	return string(b)
}

func compositeElts(e ast.Expr) []ast.Expr {
	if c, ok := e.(*ast.CompositeLit); ok {
		return c.Elts
	}
	return nil
}

func stringLit(t *testing.T, e ast.Expr) string {
	t.Helper()
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		t.Errorf("%s: want a string literal, got %T", cdkProps, e)
		return ""
	}
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		t.Error(err)
	}
	return s
}
