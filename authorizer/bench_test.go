package authorizer_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/originlock/originlock/authorizer"
)

// Run with: go test -run '^$' -bench . -benchmem ./authorizer

func BenchmarkVerify(b *testing.B) {
	for _, bc := range []struct{ name, value string }{{"current", valCurrent}, {"pending", valPending}, {"previous", valPrevious}} {
		b.Run(bc.name, func(b *testing.B) {
			e := stagedEnv(b)
			ctx := context.Background()
			if d, _ := e.v.Verify(ctx, bc.value); !d.Allowed() {
				b.Fatal("not allowed")
			}
			b.ReportAllocs()
			for b.Loop() {
				if d, _ := e.v.Verify(ctx, bc.value); !d.Allowed() {
					b.Fatal("not allowed")
				}
			}
		})
	}
}

// BenchmarkVerifyObserved is BenchmarkVerify/current with an Observer that
// counts (atomically) every decision: the cost of the metrics hook itself.
func BenchmarkVerifyObserved(b *testing.B) {
	obs := &atomicObserver{}
	e := newVerifierEnv(b, authorizer.WithObserver(obs))
	ctx := context.Background()
	if d, _ := e.v.Verify(ctx, valCurrent); !d.Allowed() {
		b.Fatal("not allowed")
	}
	b.ReportAllocs()
	for b.Loop() {
		if d, _ := e.v.Verify(ctx, valCurrent); !d.Allowed() {
			b.Fatal("not allowed")
		}
	}
	if obs.decisions.Load() < int64(b.N) {
		b.Fatalf("%d decisions observed for %d Verify calls", obs.decisions.Load(), b.N)
	}
}

// BenchmarkVerifySystemClock is BenchmarkVerify/current with the real clock,
// as in production (the fake clock takes a mutex).
func BenchmarkVerifySystemClock(b *testing.B) {
	sm := newSMDouble(valCurrent, time.Now)
	v, err := authorizer.NewVerifier(sm, doubleARN, authorizer.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if d, _ := v.Verify(ctx, valCurrent); !d.Allowed() {
		b.Fatal("not allowed")
	}
	b.ReportAllocs()
	for b.Loop() {
		if d, _ := v.Verify(ctx, valCurrent); !d.Allowed() {
			b.Fatal("not allowed")
		}
	}
}

func BenchmarkVerifyParallel(b *testing.B) {
	e := stagedEnv(b)
	ctx := context.Background()
	e.v.Verify(ctx, valCurrent)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if d, _ := e.v.Verify(ctx, valCurrent); !d.Allowed() {
				b.Fatal("not allowed")
			}
		}
	})
}

func BenchmarkRESTRequest(b *testing.B) {
	e := stagedEnv(b)
	var ev events.APIGatewayCustomAuthorizerRequestTypeRequest
	loadEvent(b, "rest-request.json", &ev)
	ev.Headers[header] = valCurrent
	handle := authorizer.RESTRequest(e.v, header)
	benchHandler(b, func(ctx context.Context) bool {
		r, err := handle(ctx, ev)
		return err == nil && r.PolicyDocument.Statement[0].Effect == "Allow"
	})
}

func BenchmarkRESTToken(b *testing.B) {
	e := stagedEnv(b)
	var ev events.APIGatewayCustomAuthorizerRequest
	loadEvent(b, "rest-token.json", &ev)
	ev.AuthorizationToken = valCurrent
	handle := authorizer.RESTToken(e.v)
	benchHandler(b, func(ctx context.Context) bool {
		r, err := handle(ctx, ev)
		return err == nil && r.PolicyDocument.Statement[0].Effect == "Allow"
	})
}

func BenchmarkHTTPAPI(b *testing.B) {
	e := stagedEnv(b)
	var ev events.APIGatewayV2CustomAuthorizerV2Request
	loadEvent(b, "http-v2.json", &ev)
	ev.Headers[strings.ToLower(header)] = valCurrent
	handle := authorizer.HTTPAPI(e.v, header)
	benchHandler(b, func(ctx context.Context) bool {
		r, err := handle(ctx, ev)
		return err == nil && r.IsAuthorized
	})
}

func BenchmarkHTTPAPIIAM(b *testing.B) {
	e := stagedEnv(b)
	var ev events.APIGatewayV2CustomAuthorizerV2Request
	loadEvent(b, "http-v2.json", &ev)
	ev.Headers[strings.ToLower(header)] = valCurrent
	handle := authorizer.HTTPAPIIAM(e.v, header)
	benchHandler(b, func(ctx context.Context) bool {
		r, err := handle(ctx, ev)
		return err == nil && r.PolicyDocument.Statement[0].Effect == "Allow"
	})
}

func BenchmarkMiddleware(b *testing.B) {
	e := stagedEnv(b)
	h := authorizer.Middleware(e.v, header, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	req := httptest.NewRequest(http.MethodGet, "/pets", nil)
	req.Header.Set(header, valCurrent)
	benchHandler(b, func(context.Context) bool {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code == http.StatusNoContent
	})
}

func benchHandler(b *testing.B, call func(context.Context) bool) {
	ctx := context.Background()
	if !call(ctx) {
		b.Fatal("the warm-up request was not allowed")
	}
	b.ReportAllocs()
	for b.Loop() {
		if !call(ctx) {
			b.Fatal("not allowed")
		}
	}
}
