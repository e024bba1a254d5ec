package waf

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	"github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/originlock/originlock/internal/headername"
	"github.com/originlock/originlock/rotation"
)

// API is the part of the WAFv2 client HeaderRule uses. *wafv2.Client
// implements it.
type API interface {
	GetWebACL(ctx context.Context, in *wafv2.GetWebACLInput, optFns ...func(*wafv2.Options)) (*wafv2.GetWebACLOutput, error)
	UpdateWebACL(ctx context.Context, in *wafv2.UpdateWebACLInput, optFns ...func(*wafv2.Options)) (*wafv2.UpdateWebACLOutput, error)
}

var _ API = (*wafv2.Client)(nil)

// Config names the web ACL and the rule to keep.
type Config struct {
	// WebACLName and WebACLID identify the web ACL (GetWebACL needs both).
	WebACLName string
	WebACLID   string
	// Scope is REGIONAL (API Gateway REST API stages, ALBs: the default when
	// empty) or CLOUDFRONT.
	Scope types.Scope
	// RuleName is the rule whose statement HeaderRule keeps. It must exist:
	// HeaderRule never adds rules to a web ACL.
	RuleName string
	// HeaderName is the header the rule inspects (X-Origin-Verify), compared
	// without regard to case.
	HeaderName string
}

func (c *Config) validate() error {
	var errs []error
	for name, v := range map[string]string{"WebACLName": c.WebACLName, "WebACLID": c.WebACLID, "RuleName": c.RuleName, "HeaderName": c.HeaderName} {
		if v == "" {
			errs = append(errs, fmt.Errorf("%w: %s is empty", ErrInvalidConfig, name))
		}
	}
	if c.HeaderName != "" {
		if err := headername.Check(c.HeaderName); err != nil {
			errs = append(errs, fmt.Errorf("%w: HeaderName: %w", ErrInvalidConfig, err))
		}
	}
	switch c.Scope {
	case "":
		c.Scope = types.ScopeRegional
	case types.ScopeRegional, types.ScopeCloudfront:
	default:
		errs = append(errs, fmt.Errorf("%w: Scope %q is neither REGIONAL nor CLOUDFRONT", ErrInvalidConfig, c.Scope))
	}
	return errors.Join(errs...)
}

// HeaderRule is a rotation.Target and rotation.Finisher that keeps a WAFv2
// web ACL rule accepting the secret's values. In a rotation.Composite it is
// an accepting member: CloudFront sends a value only after HeaderRule's
// TestSecret reports it in effect. It is safe for concurrent use.
type HeaderRule struct {
	api  API
	cfg  Config
	opts options

	mu sync.Mutex
	// since is when this instance changed the rule to hold a value, or first
	// saw it there: the start of the propagation delay. In memory only: a
	// new instance starts the delay again (never shorter than needed).
	since map[string]time.Time
}

var (
	_ rotation.Target   = (*HeaderRule)(nil)
	_ rotation.Finisher = (*HeaderRule)(nil)
)

// NewHeaderRule returns a HeaderRule for cfg. It makes no AWS call.
func NewHeaderRule(api API, cfg Config, opts ...Option) (*HeaderRule, error) {
	if api == nil {
		return nil, errors.New("waf: nil WAFv2 client")
	}
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("waf: %w", err)
	}
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if err := errors.Join(o.errs...); err != nil {
		return nil, err
	}
	return &HeaderRule{api: api, cfg: cfg, opts: o, since: map[string]time.Time{}}, nil
}

// SetSecret makes the rule accept req.Pending and req.Current, keeping every
// value it already accepts (CloudFront may be sending one of them; only
// FinishSecret removes values). If the rule accepts both already, it changes
// nothing. Called again, or after a crash, it finds the values there and
// changes nothing. TestSecret then waits for the change to propagate.
func (h *HeaderRule) SetSecret(ctx context.Context, req rotation.SetSecretRequest) (rotation.SetSecretResponse, error) {
	pending, current := string(req.Pending), string(req.Current)
	if err := checkValue(pending); err != nil {
		return rotation.SetSecretResponse{}, h.ruleErr(fmt.Errorf("pending value: %w", err))
	}
	want := []string{pending}
	if current != "" && checkValue(current) == nil {
		want = []string{current, pending}
	}
	changed, err := h.update(ctx, func(m headerMatch) headerMatch {
		for _, v := range want {
			if !m.accepts(v) {
				m.values = append(m.values, v)
			}
		}
		return m
	})
	if err != nil {
		return rotation.SetSecretResponse{}, err
	}
	h.mu.Lock()
	if _, seen := h.since[pending]; changed || !seen {
		h.since[pending] = h.opts.clock.Now()
	}
	h.mu.Unlock()
	if changed {
		h.opts.logger.InfoContext(ctx, "waf: rule now accepts the pending value", "web_acl", h.cfg.WebACLName, "rule", h.cfg.RuleName)
	} else {
		h.opts.logger.InfoContext(ctx, "waf: rule already accepts the pending value; not updated", "web_acl", h.cfg.WebACLName, "rule", h.cfg.RuleName)
	}
	return rotation.SetSecretResponse{}, nil
}

