package originlock_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// goBlock matches a fenced Go code block of a Markdown file and captures its
// body.
var goBlock = regexp.MustCompile("(?ms)^```go\n(.*?)^```\n")

// packageMain matches the package clause of a complete program.
var packageMain = regexp.MustCompile(`(?m)^package main$`)

// readmeGoBlocks returns the bodies of README.md's ```go blocks.
func readmeGoBlocks(t *testing.T) []string {
	t.Helper()
	md, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	for _, m := range goBlock.FindAllSubmatch(md, -1) {
		blocks = append(blocks, string(m[1]))
	}
	return blocks
}

// TestReadmeGoBlocksCompile builds every ```go block of README.md as a user
// would: as the main package of a module of its own that requires this one
// (replaced by this checkout). A block that is not a complete program, or
// that calls an API that changed, fails here.
//
// It runs go vet, which type-checks the program and reports what vet finds,
// with GOPROXY=off: the module cache already holds every dependency this
// module's own tests need, and the test must not reach the network.
func TestReadmeGoBlocksCompile(t *testing.T) {
	blocks := readmeGoBlocks(t)
	// The README's two walkthroughs: the rotation function and the
	// authorizer. Fewer means the extraction broke or a block lost its
	// language tag, and nothing would be checked.
	if len(blocks) < 2 {
		t.Fatalf("README.md has %d ```go blocks, want at least 2", len(blocks))
	}
	repo, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	goSum, err := os.ReadFile("go.sum")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	goMod := fmt.Sprintf(`module example.com/readme

go 1.24

require github.com/originlock/originlock v0.0.0

replace github.com/originlock/originlock => %s
`, repo)
	writeFile(t, filepath.Join(dir, "go.mod"), goMod)
	writeFile(t, filepath.Join(dir, "go.sum"), string(goSum))
	var pkgs []string
	for i, b := range blocks {
		if !packageMain.MatchString(b) {
			t.Errorf("README.md ```go block %d is not a complete program (no \"package main\"):\n%s", i+1, b)
			continue
		}
		pkg := fmt.Sprintf("block%d", i+1)
		writeFile(t, filepath.Join(dir, pkg, "main.go"), b)
		pkgs = append(pkgs, "./"+pkg)
	}
	if len(pkgs) == 0 {
		return
	}
	cmd := exec.Command("go", append([]string{"vet"}, pkgs...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Errorf("go vet of README.md's Go blocks (blockN is the Nth ```go block): %v\n%s", err, out.String())
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
