package emf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Document is one EMF document, as Parse reads it.
type Document struct {
	Timestamp  time.Time
	Directives []Directive
	// Members are the root node's members other than _aws.
	Members map[string]json.RawMessage
}

// Directive is a MetricDirective: which root members are metrics and which
// dimensions they have.
type Directive struct {
	Namespace  string
	Dimensions [][]string
	Metrics    []MetricDefinition
}

// MetricDefinition names a metric member and its unit.
type MetricDefinition struct {
	Name              string
	Unit              Unit `json:",omitempty"`
	StorageResolution int  `json:",omitempty"`
}

// Metric is one metric a document publishes: for each directive, each
// metric with each of its dimension sets.
type Metric struct {
	Namespace  string
	Name       string
	Unit       Unit
	Dimensions []Dimension
	Values     []float64
}

// ErrNotEMF is returned by Parse for a line that is not an EMF document at
// all (not a JSON object, or no _aws member): most log lines.
var ErrNotEMF = errors.New("emf: not an EMF document")

// Parse reads one log line as an EMF document and checks it against the
// specification: a JSON object and nothing else; _aws with an integer
// Timestamp in milliseconds and a non-empty CloudWatchMetrics array and no
// other member; each directive with a Namespace of 1 to 255 characters, at
// least one dimension set of at most MaxDimensions names of 1 to 255
// characters, each the name of a root member holding a string, and at most
// MaxMetrics metric definitions, each naming a root member that holds a
// number or an array of 1 to MaxValues numbers, with a CloudWatch unit and a
// StorageResolution of 1 or 60 if any. A line that is not a JSON object with
// an _aws member gives ErrNotEMF; an EMF document that breaks a rule gives
// an error naming it.
func Parse(line []byte) (*Document, error) {
	var root map[string]json.RawMessage
	if err := json.Unmarshal(line, &root); err != nil {
		return nil, ErrNotEMF
	}
	raw, ok := root["_aws"]
	if !ok {
		return nil, ErrNotEMF
	}
	delete(root, "_aws")
	var meta struct {
		Timestamp         json.RawMessage
		CloudWatchMetrics []json.RawMessage
	}
	if err := strict(raw, &meta, "Timestamp", "CloudWatchMetrics"); err != nil {
		return nil, fmt.Errorf("emf: _aws: %w", err)
	}
	ms, err := strconv.ParseInt(string(meta.Timestamp), 10, 64) // a JSON integer, not a string
	if err != nil || ms < 0 {
		return nil, fmt.Errorf("emf: _aws.Timestamp %q: want milliseconds since 1970 as an integer", meta.Timestamp)
	}
	if len(meta.CloudWatchMetrics) == 0 {
		return nil, errors.New("emf: _aws.CloudWatchMetrics: want at least one directive")
	}
	doc := &Document{Timestamp: time.UnixMilli(ms), Members: root}
	for i, r := range meta.CloudWatchMetrics {
		var d Directive
		if err := strict(r, &d, "Namespace", "Dimensions", "Metrics"); err != nil {
			return nil, fmt.Errorf("emf: directive %d: %w", i, err)
		}
		if err := doc.check(d); err != nil {
			return nil, fmt.Errorf("emf: directive %d: %w", i, err)
		}
		doc.Directives = append(doc.Directives, d)
	}
	return doc, nil
}

// strict decodes the JSON object data into v, requiring every member of
// required and refusing members v does not have.
func strict(data []byte, v any, required ...string) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return errors.New("not a JSON object")
	}
	for _, name := range required {
		if _, ok := members[name]; !ok {
			return fmt.Errorf("member %s missing", name)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	return nil
}

func (doc *Document) check(d Directive) error {
	if err := checkNamespace(d.Namespace); err != nil {
		return err
	}
	if len(d.Dimensions) == 0 {
		return errors.New("member Dimensions: want at least one dimension set")
	}
	for _, set := range d.Dimensions {
		if len(set) > MaxDimensions {
			return fmt.Errorf("a dimension set has %d names, want at most %d", len(set), MaxDimensions)
		}
		for _, name := range set {
			if err := checkName("dimension", name); err != nil {
				return err
			}
			var s string
			if json.Unmarshal(doc.Members[name], &s) != nil {
				return fmt.Errorf("dimension %s: want a root member holding a string", name)
			}
		}
	}
	if len(d.Metrics) == 0 || len(d.Metrics) > MaxMetrics {
		return fmt.Errorf("member Metrics: %d definitions, want 1 to %d", len(d.Metrics), MaxMetrics)
	}
	for _, m := range d.Metrics {
		if err := checkName("metric", m.Name); err != nil {
			return err
		}
		if m.Unit != "" && !units[m.Unit] {
			return fmt.Errorf("metric %s: unit %q is not a CloudWatch unit", m.Name, m.Unit)
		}
		if m.StorageResolution != 0 && m.StorageResolution != 1 && m.StorageResolution != 60 {
			return fmt.Errorf("metric %s: StorageResolution %d, want 1 or 60", m.Name, m.StorageResolution)
		}
		if _, err := doc.values(m.Name); err != nil {
			return err
		}
	}
	return nil
}

// values reads the metric member name: a number or an array of 1 to
// MaxValues numbers.
func (doc *Document) values(name string) ([]float64, error) {
	raw, ok := doc.Members[name]
	if !ok {
		return nil, fmt.Errorf("metric %s: no root member holds its value", name)
	}
	var v float64
	if json.Unmarshal(raw, &v) == nil {
		return []float64{v}, nil
	}
	var vs []float64
	if json.Unmarshal(raw, &vs) != nil || len(vs) == 0 || len(vs) > MaxValues {
		return nil, fmt.Errorf("metric %s: want a number or an array of 1 to %d numbers", name, MaxValues)
	}
	return vs, nil
}

// Metrics lists the metrics the document publishes.
func (doc *Document) Metrics() []Metric {
	var out []Metric
	for _, d := range doc.Directives {
		for _, set := range d.Dimensions {
			dims := make([]Dimension, 0, len(set))
			for _, name := range set {
				var v string
				_ = json.Unmarshal(doc.Members[name], &v)
				dims = append(dims, Dimension{name, v})
			}
			for _, m := range d.Metrics {
				vs, _ := doc.values(m.Name)
				unit := m.Unit
				if unit == "" {
					unit = None
				}
				out = append(out, Metric{Namespace: d.Namespace, Name: m.Name, Unit: unit, Dimensions: dims, Values: vs})
			}
		}
	}
	return out
}

// Dimension returns the value of the dimension name, or "".
func (m Metric) Dimension(name string) string {
	for _, d := range m.Dimensions {
		if d.Name == name {
			return d.Value
		}
	}
	return ""
}

// Sum is the sum of the metric's values.
func (m Metric) Sum() float64 {
	var s float64
	for _, v := range m.Values {
		s += v
	}
	return s
}
