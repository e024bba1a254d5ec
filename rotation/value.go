package rotation

import (
	"fmt"
	"log/slog"
)

const redacted = "[REDACTED]"

// Value is a header value read from the secret. It prints as "[REDACTED]"
// with every fmt verb, in slog records and in JSON, so a Value that reaches a
// log line, an error or a panic by accident does not leak. Convert it with
// string(v) exactly where the value itself is needed.
type Value string

// String returns "[REDACTED]".
func (Value) String() string { return redacted }

// GoString returns "[REDACTED]", so %#v does not leak either.
func (Value) GoString() string { return redacted }

// Format writes "[REDACTED]" for every verb, including %x and %q.
func (Value) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue makes slog record "[REDACTED]".
func (Value) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText makes encoding/json and friends write "[REDACTED]".
func (Value) MarshalText() ([]byte, error) { return []byte(redacted), nil }
