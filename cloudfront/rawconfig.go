package cloudfront

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The raw patch: OriginHeader sends back the bytes GetDistributionConfig
// returned, with edits at exactly the places its header lives. The scanner
// below walks the XML once with encoding/xml, keeping the byte offsets of the
// few elements it needs; everything else (elements this SDK does not know,
// their order, namespaces, comments, entities, whitespace) is copied as is.

// Paths, relative to the root DistributionConfig, of what the scanner needs.
const (
	pathOrigin       = "/Origins/Items/Origin"
	pathOriginChild  = pathOrigin + "/"
	pathHeaders      = pathOrigin + "/CustomHeaders"
	pathQuantity     = pathHeaders + "/Quantity"
	pathHeaderItems  = pathHeaders + "/Items"
	pathHeader       = pathHeaderItems + "/OriginCustomHeader"
	pathHeaderName   = pathHeader + "/HeaderName"
	pathHeaderValue  = pathHeader + "/HeaderValue"
	foreignComponent = "/\x00" // an element outside CloudFront's namespace: nothing below it matches
)

// maxDepth bounds the nesting the scanner accepts (a DistributionConfig is
// about ten levels deep), and with it the memory its paths take.
const maxDepth = 100

// span is where one element sits in the raw XML: [start, startEnd) is its
// start tag, [endStart, end) its end tag (empty for <a/>).
type span struct {
	start, startEnd, endStart, end int
}

func (s span) selfClosing() bool { return s.endStart == s.end }

type rawHeader struct {
	name, value string
	valueSpan   *span
}

type rawOrigin struct {
	id       string
	span     span
	afterID  int // where a missing CustomHeaders goes: after Id, DomainName or OriginPath
	headers  *span
	quantity *span
	qtyText  string
	items    *span
	list     []rawHeader
}

// scanConfig finds the origins of a DistributionConfig document.
func scanConfig(raw []byte) ([]*rawOrigin, error) {
	d := xml.NewDecoder(bytes.NewReader(raw))
	type frame struct {
		path  string
		start span
	}
	var (
		stack   []frame
		rootNS  string
		sawRoot bool
		origins []*rawOrigin
		cur     *rawOrigin
		hdr     *rawHeader
		text    strings.Builder
	)
	for {
		off := int(d.InputOffset())
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not well-formed XML: %w", err)
		}
		after := int(d.InputOffset())
		switch tok := tok.(type) {
		case xml.StartElement:
			var path string
			switch {
			case len(stack) == 0:
				if tok.Name.Local != "DistributionConfig" {
					return nil, fmt.Errorf("root element is %s, want DistributionConfig", tok.Name.Local)
				}
				rootNS, sawRoot = tok.Name.Space, true
			case tok.Name.Space != rootNS || strings.HasSuffix(stack[len(stack)-1].path, foreignComponent):
				path = stack[len(stack)-1].path + foreignComponent
			default:
				path = stack[len(stack)-1].path + "/" + tok.Name.Local
			}
			if len(stack) >= maxDepth {
				return nil, fmt.Errorf("elements nested deeper than %d", maxDepth)
			}
			stack = append(stack, frame{path: path, start: span{start: off, startEnd: after}})
			text.Reset()
			switch path {
			case pathOrigin:
				cur = &rawOrigin{span: span{start: off, startEnd: after}}
				origins = append(origins, cur)
			case pathHeader:
				cur.list = append(cur.list, rawHeader{})
				hdr = &cur.list[len(cur.list)-1]
			}
		case xml.CharData:
			text.Write(tok)
		case xml.EndElement:
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			s := f.start
			s.endStart, s.end = off, after
			switch f.path {
			case pathOrigin:
				cur.span = s
				cur = nil
			case pathOriginChild + "Id":
				cur.id = text.String()
				cur.afterID = max(cur.afterID, s.end)
			case pathOriginChild + "DomainName", pathOriginChild + "OriginPath":
				cur.afterID = max(cur.afterID, s.end)
			case pathHeaders:
				cur.headers = &s
			case pathQuantity:
				cur.quantity, cur.qtyText = &s, text.String()
			case pathHeaderItems:
				cur.items = &s
			case pathHeaderName:
				hdr.name = text.String()
			case pathHeaderValue:
				hdr.value, hdr.valueSpan = text.String(), &s
			case pathHeader:
				hdr = nil
			}
			text.Reset()
		}
	}
	if !sawRoot {
		return nil, errors.New("no DistributionConfig element")
	}
	return origins, nil
}

// edit replaces raw[from:to] with text.
type edit struct {
	from, to int
	text     string
}

// originPatch is what the patch does to one selected origin.
type originPatch struct {
	ID      string
	Changed bool
	// Added: the origin had no such header and gets one.
	Added bool
	// Headers and Size are the origin's custom header count and the length
	// of all its header names and values, in characters, after the patch.
	Headers, Size int
}

