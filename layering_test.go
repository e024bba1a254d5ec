package originlock_test

import (
	"bytes"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/originlock/originlock"

// The module's layers, bottom up. A package may depend only on packages of
// its own layer or below (what go list -deps reports: the code a binary
// links, tests excluded):
//
//  1. leaves, the standard library only: clock and the small internal
//     helpers;
//  2. the library: rotation and authorizer, which know nothing of each
//     other; cloudfront above rotation, whose Target it implements;
//  3. the deployable functions (examples/lambda/...), which link no test
//     support;
//  4. test support (fixture, moto_server, the Lambda harness, the proxies,
//     the simulation), the demo and the bench, with the Lambda harness
//     below fixture.
var layering = []struct {
	pkg  string
	rule string
	// allowed reports whether pkg may depend on dep; dep is a full import
	// path.
	allowed func(dep string) bool
}{
	{"clock", "standard library only", standardOnly},
	{"internal/headername", "standard library only", standardOnly},
	{"internal/secretvalue", "standard library only", standardOnly},
	{"internal/uuid", "standard library only", standardOnly},
	{"internal/tailbuffer", "standard library only", standardOnly},
	{"internal/awsop", "standard library only", standardOnly},
	{"internal/clocktest", "standard library only", standardOnly},
	{"emf", "standard library only (the authorizer links it)", standardOnly},
	{"internal/envconfig", "standard library and internal/secretvalue",
		oneOf("internal/secretvalue")},
	{"internal/lambdaruntime", "no library package, fixture, AWS SDK or aws-lambda-go: standard library, internal/tailbuffer and internal/uuid",
		oneOf("internal/tailbuffer", "internal/uuid")},
	{"rotation", "no cloudfront, authorizer, CloudFront SDK or test support",
		library("cloudfront", "authorizer")},
	{"authorizer", "no rotation or cloudfront (binary size), no CloudFront SDK, no test support",
		library("rotation", "cloudfront")},
	{"cloudfront", "no authorizer, no test support", library("authorizer")},
	{"waf", "no cloudfront, authorizer, CloudFront SDK or test support", library("cloudfront", "authorizer", "apigateway")},
	{"apigateway", "no cloudfront, authorizer, CloudFront SDK or test support", library("cloudfront", "authorizer", "waf")},
	{"examples/lambda/authorizer", "no rotation or cloudfront (binary size), no CloudFront SDK, no test support",
		library("rotation", "cloudfront")},
	{"examples/lambda/rotation", "no authorizer, no test support", library("authorizer")},
}

// testSupport are the packages only tests, the demo and the bench use.
var testSupport = []string{
	"internal/fixture", "internal/motoserver", "internal/lambdaruntime",
	"internal/lambdabuild", "internal/faultproxy", "internal/awsproxy",
	"internal/clocktest", "internal/simulation", "internal/faultmatrix",
	"internal/cfdouble", "internal/smdouble",
}

func standardOnly(dep string) bool { return isStandard(dep) }

// oneOf allows the standard library and the named packages of this module.
func oneOf(pkgs ...string) func(string) bool {
	return func(dep string) bool {
		return isStandard(dep) || slices.Contains(pkgs, strings.TrimPrefix(dep, module+"/"))
	}
}

// library allows anything but test support, the CloudFront SDK where
// cloudfront itself is forbidden, and the named packages of this module.
func library(forbidden ...string) func(string) bool {
	noCloudFrontSDK := slices.Contains(forbidden, "cloudfront")
	return func(dep string) bool {
		rel, own := strings.CutPrefix(dep, module+"/")
		if own && (slices.Contains(forbidden, rel) || slices.Contains(testSupport, rel)) {
			return false
		}
		return !(noCloudFrontSDK && strings.HasPrefix(dep, "github.com/aws/aws-sdk-go-v2/service/cloudfront"))
	}
}

// isStandard reports whether path is a standard library package: its first
// element has no dot, as the go command decides for module paths.
func isStandard(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// TestLayering checks that no package depends on one above it, with the
// module's packages and what they link as go list reports them.
func TestLayering(t *testing.T) {
	deps := moduleDeps(t)
	for _, l := range layering {
		got, ok := deps[module+"/"+l.pkg]
		if !ok {
			t.Errorf("%s: no such package in the module; update the layering rules", l.pkg)
			continue
		}
		var bad []string
		for _, dep := range got.deps {
			if !l.allowed(dep) {
				bad = append(bad, dep)
			}
		}
		if len(bad) == 0 {
			continue
		}
		// Name the imports that bring the forbidden packages in: the line
		// to change.
		var via []string
		for _, imp := range got.imports {
			if !l.allowed(imp) || slices.ContainsFunc(deps[imp].deps, func(d string) bool { return slices.Contains(bad, d) }) {
				via = append(via, imp)
			}
		}
		if len(bad) > 5 {
			bad = append(bad[:5], "...")
		}
		t.Errorf("%s depends on packages its rule forbids (%s) through its imports %v: %v", l.pkg, l.rule, via, bad)
	}
}

// TestLayeringRulesCanFail shows each kind of rule refusing what it must.
func TestLayeringRulesCanFail(t *testing.T) {
	for _, c := range []struct {
		name    string
		allowed func(string) bool
		dep     string
	}{
		{"standard only", standardOnly, "github.com/aws/aws-sdk-go-v2/aws"},
		{"standard only, own module", standardOnly, module + "/clock"},
		{"oneOf", oneOf("internal/uuid"), module + "/internal/fixture"},
		{"library: forbidden package", library("rotation"), module + "/rotation"},
		{"library: test support", library(), module + "/internal/fixture"},
		{"library: CloudFront SDK", library("cloudfront"), "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"},
	} {
		if c.allowed(c.dep) {
			t.Errorf("%s: allows %s", c.name, c.dep)
		}
	}
	if !oneOf("internal/uuid")(module+"/internal/uuid") || !standardOnly("net/http") {
		t.Error("a rule refuses what it names as allowed")
	}
}

// packageDeps are a package's direct imports and all the packages it
// depends on, tests excluded.
type packageDeps struct{ imports, deps []string }

// moduleDeps returns every package of the module and the packages below
// them, with what each imports and depends on, as go list -deps reports it.
func moduleDeps(t *testing.T) map[string]packageDeps {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}} |{{range .Deps}} {{.}}{{end}}`, "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	deps := map[string]packageDeps{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		before, after, _ := strings.Cut(line, " |")
		f := strings.Fields(before)
		deps[f[0]] = packageDeps{imports: f[1:], deps: strings.Fields(after)}
	}
	return deps
}
