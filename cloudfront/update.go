package cloudfront

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/originlock/originlock/rotation"
)

// SetSecret writes req.Pending into the header of every selected origin.
//
// It first reads every distribution and checks that its selected origins
// exist and can take the header within CloudFront's quotas (WithMaxCustomHeaders,
// MaxCustomHeaderChars), so that a configuration that cannot take the value
// (a distribution or origin that does not exist, a full origin, a missing
// permission) fails the step before any distribution changes. Then it updates the distributions one after the
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
		err := t.retry(ctx, d, func() (err error) {
			plans[i], err = t.read(ctx, d, value)
			return err
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
	t.warnStaging(ctx, plans)
	return rotation.SetSecretResponse{}, nil
}

// plan is a distribution's config as read with etag: cfg is the SDK's typed
// view (for decisions), raw the bytes to send back (the bytes read, with the
// header set on the selected origins); changed lists the origins whose header
// the patch changed (none: the distribution needs no update).
type plan struct {
	cfg     *types.DistributionConfig
	etag    *string
	raw     []byte
	changed []string
}

// read reads d's config once and plans the update. A config that does not
// fit d (no such origin) is a permanent error: reading it again will not help.
func (t *OriginHeader) read(ctx context.Context, d Distribution, value string) (*plan, error) {
	var body []byte
	out, err := t.getConfig(ctx, d.ID, captureBody(&body))
	if err != nil {
		return nil, &callError{op: opGetDistributionConfig, err: err}
	}
	if body == nil {
		return nil, final(&DistributionError{DistributionID: d.ID, Err: fmt.Errorf("%w: %w", ErrRawConfig, errNoRawBody)})
	}
	p := &plan{cfg: out.DistributionConfig, etag: out.ETag}
	origins, err := selectOrigins(p.cfg, d, t.cfg.HeaderName)
	if err != nil {
		return nil, final(err)
	}
	ids := make([]string, len(origins))
	for i, o := range origins {
		ids[i] = aws.ToString(o.Id)
	}
	raw, patches, err := patchConfig(body, ids, t.cfg.HeaderName, value)
	if err != nil {
		return nil, final(&DistributionError{DistributionID: d.ID, Err: fmt.Errorf("%w: %w", ErrRawConfig, err)})
	}
	for i, o := range origins {
		// The typed view and the XML come from the same bytes; should they
		// ever disagree, trust neither.
		if patches[i].Changed == carries(o, t.cfg.HeaderName, value) {
			return nil, final(&DistributionError{DistributionID: d.ID, OriginID: ids[i], Err: fmt.Errorf("%w: the XML and the SDK's view of the origin's headers disagree", ErrRawConfig)})
		}
		if err := t.checkQuota(patches[i]); err != nil {
			return nil, final(&DistributionError{DistributionID: d.ID, OriginID: ids[i], Err: err})
		}
		if patches[i].Changed {
			p.changed = append(p.changed, ids[i])
		}
	}
	p.raw = raw
	return p, nil
}

// checkQuota refuses a patch that CloudFront would refuse with
// TooManyOriginCustomHeaders or InvalidArgument. An origin that already has
// more headers than the quota (raised for the account, but not told to this
// target) keeps them: only adding a header is checked against it.
func (t *OriginHeader) checkQuota(p originPatch) error {
	switch {
	case p.Added && p.Headers > t.opts.maxHeaders:
		return fmt.Errorf("%w: adding %s would make %d custom headers, over the quota of %d (see WithMaxCustomHeaders)", ErrHeaderQuota, t.cfg.HeaderName, p.Headers, t.opts.maxHeaders)
	case p.Changed && p.Size > MaxCustomHeaderChars:
		return fmt.Errorf("%w: the custom header names and values would total %d characters, over CloudFront's limit of %d", ErrHeaderQuota, p.Size, MaxCustomHeaderChars)
	}
	return nil
}

// apply sends p's config back. After a failed attempt it reads the config
// again: another writer may have changed it, or the failed attempt may have
// been applied after all, in which case nothing is left to do.
func (t *OriginHeader) apply(ctx context.Context, d Distribution, value string, p *plan) error {
	log := t.opts.logger.With("distribution", d.ID)
	if len(p.changed) == 0 {
		log.InfoContext(ctx, "cloudfront: distribution already carries the value; not updated")
		return nil
	}
	return t.retry(ctx, d, func() error {
		if p == nil {
			var err error
			if p, err = t.read(ctx, d, value); err != nil {
				return err
			}
			if len(p.changed) == 0 {
				log.InfoContext(ctx, "cloudfront: distribution carries the value after a retry; not updated again")
				return nil
			}
		}
		if err := t.pace(ctx); err != nil {
			return &callError{op: opUpdateDistribution, err: err}
		}
		sent := false
		// The typed config stays empty: the bytes sent are p.raw (see sendBody).
		in := &cloudfront.UpdateDistributionInput{Id: aws.String(d.ID), IfMatch: p.etag, DistributionConfig: &types.DistributionConfig{}}
		_, err := t.update(ctx, in, sendBody(p.raw, &sent))
		if err != nil {
			p = nil
			if errors.Is(err, ErrRawConfig) {
				return final(&DistributionError{DistributionID: d.ID, Err: err})
			}
			return &callError{op: opUpdateDistribution, err: err}
		}
		if !sent {
			return final(&DistributionError{DistributionID: d.ID, Err: fmt.Errorf("%w: UpdateDistribution ran without the raw body", ErrRawConfig)})
		}
		log.InfoContext(ctx, "cloudfront: distribution updated", "origins", p.changed)
		return nil
	})
}

// callError is a failed CloudFront call, which retry may repeat.
type callError struct {
	op  string
	err error
}

func (e *callError) Error() string { return e.op + ": " + e.err.Error() }
func (e *callError) Unwrap() error { return e.err }

// permanentError is a failure that no retry can mend: retry returns its
// error as is.
type permanentError struct{ err error }

func final(err error) error             { return &permanentError{err: err} }
func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// retry runs call until it succeeds. A failed CloudFront call is a
// *callError, which names the operation; any other error (a *permanentError
// from final, or one of neither type) is returned at once. A 412 is retried
// at once and a 5xx or a timeout after a backoff, both bounded by
// WithMaxAttempts; throttling backs off too, but goes on until the deadline
// budget (see stopAt) would run out: CloudFront lets an account update only a
// few distributions a minute, and waiting is what it asks for. No backoff
// goes past the deadline budget either. Each attempt is one HTTP request (see
// oneAttempt).
func (t *OriginHeader) retry(ctx context.Context, d Distribution, call func() error) error {
	stopAt := t.stopAt(ctx)
	failures, throttles := 0, 0
	for {
		err := call()
		var pe *permanentError
		var ce *callError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &pe):
			return pe.err
		case !errors.As(err, &ce):
			return err
		}
		op, err := ce.op, ce.err
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
			if failures < t.opts.maxAttempts && !t.opts.clock.Now().Add(wait).Before(stopAt) {
				return &DistributionError{DistributionID: d.ID, Err: fmt.Errorf("%s failed %d times, stopping before the deadline: %w", op, failures, err)}
			}
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
		t.opts.logger.LogAttrs(ctx, slog.LevelWarn, "cloudfront: retrying", slog.String("distribution", d.ID), slog.String("operation", op),
			slog.Int("failures", failures), slog.Int("throttled", throttles), slog.Int64("wait_ms", wait.Milliseconds()), slog.String("error", err.Error()))
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
func (t *OriginHeader) warnStaging(ctx context.Context, plans []*plan) {
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
		t.opts.logger.WarnContext(ctx, "cloudfront: distributions have a continuous deployment policy but no staging distribution is configured; promoting the staging distribution would bring back an old header value", "distributions", withPolicy)
	}
}
