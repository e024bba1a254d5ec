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

// ownerMark starts the description of every key APIKeys creates or claims;
// the secret's ARN follows, up to the next ";". Only a key whose name starts
// with the key name prefix AND whose description names the request's secret
// is ever disabled or deleted: the prefix alone is shared by every
// deployment in the account and Region (DefaultKeyNamePrefix).
const ownerMark = "managed by originlock for secret "

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

// owner returns the secret ARN the key's description names, or "".
func (k key) owner() string {
	rest, ok := strings.CutPrefix(k.description, ownerMark)
	if !ok {
		return ""
	}
	arn, _, _ := strings.Cut(rest, ";")
	return arn
}

// ownedBy reports whether APIKeys for secretARN may disable and delete k.
func (k key) ownedBy(prefix, secretARN string) bool {
	return secretARN != "" && k.managed(prefix) && k.owner() == secretARN
}

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

// ensure makes a key holding v (a value of secretARN) exist, be enabled,
// carry no retirement mark and belong to every usage plan. A managed key
// holding v that names no secret is claimed for secretARN (a key created by
// hand for the initial value); one that names another secret is an
// *OwnedElsewhereError, because that secret's rotation would disable it. It
// reports whether it changed anything.
func (a *APIKeys) ensure(ctx context.Context, keys []key, v, name, secretARN string) (key, bool, error) {
	k, ok := find(keys, v)
	changed := false
	if !ok {
		out, err := a.api.CreateApiKey(ctx, &apigateway.CreateApiKeyInput{
			Name:        aws.String(name),
			Description: aws.String(description(secretARN)),
			Enabled:     true,
			Value:       aws.String(v),
		})
		if err != nil {
			return key{}, false, &KeyError{Err: fmt.Errorf("CreateApiKey %s: %w", name, err)}
		}
		k = key{id: aws.ToString(out.Id), name: name, description: description(secretARN), value: v, enabled: true}
		changed = true
		a.opts.logger.InfoContext(ctx, "apigateway: API key created", "key", k.id)
	}
	if owner := k.owner(); owner != "" && owner != secretARN {
		return key{}, false, &OwnedElsewhereError{KeyID: k.id, Owner: owner}
	}
	var ops []types.PatchOperation
	if !k.enabled {
		ops = append(ops, replace("/enabled", "true"))
	}
	if k.managed(a.cfg.KeyNamePrefix) && k.description != description(secretARN) {
		ops = append(ops, replace("/description", description(secretARN)))
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

// description is the description of a key holding a value of secretARN.
// It names the secret, never a value.
func description(secretARN string) string {
	return ownerMark + secretARN + "; holds one of its values; do not edit"
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

// retire walks the keys secretARN owns (ownedBy) whose value is not in
// keep; it never looks at any other key. now is the injected clock's time.
// With previous non-nil (finishSecret, which passes AWSPREVIOUS, maybe
// ""), a key without a retirement mark gets one, and unless it holds
// *previous it is disabled in the same update: CloudFront sends only
// AWSCURRENT by then. Under WithRevokePrevious the previous key is too. A marked key is
// disabled once the grace has passed since its mark, and deleted once it is
// disabled and two graces have passed; under WithRevokePrevious the grace is
// zero, so a marked key is disabled and, at the next call, deleted.
func (a *APIKeys) retire(ctx context.Context, keys []key, keep []string, secretARN string, previous *string) error {
	now := a.opts.clock.Now()
	grace := a.opts.grace
	if a.opts.revokePrevious {
		grace = 0
	}
	var errs []error
	for _, k := range keys {
		if !k.ownedBy(a.cfg.KeyNamePrefix, secretARN) || kept(k, keep) {
			continue
		}
		at, marked := k.retiredAt()
		var ops []types.PatchOperation
		switch {
		case !marked:
			if previous == nil {
				continue // only a finishSecret starts a retirement
			}
			ops = append(ops, replace("/description", description(secretARN)+retiredMark+now.UTC().Format(time.RFC3339)))
			if k.enabled && (a.opts.revokePrevious || !k.holds(*previous)) {
				ops = append(ops, replace("/enabled", "false"))
			}
		case k.enabled && !now.Before(at.Add(grace)):
			ops = append(ops, replace("/enabled", "false"))
		case !k.enabled && !now.Before(at.Add(2*grace)):
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
