//go:build terraform

// Package terraform holds the test that deploys the Terraform example
// (this directory and modules/originlock) against moto_server: apply, check
// what was created, rotate the header once with the deployed rotation
// function, check that Terraform would not undo the rotation, destroy.
//
// It needs terraform, the AWS provider in the mirror (TF_PLUGIN_MIRROR,
// default /opt/tf-plugins), moto_server and the AWS CLI, and runs from
// scripts/test-terraform:
//
//	go test -tags terraform ./examples/terraform/
package terraform

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/motoserver"
	"github.com/originlock/originlock/rotation"
)

// What the test deploys, chosen to differ from the module's defaults so that
// the checks prove the wiring.
const (
	headerName    = "X-Origin-Lock"
	resultTTL     = 120
	backendURL    = "https://backend.example.com/v1"
	jsonKey       = "HEADERVALUE"
	valueLength   = 64
	rotationAfter = 30 // days; set by testdata/moto_override.tf.tmpl
	logRetention  = 30 // days; the module's default
)

func TestExampleAgainstMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("applies examples/terraform against moto_server: skipped by -short")
	}
	t.Parallel()
	requireTools(t)
	pkgs := buildPackages(t)
	for _, api := range []string{"rest", "http"} {
		t.Run(api, func(t *testing.T) {
			t.Parallel()
			testDeployment(t, api, pkgs)
		})
	}
}

// TestModules runs each module's terraform test files (modules/*/tests)
// against moto_server, concurrently:
//   - rotation and authorizer apply each module to what a user already has,
//     created outside it (test-fixtures/existing: a secret, a distribution, a
//     REST API and an HTTP API, the package in S3), check the alarms, the
//     EventBridge rule, the header stripping and the timing checks;
//   - originlock plans the all-in-one composition: input validation (such as
//     header names CloudFront refuses), how inputs shape the plan, the header
//     stripped from every integration, the internal AWS_IAM routes.
func TestModules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs terraform test against moto_server: skipped by -short")
	}
	t.Parallel()
	requireTools(t)
	for _, module := range []string{"rotation", "authorizer", "originlock"} {
		t.Run(module, func(t *testing.T) {
			t.Parallel()
			moto := motoserver.ForTest(t)
			w := newModuleWorkspace(t, moto, ".")
			w.dir = filepath.Join(w.dir, "modules", module)
			// Both functions' package: a zip the tests upload and deploy
			// (moto stores it and runs nothing).
			writeFile(t, filepath.Join(w.dir, "package.zip"), placeholderZip(t))
			w.run("init", "-input=false", "-backend=false")
			if module == "originlock" {
				w.run("test", "-var", "rotation_lambda_zip=package.zip", "-var", "authorizer_lambda_zip=package.zip")
				return
			}
			w.run("test")
		})
	}
}

// requireTools fails the test, saying what is missing, unless everything
// the test runs is installed.
func requireTools(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatal("terraform not found on PATH: install Terraform >= 1.11, or run go test -short to skip this test")
	}
	if _, err := os.Stat(providerMirror()); err != nil {
		t.Fatalf("the AWS provider mirror %s is missing (offline.tfrc installs providers only from it; TF_PLUGIN_MIRROR names another): %v", providerMirror(), err)
	}
	if _, err := exec.LookPath("aws"); err != nil {
		t.Fatal("the AWS CLI (aws) not found on PATH: install it (pip install awscli), or run go test -short to skip this test")
	}
	if _, err := exec.LookPath("moto_server"); err != nil {
		t.Fatal(motoserver.InstallHint)
	}
}

// deployment is one applied copy of the example and what it talks to.
type deployment struct {
	api  string // "rest" or "http"
	name string
	pkgs packages
	out  map[string]string
	moto *motoserver.Server
	sm   *secretsmanager.Client
	cf   *cfsdk.Client
	cli  awsCLI
	tf   *workspace
}

