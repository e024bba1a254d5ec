package cloudfront

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
)

type errorKind int

const (
	permanent errorKind = iota
	// conflict: the ETag is stale; read the config again.
	conflict
	// transient: 5xx, timeouts, connection trouble; back off and retry.
	transient
	// throttled: CloudFront's rate limit; back off and retry.
	throttled
)

// classify sorts an error from a CloudFront call made with ctx. It reuses
// the SDK's own lists of throttling and retryable errors, which its retryer
// has already applied a few times by the time an error reaches here.
//
// A deadline or cancellation is final only when it is ctx's: a per-attempt
// timeout (an http.Client Timeout, say) while ctx is alive is worth another
// attempt, as a 5xx is.
func classify(ctx context.Context, err error) errorKind {
	var stale *types.PreconditionFailed
	var badETag *types.InvalidIfMatchVersion
	switch {
	case ctx.Err() != nil:
		return permanent
	case errors.As(err, &stale), errors.As(err, &badETag):
		return conflict
	case retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary:
		return throttled
	case retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err) == aws.TrueTernary,
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return transient
	}
	return permanent
}

// backoff is the wait before attempt+1: exponential from WithBackoff's first
// value, capped, with "equal jitter" so that parallel rotations spread out.
func (t *OriginHeader) backoff(attempt int) time.Duration {
	d := t.opts.backoff << (attempt - 1)
	if d > t.opts.maxBackoff || d <= 0 {
		d = t.opts.maxBackoff
	}
	return d/2 + rand.N(d/2+1) // #nosec G404 -- jitter spreads retries; it protects nothing
}
