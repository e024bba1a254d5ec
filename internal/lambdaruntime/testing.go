package lambdaruntime

import "testing"

// ForTest starts a Runtime that is closed, its process killed, when the test
// ends.
func ForTest(tb testing.TB) *Runtime {
	tb.Helper()
	r, err := Start()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(r.Close)
	return r
}
