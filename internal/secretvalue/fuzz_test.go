package secretvalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// extractMessages are the only messages Extract may return, with the JSON
// key quoted where KEY stands: nothing of the secret string can reach them.
var extractMessages = map[string]bool{
	"secret value is not in the configured format: not a JSON object (the format is JSON key KEY)": true,
	"secret value is not in the configured format: JSON object has no key KEY":                     true,
	"secret value is not in the configured format: JSON key KEY does not hold a string":            true,
}

// FuzzExtractReplace: Extract never panics and its errors are fixed
// templates; whatever Extract accepts, Replace can replace with any value
// Check accepts (the only values the rotation stores), and the result holds
// the new value with every other key as it was.
func FuzzExtractReplace(f *testing.F) {
	for _, s := range []string{
		`{"HEADERVALUE":"abc"}`, `{"HEADERVALUE":"abc","other":{"n":[1,2.50,"<&>"]}}`, `{"HEADERVALUE":12}`,
		`{"k":"v"}`, `[]`, `null`, `""`, ``, `{"HEADERVALUE":"a\u0000b"}`, `{"HEADERVALUE":"x","HEADERVALUE":"y"}`,
		`{"HEADERVALUE":"\ud800"}`, "{\"HEADERVALUE\":\"\xff\"}", `{"big":123456789012345678901234567890}`,
	} {
		f.Add(s, "HEADERVALUE", "new-value-0123456789")
	}
	f.Add(`{"custom":"v"}`, "custom", "v2")
	f.Add(`{"":"v"}`, "", "v2")
	f.Fuzz(func(t *testing.T, secretString, key, value string) {
		for _, format := range []Format{JSON(key), Plain()} {
			got, err := format.Extract(secretString)
			if format.IsPlain() {
				if err != nil || got != secretString {
					t.Fatalf("plain Extract changed the string or failed: %v", err)
				}
				continue
			}
			if err != nil {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("Extract error %v does not wrap ErrMalformed", err)
				}
				msg := strings.ReplaceAll(err.Error(), fmt.Sprintf("%q", format.Key()), "KEY")
				if !extractMessages[msg] {
					t.Fatalf("Extract error is not a fixed template: %q", msg)
				}
				continue
			}
			if Check(value) != nil {
				continue
			}
			out, err := format.Replace(secretString, value)
			if err != nil {
				t.Fatalf("Replace failed on a string Extract accepts: %v", err)
			}
			if v, err := format.Extract(out); err != nil || v != value {
				t.Fatalf("Extract(Replace(s, v)) = %q, %v; want v", v, err)
			}
			var before, after map[string]json.RawMessage
			if json.Unmarshal([]byte(secretString), &before) != nil || json.Unmarshal([]byte(out), &after) != nil {
				t.Fatal("Replace produced something that is not a JSON object")
			}
			delete(before, format.Key())
			delete(after, format.Key())
			if len(before) != len(after) {
				t.Fatalf("Replace changed the set of other keys: %d -> %d", len(before), len(after))
			}
			for k, raw := range before {
				if !equalJSON(raw, after[k]) {
					t.Fatalf("Replace changed the key %q", k)
				}
			}
		}
	})
}

func equalJSON(a, b json.RawMessage) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return false
	}
	var va, vb any
	da, db := json.NewDecoder(&ca), json.NewDecoder(&cb)
	da.UseNumber()
	db.UseNumber()
	if da.Decode(&va) != nil || db.Decode(&vb) != nil {
		return false
	}
	return fmt.Sprintf("%#v", va) == fmt.Sprintf("%#v", vb)
}

var checkMessage = regexp.MustCompile(`^invalid header value: (empty|\d+ characters, more than CloudFront's 1783|leading or trailing space|byte \d+ is not printable ASCII|byte \d+ is a comma)$`)

// FuzzCheck: Check accepts exactly the values every layer can carry — 1 to
// 1783 bytes of printable ASCII, no comma, no space at either end — and its errors
// carry nothing of the value. Valid agrees with it.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"", "a", " a", "a ", "a b", "\x00", "\x7f", "ü", strings.Repeat("x", MaxLength), strings.Repeat("x", MaxLength+1), "Qz9k\r\nX: y", "a,b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		err := Check(value)
		want := len(value) >= 1 && len(value) <= MaxLength && value[0] != ' ' && value[len(value)-1] != ' '
		for i := 0; i < len(value); i++ {
			if value[i] < 0x20 || value[i] > 0x7e || value[i] == ',' {
				want = false
			}
		}
		if (err == nil) != want {
			t.Fatalf("Check(%d bytes) = %v, want accepted %v", len(value), err, want)
		}
		if Valid(value) != want {
			t.Fatalf("Valid(%d bytes) = %v, want %v", len(value), !want, want)
		}
		if err != nil && (!errors.Is(err, ErrInvalidValue) || !checkMessage.MatchString(err.Error())) {
			t.Fatalf("Check error is not a fixed template: %q", err.Error())
		}
	})
}
