//go:build terraform

package terraform

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// packages are the Lambda deployment packages the test deploys and runs,
// copied out of dist/ so that a concurrent rebuild cannot change them
// mid-test.
type packages struct {
	// rotation and authorizer are the arm64 zips the example deploys.
	rotation, authorizer string
	// rotationNative and authorizerNative are the packages for this
	// machine's architecture, built from the same source, whose bootstraps
	// the test runs.
	rotationNative, authorizerNative string
}

// buildPackages runs scripts/build-lambdas and returns the packages.
func buildPackages(t *testing.T) packages {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(root, "scripts", "build-lambdas"), "rotation", "authorizer")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/build-lambdas rotation authorizer: %v\n%s", err, out)
	}
	dir := t.TempDir()
	pick := func(name string) string {
		t.Helper()
		src := filepath.Join(root, "dist", name)
		dst := filepath.Join(dir, name)
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatalf("scripts/build-lambdas did not write dist/%s: %v", name, err)
		}
		writeFile(t, dst, b)
		checkBootstrapZip(t, dst)
		return dst
	}
	native := map[string]string{"amd64": "amd64", "arm64": "arm64"}[runtime.GOARCH]
	if native == "" {
		t.Fatalf("no Lambda package runs on %s: the test runs the functions' bootstraps on amd64 or arm64 machines", runtime.GOARCH)
	}
	return packages{
		rotation:         pick("rotation-arm64.zip"),
		authorizer:       pick("authorizer-arm64.zip"),
		rotationNative:   pick("rotation-" + native + ".zip"),
		authorizerNative: pick("authorizer-" + native + ".zip"),
	}
}

// checkBootstrapZip checks that path is what provided.al2023 runs: a zip
// holding one executable file named bootstrap.
func checkBootstrapZip(t *testing.T, path string) {
	t.Helper()
	r, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	defer r.Close()
	if len(r.File) != 1 || r.File[0].Name != "bootstrap" || r.File[0].Mode()&0o111 == 0 {
		t.Fatalf("%s does not hold exactly one executable bootstrap", filepath.Base(path))
	}
}

// extractBootstrap writes the package's bootstrap into a new directory and
// returns its path.
func extractBootstrap(t *testing.T, zipPath string) string {
	t.Helper()
	r, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := r.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	path := filepath.Join(t.TempDir(), "bootstrap")
	out, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, f); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// codeSHA256 is a package's hash as Lambda reports it (CodeSha256).
func codeSHA256(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}
