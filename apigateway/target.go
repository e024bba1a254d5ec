package apigateway

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"

	"github.com/originlock/originlock/rotation"
)

// API is the part of the API Gateway client APIKeys uses.
// *apigateway.Client implements it.
type API interface {
	GetApiKeys(ctx context.Context, in *apigateway.GetApiKeysInput, optFns ...func(*apigateway.Options)) (*apigateway.GetApiKeysOutput, error)
	CreateApiKey(ctx context.Context, in *apigateway.CreateApiKeyInput, optFns ...func(*apigateway.Options)) (*apigateway.CreateApiKeyOutput, error)
	UpdateApiKey(ctx context.Context, in *apigateway.UpdateApiKeyInput, optFns ...func(*apigateway.Options)) (*apigateway.UpdateApiKeyOutput, error)
	DeleteApiKey(ctx context.Context, in *apigateway.DeleteApiKeyInput, optFns ...func(*apigateway.Options)) (*apigateway.DeleteApiKeyOutput, error)
	GetUsagePlan(ctx context.Context, in *apigateway.GetUsagePlanInput, optFns ...func(*apigateway.Options)) (*apigateway.GetUsagePlanOutput, error)
	GetUsagePlanKeys(ctx context.Context, in *apigateway.GetUsagePlanKeysInput, optFns ...func(*apigateway.Options)) (*apigateway.GetUsagePlanKeysOutput, error)
	CreateUsagePlanKey(ctx context.Context, in *apigateway.CreateUsagePlanKeyInput, optFns ...func(*apigateway.Options)) (*apigateway.CreateUsagePlanKeyOutput, error)
}

var _ API = (*apigateway.Client)(nil)

// Config names the usage plans the keys belong to.
type Config struct {
	// UsagePlanIDs are the usage plans of the stages CloudFront calls; every
	// key is associated with all of them. At least one.
	UsagePlanIDs []string
	// KeyNamePrefix starts the names of the keys APIKeys creates
	// (DefaultKeyNamePrefix when empty). APIKeys disables and deletes only
	// keys whose names start with it AND whose descriptions name the
	// secret's ARN, which it writes when it creates a key or first finds a
	// prefixed key holding one of the secret's values. Name a key you create
	// by hand for the initial value with the prefix (it is claimed at the
	// first setSecret), or let the first setSecret create one.
	KeyNamePrefix string
}

// APIKeys is a rotation.Target and rotation.Finisher that keeps API Gateway
// API keys in step with the secret. In a rotation.Composite it is an
// accepting member, before CloudFront. It is safe for concurrent use.
type APIKeys struct {
	api  API
	cfg  Config
	opts options

	mu sync.Mutex
	// since is when this instance made the key of a value usable (or first
	// saw it usable): the start of the key delay. In memory only: a new
	// instance starts the delay again.
	since map[string]time.Time
}

var (
	_ rotation.Target   = (*APIKeys)(nil)
	_ rotation.Finisher = (*APIKeys)(nil)
)

// NewAPIKeys returns APIKeys for cfg. It makes no AWS call.
func NewAPIKeys(api API, cfg Config, opts ...Option) (*APIKeys, error) {
	if api == nil {
		return nil, errors.New("apigateway: nil API Gateway client")
	}
	var errs []error
	if len(cfg.UsagePlanIDs) == 0 {
		errs = append(errs, fmt.Errorf("apigateway: %w: no usage plan IDs", ErrInvalidConfig))
	}
	for i, id := range cfg.UsagePlanIDs {
		if id == "" || slices.Index(cfg.UsagePlanIDs, id) != i {
			errs = append(errs, fmt.Errorf("apigateway: %w: usage plan ID %d is empty or listed twice", ErrInvalidConfig, i+1))
		}
	}
	if cfg.KeyNamePrefix == "" {
		cfg.KeyNamePrefix = DefaultKeyNamePrefix
	}
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if err := errors.Join(append(errs, o.errs...)...); err != nil {
		return nil, err
	}
	cfg.UsagePlanIDs = slices.Clone(cfg.UsagePlanIDs)
	return &APIKeys{api: api, cfg: cfg, opts: o, since: map[string]time.Time{}}, nil
}

