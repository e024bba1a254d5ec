package cloudfront

import (
	"github.com/originlock/originlock/internal/headername"
	"github.com/originlock/originlock/internal/secretvalue"
)

// MaxHeaderNameLength (256) is CloudFront's limit on a custom header name.
const MaxHeaderNameLength = headername.MaxLength

// MaxHeaderValueLength (1783) is CloudFront's limit on a custom header value.
const MaxHeaderValueLength = secretvalue.MaxLength

// MaxCustomHeaderChars is CloudFront's limit on the length of all custom
// header names and values of one origin, together, in characters.
const MaxCustomHeaderChars = 10240

// ValidateHeaderName reports whether CloudFront accepts name as an origin
// custom header: an HTTP token of at most MaxHeaderNameLength characters that
// is not one of the headers CloudFront manages itself (Cache-Control, Host,
// X-Amz-*, X-Edge-* and the others its Developer Guide lists). The error
// wraps ErrInvalidHeaderName.
func ValidateHeaderName(name string) error { return headername.Check(name) }

// ValidateHeaderValue reports whether value can be an origin custom header
// value: 1 to MaxHeaderValueLength characters of printable ASCII without
// leading or trailing spaces. The error wraps ErrInvalidHeaderValue and never
// contains the value.
func ValidateHeaderValue(value string) error { return secretvalue.Check(value) }
