package apigateway

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
)

// retiredMark starts the part of a managed key's description that records
// when it was retired.
const retiredMark = "; retired at "

// key is an API key as APIKeys sees it.
type key struct {
	id, name, description string
	value                 string
	enabled               bool
}

func (k key) managed(prefix string) bool { return strings.HasPrefix(k.name, prefix) }

// retiredAt returns when a finishSecret retired the key, if one did.
func (k key) retiredAt() (time.Time, bool) {
	_, at, ok := strings.Cut(k.description, retiredMark)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(at))
	return t, err == nil
}

func (k key) holds(v string) bool {
	return v != "" && subtle.ConstantTimeCompare([]byte(k.value), []byte(v)) == 1
}

// keys lists every API key of the account and Region with its value. API
// Gateway keeps key values unique, so at most one key holds a value.
func (a *APIKeys) keys(ctx context.Context) ([]key, error) {
	var out []key
	in := &apigateway.GetApiKeysInput{IncludeValues: aws.Bool(true), Limit: aws.Int32(500)}
	for {
		page, err := a.api.GetApiKeys(ctx, in)
		if err != nil {
			return nil, &KeyError{Err: fmt.Errorf("GetApiKeys: %w", err)}
		}
		for _, k := range page.Items {
			out = append(out, key{id: aws.ToString(k.Id), name: aws.ToString(k.Name), description: aws.ToString(k.Description), value: aws.ToString(k.Value), enabled: k.Enabled})
		}
		if aws.ToString(page.Position) == "" || len(page.Items) == 0 {
			return out, nil
		}
		in.Position = page.Position
	}
}

func find(keys []key, v string) (key, bool) {
	for _, k := range keys {
		if k.holds(v) {
			return k, true
		}
	}
	return key{}, false
}

// planKeys returns the IDs of the keys associated with usage plan id.
func (a *APIKeys) planKeys(ctx context.Context, plan string) (map[string]bool, error) {
	ids := map[string]bool{}
	in := &apigateway.GetUsagePlanKeysInput{UsagePlanId: aws.String(plan), Limit: aws.Int32(500)}
	for {
		page, err := a.api.GetUsagePlanKeys(ctx, in)
		if err != nil {
			return nil, &KeyError{UsagePlanID: plan, Err: fmt.Errorf("GetUsagePlanKeys: %w", err)}
		}
		for _, k := range page.Items {
			ids[aws.ToString(k.Id)] = true
		}
		if aws.ToString(page.Position) == "" || len(page.Items) == 0 {
			return ids, nil
		}
		in.Position = page.Position
	}
}

// missingPlans returns the configured usage plans keyID is not in.
func (a *APIKeys) missingPlans(ctx context.Context, keyID string) ([]string, error) {
	var missing []string
	for _, plan := range a.cfg.UsagePlanIDs {
		ids, err := a.planKeys(ctx, plan)
		if err != nil {
			return nil, err
		}
		if !ids[keyID] {
			missing = append(missing, plan)
		}
	}
	return missing, nil
}

