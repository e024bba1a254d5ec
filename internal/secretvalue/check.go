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

// Check reports whether value can travel as an origin custom header value
// through every layer: 1 to MaxLength characters of printable ASCII, without
// leading or trailing spaces (proxies trim them, so they would not compare
// equal at the origin) and without a comma (HTTP joins a repeated header with
// commas, so API Gateway's HTTP APIs cannot tell a value with a comma from a
// header sent twice, and refuse both). The rotation stores, CloudFront
// writes and the authorizer accepts only values Check accepts.
func Check(value string) error {
	switch f, at := find(value); f {
	case empty:
		return fmt.Errorf("%w: empty", ErrInvalidValue)
	case tooLong:
		return fmt.Errorf("%w: %d characters, more than CloudFront's %d", ErrInvalidValue, len(value), MaxLength)
	case edgeSpace:
		return fmt.Errorf("%w: leading or trailing space", ErrInvalidValue)
	case notPrintable:
		return fmt.Errorf("%w: byte %d is not printable ASCII", ErrInvalidValue, at)
	case comma:
		return fmt.Errorf("%w: byte %d is a comma", ErrInvalidValue, at)
	}
	return nil
}

// Valid reports whether Check accepts value, without building an error: the
// authorizer asks it of every value it refuses.
func Valid(value string) bool {
	f, _ := find(value)
	return f == none
}

// fault is what Check finds wrong with a value.
type fault int

const (
	none fault = iota
	empty
	tooLong
	edgeSpace
	notPrintable // at the byte find returns
	comma        // at the byte find returns
)

func find(value string) (fault, int) {
	switch {
	case value == "":
		return empty, 0
	case len(value) > MaxLength:
		return tooLong, 0
	case value[0] == ' ' || value[len(value)-1] == ' ':
		return edgeSpace, 0
	}
	for i := 0; i < len(value); i++ {
		switch c := value[i]; {
		case c < 0x20 || c > 0x7e:
			return notPrintable, i
		case c == ',':
			return comma, i
		}
	}
	return none, 0
}
