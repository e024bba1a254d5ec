package emf

import (
	"fmt"
	"math"
	"sync"
)

// maxErrors bounds the errors a Batch keeps until Flush.
const maxErrors = 16

// Batch collects the metrics of one unit of work until Flush. It is safe
// for concurrent use.
type Batch struct {
	l  *Logger
	mu sync.Mutex
	// series[:n] are in use; the rest keep their slices for reuse.
	series []series
	n      int
	errs   []error
	// dropped counts the errors not kept in errs.
	dropped int
	// Scratch space of Flush, kept for reuse.
	buf   []byte
	parts []part
	docs  []doc
}

// series is one metric with one set of dimension values.
type series struct {
	name   string
	unit   Unit
	dims   []Dimension // the metric's own, after the Logger's
	count  bool        // a sum (Count) rather than a distribution (Value)
	sum    float64
	values []float64
}

// Count adds n to the metric name (unit Count) with dims: a Batch's counts
// with the same name and dimensions are summed. Adding 0 makes the metric
// appear with 0, so that an alarm sees data.
func (b *Batch) Count(name string, n float64, dims ...Dimension) {
	b.record(name, Count, true, n, dims)
}

// Value adds one value of the distribution name (latency, size) in unit with
// dims. A Batch keeps every value; CloudWatch computes the statistics.
func (b *Batch) Value(name string, unit Unit, v float64, dims ...Dimension) {
	b.record(name, unit, false, v, dims)
}

func (b *Batch) record(name string, unit Unit, count bool, v float64, dims []Dimension) {
	if err := b.check(name, unit, v, dims); err != nil {
		b.fail(err)
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := range b.series[:b.n] {
		s := &b.series[i]
		if s.name != name || !sameDims(s.dims, dims) {
			continue
		}
		if s.unit != unit || s.count != count {
			b.failLocked(fmt.Errorf("emf: metric %s recorded with unit %s and %s", name, s.unit, unit))
			return
		}
		s.add(v)
		return
	}
	if b.n == len(b.series) {
		b.series = append(b.series, series{})
	}
	s := &b.series[b.n]
	b.n++
	s.name, s.unit, s.count, s.sum = name, unit, count, 0
	s.dims = append(s.dims[:0], dims...)
	s.values = s.values[:0]
	s.add(v)
}

func (s *series) add(v float64) {
	if s.count {
		s.sum += v
	} else {
		s.values = append(s.values, v)
	}
}

func (b *Batch) check(name string, unit Unit, v float64, dims []Dimension) error {
	if err := checkName("metric", name); err != nil {
		return fmt.Errorf("emf: %w", err)
	}
	if !units[unit] {
		return fmt.Errorf("emf: metric %s: unit %q is not a CloudWatch unit", name, unit)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("emf: metric %s: value is not a finite number", name)
	}
	if len(dims)+len(b.l.dims) > MaxDimensions {
		return fmt.Errorf("emf: metric %s: %d dimensions, want at most %d", name, len(dims)+len(b.l.dims), MaxDimensions)
	}
	for i, d := range dims {
		if err := checkDimension(d); err != nil {
			return fmt.Errorf("emf: metric %s: %w", name, err)
		}
		if d.Name == name {
			return fmt.Errorf("emf: metric %s: a dimension has the metric's name", name)
		}
		for _, e := range dims[:i] {
			if e.Name == d.Name {
				return fmt.Errorf("emf: metric %s: dimension %s given twice", name, d.Name)
			}
		}
		for _, e := range b.l.dims {
			if e.Name == d.Name {
				return fmt.Errorf("emf: metric %s: dimension %s is also one of the Logger's", name, d.Name)
			}
		}
	}
	for _, p := range b.l.props {
		if p.Name == name {
			return fmt.Errorf("emf: metric %s has the name of a property", name)
		}
		for _, d := range dims {
			if p.Name == d.Name {
				return fmt.Errorf("emf: metric %s: dimension %s has the name of a property", name, d.Name)
			}
		}
	}
	for _, d := range b.l.dims {
		if d.Name == name {
			return fmt.Errorf("emf: metric %s has the name of one of the Logger's dimensions", name)
		}
	}
	return nil
}

func (b *Batch) fail(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failLocked(err)
}

func (b *Batch) failLocked(err error) {
	if len(b.errs) < maxErrors {
		b.errs = append(b.errs, err)
	} else {
		b.dropped++
	}
}

// sameDims reports whether a and b hold the same dimensions, in any order.
func sameDims(a, b []Dimension) bool {
	if len(a) != len(b) {
		return false
	}
	for _, d := range a {
		found := false
		for _, e := range b {
			if d == e {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// sameNames reports whether a and b have the same dimension names, in any
// order.
func sameNames(a, b []Dimension) bool {
	if len(a) != len(b) {
		return false
	}
	for _, d := range a {
		found := false
		for _, e := range b {
			if d.Name == e.Name {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Empty reports whether the Batch holds no metric and no error.
func (b *Batch) Empty() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.n == 0 && len(b.errs) == 0 && b.dropped == 0
}

// Release returns a flushed Batch to its Logger's pool; the caller must not
// use it afterwards. Metrics not flushed are lost.
func (b *Batch) Release() {
	if b == b.l.background {
		return
	}
	b.mu.Lock()
	b.n, b.errs, b.dropped = 0, b.errs[:0], 0
	b.mu.Unlock()
	b.l.pool.Put(b)
}
