package authorizer_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/originlock/originlock/authorizer"
)

const (
	header    = "X-Origin-Verify"
	methodARN = "arn:aws:execute-api:us-east-1:123456789012:api1234567/prod/GET/items"
)

func loadEvent(t testing.TB, name string, into any) {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatal(err)
	}
}

// stagedEnv returns a Verifier whose secret has AWSCURRENT valCurrent,
// AWSPENDING valPending and AWSPREVIOUS valPrevious, rotated at t0.
func stagedEnv(t testing.TB, opts ...authorizer.Option) *verifierEnv {
	e := newVerifierEnv(t, append([]authorizer.Option{authorizer.WithPreviousGrace(15 * time.Minute)}, opts...)...)
	e.sm.put(jsonValue(valPrevious), "AWSCURRENT")
	e.sm.put(jsonValue(valCurrent), "AWSCURRENT")
	e.sm.put(jsonValue(valPending), "AWSPENDING")
	return e
}

// adapterCase is one request: the header as sent (nil: missing) and the
// time after t0 it arrives.
type adapterCase struct {
	name    string
	headers map[string]string
	after   time.Duration
	want    authorizer.Decision
}

func adapterCases() []adapterCase {
	return []adapterCase{
		{"current", map[string]string{header: valCurrent}, 0, authorizer.AllowCurrent},
		{"pending", map[string]string{header: valPending}, 0, authorizer.AllowPending},
		{"previous in grace", map[string]string{header: valPrevious}, 10 * time.Minute, authorizer.AllowPrevious},
		{"previous after grace", map[string]string{header: valPrevious}, 20 * time.Minute, authorizer.Deny},
		{"wrong", map[string]string{header: valWrong}, 0, authorizer.Deny},
		{"empty", map[string]string{header: ""}, 0, authorizer.Deny},
		{"missing", nil, 0, authorizer.Deny},
		{"lower-case name", map[string]string{strings.ToLower(header): valCurrent}, 0, authorizer.AllowCurrent},
		{"upper-case name", map[string]string{strings.ToUpper(header): valPending}, 0, authorizer.AllowPending},
		{"huge", map[string]string{header: strings.Repeat("A", 1<<20)}, 0, authorizer.Deny},
		{"binary", map[string]string{header: "\x00\xff" + valCurrent}, 0, authorizer.Deny},
	}
}

func withHeaders(base map[string]string, add map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range add {
		out[k] = v
	}
	return out
}

func wantPolicy(t *testing.T, got events.APIGatewayCustomAuthorizerResponse, want authorizer.Decision, resource string) {
	t.Helper()
	effect, principal := "Deny", authorizer.PrincipalDenied
	if want.Allowed() {
		effect, principal = "Allow", authorizer.PrincipalAllowed
	}
	wantDoc := events.APIGatewayCustomAuthorizerPolicy{Version: "2012-10-17", Statement: []events.IAMPolicyStatement{{
		Action: []string{"execute-api:Invoke"}, Effect: effect, Resource: []string{resource},
	}}}
	if got.PrincipalID != principal || !reflect.DeepEqual(got.PolicyDocument, wantDoc) {
		t.Errorf("got principal %q policy %+v, want %q %+v", got.PrincipalID, got.PolicyDocument, principal, wantDoc)
	}
}

