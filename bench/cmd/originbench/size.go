package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/originlock/originlock/internal/lambdabuild"
)

// binary is one built bootstrap.
type binary struct {
	name, arch, path string
	size             int64
}

// buildAll builds every function for arm64 and amd64 exactly as
// scripts/build-lambdas does (internal/lambdabuild: stripped, -trimpath).
func (e *env) buildAll(ctx context.Context) ([]binary, error) {
	var out []binary
	for _, name := range []string{"authorizer", "rotation"} {
		for _, arch := range []string{"arm64", "amd64"} {
			path := filepath.Join(e.tmp, "build", name+"-"+arch, "bootstrap")
			if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
				return nil, err
			}
			if err := lambdabuild.Build(ctx, e.root, name, arch, path); err != nil {
				return nil, err
			}
			st, err := os.Stat(path)
			if err != nil {
				return nil, err
			}
			out = append(out, binary{name: name, arch: arch, path: path, size: st.Size()})
		}
	}
	return out, nil
}

// unneededDeps lists the packages of this module and of the AWS SDK that
// the authorizer function links although it makes no CloudFront call and
// runs no rotation.
func (e *env) unneededDeps(ctx context.Context) ([]string, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "./examples/lambda/authorizer")
	cmd.Dir = e.root
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -deps ./examples/lambda/authorizer: %w", err)
	}
	var found []string
	for _, pkg := range strings.Fields(string(out)) {
		switch {
		case pkg == "github.com/originlock/originlock/cloudfront", pkg == "github.com/originlock/originlock/rotation",
			pkg == "github.com/aws/aws-sdk-go-v2/service/cloudfront":
			found = append(found, pkg)
		}
	}
	return found, nil
}

// hostBinary is the build of name that runs on this machine.
func hostBinary(bins []binary, name string) string {
	for _, b := range bins {
		if b.name == name && b.arch == runtime.GOARCH {
			return b.path
		}
	}
	return ""
}
