package emf

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Limits of the specification this package keeps to.
const (
	// MaxMetrics is the most metrics one document declares (the
	// specification's limit per directive, kept per document).
	MaxMetrics = 100
	// MaxDimensions is the most dimensions a metric has, the Logger's
	// included.
	MaxDimensions = 30
	// MaxValues is the most values one metric member holds; a distribution
	// with more continues in another document.
	MaxValues = 100
	// maxName bounds namespace, metric and dimension names; maxValue bounds
	// dimension values (CloudWatch's limits).
	maxName  = 255
	maxValue = 1024
)

// Unit is a CloudWatch metric unit.
type Unit string

// Units this package's callers use; any unit CloudWatch's MetricDatum
// accepts may be given.
const (
	Count        Unit = "Count"
	Milliseconds Unit = "Milliseconds"
	Seconds      Unit = "Seconds"
	None         Unit = "None"
)

// units are the units MetricDatum accepts.
var units = map[Unit]bool{
	"Seconds": true, "Microseconds": true, "Milliseconds": true, "Bytes": true, "Kilobytes": true,
	"Megabytes": true, "Gigabytes": true, "Terabytes": true, "Bits": true, "Kilobits": true, "Megabits": true,
	"Gigabits": true, "Terabits": true, "Percent": true, "Count": true, "Bytes/Second": true,
	"Kilobytes/Second": true, "Megabytes/Second": true, "Gigabytes/Second": true, "Terabytes/Second": true,
	"Bits/Second": true, "Kilobits/Second": true, "Megabits/Second": true, "Gigabits/Second": true,
	"Terabits/Second": true, "Count/Second": true, "None": true,
}

// Dimension is a dimension's name and value. Keep values low-cardinality:
// every distinct combination is a separate CloudWatch metric, billed.
type Dimension struct {
	Name, Value string
}

// Clock is the time source: clock.Clock and the test clocks satisfy it.
type Clock interface{ Now() time.Time }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Option configures a Logger.
type Option func(*Logger) error

// WithDimensions adds dimensions to every metric (at most MaxDimensions
// with the metric's own).
func WithDimensions(dims ...Dimension) Option {
	return func(l *Logger) error {
		for _, d := range dims {
			if err := checkDimension(d); err != nil {
				return fmt.Errorf("emf: WithDimensions: %w", err)
			}
		}
		l.dims = append(l.dims, dims...)
		if len(l.dims) > MaxDimensions {
			return fmt.Errorf("emf: WithDimensions: %d dimensions, want at most %d", len(l.dims), MaxDimensions)
		}
		return nil
	}
}

// WithProperty adds a string member to every document that is not a
// metric nor a dimension (the specification allows other members). A Lambda
// function whose log level filter is above INFO sets "level" so that Lambda
// does not drop its metrics.
func WithProperty(name, value string) Option {
	return func(l *Logger) error {
		if err := checkDimension(Dimension{name, value}); err != nil {
			return fmt.Errorf("emf: WithProperty: %w", err)
		}
		l.props = append(l.props, Dimension{name, value})
		return nil
	}
}

// WithClock sets the time source of the documents' timestamps (default:
// the system clock).
func WithClock(c Clock) Option {
	return func(l *Logger) error {
		if c == nil {
			return errors.New("emf: WithClock: nil clock")
		}
		l.clock = c
		return nil
	}
}

// WithErrorHandler sets what Wrap does with a Flush error (default:
// nothing; the metric that caused it is left out, the others are written).
func WithErrorHandler(f func(error)) Option {
	return func(l *Logger) error {
		if f == nil {
			return errors.New("emf: WithErrorHandler: nil function")
		}
		l.onError = f
		return nil
	}
}

// Logger writes EMF documents to one writer. It is safe for concurrent
// use: documents are written whole, one Write call per Flush.
type Logger struct {
	w         io.Writer
	namespace string
	dims      []Dimension
	props     []Dimension
	clock     Clock
	onError   func(error)
	// directive is the start of every directive, up to the Logger's
	// dimension names; members are the Logger's dimensions and properties
	// as root members, each preceded by a comma. Both are encoded once.
	directive, members []byte

	wmu        sync.Mutex
	pool       sync.Pool
	background *Batch
}

