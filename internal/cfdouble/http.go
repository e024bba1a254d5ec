package cfdouble

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Namespace is CloudFront's XML namespace for API version 2020-05-31.
const Namespace = "http://cloudfront.amazonaws.com/doc/2020-05-31/"

const pathPrefix = "/2020-05-31/distribution/"

// ServeHTTP answers CloudFront's REST-XML requests.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, pathPrefix)
	if !ok || rest == "" {
		writeError(w, http.StatusNotFound, "InvalidArgument", "unknown path")
		return
	}
	id, sub, _ := strings.Cut(rest, "/")
	var op string
	switch {
	case sub == "config" && r.Method == http.MethodGet:
		op = OpGetDistributionConfig
	case sub == "config" && r.Method == http.MethodPut:
		op = OpUpdateDistribution
	case sub == "" && r.Method == http.MethodGet:
		op = OpGetDistribution
	default:
		writeError(w, http.StatusNotFound, "InvalidArgument", "unsupported operation")
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidArgument", "unreadable body")
		return
	}
	if err := checkSignature(r, body); err != nil {
		writeError(w, http.StatusForbidden, "SignatureDoesNotMatch", err.Error())
		return
	}
	rec := Request{Op: op, ID: id, IfMatch: r.Header.Get("If-Match")}
	if op == OpUpdateDistribution {
		rec.Body = body
	}
	s.mu.Lock()
	var fault Fault
	s.calls[op]++
	if q := s.faults[op]; len(q) > 0 {
		fault, s.faults[op] = q[0], q[1:]
	} else if s.faultFunc != nil {
		fault = s.faultFunc(op)
	}
	a := s.answer(op, id, rec.IfMatch, body, fault)
	onUpdate := s.onUpdate
	rec.ETag, rec.Status = a.etag, a.status
	if op == OpGetDistributionConfig {
		rec.ResponseBody = a.body
	}
	if fault == LostResponse || fault == Hang {
		rec.Status = 0
	}
	s.requests = append(s.requests, rec)
	s.mu.Unlock()

	if a.applied != nil && onUpdate != nil {
		onUpdate(id, a.applied)
	}
	switch fault {
	case LostResponse:
		panic(http.ErrAbortHandler)
	case Hang:
		<-r.Context().Done()
		panic(http.ErrAbortHandler)
	}
	if a.etag != "" {
		w.Header().Set("ETag", a.etag)
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("x-amz-request-id", fmt.Sprintf("cfdouble-%d", time.Now().UnixNano()))
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

type answer struct {
	status  int
	etag    string
	body    []byte
	applied []byte // the config an update applied
}

// answer runs op with s.mu held.
func (s *Server) answer(op, id, ifMatch string, body []byte, fault Fault) answer {
	switch fault {
	case Throttle:
		return errAnswer(http.StatusBadRequest, "Throttling", "Rate exceeded")
	case Unavailable:
		return errAnswer(http.StatusServiceUnavailable, "ServiceUnavailable", "CloudFront is unavailable (injected)")
	case AccessDenied:
		return errAnswer(http.StatusForbidden, "AccessDenied", "User is not authorized to perform: cloudfront:"+op)
	case Stale:
		return errAnswer(http.StatusPreconditionFailed, "PreconditionFailed", "The precondition given in one or more of the request header fields evaluated to false.")
	case Hang:
		return answer{}
	}
	d, ok := s.dists[id]
	if !ok {
		return errAnswer(http.StatusNotFound, "NoSuchDistribution", "The specified distribution does not exist.")
	}
	switch op {
	case OpGetDistributionConfig:
		a := answer{status: http.StatusOK, etag: etagOf(d), body: slices.Clone(d.raw)}
		if d.bumpAfterReads > 0 {
			d.bumpAfterReads--
			d.etag++
		}
		return a
	case OpUpdateDistribution:
		switch {
		case ifMatch == "":
			return errAnswer(http.StatusBadRequest, "InvalidIfMatchVersion", "The If-Match version is missing or not valid for the resource.")
		case ifMatch != etagOf(d):
			return errAnswer(http.StatusPreconditionFailed, "PreconditionFailed", "The precondition given in one or more of the request header fields evaluated to false.")
		}
		cfg, err := parseConfig(body)
		if err != nil {
			return errAnswer(http.StatusBadRequest, "MalformedInput", err.Error())
		}
		if code, msg := cfg.checkQuota(s.maxHeaders); code != "" {
			return errAnswer(http.StatusBadRequest, code, msg)
		}
		d.old, d.raw = d.raw, slices.Clone(body)
		d.history = append(d.history, d.raw)
		d.etag++
		d.pollsLeft, d.staleLeft = s.deployPolls, s.staleReads
		return answer{status: http.StatusOK, etag: etagOf(d), body: distribution(id, "InProgress", d.raw), applied: slices.Clone(body)}
	default: // GetDistribution
		status, raw := "Deployed", d.raw
		switch {
		case s.view != nil:
			var back int
			status, back = s.view(id, len(d.history))
			raw = d.history[max(0, len(d.history)-1-back)]
		case d.staleLeft > 0:
			d.staleLeft--
			raw = d.old
		case d.pollsLeft > 0:
			d.pollsLeft--
			status = "InProgress"
		}
		return answer{status: http.StatusOK, etag: etagOf(d), body: distribution(id, status, raw)}
	}
}

func errAnswer(status int, code, msg string) answer {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0"?>` + "\n" + `<ErrorResponse xmlns="` + Namespace + `"><Error><Type>Sender</Type><Code>`)
	_ = xml.EscapeText(&b, []byte(code))
	b.WriteString("</Code><Message>")
	_ = xml.EscapeText(&b, []byte(msg))
	b.WriteString("</Message></Error><RequestId>cfdouble</RequestId></ErrorResponse>")
	return answer{status: status, body: b.Bytes()}
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	a := errAnswer(status, code, msg)
	w.WriteHeader(status)
	_, _ = w.Write(a.body)
}

// distribution is a GetDistribution/UpdateDistribution answer embedding the
// stored config document's root element as is.
func distribution(id, status string, raw []byte) []byte {
	root := raw
	if i := bytes.Index(raw, []byte("<DistributionConfig")); i >= 0 {
		root = raw[i:]
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<Distribution xmlns="%s"><Id>%s</Id><ARN>arn:aws:cloudfront::123456789012:distribution/%s</ARN><Status>%s</Status>`+
		`<LastModifiedTime>2026-01-01T00:00:00Z</LastModifiedTime><InProgressInvalidationBatches>0</InProgressInvalidationBatches><DomainName>%s.cloudfront.net</DomainName>`,
		Namespace, id, id, status, strings.ToLower(id))
	b.Write(bytes.TrimSpace(root))
	b.WriteString("</Distribution>")
	return b.Bytes()
}

// xmlConfig is the little of a DistributionConfig the double checks.
type xmlConfig struct {
	XMLName xml.Name `xml:"DistributionConfig"`
	Origins []struct {
		ID            string `xml:"Id"`
		CustomHeaders *struct {
			Quantity int `xml:"Quantity"`
			Items    []struct {
				HeaderName  string `xml:"HeaderName"`
				HeaderValue string `xml:"HeaderValue"`
			} `xml:"Items>OriginCustomHeader"`
		} `xml:"CustomHeaders"`
	} `xml:"Origins>Items>Origin"`
}

func parseConfig(raw []byte) (*xmlConfig, error) {
	var c xmlConfig
	if err := xml.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("not a DistributionConfig document: %w", err)
	}
	return &c, nil
}

func (c *xmlConfig) checkQuota(maxHeaders int) (code, msg string) {
	for _, o := range c.Origins {
		if o.CustomHeaders == nil {
			continue
		}
		h := o.CustomHeaders
		if h.Quantity != len(h.Items) {
			return "InvalidArgument", fmt.Sprintf("origin %s: CustomHeaders Quantity %d does not match its %d items", o.ID, h.Quantity, len(h.Items))
		}
		if len(h.Items) > maxHeaders {
			return "TooManyOriginCustomHeaders", fmt.Sprintf("Your request contains too many origin custom headers (origin %s).", o.ID)
		}
		size := 0
		for _, it := range h.Items {
			size += utf8.RuneCountInString(it.HeaderName) + utf8.RuneCountInString(it.HeaderValue)
		}
		if size > DefaultMaxHeaderChars {
			return "InvalidArgument", fmt.Sprintf("origin %s: the custom headers are longer than %d characters in total", o.ID, DefaultMaxHeaderChars)
		}
	}
	return "", ""
}

// HeaderValue returns the value of header (matched case-insensitively) on
// origin of distribution id's stored config, or "".
func (s *Server) HeaderValue(id, origin, header string) string {
	c, err := parseConfig(s.Raw(id))
	if err != nil {
		return ""
	}
	for _, o := range c.Origins {
		if o.ID != origin || o.CustomHeaders == nil {
			continue
		}
		for _, h := range o.CustomHeaders.Items {
			if strings.EqualFold(h.HeaderName, header) {
				return h.HeaderValue
			}
		}
	}
	return ""
}
