package lambdaruntime

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/originlock/originlock/internal/tailbuffer"
	"github.com/originlock/originlock/internal/uuid"
)

// APIVersion is the Runtime API version served, the first element of every
// path.
const APIVersion = "2018-06-01"

// MaxResponseSize is Lambda's limit on a synchronous invocation's response
// (6 MB). A larger response fails the invocation with
// Function.ResponseSizeTooLarge.
const MaxResponseSize = 6 << 20

// InitTimeout is Lambda's limit on the init phase; Exec waits no longer.
const InitTimeout = 10 * time.Second

// Runtime API headers.
const (
	headerRequestID   = "Lambda-Runtime-Aws-Request-Id"
	headerDeadline    = "Lambda-Runtime-Deadline-Ms"
	headerFunctionARN = "Lambda-Runtime-Invoked-Function-Arn"
	headerTraceID     = "Lambda-Runtime-Trace-Id"
	headerErrorType   = "Lambda-Runtime-Function-Error-Type"
	// headerErrorBody is a trailer aws-lambda-go sends with a response whose
	// body could not be read to the end: the base64 of the error JSON.
	headerErrorBody = "Lambda-Runtime-Function-Error-Body"
)

var errClosed = errors.New("lambdaruntime: the runtime is closed")

// Runtime is one fake Lambda execution environment: a Runtime API server on
// 127.0.0.1 and at most one function process. Its methods are safe for
// concurrent use; concurrent Invokes queue, and the function takes them one
// at a time, as Lambda's default (non-concurrent) runtimes do.
type Runtime struct {
	addr   string
	srv    *http.Server
	queue  chan *invocation
	closed chan struct{}
	logs   *logBuffer

	closeOnce sync.Once

	mu sync.Mutex
	// invocations are those the runtime has taken, by request ID; answered
	// ones stay, so that a second answer is told apart from an unknown ID.
	invocations map[string]*invocation
	initDone    chan struct{} // closed by the first GET /invocation/next
	initFailed  chan struct{} // closed by POST /init/error
	initErr     *InitError
	proc        *process
	functionARN string
	// ended is the error that ended the execution environment (a timeout,
	// the process exiting); Invoke then fails with ErrNotRunning.
	ended error
}

// Start serves the Runtime API on 127.0.0.1 on a port the kernel picks.
// Close stops it.
func Start() (*Runtime, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("lambdaruntime: listen: %w", err)
	}
	r := &Runtime{
		addr:        ln.Addr().String(),
		queue:       make(chan *invocation),
		closed:      make(chan struct{}),
		logs:        &logBuffer{Buffer: tailbuffer.New(maxLogs)},
		invocations: map[string]*invocation{},
		initDone:    make(chan struct{}),
		initFailed:  make(chan struct{}),
		functionARN: functionARN(DefaultRegion, DefaultFunctionName),
	}
	mux := http.NewServeMux()
	base := "/" + APIVersion + "/runtime"
	mux.HandleFunc("GET "+base+"/invocation/next", r.serveNext)
	mux.HandleFunc("POST "+base+"/invocation/{id}/response", r.serveResponse)
	mux.HandleFunc("POST "+base+"/invocation/{id}/error", r.serveInvocationError)
	mux.HandleFunc("POST "+base+"/init/error", r.serveInitError)
	r.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

// Addr is the server's host:port, the value of AWS_LAMBDA_RUNTIME_API.
func (r *Runtime) Addr() string { return r.addr }

// Close kills the function process, waits for it to exit, and stops the
// server. Pending Invokes return. It is safe to call more than once.
func (r *Runtime) Close() {
	r.closeOnce.Do(func() {
		close(r.closed)
		r.kill()
		_ = r.srv.Close()
	})
}

// Response is a successful invocation's answer.
type Response struct {
	RequestID string
	// Payload is the body the function posted to /invocation/{id}/response.
	Payload []byte
	// ContentType is the Content-Type it posted with.
	ContentType string
}

type invocation struct {
	id      string
	payload []byte
	timeout time.Duration
	// started receives the deadline when the runtime takes the invocation.
	started chan time.Time
	// done is closed once resp or ferr is set.
	done     chan struct{}
	answered bool
	resp     *Response
	ferr     *FunctionError
}

func (inv *invocation) result() (*Response, error) {
	if inv.ferr != nil {
		return nil, inv.ferr
	}
	return inv.resp, nil
}

// Invoke queues payload as an event, waits until the function takes it and
// answers, and returns the answer. timeout is the function's timeout: it
// starts when the function takes the event, and sets the
// Lambda-Runtime-Deadline-Ms the function sees.
//
// The error is a *FunctionError if the function reported an error; an
// *ExitError if the process exited first; a *TimeoutError if the timeout
// passed first (the process is then killed, as Lambda does); the *InitError
// if init failed; an error wrapping ErrNotRunning if the process had already
// gone; or ctx's error if ctx ended first. In that last case an invocation
// already taken stays in progress, and its answer is discarded.
func (r *Runtime) Invoke(ctx context.Context, payload []byte, timeout time.Duration) (*Response, error) {
	if timeout <= 0 {
		return nil, fmt.Errorf("lambdaruntime: Invoke: timeout %v is not positive", timeout)
	}
	if err := r.unavailable(); err != nil {
		return nil, err
	}
	inv := &invocation{
		id:      uuid.New(),
		payload: payload,
		timeout: timeout,
		started: make(chan time.Time, 1),
		done:    make(chan struct{}),
	}
	exited := r.exited()
	select {
	case r.queue <- inv:
	case <-ctx.Done():
		return nil, fmt.Errorf("lambdaruntime: the function did not take invocation %s: %w", inv.id, context.Cause(ctx))
	case <-exited:
		return nil, r.end(r.exitError(""))
	case <-r.initFailed:
		return nil, r.initError()
	case <-r.closed:
		return nil, errClosed
	}

	timer := time.NewTimer(time.Until(<-inv.started))
	defer timer.Stop()
	select {
	case <-inv.done:
		return inv.result()
	case <-timer.C:
		if answered(inv) {
			return inv.result()
		}
		r.kill()
		return nil, r.end(&TimeoutError{RequestID: inv.id, Timeout: timeout, Logs: r.Logs()})
	case <-exited:
		if answered(inv) {
			return inv.result()
		}
		return nil, r.end(r.exitError(inv.id))
	case <-ctx.Done():
		return nil, fmt.Errorf("lambdaruntime: invocation %s: %w", inv.id, context.Cause(ctx))
	case <-r.closed:
		return nil, errClosed
	}
}

func answered(inv *invocation) bool {
	select {
	case <-inv.done:
		return true
	default:
		return false
	}
}

// unavailable says why an invocation cannot run, or returns nil.
func (r *Runtime) unavailable() error {
	select {
	case <-r.closed:
		return errClosed
	case <-r.initFailed:
		return r.initError()
	default:
	}
	r.mu.Lock()
	ended := r.ended
	r.mu.Unlock()
	if ended != nil {
		return fmt.Errorf("%w: %w", ErrNotRunning, ended)
	}
	select {
	case <-r.exited():
		return r.end(r.exitError(""))
	default:
	}
	return nil
}

// end records err as what ended the execution environment, unless something
// did before, and returns err.
func (r *Runtime) end(err error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended == nil {
		r.ended = err
	}
	return err
}

func (r *Runtime) initError() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := *r.initErr
	e.Logs = r.Logs()
	return &e
}

func newTraceID(now time.Time) string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("Root=1-%08x-%x;Parent=%x;Sampled=0", now.Unix(), b[:12], b[12:])
}
