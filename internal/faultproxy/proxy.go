package faultproxy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/originlock/originlock/internal/awsop"
)

// Service is the AWS service a call is for.
type Service = awsop.Service

// Services calls are told apart by.
const (
	SecretsManager = awsop.SecretsManager
	CloudFront     = awsop.CloudFront
	Other          = awsop.Other
)

// Fault is what the proxy does to an attempt instead of passing it through.
type Fault int

// The faults. Throttle, ServerError and PreconditionFailed are answered by the
// proxy without forwarding: AWS refused the request and nothing changed.
// LostResponse and Deadline forward the request first, so AWS has applied it
// when the caller learns that something went wrong.
const (
	None Fault = iota
	// Throttle answers 400 with the service's throttling code
	// (ThrottlingException, Throttling), which the SDK retries.
	Throttle
	// ServerError answers 500 InternalServiceError (Secrets Manager) or 503
	// ServiceUnavailable (CloudFront), which the SDK retries.
	ServerError
	// LostResponse forwards the request and then closes the connection
	// without an answer: what a caller whose request timed out after AWS
	// applied it sees. The SDK retries it as a connection error.
	LostResponse
	// Deadline forwards the request, then calls the function given to
	// SetDeadline (the Lambda's deadline passes: its context is cancelled),
	// and closes the connection once the caller has stopped waiting.
	Deadline
	// PreconditionFailed moves the distribution's ETag, as another writer or
	// CloudFront itself would, and answers 412 PreconditionFailed. It only
	// applies to UpdateDistribution.
	PreconditionFailed
)

func (f Fault) String() string {
	switch f {
	case None:
		return "none"
	case Throttle:
		return "throttle"
	case ServerError:
		return "5xx"
	case LostResponse:
		return "lost response"
	case Deadline:
		return "deadline"
	case PreconditionFailed:
		return "412"
	}
	return "fault(" + strconv.Itoa(int(f)) + ")"
}

// Call is one AWS operation invocation, with every attempt the SDK made for it.
type Call struct {
	// Seq numbers calls from 1 in the order their first attempt arrived.
	Seq     int
	Service Service
	Op      string
	// Resource is the distribution ID of a CloudFront call, or "".
	Resource string
	// Attempts is the number of attempts that reached the proxy.
	Attempts int
	// Forwarded is the number of attempts passed on to the backend.
	Forwarded int
	// Applied is the number of forwarded attempts the backend answered 2xx.
	Applied int
	// Fault is the fault injected on this call, if any, and Faulted on how
	// many of its attempts.
	Fault   Fault
	Faulted int
	// Status is the status code of the last answer sent (0 when dropped).
	Status int
}

// Rule injects a fault into calls. A rule binds to the first call that
// matches it, and then faults that call's attempts.
type Rule struct {
	// Seq selects the call with this sequence number; 0 matches any.
	Seq int
	// Service selects calls to this service ("" matches any).
	Service Service
	// Op selects calls of this operation ("" matches any).
	Op string
	// Resource selects calls on this distribution ("" matches any).
	Resource string
	Fault    Fault
	// Attempts is how many attempts of the call are faulted; 0 faults all of
	// them, so that the fault outlasts the SDK's retries and reaches the
	// caller.
	Attempts int
	// Calls is how many matching calls the rule binds to; 0 means one.
	Calls int
}

// Proxy is a running fault-injecting proxy. It is safe for concurrent use.
type Proxy struct {
	// URL is the proxy's base URL: point the SDK at it.
	URL string

	backend *url.URL
	server  *httptest.Server
	client  *http.Client

	mu       sync.Mutex
	calls    []*Call
	byInvoke map[string]*Call
	rules    []*rule
	bound    map[*Call]*rule
	etags    map[string]int
	deadline func()
	onCall   func(Call)
	onApply  func(Call)
}

type rule struct {
	Rule
	left int
}

// New starts a proxy in front of backend (for example a moto_server URL).
func New(backend string) (*Proxy, error) {
	u, err := url.Parse(backend)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("faultproxy: backend %q is not an absolute URL", backend)
	}
	p := &Proxy{
		backend:  u,
		client:   &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}},
		byInvoke: map[string]*Call{},
		bound:    map[*Call]*rule{},
		etags:    map[string]int{},
	}
	p.server = httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = p.server.URL
	return p, nil
}

// Close stops the proxy.
func (p *Proxy) Close() {
	p.server.CloseClientConnections()
	p.server.Close()
	p.client.CloseIdleConnections()
}

// Inject adds a rule.
func (p *Proxy) Inject(r Rule) {
	p.mu.Lock()
	defer p.mu.Unlock()
	left := r.Calls
	if left <= 0 {
		left = 1
	}
	p.rules = append(p.rules, &rule{Rule: r, left: left})
}