// ensure makes a key holding v exist, be enabled, carry no retirement mark
// and belong to every usage plan. It reports whether it changed anything.
func (a *APIKeys) ensure(ctx context.Context, keys []key, v, name string) (key, bool, error) {
	k, ok := find(keys, v)
	changed := false
	if !ok {
		out, err := a.api.CreateApiKey(ctx, &apigateway.CreateApiKeyInput{
			Name:        aws.String(name),
			Description: aws.String(a.description()),
			Enabled:     true,
			Value:       aws.String(v),
		})
		if err != nil {
			return key{}, false, &KeyError{Err: fmt.Errorf("CreateApiKey %s: %w", name, err)}
		}
		k = key{id: aws.ToString(out.Id), name: name, description: a.description(), value: v, enabled: true}
		changed = true
		a.opts.logger.InfoContext(ctx, "apigateway: API key created", "key", k.id)
	}
	var ops []types.PatchOperation
	if !k.enabled {
		ops = append(ops, replace("/enabled", "true"))
	}
	if _, retired := k.retiredAt(); retired && k.managed(a.cfg.KeyNamePrefix) {
		ops = append(ops, replace("/description", a.description()))
	}
	if len(ops) > 0 {
		if err := a.patch(ctx, k.id, ops...); err != nil {
			return key{}, false, err
		}
		k.enabled, changed = true, true
		a.opts.logger.InfoContext(ctx, "apigateway: API key enabled", "key", k.id)
	}
	missing, err := a.missingPlans(ctx, k.id)
	if err != nil {
		return key{}, false, err
	}
	for _, plan := range missing {
		_, err := a.api.CreateUsagePlanKey(ctx, &apigateway.CreateUsagePlanKeyInput{UsagePlanId: aws.String(plan), KeyId: aws.String(k.id), KeyType: aws.String("API_KEY")})
		var conflict *types.ConflictException
		if err != nil && !errors.As(err, &conflict) { // a conflict: already associated
			return key{}, false, &KeyError{KeyID: k.id, UsagePlanID: plan, Err: fmt.Errorf("CreateUsagePlanKey: %w", err)}
		}
		changed = true
		a.opts.logger.InfoContext(ctx, "apigateway: API key added to usage plan", "key", k.id, "usage_plan", plan)
	}
	return k, changed, nil
}

func (a *APIKeys) description() string {
	return "managed by originlock: holds a value of the origin-verify secret; do not edit"
}

func replace(path, value string) types.PatchOperation {
	return types.PatchOperation{Op: types.OpReplace, Path: aws.String(path), Value: aws.String(value)}
}

func (a *APIKeys) patch(ctx context.Context, id string, ops ...types.PatchOperation) error {
	if _, err := a.api.UpdateApiKey(ctx, &apigateway.UpdateApiKeyInput{ApiKey: aws.String(id), PatchOperations: ops}); err != nil {
		return &KeyError{KeyID: id, Err: fmt.Errorf("UpdateApiKey: %w", err)}
	}
	return nil
}

// retire walks the managed keys whose value is not in keep. now is the
// injected clock's time. A key without a retirement mark gets one, and is
// disabled at once when disableNow says so; a marked key is disabled once
// the grace has passed since its mark, and deleted once it is disabled and
// two graces have passed.
func (a *APIKeys) retire(ctx context.Context, keys []key, keep []string, disableNow func(key) bool) error {
	now := a.opts.clock.Now()
	var errs []error
	for _, k := range keys {
		if !k.managed(a.cfg.KeyNamePrefix) || kept(k, keep) {
			continue
		}
		at, marked := k.retiredAt()
		var ops []types.PatchOperation
		switch {
		case !marked:
			if disableNow == nil {
				continue // only a finishSecret starts a retirement
			}
			ops = append(ops, replace("/description", a.description()+retiredMark+now.UTC().Format(time.RFC3339)))
			if k.enabled && disableNow(k) {
				ops = append(ops, replace("/enabled", "false"))
			}
		case k.enabled && !now.Before(at.Add(a.opts.grace)):
			ops = append(ops, replace("/enabled", "false"))
		case !k.enabled && !now.Before(at.Add(2*a.opts.grace)):
			if _, err := a.api.DeleteApiKey(ctx, &apigateway.DeleteApiKeyInput{ApiKey: aws.String(k.id)}); err != nil {
				var nf *types.NotFoundException
				if !errors.As(err, &nf) {
					errs = append(errs, &KeyError{KeyID: k.id, Err: fmt.Errorf("DeleteApiKey: %w", err)})
				}
				continue
			}
			a.opts.logger.InfoContext(ctx, "apigateway: retired API key deleted", "key", k.id)
			continue
		}
		if len(ops) == 0 {
			continue
		}
		if err := a.patch(ctx, k.id, ops...); err != nil {
			errs = append(errs, err)
			continue
		}
		a.opts.logger.InfoContext(ctx, "apigateway: API key retirement moved on", "key", k.id, "disabled", slices.ContainsFunc(ops, func(op types.PatchOperation) bool { return aws.ToString(op.Path) == "/enabled" }))
	}
	return errors.Join(errs...)
}

func kept(k key, keep []string) bool {
	for _, v := range keep {
		if k.holds(v) {
			return true
		}
	}
	return false
}
