package envconfig

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/originlock/originlock/internal/secretvalue"
)

// Conditions a caller can branch on with errors.Is.
var (
	// ErrMissing: a required variable is not set.
	ErrMissing = errors.New("is required but not set")
	// ErrInvalid: a variable's value is not what was wanted.
	ErrInvalid = errors.New("invalid value")
)

// MaxDuration is the largest time.Duration, for Duration without an upper
// bound.
const MaxDuration = time.Duration(1<<63 - 1)

// maxShownValue bounds how much of a value an error repeats.
const maxShownValue = 80

// VarError reports one missing or invalid variable.
type VarError struct {
	Name string
	// Value is the value as set, quoted in the message; empty when the
	// variable is missing or Sensitive.
	Value string
	// Want says what a valid value looks like.
	Want string
	// Err is ErrMissing or ErrInvalid.
	Err error
}

func (e *VarError) Error() string {
	switch {
	case errors.Is(e.Err, ErrMissing):
		return e.Name + " is required but not set"
	case Sensitive(e.Name):
		return fmt.Sprintf("%s has an invalid value (not shown): want %s", e.Name, e.Want)
	}
	v := e.Value
	if len(v) > maxShownValue {
		v = v[:maxShownValue] + "..."
	}
	return fmt.Sprintf("%s=%s: want %s", e.Name, strconv.Quote(v), e.Want)
}

func (e *VarError) Unwrap() error { return e.Err }

// describesSecret are the functions' own variables that name a secret or
// say how its value is laid out; they never hold a secret value.
var describesSecret = map[string]bool{"SECRET_ID": true, "SECRET_FORMAT": true, "SECRET_JSON_KEY": true}

// Sensitive reports whether a variable's name suggests a secret value:
// it contains SECRET, TOKEN, PASSWORD, PASSWD, CREDENTIAL, PRIVATE or KEY,
// and is not one of the functions' variables that only describe the secret
// (SECRET_ID, SECRET_FORMAT, SECRET_JSON_KEY). Errors never show the values
// of such variables.
func Sensitive(name string) bool {
	upper := strings.ToUpper(name)
	if describesSecret[upper] {
		return false
	}
	for _, word := range []string{"SECRET", "TOKEN", "PASSWORD", "PASSWD", "CREDENTIAL", "PRIVATE", "KEY"} {
		if strings.Contains(upper, word) {
			return true
		}
	}
	return false
}

// Env reads variables and collects the errors. It is not safe for
// concurrent use.
type Env struct {
	lookup func(string) (string, bool)
	errs   []error
}

// New returns an Env that reads variables with lookup, for example
// os.LookupEnv.
func New(lookup func(string) (string, bool)) *Env { return &Env{lookup: lookup} }

// Map is a lookup function over m, for tests.
func Map(m map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) { v, ok := m[name]; return v, ok }
}

// Err returns every error found so far, joined (one per line), or nil.
func (e *Env) Err() error { return errors.Join(e.errs...) }

// get returns the trimmed value of name and whether it is set and not blank.
func (e *Env) get(name string) (string, bool) {
	v, _ := e.lookup(name)
	v = strings.TrimSpace(v)
	return v, v != ""
}

// Invalid records that name's value is not valid, want saying what would
// be. Callers use it for checks of their own.
func (e *Env) Invalid(name, want string) {
	err := &VarError{Name: name, Want: want, Err: ErrInvalid}
	if !Sensitive(name) {
		err.Value, _ = e.get(name)
	}
	e.errs = append(e.errs, err)
}

// Required returns the value of name, recording ErrMissing if it is not set.
func (e *Env) Required(name string) string {
	v, ok := e.get(name)
	if !ok {
		e.errs = append(e.errs, &VarError{Name: name, Err: ErrMissing})
	}
	return v
}

// String returns the value of name, or def if it is not set.
func (e *Env) String(name, def string) string {
	if v, ok := e.get(name); ok {
		return v
	}
	return def
}

// Int returns the value of name as a decimal integer within [min, max], or
// def if it is not set.
func (e *Env) Int(name string, def, min, max int) int {
	v, ok := e.get(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		e.Invalid(name, fmt.Sprintf("an integer from %d to %d", min, max))
		return def
	}
	return n
}

// Duration returns the value of name in Go syntax (90s, 5m, 1h30m) within
// [min, max], or def if it is not set. Pass MaxDuration for no upper bound.
// A bare 0 is accepted as zero.
func (e *Env) Duration(name string, def, min, max time.Duration) time.Duration {
	v, ok := e.get(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < min || d > max {
		want := "a duration such as 90s, 5m or 1h30m"
		switch {
		case err != nil:
		case max == MaxDuration:
			want = fmt.Sprintf("a duration of at least %v", min)
		default:
			want = fmt.Sprintf("a duration from %v to %v", min, max)
		}
		e.Invalid(name, want)
		return def
	}
	return d
}

// Enum returns the value of name, which must be one of allowed (compared
// without regard to case; the allowed spelling is returned), or def if it is
// not set.
func (e *Env) Enum(name, def string, allowed ...string) string {
	v, ok := e.get(name)
	if !ok {
		return def
	}
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a
		}
	}
	e.Invalid(name, oneOf(allowed))
	return def
}

// Bool returns the value of name, "true" or "false" (without regard to
// case), or def if it is not set.
func (e *Env) Bool(name string, def bool) bool {
	switch e.Enum(name, "", "true", "false") {
	case "true":
		return true
	case "false":
		return false
	}
	return def
}

// LogLevel returns the value of name as a log level (debug, info, warn or
// error, without regard to case), or def if it is not set.
func (e *Env) LogLevel(name string, def slog.Level) slog.Level {
	levels := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}
	v := e.Enum(name, "", "debug", "info", "warn", "error")
	if v == "" {
		return def
	}
	return levels[v]
}

// SecretFormat reads where the header value sits in the secret string:
// formatVar is "json" (the default) or "plain"; keyVar is the JSON key
// (default secretvalue.DefaultJSONKey). Setting keyVar with the plain format
// is an error, since the setting would be ignored.
func (e *Env) SecretFormat(formatVar, keyVar string) secretvalue.Format {
	format := e.Enum(formatVar, "json", "json", "plain")
	key, keySet := e.get(keyVar)
	if format == "plain" {
		if keySet {
			e.Invalid(keyVar, fmt.Sprintf("no value when %s is plain (the whole secret string is the value)", formatVar))
		}
		return secretvalue.Plain()
	}
	if !keySet {
		key = secretvalue.DefaultJSONKey
	}
	return secretvalue.JSON(key)
}

// NewLogger returns a logger that writes JSON records at level and above to
// w (os.Stderr in a Lambda function, where CloudWatch Logs collects it).
func NewLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// oneOf renders a list as "a, b or c".
func oneOf(items []string) string {
	switch len(items) {
	case 0:
		return "nothing (no value is allowed)"
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
