package authorizer_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/originlock/originlock/authorizer"
)

const fuzzARN = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/items/1"

// FuzzAdapters sends every adapter an event whose identity header has a
// fuzzed name, a fuzzed or real value, and may be repeated. Only the exact
// header, sent once, with AWSCURRENT, AWSPENDING or AWSPREVIOUS, is allowed;
// anything else gets a Deny or ErrUnavailable, never another error or a
// panic; no response, error or log line contains a value.
func FuzzAdapters(f *testing.F) {
	f.Add(header, "", uint8(1), false)
	f.Add("x-origin-verify", "", uint8(2), false)
	f.Add("X-ORIGIN-VERIFY", "", uint8(3), true)
	f.Add(header, "forged-0123456789", uint8(0), false)
	f.Add(header, "\x00\xff", uint8(4), false)
	f.Add("X-Origin-Verify2", "", uint8(1), false)
	f.Add(header, strings.Repeat("x", authorizer.MaxValueLength+1), uint8(0), false)
	// An environment serves many inputs, which keeps each run cheap; the
	// clock moves by a cooldown per input, so that every unknown value makes
	// its own read, and a new environment starts before AWSPREVIOUS's grace
	// window (15 min) runs out.
	var e *verifierEnv
	var age time.Duration
	f.Fuzz(func(t *testing.T, name, fuzzed string, pick uint8, repeat bool) {
		if e == nil || age > 10*time.Minute {
			e, age = stagedEnv(t), 0
		}
		e.clock.Advance(authorizer.DefaultRefreshCooldown)
		age += authorizer.DefaultRefreshCooldown
		e.logs.Reset()
		value := fuzzed
		switch pick % 6 {
		case 1:
			value = valCurrent
		case 2:
			value = valPending
		case 3:
			value = valPrevious
		case 4:
			value = valCurrent + fuzzed
		case 5:
			value = fuzzed + valPending
		}
		valid := value == valCurrent || value == valPending || value == valPrevious
		exact := strings.EqualFold(name, header) && !repeat
		ctx := context.Background()
		var out []string
		check := func(adapter string, allowed bool, resp any, err error, mayAllow bool) {
			t.Helper()
			b, _ := json.Marshal(resp)
			out = append(out, string(b))
			if err != nil {
				out = append(out, err.Error(), fmt.Sprintf("%+v", err))
				if !errors.Is(err, authorizer.ErrUnavailable) {
					t.Fatalf("%s: error %v is not ErrUnavailable", adapter, err)
				}
			}
			if allowed && !mayAllow {
				t.Fatalf("%s allowed a request it must refuse (header %q, valid value %v, repeated %v)", adapter, name, valid, repeat)
			}
			if !allowed && mayAllow && err == nil {
				t.Fatalf("%s refused a valid request (header %q)", adapter, name)
			}
		}

		restEvent := events.APIGatewayCustomAuthorizerRequestTypeRequest{Type: "REQUEST", MethodArn: fuzzARN, Headers: map[string]string{name: value}}
		if repeat {
			restEvent.MultiValueHeaders = map[string][]string{name: {value, value}}
		}
		resp, err := authorizer.RESTRequest(e.v, header)(ctx, restEvent)
		check("RESTRequest", isAllow(resp), resp, err, valid && exact)
		if isAllow(resp) && resp.PolicyDocument.Statement[0].Resource[0] != authorizer.StageResource(fuzzARN) {
			t.Fatalf("RESTRequest: Allow for %v, want the whole stage", resp.PolicyDocument.Statement[0].Resource)
		}

		resp, err = authorizer.RESTToken(e.v)(ctx, events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: value, MethodArn: fuzzARN})
		check("RESTToken", isAllow(resp), resp, err, valid)

		httpValue := value
		if repeat {
			httpValue = value + "," + value
		}
		httpEvent := events.APIGatewayV2CustomAuthorizerV2Request{Type: "REQUEST", RouteArn: fuzzARN, Headers: map[string]string{strings.ToLower(name): httpValue}}
		simple, err := authorizer.HTTPAPI(e.v, header)(ctx, httpEvent)
		check("HTTPAPI", simple.IsAuthorized, simple, err, valid && exact)
		iam, err := authorizer.HTTPAPIIAM(e.v, header)(ctx, httpEvent)
		check("HTTPAPIIAM", len(iam.PolicyDocument.Statement) == 1 && iam.PolicyDocument.Statement[0].Effect == "Allow", iam, err, valid && exact)

		reached := false
		mw := authorizer.Middleware(e.v, header, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			reached = true
			if r.Header.Get(header) != "" {
				t.Error("the middleware passed the header on to the application")
			}
		}))
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		key := http.CanonicalHeaderKey(name)
		req.Header[key] = []string{value}
		if repeat {
			req.Header[key] = append(req.Header[key], value)
		}
		rec := httptest.NewRecorder()
		mw.ServeHTTP(rec, req)
		out = append(out, rec.Body.String())
		if reached != (rec.Code == http.StatusOK) || (reached && !(valid && key == http.CanonicalHeaderKey(header) && !repeat)) {
			t.Fatalf("Middleware: status %d, reached %v (header %q, valid %v, repeated %v)", rec.Code, reached, name, valid, repeat)
		}

		haystack := e.logs.String() + strings.Join(out, "\n")
		for _, secret := range []string{valCurrent, valPending, valPrevious} {
			if strings.Contains(haystack, secret) {
				t.Fatal("a value appears in a response, an error or the logs")
			}
		}
	})
}

func isAllow(resp events.APIGatewayCustomAuthorizerResponse) bool {
	return len(resp.PolicyDocument.Statement) == 1 && resp.PolicyDocument.Statement[0].Effect == "Allow"
}

// FuzzStageResource: StageResource never widens an ARN that is not an
// execute-api method ARN, widens one to exactly its stage, and is
// idempotent.
func FuzzStageResource(f *testing.F) {
	for _, s := range []string{fuzzARN, "arn:aws:execute-api:us-east-1:1:api/stage", "arn:aws:execute-api:us-east-1:1:api//GET/", "arn:aws:s3:::bucket/key/x", "", "/", "arn:/a/b", "x:execute-api:/a/b/c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		out := authorizer.StageResource(arn)
		if authorizer.StageResource(out) != out {
			t.Fatalf("StageResource is not idempotent on %q", arn)
		}
		if out == arn {
			return
		}
		prefix, ok := strings.CutSuffix(out, "/*/*")
		if !ok || !strings.HasPrefix(arn, prefix+"/") || !strings.HasPrefix(arn, "arn:") || strings.Count(prefix, "/") != 1 {
			t.Fatalf("StageResource(%q) = %q: not the stage of the ARN", arn, out)
		}
		if api := strings.IndexByte(arn, '/'); !strings.Contains(arn[:api], ":execute-api:") {
			t.Fatalf("StageResource widened a non-execute-api ARN %q to %q", arn, out)
		}
	})
}