// patchConfig returns raw with header name set to value on the origins ids
// names: every header matching name case-insensitively gets value; an origin
// without one gets one OriginCustomHeader appended and its Quantity
// incremented. Nothing else changes. It reports what happened per origin, in
// the order of ids.
func patchConfig(raw []byte, ids []string, name, value string) ([]byte, []originPatch, error) {
	origins, err := scanConfig(raw)
	if err != nil {
		return nil, nil, err
	}
	var edits []edit
	patches := make([]originPatch, 0, len(ids))
	for _, id := range ids {
		var o *rawOrigin
		for _, c := range origins {
			if c.id == id {
				if o != nil {
					return nil, nil, fmt.Errorf("origin %s appears twice", id)
				}
				o = c
			}
		}
		if o == nil {
			return nil, nil, fmt.Errorf("origin %s not found in the XML", id)
		}
		e, p, err := patchOrigin(raw, o, name, value)
		if err != nil {
			return nil, nil, fmt.Errorf("origin %s: %w", id, err)
		}
		edits = append(edits, e...)
		patches = append(patches, p)
	}
	slices.SortFunc(edits, func(a, b edit) int { return a.from - b.from })
	out := make([]byte, 0, len(raw)+len(edits)*(len(name)+len(value)+96))
	at := 0
	for _, e := range edits {
		out = append(append(out, raw[at:e.from]...), e.text...)
		at = e.to
	}
	return append(out, raw[at:]...), patches, nil
}

func patchOrigin(raw []byte, o *rawOrigin, name, value string) ([]edit, originPatch, error) {
	p := originPatch{ID: o.id, Headers: len(o.list)}
	var edits []edit
	found := false
	for _, h := range o.list {
		v := h.value
		if strings.EqualFold(h.name, name) {
			found = true
			if h.valueSpan == nil {
				return nil, p, errors.New("a custom header has no HeaderValue")
			}
			if h.value != value {
				edits = append(edits, setText(raw, *h.valueSpan, value))
				p.Changed = true
			}
			v = value
		}
		p.Size += utf8.RuneCountInString(h.name) + utf8.RuneCountInString(v)
	}
	if found {
		return edits, p, nil
	}
	p.Changed, p.Added, p.Headers, p.Size = true, true, p.Headers+1, p.Size+len(name)+len(value)
	if o.headers == nil {
		prefix := prefixOf(raw, o.span)
		at := o.afterID
		if at == 0 {
			at = o.span.startEnd
		}
		if o.span.selfClosing() {
			return nil, p, errors.New("empty Origin element")
		}
		return []edit{{from: at, to: at, text: element(prefix, "CustomHeaders", element(prefix, "Quantity", "1")+element(prefix, "Items", newHeader(prefix, name, value)))}}, p, nil
	}
	if o.quantity == nil || o.quantity.selfClosing() {
		return nil, p, errors.New("CustomHeaders has no Quantity")
	}
	q, err := strconv.Atoi(strings.TrimSpace(o.qtyText))
	if err != nil || q != len(o.list) {
		return nil, p, fmt.Errorf("CustomHeaders Quantity %q does not count its %d items", o.qtyText, len(o.list))
	}
	prefix := prefixOf(raw, *o.headers)
	edits = append(edits, edit{from: o.quantity.startEnd, to: o.quantity.endStart, text: strconv.Itoa(q + 1)})
	switch {
	case o.items == nil:
		edits = append(edits, edit{from: o.quantity.end, to: o.quantity.end, text: element(prefix, "Items", newHeader(prefix, name, value))})
	case o.items.selfClosing():
		edits = append(edits, edit{from: o.items.start, to: o.items.end, text: element(prefix, "Items", newHeader(prefix, name, value))})
	default:
		edits = append(edits, edit{from: o.items.endStart, to: o.items.endStart, text: newHeader(prefix, name, value)})
	}
	return edits, p, nil
}

// setText makes the element at s hold text, keeping its tags.
func setText(raw []byte, s span, text string) edit {
	if s.selfClosing() {
		tag := rawName(raw, s)
		return edit{from: s.start, to: s.end, text: "<" + tag + ">" + escape(text) + "</" + tag + ">"}
	}
	return edit{from: s.startEnd, to: s.endStart, text: escape(text)}
}

func newHeader(prefix, name, value string) string {
	return element(prefix, "OriginCustomHeader", element(prefix, "HeaderName", escape(name))+element(prefix, "HeaderValue", escape(value)))
}

// element writes <prefix:local>inner</prefix:local>; inner is already XML.
func element(prefix, local, inner string) string {
	if prefix != "" {
		local = prefix + ":" + local
	}
	return "<" + local + ">" + inner + "</" + local + ">"
}

// rawName is the element's name as written in its start tag, prefix included.
func rawName(raw []byte, s span) string {
	tag := raw[s.start+1 : s.startEnd]
	if i := bytes.IndexAny(tag, " \t\r\n/>"); i >= 0 {
		tag = tag[:i]
	}
	return string(tag)
}

// prefixOf is the namespace prefix the element at s is written with, so that
// elements added inside it are in CloudFront's namespace too.
func prefixOf(raw []byte, s span) string {
	prefix, _, ok := strings.Cut(rawName(raw, s), ":")
	if !ok {
		return ""
	}
	return prefix
}

func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