func TestRESTRequest(t *testing.T) {
	var base events.APIGatewayCustomAuthorizerRequestTypeRequest
	loadEvent(t, "rest-request.json", &base)
	for _, tc := range adapterCases() {
		t.Run(tc.name, func(t *testing.T) {
			e := stagedEnv(t)
			e.clock.Advance(tc.after)
			handle := authorizer.RESTRequest(e.v, header, authorizer.WithContextKey("originlock"))
			ev := base
			ev.Headers = withHeaders(base.Headers, tc.headers)
			got, err := handle(context.Background(), ev)
			if err != nil {
				t.Fatal(err)
			}
			wantPolicy(t, got, tc.want, "arn:aws:execute-api:us-east-1:123456789012:s4x3opwd6i/test/*/*")
			if tc.want.Allowed() && got.Context["originlock"] != tc.want.String() {
				t.Errorf("context = %v, want originlock=%s", got.Context, tc.want)
			}
			if !tc.want.Allowed() && got.Context != nil {
				t.Errorf("a Deny carries context %v", got.Context)
			}
		})
	}
	t.Run("header twice", func(t *testing.T) {
		e := stagedEnv(t)
		ev := base
		ev.Headers = withHeaders(base.Headers, map[string]string{header: valCurrent})
		ev.MultiValueHeaders = map[string][]string{header: {valWrong, valCurrent}}
		got, err := authorizer.RESTRequest(e.v, header)(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		wantPolicy(t, got, authorizer.Deny, "arn:aws:execute-api:us-east-1:123456789012:s4x3opwd6i/test/*/*")
	})
	t.Run("name in two spellings", func(t *testing.T) {
		e := stagedEnv(t)
		ev := base
		ev.Headers = withHeaders(base.Headers, map[string]string{header: valCurrent, strings.ToLower(header): valWrong})
		got, err := authorizer.RESTRequest(e.v, header)(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		wantPolicy(t, got, authorizer.Deny, "arn:aws:execute-api:us-east-1:123456789012:s4x3opwd6i/test/*/*")
	})
}

func TestRESTToken(t *testing.T) {
	var base events.APIGatewayCustomAuthorizerRequest
	loadEvent(t, "rest-token.json", &base)
	for _, tc := range adapterCases() {
		if len(tc.headers) != 1 {
			continue // the token is the header value: there is no missing or renamed header
		}
		t.Run(tc.name, func(t *testing.T) {
			e := stagedEnv(t)
			e.clock.Advance(tc.after)
			ev := base
			for _, v := range tc.headers {
				ev.AuthorizationToken = v
			}
			got, err := authorizer.RESTToken(e.v)(context.Background(), ev)
			if err != nil {
				t.Fatal(err)
			}
			wantPolicy(t, got, tc.want, "arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/*/*/*")
		})
	}
}

func TestHTTPAPI(t *testing.T) {
	var base events.APIGatewayV2CustomAuthorizerV2Request
	loadEvent(t, "http-v2.json", &base)
	for _, tc := range adapterCases() {
		t.Run(tc.name, func(t *testing.T) {
			e := stagedEnv(t)
			e.clock.Advance(tc.after)
			ev := base
			// HTTP APIs deliver header names lower-cased; the mixed-case cases
			// check the fallback for hand-made events.
			ev.Headers = withHeaders(base.Headers, tc.headers)
			simple, err := authorizer.HTTPAPI(e.v, header, authorizer.WithContextKey("stage"))(context.Background(), ev)
			if err != nil {
				t.Fatal(err)
			}
			if simple.IsAuthorized != tc.want.Allowed() {
				t.Errorf("simple: isAuthorized = %v, want %v", simple.IsAuthorized, tc.want.Allowed())
			}
			if tc.want.Allowed() && simple.Context["stage"] != tc.want.String() {
				t.Errorf("simple: context = %v", simple.Context)
			}
			e.clock.Advance(authorizer.DefaultRefreshCooldown)
			iam, err := authorizer.HTTPAPIIAM(e.v, header)(context.Background(), ev)
			if err != nil {
				t.Fatal(err)
			}
			wantPolicy(t, events.APIGatewayCustomAuthorizerResponse{PrincipalID: iam.PrincipalID, PolicyDocument: iam.PolicyDocument}, tc.want,
				"arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/*/*")
		})
	}
	t.Run("header twice, comma-joined", func(t *testing.T) {
		e := stagedEnv(t)
		ev := base
		ev.Headers = map[string]string{strings.ToLower(header): valCurrent + "," + valCurrent}
		handle := authorizer.HTTPAPI(e.v, header)
		for range 3 { // denied every time, not ErrUnavailable within the cooldown
			got, err := handle(context.Background(), ev)
			if err != nil || got.IsAuthorized {
				t.Errorf("got %v, %v; want not authorized", got.IsAuthorized, err)
			}
		}
		if got := e.sm.count("DescribeSecret"); got != 1 {
			t.Errorf("DescribeSecret calls = %d, want 1 (the first read only)", got)
		}
	})
}

// TestAdaptersUnavailable: when the Verifier cannot decide, every adapter
// returns ErrUnavailable instead of a Deny API Gateway would cache.
func TestAdaptersUnavailable(t *testing.T) {
	e := stagedEnv(t)
	e.sm.setFail(errInjected)
	ctx := context.Background()
	if _, err := authorizer.RESTRequest(e.v, header)(ctx, events.APIGatewayCustomAuthorizerRequestTypeRequest{Headers: map[string]string{header: valCurrent}, MethodArn: methodARN}); !errors.Is(err, authorizer.ErrUnavailable) {
		t.Errorf("RESTRequest: got %v, want ErrUnavailable", err)
	}
	if _, err := authorizer.RESTToken(e.v)(ctx, events.APIGatewayCustomAuthorizerRequest{AuthorizationToken: valCurrent, MethodArn: methodARN}); !errors.Is(err, authorizer.ErrUnavailable) {
		t.Errorf("RESTToken: got %v, want ErrUnavailable", err)
	}
	if _, err := authorizer.HTTPAPI(e.v, header)(ctx, events.APIGatewayV2CustomAuthorizerV2Request{}); !errors.Is(err, authorizer.ErrUnavailable) {
		t.Errorf("HTTPAPI: got %v, want ErrUnavailable", err)
	}
	if _, err := authorizer.HTTPAPIIAM(e.v, header)(ctx, events.APIGatewayV2CustomAuthorizerV2Request{RouteArn: methodARN}); !errors.Is(err, authorizer.ErrUnavailable) {
		t.Errorf("HTTPAPIIAM: got %v, want ErrUnavailable", err)
	}
}

func TestMiddleware(t *testing.T) {
	for _, tc := range adapterCases() {
		t.Run(tc.name, func(t *testing.T) {
			e := stagedEnv(t)
			e.clock.Advance(tc.after)
			var seen *http.Request
			h := authorizer.Middleware(e.v, header, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = r
				w.WriteHeader(http.StatusNoContent)
			}))
			req := httptest.NewRequest(http.MethodGet, "/pets", nil)
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if tc.want.Allowed() {
				if rec.Code != http.StatusNoContent || seen == nil {
					t.Fatalf("status %d, want the request to reach the app", rec.Code)
				}
				if _, ok := seen.Header[http.CanonicalHeaderKey(header)]; ok {
					t.Error("the header reached the app")
				}
				if req.Header.Get(header) == "" {
					t.Error("the middleware edited the caller's request")
				}
				return
			}
			if rec.Code != http.StatusForbidden || seen != nil {
				t.Errorf("status %d (app reached: %v), want 403", rec.Code, seen != nil)
			}
			if body := rec.Body.String(); body != "Forbidden\n" {
				t.Errorf("body %q says more than forbidden", body)
			}
			if got := rec.Header().Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", got)
			}
		})
	}
	t.Run("header twice", func(t *testing.T) {
		e := stagedEnv(t)
		h := authorizer.Middleware(e.v, header, http.NotFoundHandler())
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Add(header, valCurrent)
		req.Header.Add(header, valCurrent)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("status %d, want 403", rec.Code)
		}
	})
	t.Run("unavailable", func(t *testing.T) {
		e := stagedEnv(t)
		e.sm.setFail(errInjected)
		h := authorizer.Middleware(e.v, header, http.NotFoundHandler())
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set(header, valCurrent)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("status %d, Retry-After %q, Cache-Control %q; want 503, a Retry-After and no-store",
				rec.Code, rec.Header().Get("Retry-After"), rec.Header().Get("Cache-Control"))
		}
	})
}

