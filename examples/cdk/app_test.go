package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/originlock/originlock/examples/cdk/internal/cfnlint"
)

func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

// cdkJSONContext returns the context of cdk.json, which `cdk synth` and
// `cdk deploy` give the app.
func cdkJSONContext(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile("cdk.json")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		App     string         `json:"app"`
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatalf("cdk.json: %v", err)
	}
	if cfg.App == "" {
		t.Fatal("cdk.json: no app command")
	}
	return cfg.Context
}

// TestAppTemplates synthesizes the app as the CDK CLI would (cdk.json's
// context, version reporting on) into a directory, once per API type, and
// lints each template with cfn-lint: no error, no warning.
func TestAppTemplates(t *testing.T) {
	for name, extra := range map[string]map[string]any{
		"rest": {},
		"http": {"apiType": "http", "backendUrl": "https://backend.example.com/v1"},
	} {
		t.Run(name, func(t *testing.T) {
			ctx := cdkJSONContext(t)
			ctx["aws:cdk:version-reporting"] = true
			for k, v := range extra {
				ctx[k] = v
			}
			outdir := t.TempDir()
			app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(outdir), Context: &ctx})
			props, err := propsFromContext(app)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := newStack(app, stackName, props); err != nil {
				t.Fatal(err)
			}
			path := *app.Synth(nil).GetStackByName(jsii.String(stackName)).TemplateFullPath()
			if filepath.Dir(path) != outdir {
				t.Errorf("template written to %s, want under %s", path, outdir)
			}

			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var tpl struct {
				Resources map[string]struct{ Type string }
				Outputs   map[string]any
			}
			if err := json.Unmarshal(raw, &tpl); err != nil {
				t.Fatal(err)
			}
			for _, out := range []string{"DistributionURL", "DirectAPIURL", "SecretARN", "RotationFunctionName"} {
				if _, ok := tpl.Outputs[out]; !ok {
					t.Errorf("output %s missing", out)
				}
			}
			types := map[string]int{}
			for _, r := range tpl.Resources {
				types[r.Type]++
			}
			wantAPI := map[string]string{"rest": "AWS::ApiGateway::RestApi", "http": "AWS::ApiGatewayV2::Api"}[name]
			if types[wantAPI] != 1 || types["AWS::CloudFront::Distribution"] != 1 || types["AWS::SecretsManager::RotationSchedule"] != 1 {
				t.Errorf("resource types: got %v, want one %s, one distribution, one rotation schedule", types, wantAPI)
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
		})
	}
}

func TestPropsFromContext(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Context: &map[string]any{
		"apiType":                     "http",
		"backendUrl":                  "https://backend.example.com",
		"headerName":                  "X-CDN-Auth",
		"rotationInterval":            "12h",
		"authorizerCacheTtl":          "0s",
		"createApiGatewayAccountRole": true,
	}})
	p, err := propsFromContext(app)
	if err != nil {
		t.Fatal(err)
	}
	if p.APIType != "http" || p.BackendURL != "https://backend.example.com" || p.HeaderName != "X-CDN-Auth" ||
		p.RotationInterval != 12*time.Hour || !p.DisableAuthorizerCache || !p.CreateAPIGatewayAccountRole {
		t.Errorf("got %+v", *p)
	}

	for key, bad := range map[string]any{
		"rotationInterval":            "30 days",
		"authorizerCacheTtl":          "five minutes",
		"createApiGatewayAccountRole": "yes please",
		"headerName":                  []any{"X-A"},
	} {
		app := awscdk.NewApp(&awscdk.AppProps{Context: &map[string]any{key: bad}})
		if _, err := propsFromContext(app); err == nil {
			t.Errorf("context %s=%v: got nil error", key, bad)
		}
	}
}