// Clear removes every rule; calls a rule was bound to are not faulted any
// more.
func (p *Proxy) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules = nil
	p.bound = map[*Call]*rule{}
}

// Pending reports how many rules have not bound to all their calls yet.
func (p *Proxy) Pending() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, r := range p.rules {
		if r.left > 0 {
			n++
		}
	}
	return n
}

// SetDeadline sets the function a Deadline fault calls: typically the cancel
// function of the context the code under test runs with.
func (p *Proxy) SetDeadline(cancel func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.deadline = cancel
}

// OnCall sets a function called with each new call, before its first attempt
// is answered or forwarded.
func (p *Proxy) OnCall(f func(Call)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.onCall = f
}

// OnApplied sets a function called after every attempt the backend answered
// 2xx, before the answer goes back (or is lost). Tests check invariants there:
// it sees every state the backend passes through.
func (p *Proxy) OnApplied(f func(Call)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.onApply = f
}

// Touch moves a distribution's ETag, as CloudFront does when a linked policy
// or function changes: an If-Match read before is stale afterwards.
func (p *Proxy) Touch(distributionID string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.etags[distributionID] = p.etag(distributionID) + 1
}

// Calls returns a copy of every call so far, in order.
func (p *Proxy) Calls() []Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Call, len(p.calls))
	for i, c := range p.calls {
		out[i] = *c
	}
	return out
}

// Count returns how many calls of op were made, and how many of their
// attempts the backend applied (answered 2xx).
func (p *Proxy) Count(op string) (calls, applied int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.calls {
		if c.Op == op {
			calls++
			applied += c.Applied
		}
	}
	return calls, applied
}

// etag returns the ETag version of a distribution; the caller holds mu.
func (p *Proxy) etag(id string) int {
	if v, ok := p.etags[id]; ok {
		return v
	}
	p.etags[id] = 1
	return 1
}

func etagString(id string, v int) string { return fmt.Sprintf("E%s-%d", id, v) }

// begin records an attempt and returns its call, the fault to inject (None)
// and whether the call is new.
func (p *Proxy) begin(r *http.Request) (*Call, Fault, bool) {
	service, op, resource := awsop.Identify(r)
	p.mu.Lock()
	defer p.mu.Unlock()
	id := r.Header.Get("Amz-Sdk-Invocation-Id")
	c, seen := p.byInvoke[id]
	if id == "" || !seen {
		c = &Call{Seq: len(p.calls) + 1, Service: service, Op: op, Resource: resource}
		p.calls = append(p.calls, c)
		if id != "" {
			p.byInvoke[id] = c
		}
		for _, rl := range p.rules {
			if rl.left > 0 && (rl.Seq == 0 || rl.Seq == c.Seq) && (rl.Service == "" || rl.Service == service) && (rl.Op == "" || rl.Op == op) && (rl.Resource == "" || rl.Resource == resource) {
				rl.left--
				p.bound[c] = rl
				c.Fault = rl.Fault
				break
			}
		}
	}
	c.Attempts++
	fault := None
	if rl, ok := p.bound[c]; ok && (rl.Attempts == 0 || c.Faulted < rl.Attempts) {
		fault = rl.Fault
		if fault == PreconditionFailed && op != "UpdateDistribution" {
			fault = None
		}
	}
	if fault != None {
		c.Faulted++
	}
	return c, fault, !seen
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "faultproxy: read request", http.StatusBadGateway)
		return
	}
	c, fault, isNew := p.begin(r)
	if isNew {
		p.mu.Lock()
		onCall := p.onCall
		snapshot := *c
		p.mu.Unlock()
		if onCall != nil {
			onCall(snapshot)
		}
	}

	switch fault {
	case Throttle:
		p.answer(w, c, throttle(c.Service))
		return
	case ServerError:
		p.answer(w, c, serverError(c.Service))
		return
	case PreconditionFailed:
		p.mu.Lock()
		p.etags[c.Resource] = p.etag(c.Resource) + 1
		p.mu.Unlock()
		p.answer(w, c, cfError(http.StatusPreconditionFailed, "Sender", "PreconditionFailed", "The precondition given in one or more of the request header fields evaluated to false."))
		return
	}

	if c.Op == "UpdateDistribution" {
		p.mu.Lock()
		want := etagString(c.Resource, p.etag(c.Resource))
		p.mu.Unlock()
		switch got := r.Header.Get("If-Match"); {
		case got == "":
			p.answer(w, c, cfError(http.StatusBadRequest, "Sender", "InvalidIfMatchVersion", "The If-Match version is missing or not valid for the resource."))
			return
		case got != want:
			p.answer(w, c, cfError(http.StatusPreconditionFailed, "Sender", "PreconditionFailed", "The precondition given in one or more of the request header fields evaluated to false."))
			return
		}
	}

	resp, err := p.forward(r, body, c)
	if err != nil {
		p.answer(w, c, reply{status: http.StatusBadGateway, contentType: "text/plain", body: []byte("faultproxy: backend unreachable")})
		return
	}

	switch fault {
	case LostResponse:
		p.drop(c)
	case Deadline:
		p.mu.Lock()
		cancel := p.deadline
		p.mu.Unlock()
		if cancel != nil {
			cancel()
			// The caller's transport closes the connection once its context is
			// done. A call that does not follow that context (a read shared by
			// several requests runs detached from the one that started it)
			// loses its connection anyway, as every connection does when
			// Lambda ends an invocation.
			select {
			case <-r.Context().Done():
			case <-time.After(100 * time.Millisecond):
				p.drop(c)
				panic(http.ErrAbortHandler)
			}
		}
		p.drop(c)
	}
	p.answer(w, c, resp)
}