// checkValue reports whether v can be an API key value: API Gateway wants
// MinValueLength to MaxValueLength letters and digits.
func checkValue(v string) error {
	if len(v) < MinValueLength || len(v) > MaxValueLength {
		return fmt.Errorf("%w: %d characters, API Gateway wants %d to %d", ErrInvalidValue, len(v), MinValueLength, MaxValueLength)
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return fmt.Errorf("%w: character %d is not a letter or a digit (API Gateway wants alphanumeric values; rotation's default generator makes them)", ErrInvalidValue, i+1)
		}
	}
	return nil
}

// SetSecret makes keys holding req.Current and req.Pending exist, be enabled
// and belong to every usage plan, creating what is missing (the pending
// value's key is named KeyNamePrefix + the version ID, and its description
// names req.SecretARN). A key holding one of those values whose description
// names another secret is an *OwnedElsewhereError. It then disables or
// deletes keys of this secret a finishSecret retired whose grace has passed
// (see FinishSecret). Called again,
// it finds everything in place and changes nothing; after a crash it
// completes what is missing.
func (a *APIKeys) SetSecret(ctx context.Context, req rotation.SetSecretRequest) (rotation.SetSecretResponse, error) {
	pending, current := string(req.Pending), string(req.Current)
	if err := checkValue(pending); err != nil {
		return rotation.SetSecretResponse{}, fmt.Errorf("apigateway: pending value: %w", err)
	}
	if req.SecretARN == "" {
		return rotation.SetSecretResponse{}, fmt.Errorf("apigateway: SetSecret: %w", ErrNoSecretARN)
	}
	keys, err := a.keys(ctx)
	if err != nil {
		return rotation.SetSecretResponse{}, err
	}
	if checkValue(current) == nil {
		if _, _, err := a.ensure(ctx, keys, current, a.cfg.KeyNamePrefix+"current-"+a.opts.clock.Now().UTC().Format("20060102T150405Z"), req.SecretARN); err != nil {
			return rotation.SetSecretResponse{}, err
		}
	}
	k, changed, err := a.ensure(ctx, keys, pending, a.cfg.KeyNamePrefix+req.VersionID, req.SecretARN)
	if err != nil {
		return rotation.SetSecretResponse{}, err
	}
	a.mu.Lock()
	if _, seen := a.since[pending]; changed || !seen {
		a.since[pending] = a.opts.clock.Now()
	}
	a.mu.Unlock()
	if !changed {
		a.opts.logger.InfoContext(ctx, "apigateway: the pending value's API key is ready; nothing changed", "key", k.id)
	}
	if err := a.retire(ctx, keys, []string{current, pending}, req.SecretARN, nil); err != nil {
		return rotation.SetSecretResponse{}, err
	}
	return rotation.SetSecretResponse{}, nil
}

// TestSecret returns nil once an enabled key holding req.Pending belongs to
// every usage plan and WithKeyDelay has passed since this instance made it
// so (or first saw it so). It waits for the rest of the delay, up to the
// context's deadline minus WithDeadlineMargin (WithMaxWait without one), then
// returns a *NotUsableYetError; a key that is missing, disabled or outside a
// plan is a *KeyNotReadyError at once. It changes nothing.
//
// For a configuration test (req.ConfigOnly) it checks that every usage plan
// exists (GetUsagePlan), and warns when no enabled key in every plan holds AWSCURRENT.
func (a *APIKeys) TestSecret(ctx context.Context, req rotation.TestSecretRequest) (rotation.TestSecretResponse, error) {
	keys, err := a.keys(ctx)
	if err != nil {
		return rotation.TestSecretResponse{}, err
	}
	if req.ConfigOnly {
		for _, plan := range a.cfg.UsagePlanIDs {
			if _, err := a.api.GetUsagePlan(ctx, &apigateway.GetUsagePlanInput{UsagePlanId: aws.String(plan)}); err != nil {
				return rotation.TestSecretResponse{}, &KeyError{UsagePlanID: plan, Err: fmt.Errorf("GetUsagePlan: %w", err)}
			}
		}
		if k, ok := find(keys, string(req.Current)); !ok || !k.enabled {
			a.opts.logger.WarnContext(ctx, "apigateway: no enabled API key holds the AWSCURRENT value; API Gateway refuses CloudFront's requests until a rotation completes")
		} else if missing, err := a.missingPlans(ctx, k.id); err != nil {
			return rotation.TestSecretResponse{}, err
		} else if len(missing) > 0 {
			a.opts.logger.WarnContext(ctx, "apigateway: the AWSCURRENT value's API key is missing from usage plans", "key", k.id, "usage_plans", missing)
		}
		return rotation.TestSecretResponse{}, nil
	}
	pending := string(req.Pending)
	k, ok := find(keys, pending)
	if !ok {
		return rotation.TestSecretResponse{}, &KeyNotReadyError{}
	}
	if !k.enabled {
		return rotation.TestSecretResponse{}, &KeyNotReadyError{KeyID: k.id}
	}
	missing, err := a.missingPlans(ctx, k.id)
	if err != nil {
		return rotation.TestSecretResponse{}, err
	}
	if len(missing) > 0 {
		return rotation.TestSecretResponse{}, &KeyNotReadyError{KeyID: k.id, Enabled: true, MissingPlans: missing}
	}
	return rotation.TestSecretResponse{}, a.waitUsable(ctx, k.id, pending)
}

