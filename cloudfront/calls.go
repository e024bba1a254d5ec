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
// observer.

func (t *OriginHeader) getConfig(ctx context.Context, id string, optFns ...func(*cloudfront.Options)) (*cloudfront.GetDistributionConfigOutput, error) {
	start := t.callStart()
	out, err := t.api.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(id)}, optFns...)
	t.observeCall(ctx, opGetDistributionConfig, id, start, err)
	return out, err
}

func (t *OriginHeader) update(ctx context.Context, in *cloudfront.UpdateDistributionInput, optFns ...func(*cloudfront.Options)) (*cloudfront.UpdateDistributionOutput, error) {
	start := t.callStart()
	out, err := t.api.UpdateDistribution(ctx, in, optFns...)
	t.observeCall(ctx, opUpdateDistribution, aws.ToString(in.Id), start, err)
	return out, err
}

func (t *OriginHeader) get(ctx context.Context, id string, optFns ...func(*cloudfront.Options)) (*cloudfront.GetDistributionOutput, error) {
	start := t.callStart()
	out, err := t.api.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String(id)}, optFns...)
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
