//go:build terraform

package terraform

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
)

// isAlnum reports whether s is n ASCII letters and digits.
func isAlnum(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// keys lists a map's keys, sorted: what a message may show of a secret.
func keys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// trimScheme turns an https URL of a host into the host name.
func trimScheme(u string) string {
	return strings.TrimSuffix(strings.TrimPrefix(u, "https://"), "/")
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// placeholderZip is a zip holding one file named bootstrap: a package moto
// accepts for a function it never runs.
func placeholderZip(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	f, err := z.Create("bootstrap")
	if err == nil {
		_, err = f.Write([]byte("#!/bin/sh\n"))
	}
	if err == nil {
		err = z.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
