// Package headername holds CloudFront's rules for origin custom header names,
// without any AWS SDK dependency, so that the authorizer function can check
// its HEADER_NAME without linking the CloudFront client.
package headername

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// MaxLength (256) is CloudFront's limit on a custom header name.
const MaxLength = 256

// ErrInvalid reports a name CloudFront would refuse.
var ErrInvalid = errors.New("invalid header name")

// reserved are the names CloudFront refuses as origin custom headers
// (Developer Guide, "Custom headers that CloudFront can't add to origin
// requests"), lower-cased and sorted. This is the one definition in Go; the
// Terraform module's header_name validation and the CDK construct's
// ValidateHeaderName repeat it (they cannot import this package), and a test
// keeps the copies equal to it.
var reserved = []string{
	"cache-control", "connection", "content-length", "cookie", "host",
	"if-match", "if-modified-since", "if-none-match", "if-range",
	"if-unmodified-since", "max-forwards", "pragma", "proxy-authorization",
	"proxy-connection", "range", "request-range", "te", "trailer",
	"transfer-encoding", "upgrade", "via", "x-real-ip",
}

// reservedPrefixes are the name prefixes CloudFront reserves, lower-cased.
var reservedPrefixes = []string{"x-amz-", "x-edge-"}

// Check reports whether CloudFront accepts name as an origin custom header:
// an HTTP token of at most MaxLength characters that is not one of the
// headers CloudFront manages itself. The error wraps ErrInvalid.
func Check(name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty", ErrInvalid)
	}
	if len(name) > MaxLength {
		return fmt.Errorf("%w: %d characters, more than %d", ErrInvalid, len(name), MaxLength)
	}
	for i := 0; i < len(name); i++ {
		if !isTokenChar(name[i]) {
			return fmt.Errorf("%w: %q has a character not allowed in a header name at byte %d", ErrInvalid, name, i)
		}
	}
	lower := strings.ToLower(name)
	if _, found := slices.BinarySearch(reserved, lower); found {
		return fmt.Errorf("%w: CloudFront does not let origin custom headers set %s", ErrInvalid, name)
	}
	for _, p := range reservedPrefixes {
		if strings.HasPrefix(lower, p) {
			return fmt.Errorf("%w: CloudFront reserves headers starting with %s", ErrInvalid, name[:len(p)])
		}
	}
	return nil
}

// IsToken reports whether name is a valid HTTP field name (RFC 9110 token).
func IsToken(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !isTokenChar(name[i]) {
			return false
		}
	}
	return true
}

// isTokenChar reports whether c may appear in an HTTP field name (tchar).
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
