package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/lambdabuild"
	"github.com/originlock/originlock/internal/motoserver"
)

// The binary under test, built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "originlock-cli-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "originlock")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build originlock: %v\n%s", err, out)
		os.Exit(1)
	}
	code := motoserver.Main(m)
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

const header = "X-Origin-Verify"

// world is one test's resources in the shared moto_server: a secret whose
// value the test knows, a distribution sending it, and a rotation function
// (configuration only: moto runs no function) pointing at both.
type world struct {
	t        *testing.T
	moto     *motoserver.Server
	cfg      aws.Config
	sm       *secretsmanager.Client
	cf       *cfsdk.Client
	fn       *lambda.Client
	name     string // secret name, also the function's and distribution's prefix
	arn      string
	value    string // AWSCURRENT's header value
	dist     string
	function string
	// outputs collects everything the binary printed, for the leak test.
	outputs *bytes.Buffer
	// secrets are the values no output may contain.
	secrets []string
}

var outputsMu sync.Mutex

// newWorld builds the resources; env adds to the rotation function's
// environment (an empty value removes the variable).
func newWorld(t *testing.T, env map[string]string) *world {
	t.Helper()
	moto := motoserver.Shared(t)
	ctx := t.Context()
	configureMoto(t, moto)
	cfg := moto.AWSConfigForTest(t)
	w := &world{t: t, moto: moto, cfg: cfg, sm: secretsmanager.NewFromConfig(cfg), cf: cfsdk.NewFromConfig(cfg), fn: lambda.NewFromConfig(cfg), outputs: &bytes.Buffer{}}
	w.name = "cli-" + strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))
	w.value = fixture.RandomValue()
	w.secrets = append(w.secrets, w.value)
	var err error
	if w.arn, err = fixture.CreateSecret(ctx, w.sm, w.name, `{"HEADERVALUE":"`+w.value+`","note":"kept"}`); err != nil {
		t.Fatal(err)
	}
	if w.dist, err = fixture.CreateDistribution(ctx, w.cf, w.name, fixture.Origin{ID: "api", Headers: [][2]string{{"X-Other", "1"}, {header, w.value}}}); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"SECRET_ID": w.name, "DISTRIBUTIONS": w.dist + ":api", "HEADER_NAME": header, "SETTLE_DELAY": "1s", "POLL_INTERVAL": "1s"}
	for k, v := range env {
		if v == "" {
			delete(vars, k)
		} else {
			vars[k] = v
		}
	}
	w.function = w.name + "-rotation"
	w.createFunction(w.function, 900, vars)
	return w
}

var configured sync.Map

