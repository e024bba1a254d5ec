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

func TestValueNeverPrints(t *testing.T) {
	const secret = "s3cr3t-v4lue"
	v := rotation.Value(secret)
	req := rotation.SetSecretRequest{SecretARN: "arn", Pending: v, Current: v}

	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "value", v, "request", req)
	encoded, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"%v": fmt.Sprintf("%v", v), "%s": fmt.Sprintf("%s", v), "%q": fmt.Sprintf("%q", v),
		"%x": fmt.Sprintf("%x", v), "%#v": fmt.Sprintf("%#v", v), "%+v struct": fmt.Sprintf("%+v", req),
		"%#v struct": fmt.Sprintf("%#v", req), "error": fmt.Errorf("wrap %v", v).Error(),
		"slog": logged.String(), "json": string(encoded),
		"errors.New": errors.New(v.String()).Error(),
	}
	for name, out := range outputs {
		if strings.Contains(out, secret) {
			t.Errorf("%s leaks the value", name)
		}
		if !strings.Contains(out, "[REDACTED]") {
			t.Errorf("%s = %q, want it to show [REDACTED]", name, out)
		}
	}
	if string(v) != secret {
		t.Errorf("string(v) lost the value")
	}
}