// drop ends the attempt without an answer.
func (p *Proxy) drop(c *Call) {
	p.mu.Lock()
	c.Status = 0
	p.mu.Unlock()
	panic(http.ErrAbortHandler)
}

type reply struct {
	status      int
	contentType string
	header      http.Header
	body        []byte
}

func (p *Proxy) answer(w http.ResponseWriter, c *Call, rp reply) {
	p.mu.Lock()
	c.Status = rp.status
	p.mu.Unlock()
	for k, vs := range rp.header {
		w.Header()[k] = vs
	}
	if rp.contentType != "" {
		w.Header().Set("Content-Type", rp.contentType)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(rp.body)))
	w.WriteHeader(rp.status)
	_, _ = w.Write(rp.body)
}

// forward passes the attempt on to the backend and reads the whole answer.
// The backend request does not follow the caller's context: once sent, AWS
// finishes a request whether or not the caller still waits.
func (p *Proxy) forward(r *http.Request, body []byte, c *Call) (reply, error) {
	target := *p.backend
	target.Path = r.URL.Path
	target.RawPath = r.URL.RawPath
	target.RawQuery = r.URL.RawQuery
	out, err := http.NewRequestWithContext(context.WithoutCancel(r.Context()), r.Method, target.String(), bytes.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	for k, vs := range r.Header {
		switch http.CanonicalHeaderKey(k) {
		case "Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade", "If-Match":
			continue
		}
		out.Header[k] = vs
	}
	if c.Op == "UpdateDistribution" {
		// moto ignores If-Match; the proxy has checked it. Send moto's own view
		// of the ETag anyway, in case a later moto checks it.
		out.Header.Set("If-Match", r.Header.Get("If-Match"))
	}
	p.mu.Lock()
	c.Forwarded++
	p.mu.Unlock()
	// #nosec G704 -- the request goes to the backend given to New (moto on
	// loopback); only its path and query come from the caller, as in any
	// reverse proxy.
	resp, err := p.client.Do(out)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	respBody, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	header := resp.Header.Clone()
	header.Del("Content-Length")
	header.Del("Transfer-Encoding")
	header.Del("Connection")
	rp := reply{status: resp.StatusCode, header: header, body: respBody}
	if resp.StatusCode/100 != 2 {
		return rp, nil
	}

	p.mu.Lock()
	c.Applied++
	if c.Service == CloudFront && c.Resource != "" {
		if c.Op == "UpdateDistribution" {
			p.etags[c.Resource] = p.etag(c.Resource) + 1
		}
		header.Set("ETag", etagString(c.Resource, p.etag(c.Resource)))
	}
	onApply := p.onApply
	snapshot := *c
	p.mu.Unlock()
	if onApply != nil {
		onApply(snapshot)
	}
	return rp, nil
}

func throttle(s Service) reply {
	if s == CloudFront {
		return cfError(http.StatusBadRequest, "Sender", "Throttling", "Rate exceeded")
	}
	return smError(http.StatusBadRequest, "ThrottlingException", "Rate exceeded")
}

func serverError(s Service) reply {
	if s == CloudFront {
		return cfError(http.StatusServiceUnavailable, "Receiver", "ServiceUnavailable", "CloudFront is temporarily unavailable.")
	}
	return smError(http.StatusInternalServerError, "InternalServiceError", "An error occurred on the server side.")
}

func smError(status int, code, message string) reply {
	return reply{
		status:      status,
		contentType: "application/x-amz-json-1.1",
		header:      http.Header{"X-Amzn-Requestid": {"faultproxy"}},
		body:        []byte(fmt.Sprintf(`{"__type":%q,"message":%q}`, code, message)),
	}
}

func cfError(status int, typ, code, message string) reply {
	body := fmt.Sprintf(`<?xml version="1.0"?>`+"\n"+`<ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>faultproxy</RequestId></ErrorResponse>`, typ, code, message)
	return reply{status: status, contentType: "text/xml", header: http.Header{"X-Amz-Request-Id": {"faultproxy"}}, body: []byte(body)}
}
