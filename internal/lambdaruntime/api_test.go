package lambdaruntime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/originlock/originlock/internal/lambdaruntime"
)

// These tests play the function's runtime by hand, over HTTP, to pin down
// the Runtime API as aws-lambda-go and the Lambda documentation use it.

type invokeResult struct {
	resp *lambdaruntime.Response
	err  error
}

// invokeAsync starts an Invoke and returns where its result will arrive.
func invokeAsync(ctx context.Context, rt *lambdaruntime.Runtime, payload string, timeout time.Duration) <-chan invokeResult {
	ch := make(chan invokeResult, 1)
	go func() {
		resp, err := rt.Invoke(ctx, []byte(payload), timeout)
		ch <- invokeResult{resp, err}
	}()
	return ch
}

func apiURL(rt *lambdaruntime.Runtime, path string) string {
	return "http://" + rt.Addr() + "/2018-06-01/runtime/" + path
}

// call sends a request to the Runtime API and returns the status and body.
func call(t *testing.T, method, url string, header http.Header, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, url, err)
	}
	return resp, b
}

// next takes the next invocation and returns its request ID.
func next(t *testing.T, rt *lambdaruntime.Runtime) (string, *http.Response, []byte) {
	t.Helper()
	resp, body := call(t, http.MethodGet, apiURL(rt, "invocation/next"), nil, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET next: got status %d, want 200 (body %s)", resp.StatusCode, body)
	}
	return resp.Header.Get("Lambda-Runtime-Aws-Request-Id"), resp, body
}

func wait(t *testing.T, ch <-chan invokeResult) invokeResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-t.Context().Done():
		t.Fatal("Invoke did not return before the test's end")
		return invokeResult{}
	}
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNextHandsOverTheEvent(t *testing.T) {
	rt := lambdaruntime.ForTest(t)
	const timeout = 90 * time.Second
	result := invokeAsync(t.Context(), rt, `{"hello":"world"}`, timeout)

	before := time.Now()
	id, resp, body := next(t, rt)
	after := time.Now()
	if string(body) != `{"hello":"world"}` {
		t.Errorf("event body: got %s, want the payload", body)
	}
	if !uuidPattern.MatchString(id) {
		t.Errorf("Lambda-Runtime-Aws-Request-Id: got %q, want a UUID", id)
	}
	ms, err := strconv.ParseInt(resp.Header.Get("Lambda-Runtime-Deadline-Ms"), 10, 64)
	if err != nil {
		t.Fatalf("Lambda-Runtime-Deadline-Ms: %v", err)
	}
	if d := time.UnixMilli(ms); d.Before(before.Add(timeout).Truncate(time.Millisecond)) || d.After(after.Add(timeout)) {
		t.Errorf("Lambda-Runtime-Deadline-Ms: got %v, want %v after the hand-over", d, timeout)
	}
	if got, want := resp.Header.Get("Lambda-Runtime-Invoked-Function-Arn"), "arn:aws:lambda:us-east-1:123456789012:function:test-function"; got != want {
		t.Errorf("Lambda-Runtime-Invoked-Function-Arn: got %q, want %q", got, want)
	}
	if got := resp.Header.Get("Lambda-Runtime-Trace-Id"); !strings.HasPrefix(got, "Root=1-") {
		t.Errorf("Lambda-Runtime-Trace-Id: got %q, want Root=1-...", got)
	}

	r, _ := call(t, http.MethodPost, apiURL(rt, "invocation/"+id+"/response"), http.Header{"Content-Type": {"application/json"}}, []byte(`{"ok":true}`))
	if r.StatusCode != http.StatusAccepted {
		t.Errorf("POST response: got status %d, want 202", r.StatusCode)
	}
	got := wait(t, result)
	if got.err != nil {
		t.Fatalf("Invoke: %v", got.err)
	}
	if string(got.resp.Payload) != `{"ok":true}` || got.resp.RequestID != id || got.resp.ContentType != "application/json" {
		t.Errorf("Invoke: got %+v, want the posted response for %s", got.resp, id)
	}
}

func TestInvocationsQueueInOrder(t *testing.T) {
	rt := lambdaruntime.ForTest(t)
	for i := range 3 {
		payload := `{"n":` + strconv.Itoa(i) + `}`
		result := invokeAsync(t.Context(), rt, payload, time.Minute)
		id, _, body := next(t, rt)
		if string(body) != payload {
			t.Errorf("invocation %d: got event %s, want %s", i, body, payload)
		}
		call(t, http.MethodPost, apiURL(rt, "invocation/"+id+"/response"), nil, body)
		if got := wait(t, result); got.err != nil || string(got.resp.Payload) != payload {
			t.Errorf("invocation %d: got %+v, %v, want the echo", i, got.resp, got.err)
		}
	}
}

