// Command lambdazip packs files into a Lambda deployment package that is
// reproducible byte for byte: the same files give the same zip, whatever
// their timestamps, owners or the umask they were written with. Entries are
// sorted by name, stored with a fixed timestamp (1980-01-01 00:00 UTC) and
// Unix mode 0755 if the file is executable by anyone, 0644 otherwise, and
// compressed with Go's deflate at the best level (so the output also
// depends on the Go version, as the binaries it packs do).
//
// Usage:
//
//	lambdazip -o OUT.zip FILE...
//
// Each FILE is stored under its base name; for the provided.al2023 runtime,
// pass one executable named bootstrap. The zip is written to a temporary
// file and renamed into place, so OUT.zip is never left half-written. On
// success it prints OUT.zip, its size and its SHA-256.
//
// scripts/build-lambdas runs it.
package main

import (
	"archive/zip"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// modified is every entry's timestamp: the earliest a zip can record.
var modified = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

func main() {
	out := flag.String("o", "", "the zip file to write")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: lambdazip -o OUT.zip FILE...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	sum, size, err := packFiles(*out, flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "lambdazip:", err)
		os.Exit(1)
	}
	fmt.Printf("%s  %d bytes  sha256 %s\n", *out, size, sum)
}

// entry is one file of the package.
type entry struct {
	name string
	mode fs.FileMode
	data []byte
}

// packFiles writes the zip of files to out and returns its SHA-256 (hex) and
// size.
func packFiles(out string, files []string) (sum string, size int64, err error) {
	entries := make([]entry, 0, len(files))
	for _, path := range files {
		e, err := readEntry(path)
		if err != nil {
			return "", 0, err
		}
		entries = append(entries, e)
	}

	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp-*")
	if err != nil {
		return "", 0, err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	counter := &countingWriter{w: io.MultiWriter(tmp, h)}
	if err := write(counter, entries); err != nil {
		_ = tmp.Close()
		return "", 0, err
	}
	if err := tmp.Close(); err != nil {
		return "", 0, err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // #nosec G302 -- a deployment package, as readable as any build output
		return "", 0, err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), counter.n, nil
}

func readEntry(path string) (entry, error) {
	info, err := os.Stat(path)
	if err != nil {
		return entry{}, err
	}
	if !info.Mode().IsRegular() {
		return entry{}, fmt.Errorf("%s is not a regular file", path)
	}
	data, err := os.ReadFile(path) // #nosec G304 -- the files to pack are this tool's arguments
	if err != nil {
		return entry{}, err
	}
	mode := fs.FileMode(0o644)
	if info.Mode().Perm()&0o111 != 0 {
		mode = 0o755
	}
	return entry{name: filepath.Base(path), mode: mode, data: data}, nil
}

// write writes the zip of entries to w, sorted by name. The output depends
// only on the entries' names, modes and contents.
func write(w io.Writer, entries []entry) error {
	entries = slices.Clone(entries)
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	for i := 1; i < len(entries); i++ {
		if entries[i].name == entries[i-1].name {
			return fmt.Errorf("two files are named %s", entries[i].name)
		}
	}
	if len(entries) == 0 {
		return errors.New("no files to pack")
	}

	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestCompression)
	})
	for _, e := range entries {
		hdr := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: modified}
		hdr.SetMode(e.mode)
		f, err := zw.CreateHeader(hdr)
		if err != nil {
			return err
		}
		if _, err := f.Write(e.data); err != nil {
			return err
		}
	}
	return zw.Close()
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
