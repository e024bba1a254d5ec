package originlock

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// outsideMain is a user's infrastructure program in a module of its own,
// outside this repository: it has only prebuilt zips, no originlock source.
const outsideMain = `package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/originlock/originlock/examples/cdk/originlock"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Infra"), nil)
	_, err := originlock.New(stack, "Lock", &originlock.Props{
		Code: &originlock.FunctionCode{
			Rotation:   awslambda.Code_FromAsset(jsii.String(os.Args[1]), nil),
			Authorizer: awslambda.Code_FromAsset(jsii.String(os.Args[2]), nil),
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	app.Synth(nil)
}
`

// TestSynthFromAModuleOutsideTheRepository synthesizes the construct from a
// temporary module outside this checkout (replace directive to this CDK
// module, its go.sum), the way a user's infrastructure module uses it:
// before Props.Code, that failed with ErrModuleNotFound.
func TestSynthFromAModuleOutsideTheRepository(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a CDK program: skipped by -short")
	}
	cdkDir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(cdkDir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	gosum, err := os.ReadFile(filepath.Join(cdkDir, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	// The user's go.mod: this module, replaced by the checkout, and the
	// same dependency versions.
	_, requires, _ := strings.Cut(string(gomod), "\nrequire")
	userMod := "module example.com/infra\n\ngo 1.25.0\n\nrequire github.com/originlock/originlock/examples/cdk v0.0.0\n\nrequire" + requires +
		"\nreplace github.com/originlock/originlock/examples/cdk => " + cdkDir + "\n"

	dir := t.TempDir()
	for name, content := range map[string][]byte{"go.mod": []byte(userMod), "go.sum": gosum, "main.go": []byte(outsideMain)} {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	zips := t.TempDir()
	rotationZip, authorizerZip := writeZip(t, zips, "rotation"), writeZip(t, zips, "authorizer")

	outdir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "run", ".", rotationZip, authorizerZip)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CDK_OUTDIR="+outdir, "GOFLAGS=-mod=mod", "GOWORK=off")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("go run in a module outside the repository: %v\n%s", err, out.String())
	}
	tpl, err := os.ReadFile(filepath.Join(outdir, "Infra.template.json"))
	if err != nil {
		t.Fatalf("no template synthesized: %v\n%s", err, out.String())
	}
	for _, want := range []string{`"AWS::Lambda::Function"`, `"Handler": "bootstrap"`, `"AWS::CloudFront::Distribution"`, `"AWS::SecretsManager::RotationSchedule"`} {
		if !bytes.Contains(tpl, []byte(want)) {
			t.Errorf("the template lacks %s", want)
		}
	}
}
