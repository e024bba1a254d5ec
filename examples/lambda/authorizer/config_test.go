package main

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/examples/lambda/internal/telemetry"
	"github.com/originlock/originlock/internal/envconfig"
)

func TestParseConfigDefaults(t *testing.T) {
	c, err := parseConfig(envconfig.Map(map[string]string{"SECRET_ID": "origin-verify", "AWS_LAMBDA_FUNCTION_NAME": "auth"}))
	if err != nil {
		t.Fatal(err)
	}
	want := config{
		secretID: "origin-verify", authorizerType: typeRESTRequest, headerName: "X-Origin-Verify",
		cacheTTL: authorizer.DefaultCacheTTL, refreshCooldown: authorizer.DefaultRefreshCooldown,
		previousGrace: authorizer.DefaultPreviousGrace, maxStaleness: authorizer.DefaultMaxStaleness,
		settleDelay: authorizer.DefaultSettleDelay,
		telemetry:   telemetry.Config{JSON: true, Level: slog.LevelInfo, Metrics: true, Namespace: "Originlock", FunctionName: "auth"},
	}
	want.format = c.format
	if c != want {
		t.Errorf("got %+v\nwant %+v", c, want)
	}
	if c.format.IsPlain() || c.format.Key() != "HEADERVALUE" {
		t.Errorf("format = %v, want JSON key HEADERVALUE", c.format)
	}
}

