package main

import (
	"errors"
	"io"
	"log/slog"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/examples/lambda/internal/telemetry"
	"github.com/originlock/originlock/internal/envconfig"
	"github.com/originlock/originlock/internal/secretvalue"
)

// minimal is the smallest valid environment.
var minimal = map[string]string{"SECRET_ID": "originlock/header", "DISTRIBUTIONS": "E1ABC", "AWS_LAMBDA_FUNCTION_NAME": "rotation"}

// with returns minimal changed by kv pairs; an empty value deletes.
func with(kv ...string) map[string]string {
	env := maps.Clone(minimal)
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(env, kv[i])
		} else {
			env[kv[i]] = kv[i+1]
		}
	}
	return env
}

func defaults() config {
	return config{
		secretID:       "originlock/header",
		distributions:  []cloudfront.Distribution{{ID: "E1ABC"}},
		headerName:     "X-Origin-Verify",
		format:         secretvalue.JSON("HEADERVALUE"),
		valueLength:    64,
		pollInterval:   15 * time.Second,
		deadlineMargin: 10 * time.Second,
		settleDelay:    10 * time.Second,
		telemetry:      telemetry.Config{JSON: true, Level: slog.LevelInfo, Metrics: true, Namespace: "Originlock", FunctionName: "rotation"},
	}
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name   string
		env    map[string]string
		change func(*config)
	}{
		{"defaults", minimal, nil},
		{"secret ARN", with("SECRET_ID", "arn:aws:secretsmanager:us-east-1:123456789012:secret:originlock-AbCdEf"),
			func(c *config) { c.secretID = "arn:aws:secretsmanager:us-east-1:123456789012:secret:originlock-AbCdEf" }},
		{"distributions", with("DISTRIBUTIONS", "E1ABC:api,api-2;E2DEF"), func(c *config) {
			c.distributions = []cloudfront.Distribution{{ID: "E1ABC", OriginIDs: []string{"api", "api-2"}}, {ID: "E2DEF"}}
		}},
		{"header name", with("HEADER_NAME", "X-From-CDN"), func(c *config) { c.headerName = "X-From-CDN" }},
		{"plain format", with("SECRET_FORMAT", "plain"), func(c *config) { c.format = secretvalue.Plain() }},
		{"JSON key", with("SECRET_JSON_KEY", "value"), func(c *config) { c.format = secretvalue.JSON("value") }},
		{"JSON format and key", with("SECRET_FORMAT", "json", "SECRET_JSON_KEY", "value"), func(c *config) { c.format = secretvalue.JSON("value") }},
		{"value length min", with("VALUE_LENGTH", "43"), func(c *config) { c.valueLength = 43 }},
		{"value length max", with("VALUE_LENGTH", "1783"), func(c *config) { c.valueLength = 1783 }},
		{"poll interval", with("POLL_INTERVAL", "1m30s"), func(c *config) { c.pollInterval = 90 * time.Second }},
		{"poll interval min", with("POLL_INTERVAL", "1s"), func(c *config) { c.pollInterval = time.Second }},
		{"deadline margin", with("DEADLINE_MARGIN", "30s"), func(c *config) { c.deadlineMargin = 30 * time.Second }},
		{"deadline margin zero", with("DEADLINE_MARGIN", "0"), func(c *config) { c.deadlineMargin = 0 }},
		{"revoke previous", with("REVOKE_PREVIOUS", "TRUE"), func(c *config) { c.revokePrevious = true }},
		{"revoke previous off", with("REVOKE_PREVIOUS", "false"), nil},
		{"settle delay", with("SETTLE_DELAY", "30s"), func(c *config) { c.settleDelay = 30 * time.Second }},
		{"settle delay off", with("SETTLE_DELAY", "0"), func(c *config) { c.settleDelay = 0 }},
		{"update interval", with("UPDATE_INTERVAL", "20s"), func(c *config) { c.updateInterval = 20 * time.Second }},
		{"log level", with("LOG_LEVEL", "debug"), func(c *config) { c.telemetry.Level = slog.LevelDebug }},
		{"Lambda's log controls", with("LOG_LEVEL", "debug", "AWS_LAMBDA_LOG_LEVEL", "ERROR", "AWS_LAMBDA_LOG_FORMAT", "Text"), func(c *config) {
			c.telemetry.Level, c.telemetry.LambdaLevel, c.telemetry.JSON = slog.LevelError, true, false
		}},
		{"metrics off", with("METRICS", "off", "AWS_LAMBDA_FUNCTION_NAME", ""), func(c *config) { c.telemetry.Metrics, c.telemetry.FunctionName = false, "" }},
		{"metrics namespace", with("METRICS_NAMESPACE", "Edge/Lock"), func(c *config) { c.telemetry.Namespace = "Edge/Lock" }},
		{"empty optional means default", with("HEADER_NAME", " ", "VALUE_LENGTH", "\t"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := defaults()
			if tt.change != nil {
				tt.change(&want)
			}
			got, err := parseConfig(envconfig.Map(tt.env))
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		// want are the lines of the error, in order.
		want []string
	}{
		{"nothing set", map[string]string{}, []string{
			"SECRET_ID is required but not set",
			"DISTRIBUTIONS is required but not set",
			`AWS_LAMBDA_FUNCTION_NAME="": want the function's name, which Lambda sets (the metrics' FunctionName dimension; set METRICS=off to run without metrics)`,
		}},
		{"blank secret ID", with("SECRET_ID", "  "), []string{"SECRET_ID is required but not set"}},
		{"bad distributions", with("DISTRIBUTIONS", "E1ABC;;E2DEF"), []string{
			`DISTRIBUTIONS="E1ABC;;E2DEF": want ` + distributionsSyntax + ` (entry 2 is empty: remove the extra ";")`,
		}},
		{"forbidden header", with("HEADER_NAME", "Host"), []string{
			`HEADER_NAME="Host": want a header name CloudFront can send to an origin (invalid header name: CloudFront does not let origin custom headers set Host)`,
		}},
		{"header with space", with("HEADER_NAME", "X Origin"), []string{
			`HEADER_NAME="X Origin": want a header name CloudFront can send to an origin (invalid header name: "X Origin" has a character not allowed in a header name at byte 1)`,
		}},
		{"reserved header prefix", with("HEADER_NAME", "X-Amz-Verify"), []string{
			`HEADER_NAME="X-Amz-Verify": want a header name CloudFront can send to an origin (invalid header name: CloudFront reserves headers starting with X-Amz-)`,
		}},
		{"unknown format", with("SECRET_FORMAT", "yaml"), []string{
			`SECRET_FORMAT="yaml": want json or plain`,
		}},
		{"key with plain", with("SECRET_FORMAT", "plain", "SECRET_JSON_KEY", "HEADERVALUE"), []string{
			`SECRET_JSON_KEY="HEADERVALUE": want no value when SECRET_FORMAT is plain (the whole secret string is the value)`,
		}},
		{"value length too short", with("VALUE_LENGTH", "42"), []string{`VALUE_LENGTH="42": want an integer from 43 to 1783`}},
		{"revoke previous not a boolean", with("REVOKE_PREVIOUS", "yes"), []string{`REVOKE_PREVIOUS="yes": want true or false`}},
		{"value length too long", with("VALUE_LENGTH", "1784"), []string{`VALUE_LENGTH="1784": want an integer from 43 to 1783`}},
		{"value length not a number", with("VALUE_LENGTH", "64 chars"), []string{`VALUE_LENGTH="64 chars": want an integer from 43 to 1783`}},
		{"poll interval without unit", with("POLL_INTERVAL", "15"), []string{`POLL_INTERVAL="15": want a duration such as 90s, 5m or 1h30m`}},
		{"poll interval too short", with("POLL_INTERVAL", "500ms"), []string{`POLL_INTERVAL="500ms": want a duration of at least 1s`}},
		{"negative deadline margin", with("DEADLINE_MARGIN", "-1s"), []string{`DEADLINE_MARGIN="-1s": want a duration of at least 0s`}},
		{"negative settle delay", with("SETTLE_DELAY", "-10s"), []string{`SETTLE_DELAY="-10s": want a duration of at least 0s`}},
		{"update interval too long", with("UPDATE_INTERVAL", "10m"), []string{`UPDATE_INTERVAL="10m": want a duration from 0s to 5m0s`}},
		{"log level", with("LOG_LEVEL", "verbose"), []string{`LOG_LEVEL="verbose": want debug, info, warn or error`}},
		{"Lambda log level", with("AWS_LAMBDA_LOG_LEVEL", "verbose"), []string{`AWS_LAMBDA_LOG_LEVEL="verbose": want TRACE, DEBUG, INFO, WARN, ERROR or FATAL`}},
		{"metrics", with("METRICS", "yes"), []string{`METRICS="yes": want on or off`}},
		{"every problem listed", with("SECRET_ID", "", "VALUE_LENGTH", "1", "LOG_LEVEL", "loud"), []string{
			"SECRET_ID is required but not set",
			`VALUE_LENGTH="1": want an integer from 43 to 1783`,
			`LOG_LEVEL="loud": want debug, info, warn or error`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig(envconfig.Map(tt.env))
			if err == nil {
				t.Fatal("got no error, want one")
			}
			if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got errors\n%s\nwant\n%s", err, strings.Join(tt.want, "\n"))
			}
			var ve *envconfig.VarError
			if !errors.As(err, &ve) {
				t.Errorf("got %T, want it to hold *envconfig.VarError", err)
			}
		})
	}
}

