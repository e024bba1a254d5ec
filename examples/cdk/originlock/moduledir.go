package originlock

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ModulePath is the module path of the originlock library, whose
// examples/lambda packages the functions are built from.
const ModulePath = "github.com/originlock/originlock"

// Paths of the two main packages inside the originlock module.
const (
	RotationPackage   = "examples/lambda/rotation"
	AuthorizerPackage = "examples/lambda/authorizer"
)

// ErrModuleNotFound is wrapped by FindModuleDir's error when no enclosing
// directory holds the originlock module.
var ErrModuleNotFound = errors.New("originlock: originlock module not found")

// FindModuleDir returns the absolute path of the nearest directory at or
// above start whose go.mod declares ModulePath. It skips other modules on
// the way (this CDK example is one), so it works from anywhere inside a
// checkout of the repository.
func FindModuleDir(start string) (string, error) {
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", fmt.Errorf("originlock: %w", err)
	}
	for {
		path, err := modulePathOf(filepath.Join(dir, "go.mod"))
		switch {
		case err == nil && path == ModulePath:
			return dir, nil
		case err != nil && !errors.Is(err, os.ErrNotExist):
			return "", fmt.Errorf("originlock: %w", err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%w at or above %s: set Props.ModuleDir", ErrModuleNotFound, start)
		}
		dir = parent
	}
}

// modulePathOf returns the module path a go.mod file declares.
func modulePathOf(goMod string) (string, error) {
	f, err := os.Open(goMod)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", nil
}

// checkModuleDir makes sure dir is the originlock module and holds both main
// packages, so that a missing package fails with a clear message rather than
// deep inside go build.
func checkModuleDir(dir string) error {
	path, err := modulePathOf(filepath.Join(dir, "go.mod"))
	if err != nil {
		return fmt.Errorf("%w: ModuleDir %s: %v", ErrInvalidProps, dir, err)
	}
	if path != ModulePath {
		return fmt.Errorf("%w: ModuleDir %s: go.mod declares %q, want %q", ErrInvalidProps, dir, path, ModulePath)
	}
	for _, pkg := range []string{RotationPackage, AuthorizerPackage} {
		matches, err := filepath.Glob(filepath.Join(dir, pkg, "*.go"))
		if err != nil || len(matches) == 0 {
			return fmt.Errorf("%w: ModuleDir %s: no Go files in %s", ErrInvalidProps, dir, pkg)
		}
	}
	return nil
}
