package emf

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

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
