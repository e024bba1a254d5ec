package uuid

import (
	"regexp"
	"testing"
)

var canonical = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNewIsAVersion4UUID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := New()
		if !canonical.MatchString(id) {
			t.Fatalf("New() = %q, want a canonical version 4 UUID", id)
		}
		if seen[id] {
			t.Fatalf("New() returned %q twice in 100 calls", id)
		}
		seen[id] = true
	}
}