// TestSecret returns nil once the rule accepts req.Pending and
// WithPropagationDelay has passed since this instance changed the rule (or
// first saw the value in it). It waits for the rest of the delay, up to the
// context's deadline minus WithDeadlineMargin (WithMaxWait without a
// deadline), and then returns a *NotPropagatedError. If the rule lacks the
// value it returns an error wrapping ErrNotInRule at once. It changes
// nothing.
//
// For a configuration test (req.ConfigOnly) it only checks that the web ACL
// and the rule exist and have the expected shape, and logs a warning when the
// rule does not accept AWSCURRENT or the web ACL's default action does not
// block.
func (h *HeaderRule) TestSecret(ctx context.Context, req rotation.TestSecretRequest) (rotation.TestSecretResponse, error) {
	acl, m, err := h.read(ctx)
	if err != nil {
		return rotation.TestSecretResponse{}, err
	}
	log := h.opts.logger.With("web_acl", h.cfg.WebACLName, "rule", h.cfg.RuleName)
	if req.ConfigOnly {
		if req.Current != "" && !m.accepts(string(req.Current)) {
			log.WarnContext(ctx, "waf: the rule does not accept the AWSCURRENT value; requests carrying it are refused until a rotation completes")
		}
		if acl.DefaultAction == nil || acl.DefaultAction.Block == nil {
			log.WarnContext(ctx, "waf: the web ACL's default action is not Block, so the rule does not refuse requests without the header on its own")
		}
		return rotation.TestSecretResponse{}, nil
	}
	pending := string(req.Pending)
	if !m.accepts(pending) {
		return rotation.TestSecretResponse{}, h.ruleErr(ErrNotInRule)
	}
	h.mu.Lock()
	since, ok := h.since[pending]
	if !ok {
		since = h.opts.clock.Now()
		h.since[pending] = since
	}
	h.mu.Unlock()
	ready := since.Add(h.opts.propagationDelay)
	now := h.opts.clock.Now()
	if !now.Before(ready) {
		return rotation.TestSecretResponse{}, nil
	}
	stopAt := h.stopAt(ctx, now)
	wait := ready.Sub(now)
	if stopAt.Before(ready) {
		return rotation.TestSecretResponse{}, &NotPropagatedError{WebACL: h.cfg.WebACLName, Remaining: wait}
	}
	log.InfoContext(ctx, "waf: waiting for the rule change to propagate", "wait_ms", wait.Milliseconds())
	select {
	case <-ctx.Done():
		return rotation.TestSecretResponse{}, fmt.Errorf("%w (stopped waiting: %w)", &NotPropagatedError{WebACL: h.cfg.WebACLName, Remaining: wait}, ctx.Err())
	case <-h.opts.clock.After(wait):
		return rotation.TestSecretResponse{}, nil
	}
}

// FinishSecret prunes the rule to the values still valid: req.Current and,
// unless WithRevokePrevious, req.Previous (only if the rule still accepts
// it). It adds req.Current if missing. Called again it changes nothing.
func (h *HeaderRule) FinishSecret(ctx context.Context, req rotation.FinishSecretRequest) (rotation.FinishSecretResponse, error) {
	current, previous := string(req.Current), string(req.Previous)
	if err := checkValue(current); err != nil {
		return rotation.FinishSecretResponse{}, h.ruleErr(fmt.Errorf("current value: %w", err))
	}
	changed, err := h.update(ctx, func(m headerMatch) headerMatch {
		keep := []string{}
		for _, v := range m.values {
			if v == current || (v == previous && !h.opts.revokePrevious) {
				keep = append(keep, v)
			}
		}
		if !slices.Contains(keep, current) {
			keep = append(keep, current)
		}
		m.values = keep
		return m
	})
	if err != nil {
		return rotation.FinishSecretResponse{}, err
	}
	if changed {
		h.opts.logger.InfoContext(ctx, "waf: rule pruned to the values still valid", "web_acl", h.cfg.WebACLName, "rule", h.cfg.RuleName, "revoke_previous", h.opts.revokePrevious)
	}
	return rotation.FinishSecretResponse{}, nil
}

func (h *HeaderRule) stopAt(ctx context.Context, now time.Time) time.Time {
	budget := h.opts.maxWait
	if deadline, ok := ctx.Deadline(); ok {
		budget = time.Until(deadline) - h.opts.deadlineMargin
	}
	return now.Add(budget)
}

