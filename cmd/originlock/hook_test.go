package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// hookProxy stands in front of moto for what moto cannot do: it runs the
// rotation function when RotateSecret is called (moto cannot run a
// function; when the call names none, moto also forgets the configured one,
// which AWS keeps), and it answers and records the API Gateway authorizer
// cache flushes moto does not implement. Everything else is forwarded. It
// is a test double, for those parts only.
type hookProxy struct {
	URL string
	srv *http.Server
	rp  *httputil.ReverseProxy

	mu      sync.Mutex
	flushes []string
	// calls are the revocation's calls, in the order they arrived:
	// "remove AWSPREVIOUS", "recycle NAME" (a Lambda configuration update)
	// and "flush PATH".
	calls []string
	// onRotate runs the rotation's steps for (secret ARN, token);
	// configuredARN returns the secret's rotation function. Both are set with
	// setHooks after the server started, and read under mu: a request that
	// arrives through a socket gives the race detector no other
	// happens-before edge with what the test set before it.
	onRotate      func(arn, token string)
	configuredARN func(secretID string) string
	done          sync.WaitGroup
}

// setHooks sets onRotate and configuredARN.
func (h *hookProxy) setHooks(onRotate func(arn, token string), configuredARN func(secretID string) string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.onRotate, h.configuredARN = onRotate, configuredARN
}

// hooks returns onRotate and configuredARN.
func (h *hookProxy) hooks() (func(arn, token string), func(secretID string) string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.onRotate, h.configuredARN
}

func startHook(t *testing.T, upstream string) *hookProxy {
	u, _ := url.Parse(upstream)
	h := &hookProxy{rp: httputil.NewSingleHostReverseProxy(u)}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ln, err := newLoopbackListener()
	if err != nil {
		t.Fatal(err)
	}
	h.URL, h.srv = "http://"+ln.Addr().String(), srv
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close(); h.done.Wait() })
	return h
}

func (h *hookProxy) Flushes() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.flushes...)
}

// Calls returns the revocation's calls in order (see calls).
func (h *hookProxy) Calls() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.calls...)
}

func (h *hookProxy) record(call string) {
	h.mu.Lock()
	h.calls = append(h.calls, call)
	h.mu.Unlock()
}

func (h *hookProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodDelete && strings.HasSuffix(r.URL.Path, "/cache/authorizers") {
		h.mu.Lock()
		h.flushes = append(h.flushes, r.URL.Path)
		h.mu.Unlock()
		h.record("flush " + r.URL.Path)
		if strings.Contains(r.URL.Path, "/nosuchapi/") {
			w.Header().Set("X-Amzn-Errortype", "NotFoundException")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"message":"Invalid API identifier specified"}`)
			return
		}
		w.WriteHeader(http.StatusAccepted)
		return
	}
	if r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/2015-03-31/functions/") && strings.HasSuffix(r.URL.Path, "/configuration") {
		h.record("recycle " + strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/2015-03-31/functions/"), "/configuration"))
	}
	if r.Header.Get("X-Amz-Target") == "secretsmanager.UpdateSecretVersionStage" {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var in struct{ VersionStage, RemoveFromVersionId string }
		if json.Unmarshal(body, &in) == nil && in.VersionStage == "AWSPREVIOUS" && in.RemoveFromVersionId != "" {
			h.record("remove AWSPREVIOUS")
		}
	}
	onRotate, configuredARN := h.hooks()
	if r.Header.Get("X-Amz-Target") != "secretsmanager.RotateSecret" || onRotate == nil {
		h.rp.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var in map[string]any
	_ = json.Unmarshal(body, &in)
	id, _ := in["SecretId"].(string)
	if _, named := in["RotationLambdaARN"]; !named {
		in["RotationLambdaARN"] = configuredARN(id)
	}
	body, _ = json.Marshal(in)
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	rec := &recorder{header: http.Header{}}
	h.rp.ServeHTTP(rec, r)
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.code)
	_, _ = w.Write(rec.body.Bytes())
	if rec.code == http.StatusOK {
		var out struct{ ARN, VersionId string }
		_ = json.Unmarshal(rec.body.Bytes(), &out)
		h.done.Add(1)
		go func() { defer h.done.Done(); onRotate(out.ARN, out.VersionId) }()
	}
}

type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(code int)        { r.code = code }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
