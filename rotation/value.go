package rotation

import (
	"fmt"
	"log/slog"
)

const redacted = "[REDACTED]"

// Value is a header value read from the secret. Convert it with string(v)
// exactly where the value itself is needed.
//
// Value redacts itself wherever Go asks the value how to print it: it prints
// as "[REDACTED]" with every fmt verb (%v, %+v, %#v, %s, %q, %x, ...), also
// as an exported field of a struct, a slice element or a map value; slog
// records it as "[REDACTED]" (as an attribute or an exported field of a
// logged struct); encoding/json and other text encoders write "[REDACTED]"
// for it as a value. The request structs of this package hold Values only in
// exported fields, so printing or logging a request does not leak.
//
// Value cannot redact where Go reads the string without asking: fmt prints an
// unexported struct field by reflection, without calling its methods (so
// %v of a struct with an unexported Value field, or slog's text handler
// logging such a struct, shows the value), and encoding/json writes a map
// key of string kind as it is (json.Marshal(map[Value]T) shows the value).
// Keep Values in exported fields, never as map keys, or convert them to
// something else before they reach such a place. TestValueLimits pins both
// halves of this contract.
type Value string

// String returns "[REDACTED]".
func (Value) String() string { return redacted }

// GoString returns "[REDACTED]", so %#v does not leak either.
func (Value) GoString() string { return redacted }

// Format writes "[REDACTED]" for every verb, including %x and %q.
func (Value) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue makes slog record "[REDACTED]".
func (Value) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText makes encoding/json and friends write "[REDACTED]" for a
// Value (not for a map key: see Value).
func (Value) MarshalText() ([]byte, error) { return []byte(redacted), nil }
