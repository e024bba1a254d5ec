package envconfig_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/originlock/originlock/internal/envconfig"
	"github.com/originlock/originlock/internal/secretvalue"
)

// check runs read over env and compares the value and the error message.
func check[T comparable](t *testing.T, env map[string]string, read func(*envconfig.Env) T, want T, wantErr string) {
	t.Helper()
	e := envconfig.New(envconfig.Map(env))
	got := read(e)
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
	switch err := e.Err(); {
	case wantErr == "" && err != nil:
		t.Errorf("got error %q, want none", err)
	case wantErr != "" && err == nil:
		t.Errorf("got no error, want %q", wantErr)
	case wantErr != "" && err.Error() != wantErr:
		t.Errorf("got error %q, want %q", err, wantErr)
	}
}

func TestRequired(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    string
		wantErr string
	}{
		{"set", map[string]string{"NAME": "value"}, "value", ""},
		{"spaces trimmed", map[string]string{"NAME": "  value\t"}, "value", ""},
		{"unset", nil, "", "NAME is required but not set"},
		{"empty", map[string]string{"NAME": ""}, "", "NAME is required but not set"},
		{"blank", map[string]string{"NAME": "   "}, "", "NAME is required but not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, tt.env, func(e *envconfig.Env) string { return e.Required("NAME") }, tt.want, tt.wantErr)
		})
	}
	e := envconfig.New(envconfig.Map(nil))
	e.Required("NAME")
	if !errors.Is(e.Err(), envconfig.ErrMissing) {
		t.Errorf("got %v, want ErrMissing", e.Err())
	}
}

func TestString(t *testing.T) {
	read := func(e *envconfig.Env) string { return e.String("NAME", "default") }
	check(t, map[string]string{"NAME": " x "}, read, "x", "")
	check(t, nil, read, "default", "")
	check(t, map[string]string{"NAME": ""}, read, "default", "")
}

func TestInt(t *testing.T) {
	const want = "an integer from 43 to 1783"
	tests := []struct {
		value   string
		want    int
		wantErr string
	}{
		{"", 64, ""},
		{"43", 43, ""},
		{"1783", 1783, ""},
		{" 100 ", 100, ""},
		{"42", 64, `N="42": want ` + want},
		{"1784", 64, `N="1784": want ` + want},
		{"-1", 64, `N="-1": want ` + want},
		{"64.0", 64, `N="64.0": want ` + want},
		{"sixty", 64, `N="sixty": want ` + want},
		{"99999999999999999999", 64, `N="99999999999999999999": want ` + want},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			check(t, map[string]string{"N": tt.value}, func(e *envconfig.Env) int { return e.Int("N", 64, 43, 1783) }, tt.want, tt.wantErr)
		})
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		value    string
		min, max time.Duration
		want     time.Duration
		wantErr  string
	}{
		{"", time.Second, envconfig.MaxDuration, 15 * time.Second, ""},
		{"90s", time.Second, envconfig.MaxDuration, 90 * time.Second, ""},
		{"1h30m", time.Second, envconfig.MaxDuration, 90 * time.Minute, ""},
		{"0", 0, envconfig.MaxDuration, 0, ""},
		{"0s", time.Second, envconfig.MaxDuration, 15 * time.Second, `D="0s": want a duration of at least 1s`},
		{"-5s", 0, envconfig.MaxDuration, 15 * time.Second, `D="-5s": want a duration of at least 0s`},
		{"2h", time.Second, time.Hour, 15 * time.Second, `D="2h": want a duration from 1s to 1h0m0s`},
		{"15", time.Second, envconfig.MaxDuration, 15 * time.Second, `D="15": want a duration such as 90s, 5m or 1h30m`},
		{"1 m", time.Second, envconfig.MaxDuration, 15 * time.Second, `D="1 m": want a duration such as 90s, 5m or 1h30m`},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			read := func(e *envconfig.Env) time.Duration { return e.Duration("D", 15*time.Second, tt.min, tt.max) }
			check(t, map[string]string{"D": tt.value}, read, tt.want, tt.wantErr)
		})
	}
}

func TestEnum(t *testing.T) {
	read := func(e *envconfig.Env) string { return e.Enum("MODE", "a", "a", "b-c", "d") }
	check(t, nil, read, "a", "")
	check(t, map[string]string{"MODE": "d"}, read, "d", "")
	check(t, map[string]string{"MODE": " B-C "}, read, "b-c", "")
	check(t, map[string]string{"MODE": "e"}, read, "a", `MODE="e": want a, b-c or d`)
}

func TestBool(t *testing.T) {
	read := func(e *envconfig.Env) bool { return e.Bool("FLAG", false) }
	check(t, nil, read, false, "")
	check(t, map[string]string{"FLAG": "true"}, read, true, "")
	check(t, map[string]string{"FLAG": " TRUE "}, read, true, "")
	check(t, map[string]string{"FLAG": "false"}, read, false, "")
	check(t, map[string]string{"FLAG": "yes"}, read, false, `FLAG="yes": want true or false`)
	readDefTrue := func(e *envconfig.Env) bool { return e.Bool("FLAG", true) }
	check(t, nil, readDefTrue, true, "")
}

