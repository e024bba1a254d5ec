package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/originlock/originlock/emf"
	"github.com/originlock/originlock/internal/envconfig"
)

func parse(t *testing.T, m map[string]string) (Config, error) {
	t.Helper()
	env := envconfig.New(envconfig.Map(m))
	c := Parse(env)
	return c, env.Err()
}

func TestParse(t *testing.T) {
	fn := map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "fn"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "fn"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name string
		env  map[string]string
		want Config
	}{
		{"defaults", fn, Config{JSON: true, Level: slog.LevelInfo, Metrics: true, Namespace: "Originlock", FunctionName: "fn"}},
		{"LOG_LEVEL", with("LOG_LEVEL", "debug"), Config{JSON: true, Level: slog.LevelDebug, Metrics: true, Namespace: "Originlock", FunctionName: "fn"}},
		{"Lambda's level wins", with("LOG_LEVEL", "debug", "AWS_LAMBDA_LOG_LEVEL", "WARN"), Config{JSON: true, Level: slog.LevelWarn, LambdaLevel: true, Metrics: true, Namespace: "Originlock", FunctionName: "fn"}},
		{"trace", with("AWS_LAMBDA_LOG_LEVEL", "TRACE", "AWS_LAMBDA_LOG_FORMAT", "JSON"), Config{JSON: true, Level: LevelTrace, LambdaLevel: true, Metrics: true, Namespace: "Originlock", FunctionName: "fn"}},
		{"text", with("AWS_LAMBDA_LOG_FORMAT", "Text"), Config{Level: slog.LevelInfo, Metrics: true, Namespace: "Originlock", FunctionName: "fn"}},
		{"namespace", with("METRICS_NAMESPACE", "My/App"), Config{JSON: true, Level: slog.LevelInfo, Metrics: true, Namespace: "My/App", FunctionName: "fn"}},
		{"metrics off, no function name needed", map[string]string{"METRICS": "OFF"}, Config{JSON: true, Level: slog.LevelInfo, Namespace: "Originlock"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parse(t, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		env  map[string]string
		vars []string
	}{
		"no function name":  {map[string]string{}, []string{"AWS_LAMBDA_FUNCTION_NAME"}},
		"bad format":        {map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "fn", "AWS_LAMBDA_LOG_FORMAT": "XML"}, []string{"AWS_LAMBDA_LOG_FORMAT"}},
		"bad Lambda level":  {map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "fn", "AWS_LAMBDA_LOG_LEVEL": "LOUD"}, []string{"AWS_LAMBDA_LOG_LEVEL"}},
		"bad LOG_LEVEL too": {map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "fn", "AWS_LAMBDA_LOG_LEVEL": "WARN", "LOG_LEVEL": "loud"}, []string{"LOG_LEVEL"}},
		"bad metrics":       {map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "fn", "METRICS": "maybe"}, []string{"METRICS"}},
		"AWS/ namespace":    {map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "fn", "METRICS_NAMESPACE": "AWS/Lambda"}, []string{"METRICS_NAMESPACE"}},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := parse(t, tc.env)
			if err == nil {
				t.Fatal("no error")
			}
			for _, v := range tc.vars {
				if !strings.Contains(err.Error(), v) {
					t.Errorf("error %q does not name %s", err, v)
				}
			}
			if c.Level != slog.LevelInfo && c.Level != slog.LevelWarn {
				t.Errorf("level %v is not usable", c.Level)
			}
		})
	}
}

func invocation(id string) context.Context {
	return lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: id})
}

