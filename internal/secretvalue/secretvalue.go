// Package secretvalue reads and writes the header value stored in a secret
// string, so that the rotation side and the authorizer side agree on one
// format. A secret holds the value either as the whole string (plain) or under
// one key of a JSON object, as AWS's CloudFront origin-verify sample does with
// {"HEADERVALUE": "..."}; the object's other keys are kept when the value is
// replaced.
//
// No error from this package contains any part of the secret string.
package secretvalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// DefaultJSONKey is the key AWS's origin-verify sample stores the value under.
const DefaultJSONKey = "HEADERVALUE"

// ErrMalformed reports a secret string that does not hold a value in the
// configured format. Its wrapping message says what is wrong, never the value.
var ErrMalformed = errors.New("secret value is not in the configured format")

// Format says where in a secret string the header value lives.
// The zero Format is JSON under DefaultJSONKey.
type Format struct {
	plain bool
	key   string
}

// Plain is the format whose whole secret string is the header value.
func Plain() Format { return Format{plain: true} }

// JSON is the format that keeps the header value as a string under key in a
// JSON object.
func JSON(key string) Format { return Format{key: key} }

// IsPlain reports whether the whole secret string is the value.
func (f Format) IsPlain() bool { return f.plain }

// Key is the JSON key of a JSON format ("" for Plain).
func (f Format) Key() string {
	if f.plain {
		return ""
	}
	if f.key == "" {
		return DefaultJSONKey
	}
	return f.key
}

// String describes the format for messages, e.g. `JSON key "HEADERVALUE"`.
func (f Format) String() string {
	if f.plain {
		return "plain string"
	}
	return fmt.Sprintf("JSON key %q", f.Key())
}

// Extract returns the header value held in secretString.
func (f Format) Extract(secretString string) (string, error) {
	if f.plain {
		return secretString, nil
	}
	obj, err := f.object(secretString)
	if err != nil {
		return "", err
	}
	raw, ok := obj[f.Key()]
	if !ok {
		return "", fmt.Errorf("%w: JSON object has no key %q", ErrMalformed, f.Key())
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", fmt.Errorf("%w: JSON key %q does not hold a string", ErrMalformed, f.Key())
	}
	return v, nil
}

// Replace returns secretString with its header value replaced by value. For
// JSON, every other key is kept; a missing key is added. secretString must be a
// JSON object (or empty, which starts a new object).
func (f Format) Replace(secretString, value string) (string, error) {
	if f.plain {
		return value, nil
	}
	obj := map[string]json.RawMessage{}
	if secretString != "" {
		var err error
		if obj, err = f.object(secretString); err != nil {
			return "", err
		}
	}
	encoded, err := marshal(value)
	if err != nil {
		return "", err
	}
	obj[f.Key()] = encoded
	out, err := marshal(obj)
	if err != nil {
		return "", err
	}
	return string(out), nil
}

func (f Format) object(secretString string) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	// json's own errors quote offending input; they are replaced, not wrapped.
	if err := json.Unmarshal([]byte(secretString), &obj); err != nil || obj == nil {
		return nil, fmt.Errorf("%w: not a JSON object (the format is %s)", ErrMalformed, f)
	}
	return obj, nil
}

// marshal encodes v without HTML escaping, so keys the rotation does not own
// come back as they were written.
func marshal(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("%w: cannot encode JSON", ErrMalformed)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
