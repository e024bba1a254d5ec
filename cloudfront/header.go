package cloudfront

import (
	"fmt"
	"strings"

	"github.com/originlock/originlock/internal/secretvalue"
)

// MaxHeaderNameLength is CloudFront's limit on a custom header name.
const MaxHeaderNameLength = 256

// MaxHeaderValueLength is CloudFront's limit on a custom header value.
const MaxHeaderValueLength = secretvalue.MaxLength

// forbiddenHeaders are the names CloudFront refuses as origin custom headers
// (Developer Guide, "Custom headers that CloudFront can't add to origin
// requests"), lower-cased.
var forbiddenHeaders = map[string]bool{
	"cache-control": true, "connection": true, "content-length": true, "cookie": true,
	"host": true, "if-match": true, "if-modified-since": true, "if-none-match": true,
	"if-range": true, "if-unmodified-since": true, "max-forwards": true, "pragma": true,
	"proxy-authorization": true, "proxy-connection": true, "range": true,
	"request-range": true, "te": true, "trailer": true, "transfer-encoding": true,
	"upgrade": true, "via": true, "x-real-ip": true,
}

// forbiddenPrefixes are the name prefixes CloudFront reserves, lower-cased.
var forbiddenPrefixes = []string{"x-amz-", "x-edge-"}

// ValidateHeaderName reports whether CloudFront accepts name as an origin
// custom header: an HTTP token of at most MaxHeaderNameLength characters that
// is not one of the headers CloudFront manages itself. The error wraps
// ErrInvalidHeaderName.
func ValidateHeaderName(name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty", ErrInvalidHeaderName)
	}
	if len(name) > MaxHeaderNameLength {
		return fmt.Errorf("%w: %d characters, more than %d", ErrInvalidHeaderName, len(name), MaxHeaderNameLength)
	}
	for i := 0; i < len(name); i++ {
		if !isTokenChar(name[i]) {
			return fmt.Errorf("%w: %q has a character not allowed in a header name at byte %d", ErrInvalidHeaderName, name, i)
		}
	}
	lower := strings.ToLower(name)
	if forbiddenHeaders[lower] {
		return fmt.Errorf("%w: CloudFront does not let origin custom headers set %s", ErrInvalidHeaderName, name)
	}
	for _, p := range forbiddenPrefixes {
		if strings.HasPrefix(lower, p) {
			return fmt.Errorf("%w: CloudFront reserves headers starting with %s", ErrInvalidHeaderName, name[:len(p)])
		}
	}
	return nil
}

// ValidateHeaderValue reports whether value can be an origin custom header
// value: 1 to MaxHeaderValueLength characters of printable ASCII without
// leading or trailing spaces. The error wraps ErrInvalidHeaderValue and never
// contains the value.
func ValidateHeaderValue(value string) error {
	if err := secretvalue.Check(value); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidHeaderValue, err)
	}
	return nil
}

// isTokenChar reports whether c may appear in an HTTP field name (RFC 9110 tchar).
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
