package rotation_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/internal/motoserver"
	"github.com/originlock/originlock/rotation"
)

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func TestRandomGenerator(t *testing.T) {
	for _, length := range []int{rotation.MinValueLength, rotation.DefaultValueLength, rotation.MaxValueLength} {
		gen, err := rotation.NewRandomGenerator(length)
		if err != nil {
			t.Fatalf("NewRandomGenerator(%d): %v", length, err)
		}
		seen := map[string]bool{}
		for range 50 {
			v, err := gen.Generate(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if len(v) != length {
				t.Fatalf("len = %d, want %d", len(v), length)
			}
			if i := strings.IndexFunc(v, func(r rune) bool { return !strings.ContainsRune(alphabet, r) }); i >= 0 {
				t.Fatalf("character %d is outside the alphabet", i)
			}
			if seen[v] {
				t.Fatal("generator repeated a value")
			}
			seen[v] = true
		}
	}
}

// TestRandomGeneratorUniform checks that every character of the alphabet
// turns up about equally often: a modulo bias would favour the first 8.
func TestRandomGeneratorUniform(t *testing.T) {
	gen, _ := rotation.NewRandomGenerator(rotation.MaxValueLength)
	counts := map[rune]int{}
	total := 0
	for range 200 {
		v, _ := gen.Generate(t.Context())
		for _, r := range v {
			counts[r]++
			total++
		}
	}
	want := float64(total) / float64(len(alphabet))
	// Chi-square with 61 degrees of freedom: 130 is far beyond p = 0.0001 (~105).
	chi2 := 0.0
	for _, r := range alphabet {
		d := float64(counts[r]) - want
		chi2 += d * d / want
	}
	if chi2 > 130 {
		t.Errorf("chi-square = %.1f over %d characters, want < 130: not uniform", chi2, total)
	}
}

func TestGeneratorLengthBounds(t *testing.T) {
	for _, n := range []int{0, rotation.MinValueLength - 1, rotation.MaxValueLength + 1} {
		if _, err := rotation.NewRandomGenerator(n); err == nil {
			t.Errorf("NewRandomGenerator(%d) succeeded, want an error", n)
		}
		if _, err := rotation.NewSecretsManagerGenerator(nil, n); err == nil {
			t.Errorf("NewSecretsManagerGenerator(%d) succeeded, want an error", n)
		}
	}
}

func TestSecretsManagerGenerator(t *testing.T) {
	moto := motoserver.ForTest(t)
	sm := secretsmanager.NewFromConfig(moto.AWSConfigForTest(t))
	gen, err := rotation.NewSecretsManagerGenerator(sm, 50)
	if err != nil {
		t.Fatal(err)
	}
	v, err := gen.Generate(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != 50 || strings.Trim(v, alphabet) != "" {
		t.Errorf("got %d characters, some outside letters and digits; want 50 letters and digits", len(v))
	}
}

func ExampleNewRandomGenerator() {
	gen, err := rotation.NewRandomGenerator(rotation.DefaultValueLength)
	if err != nil {
		panic(err)
	}
	v, _ := gen.Generate(context.Background())
	fmt.Println(len(v), strings.Trim(v, alphabet) == "")
	// Output: 64 true
}