func (a *APIKeys) waitUsable(ctx context.Context, keyID, value string) error {
	now := a.opts.clock.Now()
	a.mu.Lock()
	since, ok := a.since[value]
	if !ok {
		since = now
		a.since[value] = since
	}
	a.mu.Unlock()
	ready := since.Add(a.opts.keyDelay)
	if !now.Before(ready) {
		return nil
	}
	wait := ready.Sub(now)
	budget := a.opts.maxWait
	if deadline, ok := ctx.Deadline(); ok {
		budget = time.Until(deadline) - a.opts.deadlineMargin
	}
	if now.Add(budget).Before(ready) {
		return &NotUsableYetError{KeyID: keyID, Remaining: wait}
	}
	a.opts.logger.InfoContext(ctx, "apigateway: waiting until the new API key is usable", "key", keyID, "wait_ms", wait.Milliseconds())
	select {
	case <-ctx.Done():
		return fmt.Errorf("%w (stopped waiting: %w)", &NotUsableYetError{KeyID: keyID, Remaining: wait}, ctx.Err())
	case <-a.opts.clock.After(wait):
		return nil
	}
}

// FinishSecret makes sure the key of req.Current is ready and marks retired
// the key of every other value of the secret. The key of req.Previous
// (AWSPREVIOUS) stays enabled for WithRetireGrace, for requests CloudFront's
// edges sent before its deployment completed; it is disabled at the first
// setSecret or finishSecret after the grace, then deleted at the first one
// after a second grace. The keys of other values (pending values of
// abandoned rotations) are disabled at once: CloudFront sends only
// AWSCURRENT by now. Under WithRevokePrevious the previous key is disabled
// at once too, and every retired key is deleted at the next step.
//
// It touches only keys the secret owns (their names start with
// KeyNamePrefix and their descriptions name req.SecretARN): another
// deployment's keys, even with the same prefix, are never disabled. A
// request without SecretARN is an error wrapping ErrNoSecretARN.
//
// Twice, or retried after a crash: the retirement marks live in the keys'
// descriptions, so a retry neither restarts a grace nor loses one, and a new
// Lambda container knows them; a crash between two keys leaves the rest for
// the retry. A retry whose req.Previous is "" (the AWSPREVIOUS label was
// removed in between: rotation.WithRevokePrevious, or by hand) disables the
// previous key at once if the first attempt had not marked it yet, and
// otherwise keeps the grace of the mark; with rotation.WithRevokePrevious,
// use WithRevokePrevious here so the first attempt disables it too. Out of
// order: a finishSecret invoked by hand for an older version while the next
// rotation is under way disables that rotation's pending key; its
// setSecret, retried, enables it again (and testSecret fails until then).
func (a *APIKeys) FinishSecret(ctx context.Context, req rotation.FinishSecretRequest) (rotation.FinishSecretResponse, error) {
	current, previous := string(req.Current), string(req.Previous)
	if err := checkValue(current); err != nil {
		return rotation.FinishSecretResponse{}, fmt.Errorf("apigateway: current value: %w", err)
	}
	if req.SecretARN == "" {
		return rotation.FinishSecretResponse{}, fmt.Errorf("apigateway: FinishSecret: %w", ErrNoSecretARN)
	}
	keys, err := a.keys(ctx)
	if err != nil {
		return rotation.FinishSecretResponse{}, err
	}
	if _, _, err := a.ensure(ctx, keys, current, a.cfg.KeyNamePrefix+req.VersionID, req.SecretARN); err != nil {
		return rotation.FinishSecretResponse{}, err
	}
	err = a.retire(ctx, keys, []string{current}, req.SecretARN, &previous)
	return rotation.FinishSecretResponse{}, err
}