// New returns a Logger that writes documents for namespace to w (os.Stdout
// in a Lambda function).
func New(w io.Writer, namespace string, opts ...Option) (*Logger, error) {
	if w == nil {
		return nil, errors.New("emf: New: nil writer")
	}
	if err := checkNamespace(namespace); err != nil {
		return nil, fmt.Errorf("emf: %w", err)
	}
	l := &Logger{w: w, namespace: namespace, clock: systemClock{}, onError: func(error) {}}
	for _, o := range opts {
		if err := o(l); err != nil {
			return nil, err
		}
	}
	for _, p := range l.props {
		for _, d := range l.dims {
			if p.Name == d.Name {
				return nil, fmt.Errorf("emf: property %q is also a dimension", p.Name)
			}
		}
	}
	l.directive = append(appendString(append([]byte(nil), `{"Namespace":`...), namespace), `,"Dimensions":[[`...)
	for i, d := range l.dims {
		l.directive = appendString(appendSep(l.directive, i), d.Name)
	}
	for _, d := range append(l.dims[:len(l.dims):len(l.dims)], l.props...) {
		l.members = appendString(append(appendString(append(l.members, ','), d.Name), ':'), d.Value)
	}
	l.pool.New = func() any { return &Batch{l: l} }
	l.background = &Batch{l: l}
	return l, nil
}

// NewBatch returns an empty Batch for one unit of work. Release returns it
// to the Logger's pool once flushed.
func (l *Logger) NewBatch() *Batch { return l.pool.Get().(*Batch) }

// Background is the Logger's own Batch, for metrics recorded outside any
// unit of work (during a Lambda function's init, say). Wrap flushes it after
// each invocation when it holds anything; Flush writes it at other times.
func (l *Logger) Background() *Batch { return l.background }

// Flush writes the Background batch.
func (l *Logger) Flush() error { return l.background.Flush() }

// write writes one Flush's documents.
func (l *Logger) write(p []byte) error {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	_, err := l.w.Write(p)
	return err
}

// checkNamespace applies CloudWatch's rules: 1 to 255 characters among
// letters, digits, ". - _ / # : " and space, not starting with "AWS/".
func checkNamespace(ns string) error {
	if ns == "" || len(ns) > maxName {
		return fmt.Errorf("namespace %q: want 1 to %d characters", ns, maxName)
	}
	if strings.HasPrefix(ns, "AWS/") {
		return fmt.Errorf("namespace %q: AWS/ is reserved for AWS services", ns)
	}
	for i := 0; i < len(ns); i++ {
		c := ns[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(".-_/#: ", c) >= 0) {
			return fmt.Errorf("namespace %q: character %q not allowed (letters, digits, . - _ / # : and space)", ns, c)
		}
	}
	return nil
}

// checkName checks a metric or dimension name: 1 to 255 printable ASCII
// characters, not "_aws". It and checkDimension leave the "emf: " prefix to
// their callers.
func checkName(what, name string) error {
	switch {
	case name == "" || len(name) > maxName:
		return fmt.Errorf("%s name %q: want 1 to %d characters", what, name, maxName)
	case name == "_aws":
		return fmt.Errorf("%s name _aws is the metadata member", what)
	case !printable(name):
		return fmt.Errorf("%s name %q: want printable ASCII", what, name)
	}
	return nil
}

// checkDimension checks a dimension: a valid name, and a value of 1 to 1024
// printable ASCII characters, not all spaces.
func checkDimension(d Dimension) error {
	if err := checkName("dimension", d.Name); err != nil {
		return err
	}
	if len(d.Value) > maxValue || strings.TrimSpace(d.Value) == "" || !printable(d.Value) {
		return fmt.Errorf("dimension %s: want a value of 1 to %d printable ASCII characters, not all spaces", d.Name, maxValue)
	}
	return nil
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
