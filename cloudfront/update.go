package cloudfront

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/originlock/originlock/rotation"
)

// SetSecret writes req.Pending into the header of every selected origin.
//
// It first reads every distribution and checks that its selected origins
// exist, so that a configuration that cannot take the value (a distribution
// or origin that does not exist, a missing permission) fails the step before
// any distribution changes. Then it updates the distributions one after the
// other (WithUpdateInterval apart, if set), sending each config back as read
// with only that header changed, guarded by the ETag it read. A distribution
// whose selected origins all carry the value already is not updated, so a
// retried rotation triggers no new deployment.
//
// A 412 PreconditionFailed (the config changed meanwhile) makes it read again
// and a 5xx or a timeout back off, both bounded by WithMaxAttempts; throttling
// makes it back off until the deadline budget runs out. A failure leaves each
// distribution either untouched or fully updated, so calling SetSecret again
// completes the work.
func (t *OriginHeader) SetSecret(ctx context.Context, req rotation.SetSecretRequest) (rotation.SetSecretResponse, error) {
	value := string(req.Pending)
	if err := ValidateHeaderValue(value); err != nil {
		return rotation.SetSecretResponse{}, fmt.Errorf("cloudfront: pending value: %w", err)
	}
	plans := make([]*plan, len(t.cfg.Distributions))
	for i, d := range t.cfg.Distributions {
		err := t.retry(ctx, d, func() (op string, err error) {
			plans[i], op, err = t.read(ctx, d, value)
			return op, err
		})
		if err != nil {
			return rotation.SetSecretResponse{}, err
		}
	}
	for i, d := range t.cfg.Distributions {
		if err := t.apply(ctx, d, value, plans[i]); err != nil {
			return rotation.SetSecretResponse{}, err
		}
	}
	t.warnStaging(plans)
	return rotation.SetSecretResponse{}, nil
}

// plan is a distribution's config, read with etag, with the header already
// set on its selected origins; changed lists the origins whose header it
// changed (none: the distribution needs no update).
type plan struct {
	cfg     *types.DistributionConfig
	etag    *string
	changed []string
}

// read reads d's config once and plans the update. A config that does not
// fit d (no such origin) is an error with no operation: reading it again
// will not help.
func (t *OriginHeader) read(ctx context.Context, d Distribution, value string) (*plan, string, error) {
	out, err := t.api.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(d.ID)})
	if err != nil {
		return nil, "GetDistributionConfig", err
	}
	p := &plan{cfg: out.DistributionConfig, etag: out.ETag}
	origins, err := selectOrigins(p.cfg, d, t.cfg.HeaderName)
	if err != nil {
		return nil, "", err
	}
	for _, o := range origins {
		if setHeader(o, t.cfg.HeaderName, value) {
			p.changed = append(p.changed, aws.ToString(o.Id))
		}
	}
	return p, "", nil
}

// apply sends p's config back. After a failed attempt it reads the config
// again: another writer may have changed it, or the failed attempt may have
// been applied after all, in which case nothing is left to do.
func (t *OriginHeader) apply(ctx context.Context, d Distribution, value string, p *plan) error {
	log := t.opts.logger.With("distribution", d.ID)
	if len(p.changed) == 0 {
		log.Info("cloudfront: distribution already carries the value; not updated")
		return nil
	}
	return t.retry(ctx, d, func() (string, error) {
		if p == nil {
			var op string
			var err error
			if p, op, err = t.read(ctx, d, value); err != nil {
				return op, err
			}
			if len(p.changed) == 0 {
				log.Info("cloudfront: distribution carries the value after a retry; not updated again")
				return "", nil
			}
		}
		if err := t.pace(ctx); err != nil {
			return "UpdateDistribution", err
		}
		_, err := t.api.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(d.ID), IfMatch: p.etag, DistributionConfig: p.cfg})
		if err != nil {
			p = nil
			return "UpdateDistribution", err
		}
		log.Info("cloudfront: distribution updated", "origins", p.changed)
		return "", nil
	})
}

// retry runs call until it succeeds. call reports the operation that failed;
// an error without one is final. A 412 is retried at once and a 5xx or a
// timeout after a backoff, both bounded by WithMaxAttempts; throttling backs
// off too, but goes on until the deadline budget (see stopAt) would run out:
// CloudFront lets an account update only a few distributions a minute, and
// waiting is what it asks for.
func (t *OriginHeader) retry(ctx context.Context, d Distribution, call func() (op string, err error)) error {
	stopAt := t.stopAt(ctx)
	failures, throttles := 0, 0
	for {
		op, err := call()
		switch {
		case err == nil:
			return nil
		case op == "":
			return err
		}
		var wait time.Duration
		kind := classify(ctx, err)
		switch kind {
		case permanent:
			return &DistributionError{DistributionID: d.ID, Err: fmt.Errorf("%s: %w", op, err)}
		case conflict:
			failures++
		case transient:
			failures++
			wait = t.backoff(failures)
		case throttled:
			throttles++
			wait = t.backoff(throttles)
			if !t.opts.clock.Now().Add(wait).Before(stopAt) {
				return &DistributionError{DistributionID: d.ID, Err: fmt.Errorf("%s throttled %d times, stopping before the deadline: %w", op, throttles, err)}
			}
		}
		if failures >= t.opts.maxAttempts {
			if kind == conflict {
				return &DistributionError{DistributionID: d.ID, Err: fmt.Errorf("%w, %d attempts: %w", ErrConflict, failures, err)}
			}
			return &DistributionError{DistributionID: d.ID, Err: fmt.Errorf("%s failed %d times: %w", op, failures, err)}
		}
		t.opts.logger.Warn("cloudfront: retrying", "distribution", d.ID, "operation", op, "failures", failures, "throttled", throttles, "wait", wait, "error", err.Error())
		if err := t.sleep(ctx, wait); err != nil {
			return &DistributionError{DistributionID: d.ID, Err: err}
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

// warnStaging warns when a primary distribution has a continuous deployment
// policy and no staging distribution is configured.
func (t *OriginHeader) warnStaging(plans []*plan) {
	var withPolicy []string
	for i, p := range plans {
		if aws.ToBool(p.cfg.Staging) {
			return
		}
		if aws.ToString(p.cfg.ContinuousDeploymentPolicyId) != "" {
			withPolicy = append(withPolicy, t.cfg.Distributions[i].ID)
		}
	}
	if len(withPolicy) > 0 {
		t.opts.logger.Warn("cloudfront: distributions have a continuous deployment policy but no staging distribution is configured; promoting the staging distribution would bring back an old header value", "distributions", withPolicy)
	}
}
