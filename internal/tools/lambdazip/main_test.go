package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// binary stands in for a bootstrap: big enough to compress, not all alike.
var binary = func() []byte {
	var b bytes.Buffer
	for i := range 50000 {
		b.WriteString("\x7fELF")
		b.WriteByte(byte(i * 7))
	}
	return b.Bytes()
}()

// writeFile writes data at dir/name with mode and modification time mtime.
func writeFile(t *testing.T, dir, name string, data []byte, mode fs.FileMode, mtime time.Time) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	return path
}

func pack(t *testing.T, files ...string) (path, sum string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "fn.zip")
	sum, size, err := packFiles(out, files)
	if err != nil {
		t.Fatalf("packFiles: %v", err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if h := sha256.Sum256(data); hex.EncodeToString(h[:]) != sum || int64(len(data)) != size {
		t.Errorf("packFiles reported sha256 %s and %d bytes, the file has %x and %d", sum, size, h, len(data))
	}
	return out, sum
}

// TestReproducible packs the same bootstrap written at different times,
// with different permission bits (umask 022, 002, 077), and expects the
// same bytes.
func TestReproducible(t *testing.T) {
	var sums []string
	for i, mode := range []fs.FileMode{0o755, 0o775, 0o700, 0o755} {
		dir := t.TempDir()
		mtime := time.Date(2020+i, time.Month(1+i), 1+i, i, i, i, 0, time.Local)
		_, sum := pack(t, writeFile(t, dir, "bootstrap", binary, mode, mtime))
		sums = append(sums, sum)
	}
	for i, sum := range sums[1:] {
		if sum != sums[0] {
			t.Errorf("pack %d: got sha256 %s, want %s as the first", i+2, sum, sums[0])
		}
	}

	changed := append([]byte{}, binary...)
	changed[len(changed)/2] ^= 1
	if _, sum := pack(t, writeFile(t, t.TempDir(), "bootstrap", changed, 0o755, time.Now())); sum == sums[0] {
		t.Error("a different binary gave the same zip")
	}
}

func TestContents(t *testing.T) {
	dir := t.TempDir()
	out, _ := pack(t, writeFile(t, dir, "bootstrap", binary, 0o700, time.Now()))
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if len(zr.File) != 1 {
		t.Fatalf("got %d entries, want 1", len(zr.File))
	}
	f := zr.File[0]
	if f.Name != "bootstrap" {
		t.Errorf("entry name: got %q, want bootstrap", f.Name)
	}
	if f.Mode() != 0o755 {
		t.Errorf("entry mode: got %v, want -rwxr-xr-x", f.Mode())
	}
	if f.CreatorVersion>>8 != 3 {
		t.Errorf("creator OS: got %d, want 3 (Unix), or Lambda ignores the mode", f.CreatorVersion>>8)
	}
	if !f.Modified.Equal(modified) {
		t.Errorf("entry time: got %v, want %v", f.Modified, modified)
	}
	if f.Method != zip.Deflate || f.CompressedSize64 >= f.UncompressedSize64 {
		t.Errorf("entry is stored with method %d, %d of %d bytes; want deflated smaller", f.Method, f.CompressedSize64, f.UncompressedSize64)
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, binary) {
		t.Error("the entry's content differs from the file")
	}
}

func TestSeveralFilesSortedAndModes(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	b := writeFile(t, dir, "b.txt", []byte("data"), 0o600, now)
	a := writeFile(t, dir, "bootstrap", binary, 0o750, now)
	out1, sum1 := pack(t, b, a)
	_, sum2 := pack(t, a, b)
	if sum1 != sum2 {
		t.Error("the order of the arguments changed the zip")
	}
	zr, err := zip.OpenReader(out1)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var got []string
	for _, f := range zr.File {
		got = append(got, f.Name+" "+f.Mode().String())
	}
	if want := "b.txt -rw-r--r--, bootstrap -rwxr-xr-x"; strings.Join(got, ", ") != want {
		t.Errorf("got entries %q, want %q", strings.Join(got, ", "), want)
	}
}

func TestRefusals(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	first := writeFile(t, dir, "bootstrap", binary, 0o755, time.Now())
	second := writeFile(t, sub, "bootstrap", binary, 0o755, time.Now())
	tests := map[string][]string{
		"no files":       nil,
		"same base name": {first, second},
		"directory":      {sub},
		"missing file":   {filepath.Join(dir, "missing")},
	}
	for name, files := range tests {
		t.Run(name, func(t *testing.T) {
			outDir := t.TempDir()
			if _, _, err := packFiles(filepath.Join(outDir, "fn.zip"), files); err == nil {
				t.Fatal("got no error, want one")
			}
			if left, _ := os.ReadDir(outDir); len(left) != 0 {
				t.Errorf("a failed pack left %d files behind", len(left))
			}
		})
	}
}