func (h *HeaderRule) ruleErr(err error) error {
	return &WebACLError{WebACL: h.cfg.WebACLName, Rule: h.cfg.RuleName, Err: err}
}

func (h *HeaderRule) aclErr(err error) error {
	return &WebACLError{WebACL: h.cfg.WebACLName, Err: err}
}

// read returns the web ACL, its lock token and the parsed rule.
func (h *HeaderRule) read(ctx context.Context) (*types.WebACL, headerMatch, error) {
	acl, _, m, err := h.readToken(ctx)
	return acl, m, err
}

func (h *HeaderRule) readToken(ctx context.Context) (*types.WebACL, *string, headerMatch, error) {
	out, err := h.api.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: aws.String(h.cfg.WebACLName), Id: aws.String(h.cfg.WebACLID), Scope: h.cfg.Scope})
	if err != nil {
		return nil, nil, headerMatch{}, h.aclErr(fmt.Errorf("GetWebACL: %w", err))
	}
	if out.WebACL == nil {
		return nil, nil, headerMatch{}, h.aclErr(errors.New("GetWebACL returned no web ACL"))
	}
	i := findRule(out.WebACL.Rules, h.cfg.RuleName)
	if i < 0 {
		return nil, nil, headerMatch{}, h.ruleErr(fmt.Errorf("%w: create it first (an Allow rule matching the header, in a web ACL whose default action is Block)", ErrRuleNotFound))
	}
	m, err := parseRule(&out.WebACL.Rules[i], h.cfg.HeaderName)
	if err != nil {
		return nil, nil, headerMatch{}, h.ruleErr(err)
	}
	return out.WebACL, out.LockToken, m, nil
}

// update reads the web ACL, applies change to the rule's values and, if they
// differ, writes the web ACL back with the lock token it read. A stale token
// (WAFOptimisticLockException) makes it read again, up to
// WithMaxAttempts times. It reports whether it changed the web ACL.
func (h *HeaderRule) update(ctx context.Context, change func(headerMatch) headerMatch) (bool, error) {
	var lastErr error
	for attempt := 1; attempt <= h.opts.maxAttempts; attempt++ {
		acl, token, m, err := h.readToken(ctx)
		if err != nil {
			return false, err
		}
		before := append([]string(nil), m.values...)
		m = change(m)
		if equalValues(before, m.values) {
			return false, nil
		}
		in := updateInput(acl, h.cfg.Scope, token)
		i := findRule(in.Rules, h.cfg.RuleName)
		in.Rules[i].Statement = m.statement()
		_, err = h.api.UpdateWebACL(ctx, in)
		if err == nil {
			return true, nil
		}
		var stale *types.WAFOptimisticLockException
		if !errors.As(err, &stale) {
			return false, h.aclErr(fmt.Errorf("UpdateWebACL: %w", err))
		}
		lastErr = err
		h.opts.logger.WarnContext(ctx, "waf: web ACL changed since it was read; reading it again", "web_acl", h.cfg.WebACLName, "attempt", attempt)
	}
	return false, h.aclErr(fmt.Errorf("%w, %d attempts: %w", ErrConflict, h.opts.maxAttempts, lastErr))
}

func equalValues(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// updateInput is acl as an UpdateWebACLInput: every mutable field the SDK
// knows, as read. Rules is a copy, so changing a rule's statement does not
// change acl. (TestUpdateInputCopiesEveryField keeps this list complete.)
func updateInput(acl *types.WebACL, scope types.Scope, token *string) *wafv2.UpdateWebACLInput {
	return &wafv2.UpdateWebACLInput{
		Name:                         acl.Name,
		Id:                           acl.Id,
		Scope:                        scope,
		LockToken:                    token,
		DefaultAction:                acl.DefaultAction,
		VisibilityConfig:             acl.VisibilityConfig,
		ApplicationConfig:            acl.ApplicationConfig,
		AssociationConfig:            acl.AssociationConfig,
		CaptchaConfig:                acl.CaptchaConfig,
		ChallengeConfig:              acl.ChallengeConfig,
		CustomResponseBodies:         acl.CustomResponseBodies,
		DataProtectionConfig:         acl.DataProtectionConfig,
		Description:                  nonEmpty(acl.Description),
		OnSourceDDoSProtectionConfig: acl.OnSourceDDoSProtectionConfig,
		Rules:                        append([]types.Rule(nil), acl.Rules...),
		TokenDomains:                 acl.TokenDomains,
	}
}

// nonEmpty returns nil for an empty description: UpdateWebACL refuses an
// empty string, and GetWebACL returns one for a web ACL without description.
func nonEmpty(s *string) *string {
	if aws.ToString(s) == "" {
		return nil
	}
	return s
}