func testDeployment(t *testing.T, api string, pkgs packages) {
	moto := motoserver.ForTest(t, "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	cfg := moto.AWSConfigForTest(t)
	d := &deployment{
		api:  api,
		name: "olk-" + api, // not "originlock": fixture.RotationLambdaARN must not exist
		pkgs: pkgs,
		moto: moto,
		sm:   secretsmanager.NewFromConfig(cfg),
		cf:   cfsdk.NewFromConfig(cfg),
		cli:  newAWSCLI(t, moto),
	}
	d.tf = newWorkspace(t, moto, map[string]any{
		"name":                  d.name,
		"api_type":              api,
		"header_name":           headerName,
		"backend_url":           backendURL,
		"authorizer_result_ttl": resultTTL,
		"rotation_lambda_zip":   pkgs.rotation,
		"authorizer_lambda_zip": pkgs.authorizer,
	})

	d.tf.run("init", "-input=false")
	applied := d.tf.run("apply", "-auto-approve", "-input=false")
	if bytes.Contains(applied, []byte("distribution_sends_the_current_value")) {
		t.Errorf("the check that the distribution sends AWSCURRENT did not pass after apply:\n%s", tail(applied))
	}
	d.out = d.tf.outputs()

	initial := d.checkSecret(t)
	d.checkDistribution(t, initial)
	rotationEnv, authorizerEnv := d.checkFunctions(t)
	d.checkAPI(t)
	d.checkRoles(t)
	d.checkLogGroups(t)

	// The authorizer, as deployed, admits what CloudFront sends, before and
	// after a rotation; the warm one started before the rotation too.
	warm := d.startAuthorizer(t, authorizerEnv)
	warm.expect(t, "the initial value", initial, true)
	rotated := d.rotate(t, rotationEnv, initial)
	warm.expect(t, "the rotated value, warm since before the rotation", rotated, true)
	warm.expect(t, "the initial value, now AWSPREVIOUS within the grace window", initial, true)
	cold := d.startAuthorizer(t, authorizerEnv)
	cold.expect(t, "a forged value", "forged"+rotated[len("forged"):], false)
	cold.expect(t, "the rotated value", rotated, true)
	for _, fn := range []*authorizerFunction{warm, cold} {
		if fn.rt.LogsContain(initial) || fn.rt.LogsContain(rotated) {
			t.Error("the authorizer function logged a header value")
		}
	}

	d.checkPlanKeepsRotatedValue(t, rotated)

	d.tf.run("destroy", "-auto-approve", "-input=false")
	d.checkDestroyed(t)

	for _, v := range []string{initial, rotated} {
		if d.tf.printedContains(v) {
			t.Error("terraform printed a header value")
		}
	}
}

// headerValue reads the header value at a stage of the secret.
func (d *deployment) headerValue(t *testing.T, stage string) string {
	t.Helper()
	s, err := fixture.SecretString(t.Context(), d.sm, d.out["secret_arn"], stage)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("the %s secret string is not a JSON object", stage)
	}
	v, ok := m[jsonKey].(string)
	if !ok || len(m) != 1 {
		t.Fatalf("the %s secret string has keys %v, want only %s with a string", stage, keys(m), jsonKey)
	}
	return v
}

// checkSecret checks the rotation configuration and the first value, and
// returns that value.
func (d *deployment) checkSecret(t *testing.T) string {
	t.Helper()
	desc, err := d.sm.DescribeSecret(t.Context(), &secretsmanager.DescribeSecretInput{SecretId: aws.String(d.out["secret_arn"])})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(desc.Name), d.name+"/origin-verify"; got != want {
		t.Errorf("secret name = %q, want %q", got, want)
	}
	if !aws.ToBool(desc.RotationEnabled) {
		t.Error("rotation is not enabled on the secret")
	}
	if got, want := aws.ToString(desc.RotationLambdaARN), d.out["rotation_function_arn"]; got != want {
		t.Errorf("rotation function = %q, want %q", got, want)
	}
	if desc.RotationRules == nil || aws.ToInt64(desc.RotationRules.AutomaticallyAfterDays) != rotationAfter {
		t.Errorf("rotation rules = %+v, want every %d days", desc.RotationRules, rotationAfter)
	}
	v := d.headerValue(t, rotation.StageCurrent)
	if !isAlnum(v, valueLength) {
		t.Errorf("the initial value has %d characters and is alphanumeric: %v; want %d letters and digits", len(v), isAlnum(v, len(v)), valueLength)
	}
	return v
}

