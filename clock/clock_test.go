package clock_test

import (
	"testing"
	"time"

	"github.com/originlock/originlock/clock"
)

func TestSystemTellsRealTime(t *testing.T) {
	c := clock.System()
	before := time.Now()
	got := c.Now()
	if got.Before(before) || got.After(time.Now()) {
		t.Fatalf("System().Now() = %v, want between %v and now", got, before)
	}
	select {
	case <-c.After(0):
	case <-time.After(10 * time.Second):
		t.Fatal("System().After(0) did not fire within 10s")
	}
}
