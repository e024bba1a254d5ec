// Package cfdouble is test code: the project's one model of the CloudFront
// control plane, a test double that speaks CloudFront's REST-XML API over
// HTTP (httptest) to a real AWS SDK client. It serves GetDistributionConfig,
// UpdateDistribution and GetDistribution, and adds what moto lacks:
//
//   - Every request must carry a SigV4 signature, with the credentials
//     test/test, that covers the body received (403 SignatureDoesNotMatch
//     otherwise).
//   - Distribution configs are stored as the bytes last written, and served
//     back byte for byte, so elements the SDK does not know survive.
//   - The ETag moves on every update and is checked against If-Match: a
//     stale one gets 412 PreconditionFailed, a missing one 400
//     InvalidIfMatchVersion. Touch moves it as another writer (or CloudFront
//     itself) would.
//   - An update is InProgress for a number of status polls, and a number of
//     GetDistribution calls after it still show the previous config (the
//     control plane is eventually consistent).
//   - An update that breaks CloudFront's custom header quotas (10 headers per
//     origin by default, 10,240 characters of names and values) is refused
//     with 400 TooManyOriginCustomHeaders or InvalidArgument.
//   - Faults are injected per operation: throttling, a 503, AccessDenied, a
//     412, a response lost after the update was applied, a call that hangs
//     until the client gives up.
//
// The scenario test in this package runs the same calls against moto and
// against the double and compares what the SDK sees, so that the model stays
// honest where moto can tell.
package cfdouble

import (
	"fmt"
	"slices"
	"sync"
)

// Operation names, as the SDK and the counters spell them.
const (
	OpGetDistributionConfig = "GetDistributionConfig"
	OpUpdateDistribution    = "UpdateDistribution"
	OpGetDistribution       = "GetDistribution"
)

// Fault is an injected failure.
type Fault int

// Faults.
const (
	// Throttle answers 400 Throttling "Rate exceeded"; nothing changes.
	Throttle Fault = iota + 1
	// Unavailable answers 503 ServiceUnavailable; nothing changes.
	Unavailable
	// AccessDenied answers 403 AccessDenied; nothing changes.
	AccessDenied
	// Stale answers 412 PreconditionFailed (UpdateDistribution); nothing
	// changes.
	Stale
	// LostResponse applies the call, then drops the connection unanswered.
	LostResponse
	// Hang waits until the client gives up (its request context ends);
	// nothing changes.
	Hang
)

// DefaultMaxCustomHeaders is CloudFront's default quota of custom headers
// per origin; DefaultMaxHeaderChars the limit on their names and values.
const (
	DefaultMaxCustomHeaders = 10
	DefaultMaxHeaderChars   = 10240
)

// Request is one call the double answered (or dropped), as recorded.
type Request struct {
	Op, ID  string
	IfMatch string
	// Body is an UpdateDistribution's request body; ResponseBody a
	// GetDistributionConfig's response body.
	Body, ResponseBody []byte
	// ETag is the ETag the answer carried, Status its HTTP status (0: lost).
	ETag   string
	Status int
}

// Server is the double. Its zero value is not usable; call New. It is safe
// for concurrent use.
type Server struct {
	mu    sync.Mutex
	dists map[string]*dist
	// deployPolls, staleReads: see SetDeployment.
	deployPolls, staleReads int
	maxHeaders              int
	faults                  map[string][]Fault
	calls                   map[string]int
	requests                []Request
	onUpdate                func(id string, raw []byte)
	faultFunc               func(op string) Fault
	view                    View
}

// View decides what GetDistribution shows of distribution id, whose configs
// so far are versions (1 for the config Put stored, one more per applied
// update): its status and how many versions back the config shown is (0:
// the latest). It is called with the double's lock held and must not call
// the double.
type View func(id string, versions int) (status string, back int)

type dist struct {
	raw, old []byte
	// history holds every config stored or applied, oldest first.
	history   [][]byte
	etag      int
	pollsLeft int
	staleLeft int
	// bumpAfterReads: after each of the next n GetDistributionConfig calls,
	// the ETag moves (another writer edits right after our read).
	bumpAfterReads int
}

// New returns an empty double.
func New() *Server {
	return &Server{dists: map[string]*dist{}, faults: map[string][]Fault{}, calls: map[string]int{}, maxHeaders: DefaultMaxCustomHeaders}
}

// Put stores raw as distribution id's config document (as
// GetDistributionConfig returns it, XML declaration included), deployed,
// with ETag E1 (or the next ETag if the distribution exists).
func (s *Server) Put(id string, raw []byte) error {
	if _, err := parseConfig(raw); err != nil {
		return fmt.Errorf("cfdouble: distribution %s: %w", id, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.dists[id]
	if !ok {
		d = &dist{}
		s.dists[id] = d
	}
	d.raw, d.old = slices.Clone(raw), nil
	d.history = [][]byte{d.raw}
	d.etag++
	d.pollsLeft, d.staleLeft = 0, 0
	return nil
}

// Raw returns distribution id's config document as stored.
func (s *Server) Raw(id string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.dists[id]; ok {
		return slices.Clone(d.raw)
	}
	return nil
}

// ETag returns distribution id's current ETag.
func (s *Server) ETag(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return etagOf(s.dists[id])
}

// Touch moves distribution id's ETag, as a change by someone else does.
func (s *Server) Touch(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dists[id].etag++
}

// BumpAfterReads makes the ETag of distribution id move right after each of
// its next n GetDistributionConfig calls.
func (s *Server) BumpAfterReads(id string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dists[id].bumpAfterReads = n
}

// SetDeployment makes each later update report InProgress for polls
// GetDistribution calls, the first stale of which still show the previous
// config.
func (s *Server) SetDeployment(polls, stale int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deployPolls, s.staleReads = polls, stale
}

// Deploy ends the deployment of distribution id now.
func (s *Server) Deploy(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dists[id].pollsLeft, s.dists[id].staleLeft = 0, 0
}

// SetMaxCustomHeaders sets the per-origin header quota updates are checked
// against (DefaultMaxCustomHeaders), as a quota increase does.
func (s *Server) SetMaxCustomHeaders(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxHeaders = n
}

// OnUpdate sets a function called with every config an UpdateDistribution
// applies, before the call is answered.
func (s *Server) OnUpdate(f func(id string, raw []byte)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onUpdate = f
}

// SetView replaces the deployment model of SetDeployment with v, for
// simulations whose deployments follow a clock.
func (s *Server) SetView(v View) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.view = v
}

// SetFaultFunc sets a function asked for a fault at every call that has no
// queued fault (0: none).
func (s *Server) SetFaultFunc(f func(op string) Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faultFunc = f
}

// Fail queues faults for the next calls of op, one per call.
func (s *Server) Fail(op string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[op] = append(s.faults[op], faults...)
}

// Count returns how many requests for op the double received.
func (s *Server) Count(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Updates returns the UpdateDistribution requests received so far.
func (s *Server) Updates() []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Op == OpUpdateDistribution {
			out = append(out, r)
		}
	}
	return out
}

func etagOf(d *dist) string {
	if d == nil {
		return ""
	}
	return fmt.Sprintf("E%d", d.etag)
}
