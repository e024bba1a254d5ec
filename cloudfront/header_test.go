package cloudfront_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/originlock/originlock/cloudfront"
)

func TestValidateHeaderName(t *testing.T) {
	valid := []string{"X-Origin-Verify", "x-origin-verify", "X_Custom.Header~1", "X-Amzn-Custom", strings.Repeat("h", 256)}
	for _, name := range valid {
		if err := cloudfront.ValidateHeaderName(name); err != nil {
			t.Errorf("ValidateHeaderName(%q) = %v, want nil", name, err)
		}
	}
	invalid := []string{
		"", strings.Repeat("h", 257), "X Origin", "X-Origin:", "X-Ørigin", "X-Origin\r\n",
		"Host", "host", "Cache-Control", "Connection", "Content-Length", "Cookie", "If-Match",
		"If-Modified-Since", "If-None-Match", "If-Range", "If-Unmodified-Since", "Max-Forwards",
		"Pragma", "Proxy-Authorization", "Proxy-Connection", "Range", "Request-Range", "TE",
		"Trailer", "Transfer-Encoding", "Upgrade", "Via", "X-Real-Ip", "x-real-ip",
		"X-Amz-Custom", "x-amz-date", "X-Edge-Location", "X-EDGE-anything",
	}
	for _, name := range invalid {
		if err := cloudfront.ValidateHeaderName(name); !errors.Is(err, cloudfront.ErrInvalidHeaderName) {
			t.Errorf("ValidateHeaderName(%q) = %v, want ErrInvalidHeaderName", name, err)
		}
	}
}

func TestValidateHeaderValue(t *testing.T) {
	const secretish = "abcDEF123"
	for _, v := range []string{secretish, strings.Repeat("v", cloudfront.MaxHeaderValueLength), "a b", "{json:\"ok\"}"} {
		if err := cloudfront.ValidateHeaderValue(v); err != nil {
			t.Errorf("ValidateHeaderValue(%d chars) = %v, want nil", len(v), err)
		}
	}
	for _, v := range []string{"", strings.Repeat("v", cloudfront.MaxHeaderValueLength+1), " " + secretish, secretish + " ", secretish + "\n", secretish + "\x00", secretish + "é"} {
		err := cloudfront.ValidateHeaderValue(v)
		if !errors.Is(err, cloudfront.ErrInvalidHeaderValue) {
			t.Errorf("ValidateHeaderValue(%q) = %v, want ErrInvalidHeaderValue", v, err)
		}
		if err != nil && strings.Contains(err.Error(), secretish) {
			t.Errorf("the error for %q contains the value", v)
		}
	}
}

func ExampleValidateHeaderName() {
	for _, name := range []string{"X-Origin-Verify", "X-Amz-Verify", "Host"} {
		fmt.Println(cloudfront.ValidateHeaderName(name))
	}
	// Output:
	// <nil>
	// invalid header name: CloudFront reserves headers starting with X-Amz-
	// invalid header name: CloudFront does not let origin custom headers set Host
}
