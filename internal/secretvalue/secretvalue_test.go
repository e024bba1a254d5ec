package secretvalue

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

const v = "value-0123456789"

func TestExtract(t *testing.T) {
	cases := []struct {
		name   string
		format Format
		in     string
		want   string
		err    bool
	}{
		{"plain", Plain(), v, v, false},
		{"plain keeps JSON as is", Plain(), `{"HEADERVALUE":"x"}`, `{"HEADERVALUE":"x"}`, false},
		{"default key", Format{}, `{"HEADERVALUE":"` + v + `"}`, v, false},
		{"custom key", JSON("k"), `{"HEADERVALUE":"no","k":"` + v + `"}`, v, false},
		{"escaped", JSON("k"), `{"k":"a\"b\u0041"}`, `a"bA`, false},
		{"missing key", JSON("k"), `{"HEADERVALUE":"` + v + `"}`, "", true},
		{"not a string", JSON("k"), `{"k":12}`, "", true},
		{"not an object", JSON("k"), `["` + v + `"]`, "", true},
		{"not JSON", JSON("k"), v, "", true},
		{"null", JSON("k"), `null`, "", true},
		{"empty", JSON("k"), ``, "", true},
	}
	for _, tc := range cases {
		got, err := tc.format.Extract(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%s: Extract = %q, %v; want %q, error %v", tc.name, got, err, tc.want, tc.err)
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("%s: error %v does not wrap ErrMalformed", tc.name, err)
			}
			if strings.Contains(err.Error(), v) {
				t.Errorf("%s: error contains the value", tc.name)
			}
		}
	}
}

func TestReplaceKeepsOtherKeys(t *testing.T) {
	in := `{"z":1,"HEADERVALUE":"old","a":{"nested":[1,2.50,"<&>"]},"big":123456789012345678901234567890}`
	out, err := JSON(DefaultJSONKey).Replace(in, v)
	if err != nil {
		t.Fatal(err)
	}
	var got, want map[string]json.RawMessage
	_ = json.Unmarshal([]byte(out), &got)
	_ = json.Unmarshal([]byte(in), &want)
	want["HEADERVALUE"] = json.RawMessage(`"` + v + `"`)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Replace = %s\nwant the input with only HEADERVALUE changed", out)
	}
	if !strings.Contains(out, `"<&>"`) {
		t.Errorf("Replace escaped HTML in a key it does not own: %s", out)
	}
}

func TestReplace(t *testing.T) {
	cases := []struct {
		name   string
		format Format
		in     string
		want   string
		err    bool
	}{
		{"plain", Plain(), "old", v, false},
		{"adds the key", JSON("k"), `{"a":"b"}`, `{"a":"b","k":"` + v + `"}`, false},
		{"starts an object", JSON("k"), ``, `{"k":"` + v + `"}`, false},
		{"not JSON", JSON("k"), "old", "", true},
		{"array", JSON("k"), `[]`, "", true},
	}
	for _, tc := range cases {
		got, err := tc.format.Replace(tc.in, v)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%s: Replace = %q, %v; want %q, error %v", tc.name, got, err, tc.want, tc.err)
		}
	}
}

func TestFormatDescribesItself(t *testing.T) {
	if got := Plain().String(); got != "plain string" {
		t.Errorf("Plain().String() = %q", got)
	}
	if got := (Format{}).String(); got != `JSON key "HEADERVALUE"` {
		t.Errorf("zero Format String() = %q", got)
	}
	if Plain().Key() != "" || !Plain().IsPlain() || JSON("k").Key() != "k" || JSON("k").IsPlain() {
		t.Error("Key or IsPlain is wrong")
	}
}

func TestCheck(t *testing.T) {
	for _, ok := range []string{"a", v, strings.Repeat("x", MaxLength), "with inner space", "~!@#$%^&*()"} {
		if err := Check(ok); err != nil {
			t.Errorf("Check(%d chars) = %v", len(ok), err)
		}
	}
	for _, bad := range []string{"", " Qz9k", "Qz9k ", "Qz9k\t", "Qz9k\n", "Qz9k\x00", "Qz9k\x7f", "Qz9kü", strings.Repeat("x", MaxLength+1), "Qz9k,Xy", ","} {
		err := Check(bad)
		if !errors.Is(err, ErrInvalidValue) {
			t.Errorf("Check(%q) = %v, want ErrInvalidValue", bad, err)
		}
		if len(bad) > 3 && err != nil && strings.Contains(err.Error(), bad) {
			t.Errorf("Check(%q): the error contains the value", bad)
		}
	}
}
