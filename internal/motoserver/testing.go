package motoserver

import (
	"context"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// ForTest starts a server for one test and stops it when the test ends. Under
// "go test -short" it skips the test, saying so; if moto_server is missing it
// fails the test with InstallHint.
func ForTest(tb testing.TB, env ...string) *Server {
	tb.Helper()
	if testing.Short() {
		tb.Skip("integration test against moto_server: skipped by -short")
	}
	s, err := Start(context.Background(), env...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

// AWSConfigForTest is AWSConfig for tests: it fails the test on error.
func (s *Server) AWSConfigForTest(tb testing.TB) aws.Config {
	tb.Helper()
	cfg, err := s.AWSConfig(context.Background())
	if err != nil {
		tb.Fatalf("motoserver: AWS config: %v", err)
	}
	return cfg
}

var shared struct {
	once sync.Once
	s    *Server
	err  error
}

// Shared returns one server for all the tests of a package, started on first
// use; tests keep apart by naming their resources uniquely. The package's
// TestMain must return Main(m) so that the server stops. Skips and failures
// are as for ForTest.
func Shared(tb testing.TB) *Server {
	tb.Helper()
	if testing.Short() {
		tb.Skip("integration test against moto_server: skipped by -short")
	}
	shared.once.Do(func() { shared.s, shared.err = Start(context.Background()) })
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
	return shared.s
}

// Main runs the tests, then stops the server Shared started. Use it as
// func TestMain(m *testing.M) { os.Exit(motoserver.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	if shared.s != nil {
		shared.s.Close()
	}
	return code
}