// checkDistribution checks that the distribution forwards to the API with
// the header carrying value.
func (d *deployment) checkDistribution(t *testing.T, value string) {
	t.Helper()
	cfg, err := fixture.DistributionConfig(t.Context(), d.cf, d.out["cloudfront_distribution_id"])
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Origins == nil || len(cfg.Origins.Items) != 1 {
		t.Fatalf("the distribution has %v origins, want 1", cfg.Origins)
	}
	o := cfg.Origins.Items[0]
	wantDomain, wantPath := d.apiDomain(t), map[string]string{"rest": "/prod", "http": ""}[d.api]
	if aws.ToString(o.Id) != "api" || aws.ToString(o.DomainName) != wantDomain || aws.ToString(o.OriginPath) != wantPath {
		t.Errorf("origin %s = %s%s, want api = %s%s", aws.ToString(o.Id), aws.ToString(o.DomainName), aws.ToString(o.OriginPath), wantDomain, wantPath)
	}
	if o.CustomOriginConfig == nil || o.CustomOriginConfig.OriginProtocolPolicy != "https-only" {
		t.Error("the origin is not an https-only custom origin")
	}
	if o.CustomHeaders == nil || len(o.CustomHeaders.Items) != 1 || aws.ToString(o.CustomHeaders.Items[0].HeaderName) != headerName {
		t.Fatalf("the origin's custom headers are not exactly %s", headerName)
	}
	if aws.ToString(o.CustomHeaders.Items[0].HeaderValue) != value {
		t.Errorf("the origin's %s value differs from the secret's AWSCURRENT", headerName)
	}
	b := cfg.DefaultCacheBehavior
	if aws.ToString(b.TargetOriginId) != "api" || aws.ToString(b.CachePolicyId) != fixture.CachingDisabled ||
		aws.ToString(b.OriginRequestPolicyId) != "b689b0a8-53d0-40ab-baf2-68738e2966ac" || b.ViewerProtocolPolicy != "redirect-to-https" {
		t.Errorf("default behaviour: origin %s, cache policy %s, origin request policy %s, viewer protocol %s; want api, CachingDisabled, AllViewerExceptHostHeader, redirect-to-https",
			aws.ToString(b.TargetOriginId), aws.ToString(b.CachePolicyId), aws.ToString(b.OriginRequestPolicyId), b.ViewerProtocolPolicy)
	}
}

// apiDomain is the execute-api host name of the deployed API.
func (d *deployment) apiDomain(t *testing.T) string {
	t.Helper()
	if d.api == "rest" {
		return d.out["api_id"] + ".execute-api." + motoserver.Region + ".amazonaws.com"
	}
	var api struct {
		APIEndpoint string `json:"ApiEndpoint"`
	}
	d.cli.call(&api, "apigatewayv2", "get-api", "--api-id", d.out["api_id"])
	return trimScheme(api.APIEndpoint)
}

// checkDestroyed checks that destroy left nothing behind, in moto and in
// the state.
func (d *deployment) checkDestroyed(t *testing.T) {
	t.Helper()
	if state := d.tf.run("state", "list"); len(state) != 0 {
		t.Errorf("the state still lists:\n%s", state)
	}
	_, err := d.sm.DescribeSecret(t.Context(), &secretsmanager.DescribeSecretInput{SecretId: aws.String(d.out["secret_arn"])})
	var notFound *smtypes.ResourceNotFoundException
	if !errors.As(err, &notFound) {
		t.Errorf("DescribeSecret after destroy: %v, want ResourceNotFoundException", err)
	}
	dists, err := d.cf.ListDistributions(t.Context(), &cfsdk.ListDistributionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if n := aws.ToInt32(dists.DistributionList.Quantity); n != 0 {
		t.Errorf("%d distributions left", n)
	}
	var fns struct{ Functions []functionConfig }
	d.cli.call(&fns, "lambda", "list-functions")
	var roles struct{ Roles []struct{ RoleName string } }
	d.cli.call(&roles, "iam", "list-roles", "--path-prefix", "/")
	var groups struct {
		LogGroups []struct{ LogGroupName string } `json:"logGroups"`
	}
	d.cli.call(&groups, "logs", "describe-log-groups", "--log-group-name-prefix", "/aws/lambda/"+d.name)
	var apis struct {
		Items []any `json:"items"`
	}
	d.cli.call(&apis, "apigateway", "get-rest-apis")
	var httpAPIs struct{ Items []any }
	d.cli.call(&httpAPIs, "apigatewayv2", "get-apis")
	for _, r := range roles.Roles {
		if strings.HasPrefix(r.RoleName, d.name) {
			t.Errorf("role %s left", r.RoleName)
		}
	}
	if len(fns.Functions) != 0 || len(groups.LogGroups) != 0 || len(apis.Items) != 0 || len(httpAPIs.Items) != 0 {
		t.Errorf("left after destroy: %d functions, %d log groups, %d REST APIs, %d HTTP APIs",
			len(fns.Functions), len(groups.LogGroups), len(apis.Items), len(httpAPIs.Items))
	}
}