func TestStageResource(t *testing.T) {
	cases := map[string]string{
		"arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/pets/1":   "arn:aws:execute-api:us-east-1:123456789012:abc/prod/*/*",
		"arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/":         "arn:aws:execute-api:us-east-1:123456789012:abc/prod/*/*",
		"arn:aws:execute-api:us-east-1:123456789012:abc/$default/POST/x":   "arn:aws:execute-api:us-east-1:123456789012:abc/$default/*/*",
		"arn:aws-cn:execute-api:cn-north-1:123456789012:abc/prod/GET/pets": "arn:aws-cn:execute-api:cn-north-1:123456789012:abc/prod/*/*",
		"arn:aws:execute-api:us-east-1:123456789012:abc/prod":              "arn:aws:execute-api:us-east-1:123456789012:abc/prod",
		"arn:aws:execute-api:us-east-1:123456789012:abc//GET":              "arn:aws:execute-api:us-east-1:123456789012:abc//GET",
		"arn:aws:lambda:us-east-1:123456789012:function:f/x/y":             "arn:aws:lambda:us-east-1:123456789012:function:f/x/y",
		"":                    "",
		"not an arn/prod/GET": "not an arn/prod/GET",
	}
	for in, want := range cases {
		if got := authorizer.StageResource(in); got != want {
			t.Errorf("StageResource(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAdaptersRefuseBadHeaderNames(t *testing.T) {
	e := stagedEnv(t)
	for _, name := range []string{"", "X Origin", "X-Origin:"} {
		for adapter, build := range map[string]func(){
			"RESTRequest": func() { authorizer.RESTRequest(e.v, name) },
			"HTTPAPI":     func() { authorizer.HTTPAPI(e.v, name) },
			"HTTPAPIIAM":  func() { authorizer.HTTPAPIIAM(e.v, name) },
			"Middleware":  func() { authorizer.Middleware(e.v, name, http.NotFoundHandler()) },
		} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s(%q) did not panic", adapter, name)
					}
				}()
				build()
			}()
		}
	}
}

