package rotation_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/originlock/originlock/rotation"
)

const secretText = "s3cr3t-v4lue"

// userStruct has a Value in an exported and in an unexported field, as a user's
// own struct might.
type userStruct struct {
	Exported   rotation.Value
	unexported rotation.Value
}

func slogJSON(args ...any) string {
	var b bytes.Buffer
	slog.New(slog.NewJSONHandler(&b, nil)).Info("x", args...)
	return b.String()
}

func slogText(args ...any) string {
	var b bytes.Buffer
	slog.New(slog.NewTextHandler(&b, nil)).Info("x", args...)
	return b.String()
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestValueNeverPrints covers every place Value's doc says it redacts.
func TestValueNeverPrints(t *testing.T) {
	v := rotation.Value(secretText)
	req := rotation.SetSecretRequest{SecretARN: "arn", Pending: v, Current: v}
	exported := struct{ V rotation.Value }{v}
	outputs := map[string]string{
		"%v": fmt.Sprintf("%v", v), "%s": fmt.Sprintf("%s", v), "%q": fmt.Sprintf("%q", v),
		"%x": fmt.Sprintf("%x", v), "%#v": fmt.Sprintf("%#v", v), "%d": fmt.Sprintf("%d", v),
		"%v request": fmt.Sprintf("%v", req), "%+v request": fmt.Sprintf("%+v", req), "%#v request": fmt.Sprintf("%#v", req),
		"%v pointer to request": fmt.Sprintf("%v", &req),
		"%+v exported field":    fmt.Sprintf("%+v", exported), "%#v exported field": fmt.Sprintf("%#v", exported),
		"%v slice": fmt.Sprintf("%v", []rotation.Value{v}), "%v map value": fmt.Sprintf("%v", map[string]rotation.Value{"k": v}),
		"%v map key": fmt.Sprintf("%v", map[rotation.Value]int{v: 1}),
		"error":      fmt.Errorf("wrap %v", v).Error(), "errors.New": errors.New(v.String()).Error(),
		"slog JSON attribute": slogJSON("value", v), "slog JSON request": slogJSON("request", req),
		"slog JSON struct with both fields": slogJSON("userStruct", userStruct{Exported: v, unexported: v}),
		"slog text attribute":               slogText("value", v), "slog text request": slogText("request", req),
		"json value": mustJSON(t, v), "json request": mustJSON(t, req),
		"json map value": mustJSON(t, map[string]rotation.Value{"k": v}),
	}
	for name, out := range outputs {
		if strings.Contains(out, secretText) {
			t.Errorf("%s leaks the value: %s", name, out)
		}
		if !strings.Contains(out, "[REDACTED]") {
			t.Errorf("%s = %q, want it to show [REDACTED]", name, out)
		}
	}
	if string(v) != secretText {
		t.Errorf("string(v) lost the value")
	}
}

// TestValueLimits pins the two places Value's doc warns about: Go reads the
// string there without asking the Value. If one of these starts redacting,
// a Go release has changed and the doc's warning can shrink.
func TestValueLimits(t *testing.T) {
	v := rotation.Value(secretText)
	h := userStruct{Exported: v, unexported: v}
	leaks := map[string]string{
		"%v unexported field":          fmt.Sprintf("%v", h),
		"%+v unexported field":         fmt.Sprintf("%+v", h),
		"%#v unexported field":         fmt.Sprintf("%#v", h),
		"slog text, unexported field":  slogText("userStruct", h),
		"json.Marshal(map[Value]bool)": mustJSON(t, map[rotation.Value]bool{v: true}),
	}
	for name, out := range leaks {
		if !strings.Contains(out, secretText) {
			t.Errorf("%s no longer shows the value (%s): update Value's doc", name, out)
		}
	}
}