func TestLoggerAddsRequestID(t *testing.T) {
	var out bytes.Buffer
	logger := NewLogger(&out, Config{JSON: true, Level: slog.LevelInfo})
	ctx := invocation("8f5c1a7e-0000-4000-8000-000000000001")
	logger.InfoContext(ctx, "rotation step done", "step", "createSecret")
	logger.With("secret", "s").LogAttrs(ctx, slog.LevelWarn, "with attrs")
	logger.WithGroup("g").InfoContext(ctx, "grouped", "k", "v")
	logger.Info("during init")
	logger.DebugContext(ctx, "filtered")
	var recs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		recs = append(recs, r)
	}
	if len(recs) != 4 {
		t.Fatalf("got %d records, want 4:\n%s", len(recs), out.String())
	}
	for i, r := range recs[:2] {
		if r[RequestIDKey] != "8f5c1a7e-0000-4000-8000-000000000001" {
			t.Errorf("record %d: requestId %v", i, r[RequestIDKey])
		}
		for _, k := range []string{"timestamp", "level", "message"} {
			if _, ok := r[k]; !ok {
				t.Errorf("record %d has no %s: %v", i, k, r)
			}
		}
	}
	if g, _ := recs[2]["g"].(map[string]any); g[RequestIDKey] == nil {
		t.Errorf("grouped record lost the request ID: %v", recs[2])
	}
	if _, ok := recs[3][RequestIDKey]; ok {
		t.Errorf("a record without an invocation context has a request ID: %v", recs[3])
	}
	if recs[0]["message"] != "rotation step done" || recs[1]["level"] != "WARN" {
		t.Errorf("records %v", recs)
	}
}

func TestTextLoggerAndLevels(t *testing.T) {
	var out bytes.Buffer
	logger := NewLogger(&out, Config{Level: LevelTrace})
	logger.Log(invocation("req-1"), LevelTrace, "fine detail")
	logger.Log(context.Background(), LevelFatal, "the end")
	got := out.String()
	for _, want := range []string{"level=TRACE", `message="fine detail"`, "requestId=req-1", "level=FATAL"} {
		if !strings.Contains(got, want) {
			t.Errorf("text output lacks %s:\n%s", want, got)
		}
	}
}

func TestNewMetrics(t *testing.T) {
	var out, logs bytes.Buffer
	logger := NewLogger(&logs, Config{JSON: true})
	if l, err := NewMetrics(&out, Config{}, logger); l != nil || err != nil {
		t.Errorf("metrics off: got %v, %v; want no logger", l, err)
	}
	c := Config{Metrics: true, Namespace: "Originlock", FunctionName: "auth", Level: slog.LevelError, LambdaLevel: true}
	l, err := NewMetrics(&out, c, logger)
	if err != nil {
		t.Fatal(err)
	}
	b := l.NewBatch()
	b.Count("Decisions", 1, emf.Dimension{Name: "Outcome", Value: "current"})
	b.Count("Bad\n", 1)
	if err := b.Flush(); err == nil {
		t.Fatal("no error for the bad metric")
	}
	doc, err := emf.Parse(bytes.TrimSpace(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	ms := doc.Metrics()
	if len(ms) != 1 || ms[0].Dimension("FunctionName") != "auth" || ms[0].Namespace != "Originlock" {
		t.Errorf("got %+v", ms)
	}
	if string(doc.Members["level"]) != `"ERROR"` {
		t.Errorf(`level member %s, want "ERROR" so that Lambda's filter keeps the line`, doc.Members["level"])
	}
	// Wrap reports flush errors through the logger.
	h := emf.Wrap(l, func(ctx context.Context, _ int) (int, error) {
		emf.FromContext(ctx).Count("_aws", 1)
		return 0, nil
	})
	_, _ = h(context.Background(), 0)
	if !strings.Contains(logs.String(), "metrics: left out") {
		t.Errorf("flush error not logged: %s", logs.String())
	}
}

func TestWord(t *testing.T) {
	for in, want := range map[string]string{
		"current": "current", "createSecret": "createSecret", "precondition_failed": "precondition_failed",
		"": "other", "a b": "other", "x-y": "other", strings.Repeat("a", 33): "other",
		"VGhpcyBpcyBhIHNlY3JldCB2YWx1ZSBvZiA2NCBjaGFyYWN0ZXJz": "other",
	} {
		if got := Word(in); got != want {
			t.Errorf("Word(%q) = %q, want %q", in, got, want)
		}
	}
}
