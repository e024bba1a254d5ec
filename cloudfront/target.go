package cloudfront

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"

	"github.com/originlock/originlock/rotation"
)

// API is the part of the CloudFront client OriginHeader uses.
// *cloudfront.Client implements it. OriginHeader passes API options (optFns)
// that carry the configuration's raw XML through the SDK's middleware stack;
// an implementation must pass them on to a *cloudfront.Client (a wrapper that
// counts or traces calls can), or SetSecret fails with ErrRawConfig.
type API interface {
	GetDistribution(ctx context.Context, in *cloudfront.GetDistributionInput, optFns ...func(*cloudfront.Options)) (*cloudfront.GetDistributionOutput, error)
	GetDistributionConfig(ctx context.Context, in *cloudfront.GetDistributionConfigInput, optFns ...func(*cloudfront.Options)) (*cloudfront.GetDistributionConfigOutput, error)
	UpdateDistribution(ctx context.Context, in *cloudfront.UpdateDistributionInput, optFns ...func(*cloudfront.Options)) (*cloudfront.UpdateDistributionOutput, error)
}

var _ API = (*cloudfront.Client)(nil)

// OriginHeader is a rotation.Target that keeps an origin custom header of one
// or more CloudFront distributions set to the secret's pending value. It is
// safe for concurrent use, though a rotation calls it from one goroutine.
type OriginHeader struct {
	api  API
	cfg  Config
	opts options

	mu sync.Mutex
	// lastUpdate is the time slot of the last UpdateDistribution (pace).
	lastUpdate time.Time
}

var _ rotation.Target = (*OriginHeader)(nil)

// NewOriginHeader returns a Target for cfg. It checks the header name against
// CloudFront's rules and the configuration for gaps before any AWS call.
func NewOriginHeader(api API, cfg Config, opts ...Option) (*OriginHeader, error) {
	if api == nil {
		return nil, errors.New("cloudfront: nil CloudFront client")
	}
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("cloudfront: %w", err)
	}
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if err := errors.Join(o.errs...); err != nil {
		return nil, err
	}
	cfg.Distributions = slices.Clone(cfg.Distributions)
	for i := range cfg.Distributions {
		cfg.Distributions[i].OriginIDs = slices.Clone(cfg.Distributions[i].OriginIDs)
	}
	return &OriginHeader{api: api, cfg: cfg, opts: o}, nil
}

// TestSecret returns nil once every distribution is Deployed and its config
// carries req.Pending on every selected origin. Until then it polls every
// WithPollInterval, up to the context's deadline minus WithDeadlineMargin (or
// WithMaxWait without a deadline), and then returns a *NotDeployedError:
// Secrets Manager retries the rotation, SetSecret finds nothing to change, and
// TestSecret waits again. It changes nothing.
//
// For a configuration test (req.ConfigOnly) it only checks that every
// distribution can be read and has the selected origins, and logs a warning
// where an origin does not send the AWSCURRENT value.
func (t *OriginHeader) TestSecret(ctx context.Context, req rotation.TestSecretRequest) (rotation.TestSecretResponse, error) {
	if req.ConfigOnly {
		return rotation.TestSecretResponse{}, t.checkConfig(ctx, string(req.Current))
	}
	value := string(req.Pending)
	if err := ValidateHeaderValue(value); err != nil {
		return rotation.TestSecretResponse{}, fmt.Errorf("cloudfront: pending value: %w", err)
	}
	start := t.callStart()
	err := t.waitDeployed(ctx, value)
	if t.opts.observer != nil {
		t.opts.observer.ObserveDeploymentWait(ctx, DeploymentWaitEvent{Duration: t.opts.clock.Now().Sub(start), Deployed: err == nil})
	}
	return rotation.TestSecretResponse{}, err
}

func (t *OriginHeader) checkConfig(ctx context.Context, current string) error {
	for _, d := range t.cfg.Distributions {
		var out *cloudfront.GetDistributionConfigOutput
		err := t.retry(ctx, d, func() (err error) {
			if out, err = t.getConfig(ctx, d.ID); err != nil {
				return &callError{op: opGetDistributionConfig, err: err}
			}
			return nil
		})
		if err != nil {
			return err
		}
		origins, err := selectOrigins(out.DistributionConfig, d, t.cfg.HeaderName)
		if err != nil {
			return err
		}
		for _, o := range origins {
			if current != "" && !carries(o, t.cfg.HeaderName, current) {
				t.opts.logger.LogAttrs(ctx, slog.LevelWarn, "cloudfront: origin does not send the AWSCURRENT value; the authorizer refuses its requests until a rotation completes", slog.String("distribution", d.ID), slog.String("origin", aws.ToString(o.Id)))
			}
		}
	}
	return nil
}

func (t *OriginHeader) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.opts.clock.After(d):
		return nil
	}
}