// TestAdaptersRefuseEventsOfTheWrongShape: an adapter given another kind of
// authorizer's event (the function's AUTHORIZER_TYPE does not match the API)
// returns an error naming that misconfiguration, never a policy — above all
// not an Allow whose Resource is "".
func TestAdaptersRefuseEventsOfTheWrongShape(t *testing.T) {
	e := stagedEnv(t)
	ctx := context.Background()
	var httpAsREST events.APIGatewayCustomAuthorizerRequestTypeRequest
	loadEvent(t, "http-v2.json", &httpAsREST)
	httpAsREST.Headers = map[string]string{strings.ToLower(header): valCurrent}
	var httpAsToken events.APIGatewayCustomAuthorizerRequest
	loadEvent(t, "http-v2.json", &httpAsToken)
	httpAsToken.AuthorizationToken = valCurrent
	var restAsHTTP events.APIGatewayV2CustomAuthorizerV2Request
	loadEvent(t, "rest-request.json", &restAsHTTP)
	restAsHTTP.Headers = map[string]string{header: valCurrent}
	var tokenAsRequest events.APIGatewayCustomAuthorizerRequestTypeRequest
	loadEvent(t, "rest-token.json", &tokenAsRequest)
	var requestAsToken events.APIGatewayCustomAuthorizerRequest
	loadEvent(t, "rest-request.json", &requestAsToken)
	requestAsToken.AuthorizationToken = valCurrent

	check := func(name string, policy *events.APIGatewayCustomAuthorizerPolicy, err error) {
		t.Helper()
		if !errors.Is(err, authorizer.ErrWrongEvent) || !strings.Contains(err.Error(), "AUTHORIZER_TYPE") {
			t.Errorf("%s: error %v, want ErrWrongEvent naming AUTHORIZER_TYPE", name, err)
		}
		if policy != nil && len(policy.Statement) > 0 {
			t.Errorf("%s: returned a policy %+v", name, policy)
		}
	}
	r1, err := authorizer.RESTRequest(e.v, header)(ctx, httpAsREST)
	check("RESTRequest given an HTTP API 2.0 event", &r1.PolicyDocument, err)
	r2, err := authorizer.RESTToken(e.v)(ctx, httpAsToken)
	check("RESTToken given an HTTP API 2.0 event", &r2.PolicyDocument, err)
	r3, err := authorizer.HTTPAPIIAM(e.v, header)(ctx, restAsHTTP)
	check("HTTPAPIIAM given a REST API event", &r3.PolicyDocument, err)
	r4, err := authorizer.RESTRequest(e.v, header)(ctx, tokenAsRequest)
	check("RESTRequest given a TOKEN event", &r4.PolicyDocument, err)
	r5, err := authorizer.RESTToken(e.v)(ctx, requestAsToken)
	check("RESTToken given a REQUEST event", &r5.PolicyDocument, err)
	if strings.Contains(fmt.Sprint(err), valCurrent) {
		t.Error("the error contains the value")
	}
}
