package cloudfront

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/originlock/originlock/rotation"
)

// API is the part of the CloudFront client OriginHeader uses.
// *cloudfront.Client implements it.
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

// SetSecret writes req.Pending into the header of every selected origin, one
// distribution after the other (WithUpdateInterval apart, if set). For each
// it reads the config, and if every selected origin already carries the value
// it changes nothing (so a retried rotation triggers no new deployment);
// otherwise it sends the config back with only that header changed, guarded
// by the ETag it read. A 412 PreconditionFailed (the config changed
// meanwhile) makes it read again and a 5xx back off, both bounded by
// WithMaxAttempts; throttling makes it back off until the deadline budget
// runs out. A failure leaves each distribution either untouched or fully
// updated, so calling SetSecret again completes the work.
func (t *OriginHeader) SetSecret(ctx context.Context, req rotation.SetSecretRequest) (rotation.SetSecretResponse, error) {
	value := string(req.Pending)
	if err := ValidateHeaderValue(value); err != nil {
		return rotation.SetSecretResponse{}, fmt.Errorf("cloudfront: pending value: %w", err)
	}
	var withPolicy []string
	sawStaging := false
	for _, d := range t.cfg.Distributions {
		cfg, err := t.update(ctx, d, value)
		if err != nil {
			return rotation.SetSecretResponse{}, err
		}
		if aws.ToBool(cfg.Staging) {
			sawStaging = true
		} else if aws.ToString(cfg.ContinuousDeploymentPolicyId) != "" {
			withPolicy = append(withPolicy, d.ID)
		}
	}
	if len(withPolicy) > 0 && !sawStaging {
		t.opts.logger.Warn("cloudfront: distributions have a continuous deployment policy but no staging distribution is configured; promoting the staging distribution would bring back an old header value", "distributions", withPolicy)
	}
	return rotation.SetSecretResponse{}, nil
}

// update makes the selected origins of d carry value and returns the config
// it last read. A 412 re-reads at once; a 5xx or timeout backs off; both are
// bounded by WithMaxAttempts. Throttling backs off too, but goes on until the
// deadline budget (see stopAt) would run out: CloudFront lets an account
// update only a few distributions a minute, and waiting is what it asks for.
func (t *OriginHeader) update(ctx context.Context, d Distribution, value string) (*types.DistributionConfig, error) {
	log := t.opts.logger.With("distribution", d.ID)
	stopAt := t.stopAt(ctx)
	failures, throttles := 0, 0
	for {
		cfg, op, err := t.tryUpdate(ctx, d, value)
		if err == nil {
			return cfg, nil
		}
		if op == "" {
			return nil, err // the config does not fit d: reading it again will not help
		}
		var wait time.Duration
		switch classify(err) {
		case permanent:
			return nil, &DistributionError{DistributionID: d.ID, Err: fmt.Errorf("%s: %w", op, err)}
		case conflict: // someone else changed the distribution: read it again at once
			failures++
		case transient:
			failures++
			wait = t.backoff(failures)
		case throttled:
			throttles++
			wait = t.backoff(throttles)
			if !t.opts.clock.Now().Add(wait).Before(stopAt) {
				return nil, &DistributionError{DistributionID: d.ID, Err: fmt.Errorf("%s throttled %d times, stopping before the deadline: %w", op, throttles, err)}
			}
		}
		if failures >= t.opts.maxAttempts {
			if classify(err) == conflict {
				return nil, &DistributionError{DistributionID: d.ID, Err: fmt.Errorf("%w, %d attempts: %w", ErrConflict, failures, err)}
			}
			return nil, &DistributionError{DistributionID: d.ID, Err: fmt.Errorf("%s failed %d times: %w", op, failures, err)}
		}
		log.Warn("cloudfront: retrying", "operation", op, "failures", failures, "throttled", throttles, "wait", wait, "error", err.Error())
		if err := t.sleep(ctx, wait); err != nil {
			return nil, &DistributionError{DistributionID: d.ID, Err: err}
		}
	}
}

// stopAt is when retries and waits must end: the context's deadline (the
// Lambda timeout) minus WithDeadlineMargin, or WithMaxWait from now without
// a deadline, on the target's clock.
func (t *OriginHeader) stopAt(ctx context.Context) time.Time {
	budget := t.opts.maxWait
	if deadline, ok := ctx.Deadline(); ok {
		budget = time.Until(deadline) - t.opts.deadlineMargin
	}
	return t.opts.clock.Now().Add(budget)
}

// pace waits until WithUpdateInterval has passed since the last
// UpdateDistribution this target made, and claims the next slot.
func (t *OriginHeader) pace(ctx context.Context) error {
	if t.opts.updateInterval <= 0 {
		return nil
	}
	t.mu.Lock()
	now := t.opts.clock.Now()
	slot := t.lastUpdate.Add(t.opts.updateInterval)
	if slot.Before(now) {
		slot = now
	}
	t.lastUpdate = slot
	t.mu.Unlock()
	return t.sleep(ctx, slot.Sub(now))
}

// tryUpdate is one read-modify-write of d. It returns the config read, or the
// operation that failed and its error; a config that does not fit d is a
// *DistributionError with no operation.
func (t *OriginHeader) tryUpdate(ctx context.Context, d Distribution, value string) (*types.DistributionConfig, string, error) {
	out, err := t.api.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(d.ID)})
	if err != nil {
		return nil, "GetDistributionConfig", err
	}
	cfg := out.DistributionConfig
	origins, err := selectOrigins(cfg, d, t.cfg.HeaderName)
	if err != nil {
		return nil, "", err
	}
	var changed []string
	for _, o := range origins {
		if setHeader(o, t.cfg.HeaderName, value) {
			changed = append(changed, aws.ToString(o.Id))
		}
	}
	if len(changed) == 0 {
		t.opts.logger.Info("cloudfront: distribution already carries the value; not updated", "distribution", d.ID)
		return cfg, "", nil
	}
	if err := t.pace(ctx); err != nil {
		return nil, "UpdateDistribution", err
	}
	_, err = t.api.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{
		Id:                 aws.String(d.ID),
		IfMatch:            out.ETag,
		DistributionConfig: cfg,
	})
	if err != nil {
		return nil, "UpdateDistribution", err
	}
	t.opts.logger.Info("cloudfront: distribution updated", "distribution", d.ID, "origins", changed)
	return cfg, "", nil
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
	return rotation.TestSecretResponse{}, t.waitDeployed(ctx, value)
}

func (t *OriginHeader) checkConfig(ctx context.Context, current string) error {
	for _, d := range t.cfg.Distributions {
		out, err := t.api.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(d.ID)})
		if err != nil {
			return &DistributionError{DistributionID: d.ID, Err: fmt.Errorf("GetDistributionConfig: %w", err)}
		}
		origins, err := selectOrigins(out.DistributionConfig, d, t.cfg.HeaderName)
		if err != nil {
			return err
		}
		for _, o := range origins {
			if current != "" && !carries(o, t.cfg.HeaderName, current) {
				t.opts.logger.Warn("cloudfront: origin does not send the AWSCURRENT value; the authorizer refuses its requests until a rotation completes", "distribution", d.ID, "origin", aws.ToString(o.Id))
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
