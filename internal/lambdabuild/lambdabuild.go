// Package lambdabuild compiles the ready-to-deploy Lambda functions
// (examples/lambda/<name>) into bootstrap binaries exactly as
// scripts/build-lambdas does, for the tests and the demo that run them.
package lambdabuild

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Flags are scripts/build-lambdas's BUILD_FLAGS; a test keeps them in step.
//
// The tags leave out what the functions never use: lambda.norpc drops
// aws-lambda-go's net/rpc mode (the provided.al2023 runtime speaks only the
// Runtime API), and nethttpomithttp2 drops net/http's bundled HTTP/2, as
// every peer of the functions speaks HTTP/1.1 (the Lambda Runtime API, and
// the AWS SDK's clients for Secrets Manager, CloudFront, STS, WAF and API
// Gateway, none of which needs HTTP/2). That keeps the authorizer well under
// its 10 MB goal (BENCHMARKS.md).
var Flags = []string{"-tags", "lambda.norpc,nethttpomithttp2", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid="}

// Unset are the variables scripts/build-lambdas unsets so that the caller's
// environment cannot change the binary (a test keeps them in step too).
var Unset = []string{"GOFLAGS", "GOEXPERIMENT", "GOAMD64", "GOARM64"}

// ModuleDir returns the root directory of the originlock module, found from
// the current directory as the go command finds it.
func ModuleDir(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("lambdabuild: go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("lambdabuild: not inside a Go module; run from the originlock checkout")
	}
	return filepath.Dir(gomod), nil
}

// Build compiles examples/lambda/<name> of the module in moduleDir for
// linux/goarch into out.
func Build(ctx context.Context, moduleDir, name, goarch, out string) error {
	args := append(append([]string{"build"}, Flags...), "-o", out, "./examples/lambda/"+name)
	cmd := exec.CommandContext(ctx, "go", args...) // #nosec G204 -- go build of a function name checked against examples/lambda by the compiler
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	for _, name := range Unset {
		cmd.Env = append(cmd.Env, name+"=")
	}
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("lambdabuild: go %s: %w\n%s", strings.Join(args, " "), err, output.String())
	}
	return nil
}