// configureMoto makes moto's Lambda a no-op that never needs docker, and
// creates the role functions need.
func configureMoto(t *testing.T, moto *motoserver.Server) {
	t.Helper()
	if _, done := configured.LoadOrStore(moto.URL, true); done {
		return
	}
	resp, err := http.Post(moto.URL+"/moto-api/config", "application/json", strings.NewReader(`{"lambda":{"use_docker":false}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// IAM's query API by hand: moto routes by the service in the
	// credential scope and checks no signature; the module needs no IAM
	// client for this one call.
	form := url.Values{"Action": {"CreateRole"}, "Version": {"2010-05-08"}, "RoleName": {"originlock-cli-test"}, "AssumeRolePolicyDocument": {"{}"}}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, moto.URL+"/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("moto IAM CreateRole: %s", resp.Status)
	}
}

// zipOf is a zip archive holding one empty bootstrap: moto wants a package.
var zipOf = []byte("PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")

func (w *world) createFunction(name string, timeout int32, vars map[string]string) {
	w.t.Helper()
	_, err := w.fn.CreateFunction(w.t.Context(), &lambda.CreateFunctionInput{
		FunctionName: aws.String(name), Runtime: lambdatypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Role:    aws.String("arn:aws:iam::123456789012:role/originlock-cli-test"),
		Code:    &lambdatypes.FunctionCode{ZipFile: zipOf},
		Timeout: aws.Int32(timeout), Environment: &lambdatypes.Environment{Variables: vars},
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) functionARN(name string) string {
	return "arn:aws:lambda:us-east-1:123456789012:function:" + name
}

// enableRotation points the secret at the rotation function, as deploying it
// does. moto then makes an AWSPENDING version (its RotateSecret runs the
// no-op function and moves no label); the test removes it unless keep.
func (w *world) enableRotation(keepPending bool) string {
	w.t.Helper()
	token := fixture.NewToken()
	_, err := w.sm.RotateSecret(w.t.Context(), &secretsmanager.RotateSecretInput{
		SecretId: aws.String(w.arn), ClientRequestToken: aws.String(token),
		RotationLambdaARN: aws.String(w.functionARN(w.function)),
		RotationRules:     &smtypes.RotationRulesType{AutomaticallyAfterDays: aws.Int64(30)},
	})
	if err != nil {
		w.t.Fatal(err)
	}
	if !keepPending {
		w.unlabel(token, "AWSPENDING")
	}
	return token
}

func (w *world) unlabel(version, stage string) {
	w.t.Helper()
	_, err := w.sm.UpdateSecretVersionStage(w.t.Context(), &secretsmanager.UpdateSecretVersionStageInput{
		SecretId: aws.String(w.arn), VersionStage: aws.String(stage), RemoveFromVersionId: aws.String(version),
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

// setHeader changes the distribution's header behind the rotation's back.
func (w *world) setHeader(value string) {
	w.t.Helper()
	ctx := w.t.Context()
	out, err := w.cf.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(w.dist)})
	if err != nil {
		w.t.Fatal(err)
	}
	for _, h := range out.DistributionConfig.Origins.Items[0].CustomHeaders.Items {
		if aws.ToString(h.HeaderName) == header {
			*h.HeaderValue = value
		}
	}
	_, err = w.cf.UpdateDistribution(ctx, &cfsdk.UpdateDistributionInput{Id: aws.String(w.dist), IfMatch: out.ETag, DistributionConfig: out.DistributionConfig})
	if err != nil {
		w.t.Fatal(err)
	}
}

// result is one run of the binary.
type result struct {
	code           int
	stdout, stderr string
}

// run runs the binary with args against endpoint (moto's URL unless set),
// feeding stdin.
func (w *world) run(endpoint, stdin string, args ...string) result {
	w.t.Helper()
	if endpoint == "" {
		endpoint = w.moto.URL
	}
	ctx, cancel := context.WithTimeout(w.t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	env := []string{}
	for _, kv := range w.moto.Environ() {
		if !strings.HasPrefix(kv, "AWS_ENDPOINT_URL=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "AWS_ENDPOINT_URL="+endpoint, "HOME="+w.t.TempDir(), "PATH="+os.Getenv("PATH"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr, cmd.Stdin = &stdout, &stderr, strings.NewReader(stdin)
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		w.t.Fatalf("run originlock %v: %v", args, err)
	}
	outputsMu.Lock()
	w.outputs.WriteString(r.stdout + r.stderr)
	outputsMu.Unlock()
	w.checkLeaks(r, args)
	return r
}

// checkLeaks fails the test if an output holds a value of the secret or a
// rotation token.
func (w *world) checkLeaks(r result, args []string) {
	w.t.Helper()
	for _, what := range w.leaks(r) {
		w.t.Errorf("originlock %s printed %s", strings.Join(args, " "), what)
	}
}

// leaks lists what r's output gives away: any value the test made, any
// version's secret string or header value (whole, or its first 16
// characters), or a RotationToken.
func (w *world) leaks(r result) []string {
	ctx := context.WithoutCancel(w.t.Context())
	vals := append([]string(nil), w.secrets...)
	if list, err := w.sm.ListSecretVersionIds(ctx, &secretsmanager.ListSecretVersionIdsInput{SecretId: aws.String(w.arn), IncludeDeprecated: aws.Bool(true)}); err == nil {
		for _, v := range list.Versions {
			if out, err := w.sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(w.arn), VersionId: v.VersionId}); err == nil {
				var body struct{ HEADERVALUE string }
				if json.Unmarshal([]byte(aws.ToString(out.SecretString)), &body) == nil && body.HEADERVALUE != "" {
					vals = append(vals, body.HEADERVALUE)
				}
				vals = append(vals, aws.ToString(out.SecretString))
			}
		}
	}
	var found []string
	all := r.stdout + r.stderr
	for _, v := range vals {
		if strings.Contains(all, v) || strings.Contains(all, v[:min(len(v), 16)]) {
			found = append(found, "(part of) a secret value")
		}
	}
	if strings.Contains(all, "RotationToken") {
		found = append(found, "a RotationToken")
	}
	return found
}

func (r result) want(t *testing.T, code int, substrings ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
	for _, s := range substrings {
		if !strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("output lacks %q\nstdout:\n%s\nstderr:\n%s", s, r.stdout, r.stderr)
		}
	}
}

var (
	buildOnce sync.Once
	bootstrap string
	buildErr  error
)

// rotationBootstrap builds examples/lambda/rotation once, as it is deployed.
func rotationBootstrap(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		root, err := lambdabuild.ModuleDir(context.Background())
		if err != nil {
			buildErr = err
			return
		}
		dir, err := os.MkdirTemp("", "originlock-cli-rotation-*")
		if err != nil {
			buildErr = err
			return
		}
		bootstrap = filepath.Join(dir, "bootstrap")
		buildErr = lambdabuild.Build(context.Background(), root, "rotation", runtime.GOARCH, bootstrap)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return bootstrap
}
