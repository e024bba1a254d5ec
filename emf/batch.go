package emf

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
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

// part is one document's share of a series: a count, or up to MaxValues of
// a distribution's values.
type part struct {
	s      *series
	values []float64
}

// doc is the parts one document holds.
type doc struct{ parts []part }

// fits reports whether p can join d: no member name twice, and each
// dimension with one value.
func (d *doc) fits(p part) bool {
	if len(d.parts) >= MaxMetrics {
		return false
	}
	for _, q := range d.parts {
		if q.s.name == p.s.name {
			return false
		}
		for _, dim := range p.s.dims {
			if dim.Name == q.s.name {
				return false
			}
			for _, e := range q.s.dims {
				if e.Name == dim.Name && e.Value != dim.Value {
					return false
				}
			}
		}
		for _, e := range q.s.dims {
			if e.Name == p.s.name {
				return false
			}
		}
	}
	return true
}

// Flush writes the Batch's metrics, as few documents as their dimension
// values allow (one line each, in one Write), and empties it. The error
// joins every metric left out since the last Flush (bad names or values)
// and the write's error.
func (b *Batch) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	err := errors.Join(b.errs...)
	if b.dropped > 0 {
		err = errors.Join(err, fmt.Errorf("emf: %d more metrics left out", b.dropped))
	}
	b.errs, b.dropped = b.errs[:0], 0
	if b.n == 0 {
		return err
	}
	b.parts = b.parts[:0]
	for i := range b.series[:b.n] {
		s := &b.series[i]
		if s.count {
			b.parts = append(b.parts, part{s: s})
			continue
		}
		for v := s.values; len(v) > 0; {
			k := min(len(v), MaxValues)
			b.parts = append(b.parts, part{s: s, values: v[:k]})
			v = v[k:]
		}
	}
	for i := range b.docs {
		b.docs[i].parts = b.docs[i].parts[:0]
	}
	ndocs := 0
	for _, p := range b.parts {
		placed := false
		for i := range b.docs[:ndocs] {
			if b.docs[i].fits(p) {
				b.docs[i].parts = append(b.docs[i].parts, p)
				placed = true
				break
			}
		}
		if !placed {
			if ndocs == len(b.docs) {
				b.docs = append(b.docs, doc{})
			}
			b.docs[ndocs].parts = append(b.docs[ndocs].parts, p)
			ndocs++
		}
	}
	ts := b.l.clock.Now().UnixMilli()
	buf := b.buf[:0]
	for i := range b.docs[:ndocs] {
		buf = b.l.appendDoc(buf, ts, b.docs[i].parts)
	}
	b.buf = buf
	b.n = 0
	return errors.Join(err, b.l.write(buf))
}

// appendDoc appends one document, and a newline, to buf.
func (l *Logger) appendDoc(buf []byte, ts int64, parts []part) []byte {
	buf = append(buf, `{"_aws":{"Timestamp":`...)
	buf = strconv.AppendInt(buf, ts, 10)
	buf = append(buf, `,"CloudWatchMetrics":[`...)
	// One directive per set of dimension names, in first-seen order.
	for i, p := range parts {
		first := true
		for _, q := range parts[:i] {
			if sameNames(q.s.dims, p.s.dims) {
				first = false
				break
			}
		}
		if !first {
			continue
		}
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, l.directive...)
		n := len(l.dims)
		for _, d := range p.s.dims {
			buf = appendSep(buf, n)
			buf = appendString(buf, d.Name)
			n++
		}
		buf = append(buf, `]],"Metrics":[`...)
		m := 0
		for _, q := range parts[i:] {
			if !sameNames(q.s.dims, p.s.dims) {
				continue
			}
			buf = appendSep(buf, m)
			buf = append(buf, `{"Name":`...)
			buf = appendString(buf, q.s.name)
			buf = append(buf, `,"Unit":`...)
			buf = appendString(buf, string(q.s.unit))
			buf = append(buf, '}')
			m++
		}
		buf = append(buf, "]}"...)
	}
	buf = append(buf, "]}"...)
	member := func(name string) {
		buf = append(buf, ',')
		buf = appendString(buf, name)
		buf = append(buf, ':')
	}
	buf = append(buf, l.members...)
	for i, p := range parts {
		for _, d := range p.s.dims {
			seen := false
			for _, q := range parts[:i] {
				for _, e := range q.s.dims {
					seen = seen || e.Name == d.Name
				}
			}
			if !seen {
				member(d.Name)
				buf = appendString(buf, d.Value)
			}
		}
	}
	for _, p := range parts {
		member(p.s.name)
		if p.s.count {
			buf = appendNumber(buf, p.s.sum)
			continue
		}
		if len(p.values) == 1 {
			buf = appendNumber(buf, p.values[0])
			continue
		}
		buf = append(buf, '[')
		for j, v := range p.values {
			buf = appendSep(buf, j)
			buf = appendNumber(buf, v)
		}
		buf = append(buf, ']')
	}
	return append(buf, "}\n"...)
}

func appendSep(buf []byte, i int) []byte {
	if i > 0 {
		return append(buf, ',')
	}
	return buf
}

// appendString appends s as a JSON string. s is printable ASCII (checked
// when recorded), so only quotes and backslashes need escaping.
func appendString(buf []byte, s string) []byte {
	if strings.IndexByte(s, '"') < 0 && strings.IndexByte(s, '\\') < 0 {
		buf = append(buf, '"')
		buf = append(buf, s...)
		return append(buf, '"')
	}
	return strconv.AppendQuote(buf, s) // Go quotes printable ASCII as JSON does
}

// appendNumber appends v as a JSON number: integers without a fraction or
// exponent up to 2^53, others in the shortest form that reads back as v.
func appendNumber(buf []byte, v float64) []byte {
	if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
		return strconv.AppendInt(buf, int64(v), 10)
	}
	return strconv.AppendFloat(buf, v, 'g', -1, 64)
}