func TestLogLevel(t *testing.T) {
	tests := []struct {
		value   string
		want    slog.Level
		wantErr string
	}{
		{"", slog.LevelInfo, ""},
		{"debug", slog.LevelDebug, ""},
		{"info", slog.LevelInfo, ""},
		{"WARN", slog.LevelWarn, ""},
		{"error", slog.LevelError, ""},
		{"warning", slog.LevelInfo, `LOG_LEVEL="warning": want debug, info, warn or error`},
		{"trace", slog.LevelInfo, `LOG_LEVEL="trace": want debug, info, warn or error`},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			read := func(e *envconfig.Env) slog.Level { return e.LogLevel("LOG_LEVEL", slog.LevelInfo) }
			check(t, map[string]string{"LOG_LEVEL": tt.value}, read, tt.want, tt.wantErr)
		})
	}
}

func TestSecretFormat(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    secretvalue.Format
		wantErr string
	}{
		{"defaults", nil, secretvalue.JSON("HEADERVALUE"), ""},
		{"json with key", map[string]string{"SECRET_FORMAT": "json", "SECRET_JSON_KEY": "value"}, secretvalue.JSON("value"), ""},
		{"key alone", map[string]string{"SECRET_JSON_KEY": "value"}, secretvalue.JSON("value"), ""},
		{"plain", map[string]string{"SECRET_FORMAT": "PLAIN"}, secretvalue.Plain(), ""},
		{"plain with key", map[string]string{"SECRET_FORMAT": "plain", "SECRET_JSON_KEY": "value"}, secretvalue.Plain(),
			`SECRET_JSON_KEY="value": want no value when SECRET_FORMAT is plain (the whole secret string is the value)`},
		{"unknown format", map[string]string{"SECRET_FORMAT": "yaml"}, secretvalue.JSON("HEADERVALUE"),
			`SECRET_FORMAT="yaml": want json or plain`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := func(e *envconfig.Env) secretvalue.Format { return e.SecretFormat("SECRET_FORMAT", "SECRET_JSON_KEY") }
			check(t, tt.env, read, tt.want, tt.wantErr)
		})
	}
}

func TestVariablesThatOnlyDescribeTheSecret(t *testing.T) {
	for _, name := range []string{"SECRET_ID", "SECRET_FORMAT", "SECRET_JSON_KEY"} {
		if envconfig.Sensitive(name) {
			t.Errorf("Sensitive(%q) = true: it names or shapes the secret, and its value helps fix a mistake", name)
		}
	}
}

func TestSensitiveValuesNeverShown(t *testing.T) {
	const value = "hunter2-do-not-print"
	for _, name := range []string{"SECRET_VALUE", "API_TOKEN", "DB_PASSWORD", "SIGNING_KEY", "my_private_thing", "AWS_CREDENTIALS"} {
		t.Run(name, func(t *testing.T) {
			if !envconfig.Sensitive(name) {
				t.Errorf("Sensitive(%q) = false, want true", name)
			}
			e := envconfig.New(envconfig.Map(map[string]string{name: value}))
			e.Int(name, 0, 0, 1)
			e.Duration(name, 0, 0, envconfig.MaxDuration)
			e.Enum(name, "", "a")
			e.LogLevel(name, slog.LevelInfo)
			e.Invalid(name, "something else")
			err := e.Err()
			if err == nil {
				t.Fatal("got no errors, want five")
			}
			if strings.Contains(err.Error(), value) || strings.Contains(err.Error(), "hunter2") {
				t.Error("an error shows the value of a secret-like variable")
			}
			if !strings.Contains(err.Error(), name) {
				t.Errorf("the errors do not name %s", name)
			}
			var ve *envconfig.VarError
			if !errors.As(err, &ve) || ve.Value != "" {
				t.Error("VarError.Value holds the value of a secret-like variable")
			}
		})
	}
	for _, name := range []string{"HEADER_NAME", "DISTRIBUTIONS", "LOG_LEVEL"} {
		if envconfig.Sensitive(name) {
			t.Errorf("Sensitive(%q) = true, want false", name)
		}
	}
}

func TestErrorsCollected(t *testing.T) {
	e := envconfig.New(envconfig.Map(map[string]string{"A": "x", "C": "1"}))
	e.Int("A", 0, 0, 10)
	e.Required("B")
	e.Int("C", 0, 0, 10)
	e.Duration("D", 0, 0, envconfig.MaxDuration)
	want := "A=\"x\": want an integer from 0 to 10\nB is required but not set"
	if err := e.Err(); err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	if err := e.Err(); !errors.Is(err, envconfig.ErrInvalid) || !errors.Is(err, envconfig.ErrMissing) {
		t.Errorf("got %v, want both ErrInvalid and ErrMissing", err)
	}
}

func TestLongValueShortened(t *testing.T) {
	e := envconfig.New(envconfig.Map(map[string]string{"N": strings.Repeat("9", 500) + "x"}))
	e.Int("N", 0, 0, 1)
	if msg := e.Err().Error(); len(msg) > 200 || !strings.Contains(msg, `..."`) {
		t.Errorf("got %d-byte message %q, want it shortened", len(msg), msg)
	}
}

func TestNewLogger(t *testing.T) {
	var buf bytes.Buffer
	log := envconfig.NewLogger(&buf, slog.LevelWarn)
	log.Info("dropped")
	log.Warn("kept", "n", 1)
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("got %q, want one JSON record: %v", buf.String(), err)
	}
	if rec["msg"] != "kept" || rec["level"] != "WARN" || rec["n"] != 1.0 {
		t.Errorf("got record %v, want msg=kept level=WARN n=1", rec)
	}
}