func TestParseConfigAll(t *testing.T) {
	c, err := parseConfig(envconfig.Map(map[string]string{
		"SECRET_ID": "arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf", "AUTHORIZER_TYPE": "HTTP-IAM",
		"HEADER_NAME": "X-From-CDN", "CACHE_TTL": "1m", "REFRESH_COOLDOWN": "0", "PREVIOUS_GRACE": "30m",
		"MAX_STALENESS": "2h", "SECRET_FORMAT": "plain", "LOG_LEVEL": "debug", "METRICS": "off", "SETTLE_DELAY": "0",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.authorizerType != typeHTTPIAM || c.headerName != "X-From-CDN" || c.cacheTTL != time.Minute || c.refreshCooldown != 0 ||
		c.previousGrace != 30*time.Minute || c.maxStaleness != 2*time.Hour || c.settleDelay != 0 || !c.format.IsPlain() || c.telemetry.Level != slog.LevelDebug || c.telemetry.Metrics {
		t.Errorf("got %+v", c)
	}
}

// TestBlankHeaderNameWithToken: a blank variable counts as not set (the
// contract in examples/lambda/README.md), so a template that always sets
// HEADER_NAME may leave it empty for rest-token.
// TestSettleDelayMatchesVerifier: whatever parseConfig accepts, NewVerifier
// accepts too, so the function never fails at init for a configuration the
// table above calls valid.
func TestSettleDelayMatchesVerifier(t *testing.T) {
	for _, env := range []map[string]string{
		{"SECRET_ID": "s", "METRICS": "off"},
		{"SECRET_ID": "s", "METRICS": "off", "REFRESH_COOLDOWN": "5s", "SETTLE_DELAY": "10s"},
		{"SECRET_ID": "s", "METRICS": "off", "REFRESH_COOLDOWN": "30s", "SETTLE_DELAY": "35s"},
		{"SECRET_ID": "s", "METRICS": "off", "REFRESH_COOLDOWN": "1h", "SETTLE_DELAY": "0"},
	} {
		c, err := parseConfig(envconfig.Map(env))
		if err != nil {
			t.Fatalf("%v: %v", env, err)
		}
		if _, err := authorizer.NewVerifier(nilSM{}, c.secretID, c.options(slog.New(slog.DiscardHandler), nil)...); err != nil {
			t.Errorf("%v: parseConfig accepts it, NewVerifier refuses it: %v", env, err)
		}
	}
}

func TestBlankHeaderNameWithToken(t *testing.T) {
	c, err := parseConfig(envconfig.Map(map[string]string{"SECRET_ID": "s", "AUTHORIZER_TYPE": "rest-token", "HEADER_NAME": " ", "METRICS": "off"}))
	if err != nil {
		t.Fatalf("parseConfig: %v", err)
	}
	if c.authorizerType != typeRESTToken || c.headerName != "" {
		t.Errorf("type %q, header %q; want rest-token with no header name", c.authorizerType, c.headerName)
	}
}

func TestParseConfigErrors(t *testing.T) {
	cases := map[string]struct {
		env  map[string]string
		vars []string // every variable the error must name
	}{
		"nothing set":         {map[string]string{}, []string{"SECRET_ID"}},
		"unknown type":        {map[string]string{"SECRET_ID": "s", "AUTHORIZER_TYPE": "websocket"}, []string{"AUTHORIZER_TYPE"}},
		"forbidden header":    {map[string]string{"SECRET_ID": "s", "HEADER_NAME": "Host"}, []string{"HEADER_NAME"}},
		"header with token":   {map[string]string{"SECRET_ID": "s", "AUTHORIZER_TYPE": "rest-token", "HEADER_NAME": "X-A"}, []string{"HEADER_NAME"}},
		"bad durations":       {map[string]string{"SECRET_ID": "s", "CACHE_TTL": "0", "REFRESH_COOLDOWN": "soon", "PREVIOUS_GRACE": "-1m", "MAX_STALENESS": "1s"}, []string{"CACHE_TTL", "REFRESH_COOLDOWN", "PREVIOUS_GRACE", "MAX_STALENESS"}},
		"key with plain":      {map[string]string{"SECRET_ID": "s", "SECRET_FORMAT": "plain", "SECRET_JSON_KEY": "k"}, []string{"SECRET_JSON_KEY"}},
		"bad level":           {map[string]string{"SECRET_ID": "s", "LOG_LEVEL": "loud"}, []string{"LOG_LEVEL"}},
		"every error at once": {map[string]string{"AUTHORIZER_TYPE": "x", "LOG_LEVEL": "y"}, []string{"SECRET_ID", "AUTHORIZER_TYPE", "LOG_LEVEL"}},
		"advanced logging":    {map[string]string{"SECRET_ID": "s", "AWS_LAMBDA_LOG_FORMAT": "yaml", "AWS_LAMBDA_LOG_LEVEL": "loud"}, []string{"AWS_LAMBDA_LOG_FORMAT", "AWS_LAMBDA_LOG_LEVEL"}},
		"settle too short":    {map[string]string{"SECRET_ID": "s", "REFRESH_COOLDOWN": "5s", "SETTLE_DELAY": "9s"}, []string{"SETTLE_DELAY", "REFRESH_COOLDOWN"}},
		"bad settle":          {map[string]string{"SECRET_ID": "s", "SETTLE_DELAY": "-1s"}, []string{"SETTLE_DELAY"}},
		"metrics":             {map[string]string{"SECRET_ID": "s", "METRICS": "sometimes", "METRICS_NAMESPACE": "AWS/X"}, []string{"METRICS", "METRICS_NAMESPACE"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := parseConfig(envconfig.Map(tc.env))
			if err == nil {
				t.Fatal("parseConfig succeeded, want an error")
			}
			for _, v := range tc.vars {
				if !strings.Contains(err.Error(), v) {
					t.Errorf("error %q does not name %s", err, v)
				}
			}
			var ve *envconfig.VarError
			if !errors.As(err, &ve) {
				t.Errorf("error %v is not a *envconfig.VarError", err)
			}
		})
	}
}

func TestHandlerMatchesType(t *testing.T) {
	v, err := authorizer.NewVerifier(nilSM{}, "s")
	if err != nil {
		t.Fatal(err)
	}
	for typ, want := range map[string]string{
		typeRESTRequest: "func(context.Context, events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error)",
		typeRESTToken:   "func(context.Context, events.APIGatewayCustomAuthorizerRequest) (events.APIGatewayCustomAuthorizerResponse, error)",
		typeHTTPSimple:  "func(context.Context, events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error)",
		typeHTTPIAM:     "func(context.Context, events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerIAMPolicyResponse, error)",
	} {
		got := typeName(handler(v, config{authorizerType: typ, headerName: "X-Origin-Verify"}, nil))
		if got != want {
			t.Errorf("%s: handler is %s, want %s", typ, got, want)
		}
	}
}
