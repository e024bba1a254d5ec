package tailbuffer

import "testing"

func TestKeepsTheLastBytes(t *testing.T) {
	b := New(5)
	for _, s := range []string{"abc", "def", "gh"} {
		if n, err := b.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v; want %d, nil", s, n, err, len(s))
		}
	}
	if got := b.String(); got != "defgh" {
		t.Errorf("String() = %q, want %q", got, "defgh")
	}
	if !b.Contains("efg") || b.Contains("c") {
		t.Errorf("Contains: efg %v (want true), c %v (want false)", b.Contains("efg"), b.Contains("c"))
	}
}
