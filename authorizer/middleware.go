package authorizer

import "net/http"

// Middleware protects an origin that is not behind API Gateway (an ALB
// target, an ECS service, a Lambda function URL through lambdaurl.Wrap): a
// request whose header holds an accepted value reaches next, without the
// header. A refused request gets 403 Forbidden, with no hint why; one the
// Verifier cannot decide on (ErrUnavailable) gets 503 Service Unavailable
// with Retry-After. Both carry Cache-Control: no-store, so that CloudFront,
// which caches error responses by URL, does not repeat a refusal to other
// requests. A header sent more than once is refused. It panics if header is
// not a valid header name.
func Middleware(v *Verifier, header string, next http.Handler) http.Handler {
	if v == nil || next == nil {
		panic("authorizer: Middleware: nil Verifier or handler")
	}
	mustHeaderName("Middleware", header)
	key := http.CanonicalHeaderKey(header)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var value string
		if values := r.Header[key]; len(values) == 1 {
			value = values[0]
		}
		d, err := v.Verify(r.Context(), value)
		if err != nil || !d.Allowed() {
			w.Header().Set("Cache-Control", "no-store")
			status := http.StatusForbidden
			if err != nil {
				status = http.StatusServiceUnavailable
				w.Header().Set("Retry-After", "1")
			}
			http.Error(w, http.StatusText(status), status)
			return
		}
		// The value stays out of the application: copy the request with the
		// header removed instead of editing the caller's.
		r2 := new(http.Request)
		*r2 = *r
		r2.Header = r.Header.Clone()
		delete(r2.Header, key)
		next.ServeHTTP(w, r2)
	})
}
