package faultproxy

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// SDKAttempts is the number of attempts the SDK's standard retryer makes per
// call (retry.DefaultMaxAttempts). A rule with Attempts 0 faults all of them.
const SDKAttempts = retry.DefaultMaxAttempts

// Retryer returns the SDK's standard retryer — its own list of retryable and
// throttling errors, DefaultMaxAttempts attempts — without the waits between
// attempts and without the client-wide retry quota, so that tests exercise
// the real retry decisions at full speed. Pass it to config.WithRetryer.
func Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		o.RateLimiter = ratelimit.None
	})
}