func TestInvocationError(t *testing.T) {
	tests := []struct {
		name     string
		header   string
		body     string
		wantType string
		wantMsg  string
	}{
		{"aws-lambda-go body", "", `{"errorMessage":"boom","errorType":"StepError"}`, "StepError", "boom"},
		{"type only in header", "Runtime.Custom", `{"errorMessage":"boom"}`, "Runtime.Custom", "boom"},
		{"body type wins", "Header.Type", `{"errorMessage":"boom","errorType":"Body.Type"}`, "Body.Type", "boom"},
		{"not JSON, no header", "", `oops`, "Unhandled", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := lambdaruntime.ForTest(t)
			result := invokeAsync(t.Context(), rt, `{}`, time.Minute)
			id, _, _ := next(t, rt)
			h := http.Header{"Content-Type": {"application/json"}}
			if tt.header != "" {
				h.Set("Lambda-Runtime-Function-Error-Type", tt.header)
			}
			r, _ := call(t, http.MethodPost, apiURL(rt, "invocation/"+id+"/error"), h, []byte(tt.body))
			if r.StatusCode != http.StatusAccepted {
				t.Errorf("POST error: got status %d, want 202", r.StatusCode)
			}
			got := wait(t, result)
			var fe *lambdaruntime.FunctionError
			if !errors.As(got.err, &fe) {
				t.Fatalf("Invoke: got %v, want a *FunctionError", got.err)
			}
			if fe.Type != tt.wantType || fe.Message != tt.wantMsg || fe.RequestID != id || string(fe.Payload) != tt.body {
				t.Errorf("got %+v, want type %q, message %q, request %s, the raw body", fe, tt.wantType, tt.wantMsg, id)
			}
		})
	}
}

// aws-lambda-go sends an error in trailers when the handler's response
// reader fails halfway.
func TestResponseErrorTrailer(t *testing.T) {
	rt := lambdaruntime.ForTest(t)
	result := invokeAsync(t.Context(), rt, `{}`, time.Minute)
	id, _, _ := next(t, rt)

	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, apiURL(rt, "invocation/"+id+"/response"), io.MultiReader(strings.NewReader("partial")))
	req.Trailer = http.Header{
		"Lambda-Runtime-Function-Error-Type": {"ReadError"},
		// base64 of {"errorMessage":"read failed","errorType":"ReadError"}
		"Lambda-Runtime-Function-Error-Body": {"eyJlcnJvck1lc3NhZ2UiOiJyZWFkIGZhaWxlZCIsImVycm9yVHlwZSI6IlJlYWRFcnJvciJ9"},
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := wait(t, result)
	var fe *lambdaruntime.FunctionError
	if !errors.As(got.err, &fe) || fe.Type != "ReadError" || fe.Message != "read failed" {
		t.Errorf("Invoke: got %v, want a *FunctionError ReadError: read failed", got.err)
	}
}

func TestResponseTooLarge(t *testing.T) {
	rt := lambdaruntime.ForTest(t)
	result := invokeAsync(t.Context(), rt, `{}`, time.Minute)
	id, _, _ := next(t, rt)
	r, body := call(t, http.MethodPost, apiURL(rt, "invocation/"+id+"/response"), nil, bytes.Repeat([]byte("x"), lambdaruntime.MaxResponseSize+1))
	if r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("POST response: got status %d, want 413", r.StatusCode)
	}
	if !json.Valid(body) {
		t.Errorf("413 body: got %q, want a JSON error", body)
	}
	got := wait(t, result)
	var fe *lambdaruntime.FunctionError
	if !errors.As(got.err, &fe) || fe.Type != "Function.ResponseSizeTooLarge" {
		t.Errorf("Invoke: got %v, want a *FunctionError Function.ResponseSizeTooLarge", got.err)
	}
}

func TestAnswersRefused(t *testing.T) {
	rt := lambdaruntime.ForTest(t)
	r, body := call(t, http.MethodPost, apiURL(rt, "invocation/no-such-id/response"), nil, []byte(`{}`))
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "InvalidRequestID") {
		t.Errorf("answer for an unknown ID: got %d %s, want 400 InvalidRequestID", r.StatusCode, body)
	}

	result := invokeAsync(t.Context(), rt, `{}`, time.Minute)
	id, _, _ := next(t, rt)
	call(t, http.MethodPost, apiURL(rt, "invocation/"+id+"/response"), nil, []byte(`"first"`))
	for _, path := range []string{"response", "error"} {
		r, body := call(t, http.MethodPost, apiURL(rt, "invocation/"+id+"/"+path), nil, []byte(`"second"`))
		if r.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "InvalidStateTransition") {
			t.Errorf("second answer to /%s: got %d %s, want 403 InvalidStateTransition", path, r.StatusCode, body)
		}
	}
	if got := wait(t, result); got.err != nil || string(got.resp.Payload) != `"first"` {
		t.Errorf("Invoke: got %+v, %v, want the first answer", got.resp, got.err)
	}

	r, _ = call(t, http.MethodGet, apiURL(rt, "invocation/"+id+"/response"), nil, nil)
	if r.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET on a POST path: got %d, want 405", r.StatusCode)
	}
}

