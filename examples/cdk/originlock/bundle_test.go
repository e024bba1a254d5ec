package originlock

import (
	"debug/buildinfo"
	"debug/elf"
	"path/filepath"
	"strings"
	"testing"
)

// checkBundles opens the bootstrap binary the CDK bundled for each function
// and checks that it is the right main package of the originlock module,
// built static for linux/arm64 with the intended flags.
func checkBundles(t *testing.T, s *synthesized) {
	t.Run("bundled bootstraps", func(t *testing.T) {
		for marker, pkg := range map[string]string{`"DISTRIBUTIONS"`: RotationPackage, `"AUTHORIZER_TYPE"`: AuthorizerPackage} {
			id, props := s.only(t, "AWS::Lambda::Function", marker)
			key, _ := props["Code"].(map[string]any)["S3Key"].(string)
			path := filepath.Join(s.outdir, "asset."+strings.TrimSuffix(key, ".zip"), "bootstrap")

			f, err := elf.Open(path)
			if err != nil {
				t.Errorf("%s: %v", id, err)
				continue
			}
			if f.Machine != elf.EM_AARCH64 {
				t.Errorf("%s: machine %v, want %v", id, f.Machine, elf.EM_AARCH64)
			}
			// -ldflags=-s; go does not record -ldflags when -trimpath is on.
			if f.Section(".symtab") != nil {
				t.Errorf("%s: symbol table present, want it stripped (-ldflags=-s)", id)
			}
			for _, prog := range f.Progs {
				if prog.Type == elf.PT_INTERP {
					t.Errorf("%s: dynamically linked, want a static binary", id)
				}
			}
			f.Close()

			info, err := buildinfo.ReadFile(path)
			if err != nil {
				t.Errorf("%s: %v", id, err)
				continue
			}
			if want := ModulePath + "/" + pkg; info.Path != want {
				t.Errorf("%s: built from %s, want %s", id, info.Path, want)
			}
			settings := map[string]string{}
			for _, kv := range info.Settings {
				settings[kv.Key] = kv.Value
			}
			for k, want := range map[string]string{
				"GOOS": "linux", "GOARCH": "arm64", "CGO_ENABLED": "0",
				"-tags": "lambda.norpc,nethttpomithttp2", "-trimpath": "true",
			} {
				if settings[k] != want {
					t.Errorf("%s: build setting %s=%q, want %q", id, k, settings[k], want)
				}
			}
			if rev, ok := settings["vcs.revision"]; ok {
				t.Errorf("%s: vcs.revision %s stamped; want none, so the asset hash only follows the source", id, rev)
			}
		}
	})
}
