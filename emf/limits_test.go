package emf_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/originlock/originlock/emf"
)

func TestFlushLimits(t *testing.T) {
	t.Run("values", func(t *testing.T) {
		var out bytes.Buffer
		b := newLogger(t, &out).NewBatch()
		for i := range 250 {
			b.Value("Latency", emf.Milliseconds, float64(i))
		}
		if err := b.Flush(); err != nil {
			t.Fatal(err)
		}
		docs := parseAll(t, out.String())
		var sizes []int
		sum := 0.0
		for _, d := range docs {
			for _, m := range d.Metrics() {
				sizes = append(sizes, len(m.Values))
				sum += m.Sum()
			}
		}
		if fmt.Sprint(sizes) != "[100 100 50]" || sum != 249*250/2 {
			t.Errorf("value arrays of %v summing to %v, want [100 100 50] summing to %v", sizes, sum, 249*250/2)
		}
	})
	t.Run("metrics", func(t *testing.T) {
		var out bytes.Buffer
		b := newLogger(t, &out).NewBatch()
		for i := range 150 {
			b.Count(fmt.Sprintf("M%03d", i), 1)
		}
		if err := b.Flush(); err != nil {
			t.Fatal(err)
		}
		docs := parseAll(t, out.String())
		n := 0
		for _, d := range docs {
			m := len(d.Metrics())
			if m > emf.MaxMetrics {
				t.Errorf("a document declares %d metrics", m)
			}
			n += m
		}
		if len(docs) != 2 || n != 150 {
			t.Errorf("got %d documents with %d metrics, want 2 with 150", len(docs), n)
		}
	})
	t.Run("dimensions", func(t *testing.T) {
		var out bytes.Buffer
		b := newLogger(t, &out).NewBatch()
		var dims []emf.Dimension
		for i := range emf.MaxDimensions - 1 { // the Logger's FunctionName makes 30
			dims = append(dims, emf.Dimension{Name: fmt.Sprintf("D%d", i), Value: "v"})
		}
		b.Count("Fits", 1, dims...)
		b.Count("TooMany", 1, append(dims, emf.Dimension{Name: "D99", Value: "v"})...)
		err := b.Flush()
		if err == nil || !strings.Contains(err.Error(), "TooMany") {
			t.Errorf("got error %v, want one naming TooMany", err)
		}
		docs := parseAll(t, out.String())
		if got := totals(docs); len(got) != 1 || len(docs[0].Directives[0].Dimensions[0]) != emf.MaxDimensions {
			t.Errorf("got %v, want only Fits with %d dimensions", got, emf.MaxDimensions)
		}
	})
}

// TestRandomBatchesAreValid records random metrics and checks that every
// document Flush writes is valid and that no count or value is lost.
func TestRandomBatchesAreValid(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 100 {
		var out bytes.Buffer
		b := newLogger(t, &out, emf.WithProperty("level", "WARN")).NewBatch()
		want := map[string]float64{}
		for range rng.IntN(300) + 1 {
			name := fmt.Sprintf("M%d", rng.IntN(120))
			var dims []emf.Dimension
			for d := range rng.IntN(3) {
				dims = append(dims, emf.Dimension{Name: fmt.Sprintf("D%d", d+rng.IntN(2)), Value: fmt.Sprintf("v%d", rng.IntN(3))})
			}
			if len(dims) == 2 && dims[0].Name == dims[1].Name {
				dims = dims[:1]
			}
			v := float64(rng.IntN(1000)) / 4
			m := emf.Metric{Name: name, Dimensions: append([]emf.Dimension{{Name: "FunctionName", Value: "fn"}}, dims...)}
			if name[1]%2 == 0 {
				b.Count(name, v, dims...)
			} else {
				b.Value(name, emf.Milliseconds, v, dims...)
			}
			want[key(m)] += v
		}
		if err := b.Flush(); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		got := totals(parseAll(t, out.String()))
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("round %d: got %v\nwant %v", round, got, want)
		}
	}
}