func TestInitErrorPosted(t *testing.T) {
	rt := lambdaruntime.ForTest(t)
	h := http.Header{"Lambda-Runtime-Function-Error-Type": {"Runtime.ConfigError"}}
	r, _ := call(t, http.MethodPost, apiURL(rt, "init/error"), h, []byte(`{"errorMessage":"SECRET_ID is required"}`))
	if r.StatusCode != http.StatusAccepted {
		t.Errorf("POST init/error: got status %d, want 202", r.StatusCode)
	}
	_, err := rt.Invoke(t.Context(), []byte(`{}`), time.Minute)
	var ie *lambdaruntime.InitError
	if !errors.As(err, &ie) || ie.Type != "Runtime.ConfigError" || ie.Message != "SECRET_ID is required" {
		t.Errorf("Invoke after init/error: got %v, want *InitError Runtime.ConfigError: SECRET_ID is required", err)
	}
	r, _ = call(t, http.MethodPost, apiURL(rt, "init/error"), h, []byte(`{}`))
	if r.StatusCode != http.StatusForbidden {
		t.Errorf("second init/error: got status %d, want 403", r.StatusCode)
	}
}

func TestInitErrorAfterNextRefused(t *testing.T) {
	rt := lambdaruntime.ForTest(t)
	result := invokeAsync(t.Context(), rt, `{}`, time.Minute)
	id, _, _ := next(t, rt)
	r, _ := call(t, http.MethodPost, apiURL(rt, "init/error"), nil, []byte(`{"errorMessage":"late","errorType":"X"}`))
	if r.StatusCode != http.StatusForbidden {
		t.Errorf("init/error after next: got status %d, want 403", r.StatusCode)
	}
	call(t, http.MethodPost, apiURL(rt, "invocation/"+id+"/response"), nil, []byte(`{}`))
	if got := wait(t, result); got.err != nil {
		t.Errorf("Invoke: %v", got.err)
	}
}

func TestInvokeContextEndsWhileQueued(t *testing.T) {
	rt := lambdaruntime.ForTest(t)
	ctx, cancel := context.WithCancel(t.Context())
	result := invokeAsync(ctx, rt, `{}`, time.Minute)
	cancel()
	if got := wait(t, result); !errors.Is(got.err, context.Canceled) {
		t.Errorf("Invoke: got %v, want context.Canceled", got.err)
	}
}

func TestTimeoutEndsTheEnvironment(t *testing.T) {
	rt := lambdaruntime.ForTest(t)
	const timeout = 50 * time.Millisecond
	result := invokeAsync(t.Context(), rt, `{}`, timeout)
	id, _, _ := next(t, rt)
	got := wait(t, result) // nobody answers
	var te *lambdaruntime.TimeoutError
	if !errors.As(got.err, &te) || !errors.Is(got.err, lambdaruntime.ErrTimeout) || te.RequestID != id || te.Timeout != timeout {
		t.Fatalf("Invoke: got %v, want a *TimeoutError for %s after %v", got.err, id, timeout)
	}
	_, err := rt.Invoke(t.Context(), []byte(`{}`), time.Minute)
	if !errors.Is(err, lambdaruntime.ErrNotRunning) || !errors.As(err, &te) {
		t.Errorf("Invoke after a timeout: got %v, want ErrNotRunning wrapping the *TimeoutError", err)
	}
}

func TestInvokeRejectsNonPositiveTimeout(t *testing.T) {
	rt := lambdaruntime.ForTest(t)
	if _, err := rt.Invoke(t.Context(), []byte(`{}`), 0); err == nil {
		t.Error("Invoke with timeout 0: got nil error, want one")
	}
}

func TestCloseReleasesWaiters(t *testing.T) {
	rt, err := lambdaruntime.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	result := invokeAsync(t.Context(), rt, `{}`, time.Minute)
	next(t, rt) // taken, never answered
	rt.Close()
	if got := wait(t, result); got.err == nil {
		t.Error("Invoke pending at Close: got nil error, want one")
	}
	if _, err := rt.Invoke(t.Context(), []byte(`{}`), time.Minute); err == nil {
		t.Error("Invoke after Close: got nil error, want one")
	}
}
