package authorizer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/originlock/originlock/authorizer"
)

// BenchmarkInvoke measures each API Gateway adapter as Lambda runs it: the
// event's JSON bytes in (testdata/, as API Gateway sends them), the
// response's JSON bytes out, through aws-lambda-go's lambda.NewHandler, the
// same reflection and encoding/json path lambda.Start uses for every
// invocation. Only the Runtime API's HTTP exchange is left out. The
// Verifier is warm and the value is AWSCURRENT, so no Secrets Manager call
// is made; bench/ (scripts/bench) reports the figures against its goals.
//
// Run with: go test -run '^$' -bench '^BenchmarkInvoke$' -benchmem ./authorizer
func BenchmarkInvoke(b *testing.B) {
	for _, bc := range []struct {
		name, event string
		header      string // key under "headers" that gets the value; "" for the TOKEN event
		handler     func(*authorizer.Verifier) any
		allowed     string // what an Allow response contains
	}{
		{"rest-request", "rest-request.json", header, func(v *authorizer.Verifier) any { return authorizer.RESTRequest(v, header) }, `"Effect":"Allow"`},
		{"rest-token", "rest-token.json", "", func(v *authorizer.Verifier) any { return authorizer.RESTToken(v) }, `"Effect":"Allow"`},
		{"http-simple", "http-v2.json", strings.ToLower(header), func(v *authorizer.Verifier) any { return authorizer.HTTPAPI(v, header) }, `"isAuthorized":true`},
		{"http-iam", "http-v2.json", strings.ToLower(header), func(v *authorizer.Verifier) any { return authorizer.HTTPAPIIAM(v, header) }, `"Effect":"Allow"`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e := stagedEnv(b)
			payload := eventWithValue(b, bc.event, bc.header, valCurrent)
			h := lambda.NewHandler(bc.handler(e.v))
			ctx := context.Background()
			check := func() {
				out, err := h.Invoke(ctx, payload)
				if err != nil || !bytes.Contains(out, []byte(bc.allowed)) {
					b.Fatalf("not allowed: %v", err)
				}
			}
			check() // warm-up: the first Verify makes the first read
			b.ReportAllocs()
			for b.Loop() {
				check()
			}
		})
	}
}

// eventWithValue returns testdata/name with value under headers[key], or as
// authorizationToken when key is "".
func eventWithValue(tb testing.TB, name, key, value string) []byte {
	tb.Helper()
	raw, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		tb.Fatal(err)
	}
	if key == "" {
		ev["authorizationToken"] = value
	} else {
		headers, _ := ev["headers"].(map[string]any)
		if headers == nil {
			tb.Fatalf("%s has no headers", name)
		}
		headers[key] = value
	}
	out, err := json.Marshal(ev)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// BenchmarkVerifyUnknown is what one request of a flood of random values
// costs the authorizer once the first of them has made its read: within the
// refresh cooldown every unknown value is denied (a cacheable 403, checked
// against that recent read) without a Secrets Manager call or an allocation.
func BenchmarkVerifyUnknown(b *testing.B) {
	e := stagedEnv(b)
	ctx := context.Background()
	values := make([]string, 1024)
	for i := range values {
		values[i] = fmt.Sprintf("%s%08d", valWrong[:len(valWrong)-8], i)
	}
	if d, err := e.v.Verify(ctx, valWrong); err != nil || d.Allowed() {
		b.Fatalf("first unknown value: %v, %v; want Deny after a read", d, err)
	}
	reads := e.sm.count("DescribeSecret")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if d, err := e.v.Verify(ctx, values[i%len(values)]); err != nil || d.Allowed() {
			b.Fatalf("unknown value within the cooldown: %v, %v; want Deny", d, err)
		}
		i++
	}
	if got := e.sm.count("DescribeSecret"); got != reads {
		b.Fatalf("the flood made %d reads, want none within the cooldown", got-reads)
	}
}
