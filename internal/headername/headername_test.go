package headername

import (
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, name := range []string{"X-Origin-Verify", "x-origin-verify", "X_Custom.Header~1", "X-Amzn-Custom", strings.Repeat("h", MaxLength)} {
		if err := Check(name); err != nil {
			t.Errorf("Check(%q) = %v, want nil", name, err)
		}
	}
	for _, name := range []string{"", strings.Repeat("h", MaxLength+1), "X Origin", "X-Ørigin", "Host", "x-real-ip", "X-Amz-Date", "X-EDGE-x", "TE"} {
		if err := Check(name); !errors.Is(err, ErrInvalid) {
			t.Errorf("Check(%q) = %v, want ErrInvalid", name, err)
		}
	}
}

func TestIsToken(t *testing.T) {
	for name, want := range map[string]bool{"X-Origin-Verify": true, "a!#$%&'*+-.^_`|~z": true, "": false, "X Origin": false, "X:": false, "é": false} {
		if got := IsToken(name); got != want {
			t.Errorf("IsToken(%q) = %v, want %v", name, got, want)
		}
	}
}
