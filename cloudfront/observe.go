package cloudfront

import (
	"context"
	"time"
)

// Observer receives the CloudFront calls an OriginHeader makes and its waits
// for deployment, for metrics. It is vendor-neutral. Methods are called
// synchronously and must not block; events carry no header value.
type Observer interface {
	ObserveCall(ctx context.Context, e CallEvent)
	ObserveDeploymentWait(ctx context.Context, e DeploymentWaitEvent)
}

// CallResult is a call's result as metrics name it.
type CallResult string

// Call results.
const (
	CallOK                 CallResult = "ok"
	CallPreconditionFailed CallResult = "precondition_failed" // 412: the ETag was stale
	CallThrottled          CallResult = "throttled"
	CallError              CallResult = "error"
)

// CallEvent is one CloudFront API call: one HTTP request, as OriginHeader
// limits the SDK's retryer to one attempt and retries itself.
type CallEvent struct {
	// Operation is the API name: "GetDistribution", "GetDistributionConfig",
	// "UpdateDistribution".
	Operation      string
	DistributionID string
	Result         CallResult
	Duration       time.Duration
}

// DeploymentWaitEvent is one TestSecret wait for deployment, when it ends.
type DeploymentWaitEvent struct {
	Duration time.Duration
	// Deployed reports that every distribution carried the value, deployed,
	// when the wait ended.
	Deployed bool
}

// WithObserver sends the calls and waits to o.
func WithObserver(o Observer) Option {
	return func(opts *options) { opts.check(o != nil, "WithObserver: nil observer"); opts.observer = o }
}
