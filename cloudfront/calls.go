package cloudfront

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
)

// Operation names, as CallEvent and the logs give them.
const (
	opGetDistributionConfig = "GetDistributionConfig"
	opUpdateDistribution    = "UpdateDistribution"
	opGetDistribution       = "GetDistribution"
)

// Every CloudFront call goes through these three, which report it to the
// observer and make the SDK send exactly one request (oneAttempt).

// oneAttempt limits the SDK's retryer to one attempt for a call OriginHeader
// retries itself. Stacked, the two loops multiplied (WithMaxAttempts(2) on a
// 503 made 6 requests, and the SDK's backoff slept outside the target's clock
// and deadline budget): now every retry is OriginHeader's own, counted by
// WithMaxAttempts (or the throttling budget), waited on the target's Clock and
// bounded by the deadline. Per call, OriginHeader sends exactly as many
// requests as its loop makes attempts.
func oneAttempt(o *cloudfront.Options) { o.RetryMaxAttempts = 1 }

func (t *OriginHeader) getConfig(ctx context.Context, id string, optFns ...func(*cloudfront.Options)) (*cloudfront.GetDistributionConfigOutput, error) {
	start := t.callStart()
	out, err := t.api.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(id)}, append(optFns, oneAttempt)...)
	t.observeCall(ctx, opGetDistributionConfig, id, start, err)
	return out, err
}

func (t *OriginHeader) update(ctx context.Context, in *cloudfront.UpdateDistributionInput, optFns ...func(*cloudfront.Options)) (*cloudfront.UpdateDistributionOutput, error) {
	start := t.callStart()
	out, err := t.api.UpdateDistribution(ctx, in, append(optFns, oneAttempt)...)
	t.observeCall(ctx, opUpdateDistribution, aws.ToString(in.Id), start, err)
	return out, err
}

func (t *OriginHeader) get(ctx context.Context, id string, optFns ...func(*cloudfront.Options)) (*cloudfront.GetDistributionOutput, error) {
	start := t.callStart()
	out, err := t.api.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String(id)}, append(optFns, oneAttempt)...)
	t.observeCall(ctx, opGetDistribution, id, start, err)
	return out, err
}

// callStart reads the clock only when someone observes.
func (t *OriginHeader) callStart() time.Time {
	if t.opts.observer == nil {
		return time.Time{}
	}
	return t.opts.clock.Now()
}

func (t *OriginHeader) observeCall(ctx context.Context, op, id string, start time.Time, err error) {
	if t.opts.observer == nil {
		return
	}
	t.opts.observer.ObserveCall(ctx, CallEvent{Operation: op, DistributionID: id, Result: callResult(ctx, err), Duration: t.opts.clock.Now().Sub(start)})
}

func callResult(ctx context.Context, err error) CallResult {
	var stale *types.PreconditionFailed
	switch {
	case err == nil:
		return CallOK
	case errors.As(err, &stale):
		return CallPreconditionFailed
	case classify(ctx, err) == throttled:
		return CallThrottled
	}
	return CallError
}
