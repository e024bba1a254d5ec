package secretvalue

import (
	"errors"
	"fmt"
)

// MaxLength is CloudFront's limit on an origin custom header value.
const MaxLength = 1783

// ErrInvalidValue reports a header value that cannot be sent as an HTTP
// header. Its wrapping message says what is wrong, never the value.
var ErrInvalidValue = errors.New("invalid header value")

// Check reports whether value can travel as an origin custom header value:
// 1 to MaxLength characters of printable ASCII, without leading or trailing
// spaces (proxies trim them, so they would not compare equal at the origin).
func Check(value string) error {
	switch {
	case value == "":
		return fmt.Errorf("%w: empty", ErrInvalidValue)
	case len(value) > MaxLength:
		return fmt.Errorf("%w: %d characters, more than CloudFront's %d", ErrInvalidValue, len(value), MaxLength)
	case value[0] == ' ' || value[len(value)-1] == ' ':
		return fmt.Errorf("%w: leading or trailing space", ErrInvalidValue)
	}
	for i := 0; i < len(value); i++ {
		if c := value[i]; c < 0x20 || c > 0x7e {
			return fmt.Errorf("%w: byte %d is not printable ASCII", ErrInvalidValue, i)
		}
	}
	return nil
}
