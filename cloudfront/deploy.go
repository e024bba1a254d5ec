package cloudfront

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// statusDeployed is the Status CloudFront reports once a change has
// propagated to all edge locations.
const statusDeployed = "Deployed"

// waitDeployed polls until every distribution is Deployed with value on every
// selected origin. A distribution confirmed once is not polled again.
func (t *OriginHeader) waitDeployed(ctx context.Context, value string) error {
	clk := t.opts.clock
	stopAt := t.stopAt(ctx)

	remaining := slices.Clone(t.cfg.Distributions)
	for polls := 1; ; polls++ {
		var waiting []DistributionStatus
		var next []Distribution
		for _, d := range remaining {
			st, err := t.status(ctx, d, value)
			if err != nil {
				if classify(ctx, err) == permanent {
					return err
				}
				// A throttled or failed poll says nothing about deployment: ask again.
				t.opts.logger.LogAttrs(ctx, slog.LevelWarn, "cloudfront: status check failed; will retry", slog.String("distribution", d.ID), slog.String("error", err.Error()))
				st = DistributionStatus{ID: d.ID, Status: "unknown (GetDistribution failed)"}
			}
			if st.Status == statusDeployed && st.HasValue {
				t.opts.logger.LogAttrs(ctx, slog.LevelInfo, "cloudfront: value deployed", slog.String("distribution", d.ID), slog.Int("polls", polls))
				continue
			}
			waiting = append(waiting, st)
			next = append(next, d)
		}
		if len(next) == 0 {
			return nil
		}
		remaining = next
		notDeployed := &NotDeployedError{Distributions: waiting}
		if !clk.Now().Add(t.opts.pollInterval).Before(stopAt) {
			return notDeployed
		}
		t.opts.logger.LogAttrs(ctx, slog.LevelInfo, "cloudfront: waiting for deployment", slog.Int("waiting", len(waiting)), slog.Int64("poll_interval_ms", t.opts.pollInterval.Milliseconds()))
		if err := t.sleep(ctx, t.opts.pollInterval); err != nil {
			return fmt.Errorf("%w (stopped waiting: %w)", notDeployed, err)
		}
	}
}

// status reads one distribution's deployment status and whether its config
// carries value on every selected origin.
func (t *OriginHeader) status(ctx context.Context, d Distribution, value string) (DistributionStatus, error) {
	out, err := t.get(ctx, d.ID)
	if err != nil {
		return DistributionStatus{}, &DistributionError{DistributionID: d.ID, Err: fmt.Errorf("GetDistribution: %w", err)}
	}
	st := DistributionStatus{ID: d.ID}
	if out.Distribution == nil {
		return st, &DistributionError{DistributionID: d.ID, Err: fmt.Errorf("GetDistribution returned no distribution")}
	}
	st.Status = aws.ToString(out.Distribution.Status)
	origins, err := selectOrigins(out.Distribution.DistributionConfig, d, t.cfg.HeaderName)
	if err != nil {
		return st, err
	}
	st.HasValue = true
	for _, o := range origins {
		st.HasValue = st.HasValue && carries(o, t.cfg.HeaderName, value)
	}
	return st, nil
}
