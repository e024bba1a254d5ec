package lambdaruntime

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// serveNext is GET /runtime/invocation/next: it ends the init phase the
// first time, then blocks until an invocation is queued and hands it over.
func (r *Runtime) serveNext(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	select {
	case <-r.initDone:
	default:
		close(r.initDone)
	}
	arn := r.functionARN
	r.mu.Unlock()

	var inv *invocation
	select {
	case inv = <-r.queue:
	case <-req.Context().Done():
		return
	case <-r.closed:
		renderError(w, http.StatusInternalServerError, "Runtime.Closed", "the execution environment is shutting down")
		return
	}
	now := time.Now()
	deadline := now.Add(inv.timeout)
	r.mu.Lock()
	r.invocations[inv.id] = inv
	r.mu.Unlock()
	inv.started <- deadline

	h := w.Header()
	h.Set(headerRequestID, inv.id)
	h.Set(headerDeadline, strconv.FormatInt(deadline.UnixMilli(), 10))
	h.Set(headerFunctionARN, arn)
	h.Set(headerTraceID, newTraceID(now))
	h.Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(inv.payload)
}

// serveResponse is POST /runtime/invocation/{id}/response.
func (r *Runtime) serveResponse(w http.ResponseWriter, req *http.Request) {
	id := req.PathValue("id")
	body, tooLarge, err := readBody(req.Body)
	if err != nil {
		renderError(w, http.StatusBadRequest, "InvalidRequest", "reading the response body: "+err.Error())
		return
	}
	// aws-lambda-go reports a response body it could not read to the end in
	// trailers, which are only known once the body has been read.
	if typ := req.Trailer.Get(headerErrorType); typ != "" {
		payload, _ := base64.StdEncoding.DecodeString(req.Trailer.Get(headerErrorBody))
		r.answer(w, id, http.StatusAccepted, nil, parseFunctionError(id, typ, payload))
		return
	}
	if tooLarge {
		msg := fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", MaxResponseSize)
		ferr := &FunctionError{RequestID: id, Type: "Function.ResponseSizeTooLarge", Message: msg}
		ferr.Payload, _ = json.Marshal(errorBody{Message: msg, Type: ferr.Type})
		r.answer(w, id, http.StatusRequestEntityTooLarge, nil, ferr)
		return
	}
	r.answer(w, id, http.StatusAccepted, &Response{RequestID: id, Payload: body, ContentType: req.Header.Get("Content-Type")}, nil)
}

// serveInvocationError is POST /runtime/invocation/{id}/error.
func (r *Runtime) serveInvocationError(w http.ResponseWriter, req *http.Request) {
	id := req.PathValue("id")
	body, _, err := readBody(req.Body)
	if err != nil {
		renderError(w, http.StatusBadRequest, "InvalidRequest", "reading the error body: "+err.Error())
		return
	}
	r.answer(w, id, http.StatusAccepted, nil, parseFunctionError(id, req.Header.Get(headerErrorType), body))
}

// answer completes invocation id with resp or ferr and replies status, or
// refuses an unknown or already answered ID as the Runtime API does.
func (r *Runtime) answer(w http.ResponseWriter, id string, status int, resp *Response, ferr *FunctionError) {
	r.mu.Lock()
	inv, ok := r.invocations[id]
	switch {
	case !ok:
		r.mu.Unlock()
		renderError(w, http.StatusBadRequest, "InvalidRequestID", fmt.Sprintf("no invocation with request ID %q is in progress", id))
		return
	case inv.answered:
		r.mu.Unlock()
		renderError(w, http.StatusForbidden, "InvalidStateTransition", fmt.Sprintf("invocation %s has already been answered", id))
		return
	}
	inv.answered, inv.resp, inv.ferr = true, resp, ferr
	close(inv.done)
	r.mu.Unlock()
	if status == http.StatusAccepted {
		renderStatus(w, status)
	} else {
		renderError(w, status, ferr.Type, ferr.Message)
	}
}

// serveInitError is POST /runtime/init/error. The runtime may call it only
// before its first GET /invocation/next.
func (r *Runtime) serveInitError(w http.ResponseWriter, req *http.Request) {
	body, _, err := readBody(req.Body)
	if err != nil {
		renderError(w, http.StatusBadRequest, "InvalidRequest", "reading the error body: "+err.Error())
		return
	}
	fe := parseFunctionError("", req.Header.Get(headerErrorType), body)
	r.mu.Lock()
	select {
	case <-r.initDone:
		r.mu.Unlock()
		renderError(w, http.StatusForbidden, "InvalidStateTransition", "init/error after the runtime asked for an invocation")
		return
	case <-r.initFailed:
		r.mu.Unlock()
		renderError(w, http.StatusForbidden, "InvalidStateTransition", "init/error posted twice")
		return
	default:
	}
	r.initErr = &InitError{Type: fe.Type, Message: fe.Message, ExitCode: -1}
	close(r.initFailed)
	r.mu.Unlock()
	renderStatus(w, http.StatusAccepted)
}

// errorBody is the error document of the Runtime API, both ways.
type errorBody struct {
	Message string `json:"errorMessage"`
	Type    string `json:"errorType"`
}

// parseFunctionError reads an error the runtime posted. The type is the
// body's errorType, else the header's, else "Unhandled".
func parseFunctionError(id, headerType string, payload []byte) *FunctionError {
	var b errorBody
	_ = json.Unmarshal(payload, &b)
	typ := b.Type
	if typ == "" {
		typ = headerType
	}
	if typ == "" {
		typ = "Unhandled"
	}
	return &FunctionError{RequestID: id, Type: typ, Message: b.Message, Payload: payload}
}

// readBody reads up to MaxResponseSize bytes and reports whether there was
// more.
func readBody(body io.Reader) (data []byte, tooLarge bool, err error) {
	data, err = io.ReadAll(io.LimitReader(body, MaxResponseSize+1))
	if len(data) > MaxResponseSize {
		// Drain the rest so that trailers arrive and the connection is reusable.
		_, err = io.Copy(io.Discard, body)
		return data[:MaxResponseSize], true, err
	}
	return data, false, err
}

func renderStatus(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"status":"OK"}` + "\n"))
}

func renderError(w http.ResponseWriter, status int, typ, msg string) {
	body, _ := json.Marshal(errorBody{Message: msg, Type: typ})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
