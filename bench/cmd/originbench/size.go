package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"

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
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
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

// hostBinary is the build of name that runs on this machine.
func hostBinary(bins []binary, name string) string {
	for _, b := range bins {
		if b.name == name && b.arch == runtime.GOARCH {
			return b.path
		}
	}
	return ""
}