func TestParseConfigBadLogLevelStillLogs(t *testing.T) {
	c, err := parseConfig(envconfig.Map(with("LOG_LEVEL", "loud")))
	if err == nil || c.telemetry.Level != slog.LevelInfo {
		t.Errorf("got level %v and error %v, want info and an error", c.telemetry.Level, err)
	}
}

func TestParseDistributions(t *testing.T) {
	tests := []struct {
		raw     string
		want    []cloudfront.Distribution
		wantErr string
	}{
		{"E1ABC", []cloudfront.Distribution{{ID: "E1ABC"}}, ""},
		{"E1ABC:api", []cloudfront.Distribution{{ID: "E1ABC", OriginIDs: []string{"api"}}}, ""},
		{"E1ABC:api,api-2;E2DEF", []cloudfront.Distribution{{ID: "E1ABC", OriginIDs: []string{"api", "api-2"}}, {ID: "E2DEF"}}, ""},
		{" E1ABC : api , api-2 ; E2DEF ", []cloudfront.Distribution{{ID: "E1ABC", OriginIDs: []string{"api", "api-2"}}, {ID: "E2DEF"}}, ""},
		{"E1ABC;E2DEF:s3.example.com", []cloudfront.Distribution{{ID: "E1ABC"}, {ID: "E2DEF", OriginIDs: []string{"s3.example.com"}}}, ""},
		{"E1ABC:host:8443", []cloudfront.Distribution{{ID: "E1ABC", OriginIDs: []string{"host:8443"}}}, ""},
		// Empty parts.
		{"E1ABC;", nil, `entry 2 is empty: remove the extra ";"`},
		{";E1ABC", nil, `entry 1 is empty: remove the extra ";"`},
		{"E1ABC; ;E2DEF", nil, `entry 2 is empty: remove the extra ";"`},
		{"E1ABC:", nil, `distribution E1ABC: no origin IDs after ":" (leave out the colon to select every origin that already carries the header)`},
		{"E1ABC: ;E2DEF", nil, `distribution E1ABC: no origin IDs after ":" (leave out the colon to select every origin that already carries the header)`},
		{"E1ABC:api,", nil, `distribution E1ABC: an origin ID is empty: remove the extra ","`},
		{"E1ABC:,api", nil, `distribution E1ABC: an origin ID is empty: remove the extra ","`},
		{":api", nil, `entry 1: "" is not a distribution ID (capital letters and digits, like E1A2B3C4D5E6F7)`},
		// Duplicates.
		{"E1ABC;E2DEF;E1ABC:api", nil, "distribution E1ABC is listed twice"},
		{"E1ABC:api,api", nil, "distribution E1ABC: origin api is listed twice"},
		// Not distribution IDs.
		{"e1abc", nil, `entry 1: "e1abc" is not a distribution ID (capital letters and digits, like E1A2B3C4D5E6F7)`},
		{"E1ABC,api", nil, `entry 1: "E1ABC,api" is not a distribution ID (capital letters and digits, like E1A2B3C4D5E6F7)`},
		{"E1ABC E2DEF", nil, `entry 1: "E1ABC E2DEF" is not a distribution ID (capital letters and digits, like E1A2B3C4D5E6F7)`},
		{"arn:aws:cloudfront::123456789012:distribution/E1ABC", nil, `entry 1: "arn" is not a distribution ID (capital letters and digits, like E1A2B3C4D5E6F7)`},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := parseDistributions(tt.raw)
			switch {
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Errorf("got error %v, want %q", err, tt.wantErr)
			case tt.wantErr == "" && err != nil:
				t.Errorf("got error %v, want none", err)
			case !reflect.DeepEqual(got, tt.want):
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestNewHandlerAcceptsParsedConfig checks that whatever parseConfig
// accepts, the wiring accepts too, so that a valid environment never fails
// later in init with an error that does not name a variable.
func TestNewHandlerAcceptsParsedConfig(t *testing.T) {
	// LoadDefaultConfig reads these; keep the host's AWS setup out.
	for _, kv := range [][2]string{{"AWS_REGION", "us-east-1"}, {"AWS_CONFIG_FILE", "/dev/null"}, {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}, {"AWS_PROFILE", ""}} {
		t.Setenv(kv[0], kv[1])
	}
	envs := []map[string]string{
		minimal,
		with("DISTRIBUTIONS", "E1ABC:api,api-2;E2DEF", "HEADER_NAME", "x-from-cdn"),
		with("SECRET_FORMAT", "plain", "VALUE_LENGTH", "43", "DEADLINE_MARGIN", "0", "POLL_INTERVAL", "1s", "SETTLE_DELAY", "0"),
		with("SECRET_JSON_KEY", "value", "VALUE_LENGTH", "1783", "LOG_LEVEL", "error", "METRICS", "off"),
	}
	for _, env := range envs {
		c, err := parseConfig(envconfig.Map(env))
		if err != nil {
			t.Fatalf("%v: %v", env, err)
		}
		metrics, err := telemetry.NewMetrics(io.Discard, c.telemetry, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatalf("%v: %v", env, err)
		}
		if _, err := newHandler(t.Context(), c, slog.New(slog.DiscardHandler), metrics); err != nil {
			t.Errorf("%v: newHandler refused the parsed config: %v", env, err)
		}
	}
}
