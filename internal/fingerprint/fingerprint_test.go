package fingerprint

import (
	"regexp"
	"strings"
	"testing"
)

var shape = regexp.MustCompile(`^#[0-9a-f]{8}$`)

func TestOf(t *testing.T) {
	v := "Qz9kX2mB7rT4wL8nP3sD6fH1jK5cV0aYeU2iO9gRtZ4xM7bN8qW3lE6hJ1uC5vF0"
	a, b := Of(v), Of(v)
	if a != b {
		t.Fatalf("Of is not stable: %s then %s", a, b)
	}
	if !shape.MatchString(a) {
		t.Fatalf("got %q, want # and 8 hex digits", a)
	}
	if strings.Contains(v, strings.TrimPrefix(a, "#")) {
		t.Fatalf("fingerprint is part of the value")
	}
	if Of(v+"x") == a || Of("") == a {
		t.Fatalf("different values share a fingerprint")
	}
}

// TestOfIsFixed pins the algorithm: a change would make every fingerprint in
// operators' logs and monitors disagree with new ones.
func TestOfIsFixed(t *testing.T) {
	if got, want := Of("originlock"), "#08192d9b"; got != want {
		t.Fatalf("Of(%q) = %s, want %s (Python: hashlib.pbkdf2_hmac(\"sha256\", value, salt, Iterations, 4))", "originlock", got, want)
	}
}

func BenchmarkOf(b *testing.B) {
	for b.Loop() {
		Of("Qz9kX2mB7rT4wL8nP3sD6fH1jK5cV0aYeU2iO9gRtZ4xM7bN8qW3lE6hJ1uC5vF0")
	}
}
