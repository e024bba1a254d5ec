package authorizer_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/originlock/originlock/authorizer"
)

// TestNoSecretInLogsOrErrors runs every path (each decision, each adapter,
// refresh on miss, cooldown, failures, staleness, a malformed version) with
// debug logs captured, and searches the logs, every error and every response
// for any of the secret's values, and checks that the Observer's events
// carry only fixed words.
func TestNoSecretInLogsOrErrors(t *testing.T) {
	obs := newCountingObserver()
	e := stagedEnv(t, authorizer.WithObserver(obs))
	e.sm.put(`{"HEADERVALUE": 42, "leak": "`+valWrong+`"}`, "AWSPENDING") // malformed pending
	ctx := context.Background()
	var out []string
	record := func(v any, err error) {
		out = append(out, fmt.Sprintf("%+v %#v", v, v))
		if err != nil {
			out = append(out, err.Error(), fmt.Sprintf("%+v %#v", err, err))
		}
	}
	values := []string{valCurrent, valPending, valPrevious, valWrong, "", strings.Repeat("x", 5000)}
	rest := authorizer.RESTRequest(e.v, header, authorizer.WithContextKey("k"))
	token := authorizer.RESTToken(e.v)
	httpSimple := authorizer.HTTPAPI(e.v, header)
	httpIAM := authorizer.HTTPAPIIAM(e.v, header)
	mw := authorizer.Middleware(e.v, header, http.NotFoundHandler())
	pass := func() {
		for _, value := range values {
			record(e.v.Verify(ctx, value))
			record(rest(ctx, events.APIGatewayCustomAuthorizerRequestTypeRequest{Headers: map[string]string{header: value}, MethodArn: "arn:aws:execute-api:us-east-1:1:a/s/GET/"}))
			record(token(ctx, events.APIGatewayCustomAuthorizerRequest{AuthorizationToken: value, MethodArn: "arn:aws:execute-api:us-east-1:1:a/s/GET/"}))
			record(httpSimple(ctx, events.APIGatewayV2CustomAuthorizerV2Request{Headers: map[string]string{strings.ToLower(header): value}}))
			record(httpIAM(ctx, events.APIGatewayV2CustomAuthorizerV2Request{Headers: map[string]string{strings.ToLower(header): value}, RouteArn: "arn:aws:execute-api:us-east-1:1:a/s/GET/"}))
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Header.Set(header, value)
			rec := httptest.NewRecorder()
			mw.ServeHTTP(rec, req)
			out = append(out, rec.Body.String())
		}
	}
	pass()                       // warm, misses, cooldown
	e.clock.Advance(time.Minute) // a miss read again
	pass()                       //
	e.sm.setFail(errInjected)    // reads fail: stale-if-error, unavailable
	e.clock.Advance(authorizer.DefaultCacheTTL)
	pass()
	e.clock.Advance(authorizer.DefaultMaxStaleness) // beyond staleness
	pass()

	fixed := map[string]bool{"": true}
	for _, r := range []string{authorizer.ReasonInvalid, authorizer.ReasonUnknown, authorizer.ReasonCooldown, authorizer.ReasonDeleted,
		authorizer.ReasonNoRead, authorizer.ReasonReadFailed, authorizer.ReasonStale, authorizer.ReasonCanceled, authorizer.ReasonAccessDenied} {
		fixed[r] = true
	}
	obs.mu.Lock()
	for k := range obs.byOutcome {
		out = append(out, k)
		if _, reason, _ := strings.Cut(k, "/"); !fixed[reason] {
			t.Errorf("the observer got a reason that is not a Reason constant: %q", reason)
		}
	}
	for k := range obs.byCause {
		out = append(out, k)
	}
	obs.mu.Unlock()
	if obs.decisions.Load() == 0 || obs.reads.Load() == 0 {
		t.Error("the observer saw nothing")
	}
	haystack := e.logs.String() + "\n" + strings.Join(out, "\n")
	if !strings.Contains(haystack, "cannot verify") || !strings.Contains(e.logs.String(), "no usable value") {
		t.Fatal("the failure paths did not run")
	}
	for _, secret := range []string{valCurrent, valPending, valPrevious, valWrong} {
		if strings.Contains(haystack, secret) {
			t.Errorf("a value (%d characters) appears in logs, errors or responses", len(secret))
		}
	}
}
