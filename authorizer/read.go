package authorizer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-secretsmanager-caching-go/v2/secretcache"
	"github.com/aws/smithy-go"

	"github.com/originlock/originlock/internal/secretvalue"
)

// Staging labels.
const (
	stageCurrent  = "AWSCURRENT"
	stagePending  = "AWSPENDING"
	stagePrevious = "AWSPREVIOUS"
)

// describeGate stands between caching-go and Secrets Manager.
//
// caching-go keeps the secret's versions and fetches each version's value
// once by version ID, but it reads the wall clock for its TTL and can only be
// told to refresh through RefreshNow, which sleeps 2.5 to 5 seconds. So the
// Verifier runs it with a 1 ns item TTL, which makes it ask for the secret's
// metadata on every read, and the gate answers that from memory until the
// Verifier arms it: when its own TTL has passed, on its own clock, or for a
// refresh on miss. The first DescribeSecret after arming goes to Secrets
// Manager; a failure is kept for the Verifier and caching-go is given the last
// good metadata, so it never enters its own retry backoff.
type describeGate struct {
	sm SecretsManagerAPI

	mu    sync.Mutex
	armed bool
	last  *secretsmanager.DescribeSecretOutput
	err   error
	// created holds each fetched version's creation date, by version ID.
	created map[string]time.Time
}

var _ secretcache.SecretsManagerAPIClient = (*describeGate)(nil)

func (g *describeGate) arm() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.armed, g.err = true, nil
}

// result returns the metadata the last read used and the error of its
// DescribeSecret, if it failed.
func (g *describeGate) result() (*secretsmanager.DescribeSecretOutput, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.last, g.err
}

func (g *describeGate) DescribeSecret(ctx context.Context, in *secretsmanager.DescribeSecretInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.armed {
		g.armed = false
		out, err := g.sm.DescribeSecret(ctx, in, optFns...)
		if err == nil {
			g.last = out
		} else {
			g.err = err
		}
	}
	if g.last == nil {
		return &secretsmanager.DescribeSecretOutput{}, nil
	}
	return g.last, nil
}

func (g *describeGate) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	out, err := g.sm.GetSecretValue(ctx, in, optFns...)
	if err == nil && out.VersionId != nil && out.CreatedDate != nil {
		g.mu.Lock()
		if g.created == nil {
			g.created = map[string]time.Time{}
		}
		g.created[*out.VersionId] = *out.CreatedDate
		g.mu.Unlock()
	}
	return out, err
}

// createdAt returns when a fetched version was created, or the zero time.
func (g *describeGate) createdAt(versionID string) time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.created[versionID]
}

var errNotUsed = errors.New("authorizer: not used by the Verifier")

func (g *describeGate) CreateSecret(context.Context, *secretsmanager.CreateSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.CreateSecretOutput, error) {
	return nil, errNotUsed
}

func (g *describeGate) DeleteSecret(context.Context, *secretsmanager.DeleteSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DeleteSecretOutput, error) {
	return nil, errNotUsed
}

func (g *describeGate) ListSecrets(context.Context, *secretsmanager.ListSecretsInput, ...func(*secretsmanager.Options)) (*secretsmanager.ListSecretsOutput, error) {
	return nil, errNotUsed
}

func (g *describeGate) UpdateSecret(context.Context, *secretsmanager.UpdateSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretOutput, error) {
	return nil, errNotUsed
}

// read asks Secrets Manager for the secret's metadata through caching-go,
// takes each stage's value from caching-go (which fetches only versions it
// has not seen), and publishes a new snapshot. The caller holds v.readMu.
//
// The read runs on its own context, bounded by WithReadTimeout and detached
// from the caller's cancellation: it serves every request waiting for it, and
// a client that hangs up must not fail it for the others.
//
// The read is reported to the Observer, if any, with its cause.
func (v *Verifier) read(ctx context.Context, cause ReadCause) (*snapshot, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), v.opts.readTimeout)
	defer cancel()
	start := v.opts.clock.Now()
	s, err := v.readSecret(ctx, start)
	if v.opts.observer != nil {
		v.opts.observer.ObserveRead(ctx, ReadEvent{Cause: cause, Duration: v.opts.clock.Now().Sub(start), Failed: err != nil})
	}
	return s, err
}

// readSecret is read, begun at now.
func (v *Verifier) readSecret(ctx context.Context, now time.Time) (*snapshot, error) {
	v.gate.arm()
	var values [3]string
	var stageErr error
	for i, stage := range []string{stageCurrent, stagePending, stagePrevious} {
		val, ok, err := v.stageValue(ctx, stage)
		if err != nil {
			stageErr = err
			break
		}
		if ok {
			values[i] = val
		}
	}
	desc, err := v.gate.result()
	if deleted(desc, err) {
		return v.readDeleted(ctx, now), nil
	}
	if stageErr != nil {
		return nil, v.readFailed(ctx, now, stageErr)
	}
	if err != nil {
		return nil, v.readFailed(ctx, now, fmt.Errorf("DescribeSecret: %w", err))
	}
	currentID := versionWith(desc, stageCurrent)
	if currentID == "" {
		return nil, v.readFailed(ctx, now, errors.New("the secret has no AWSCURRENT version"))
	}

	prev := v.snap.Load()
	s := &snapshot{
		current: values[0], pending: values[1], previous: values[2],
		currentID:  currentID,
		pendingID:  versionWith(desc, stagePending),
		previousID: versionWith(desc, stagePrevious),
		readAt:     now,
		refreshAt:  now.Add(v.opts.ttl/2 + rand.N(v.opts.ttl/2+1)), // #nosec G404 -- jitter spreads reads across containers; it protects nothing
	}
	s.previousUntil = v.previousUntil(prev, s, desc, now)
	v.snap.Store(s)
	if prev == nil || prev.currentID != s.currentID || prev.pendingID != s.pendingID {
		v.opts.logger.InfoContext(ctx, "authorizer: secret read", "secret", v.secretID, "current_version", s.currentID, "pending_version", s.pendingID,
			"previous_version", s.previousID, "previous_accepted_until", s.previousUntil, "duration_ms", v.opts.clock.Now().Sub(now).Milliseconds())
	}
	return s, nil
}

// stageValue returns the header value at stage. ok is false when no version
// holds the stage, or it holds no value yet (a rotation between RotateSecret
// and createSecret), or the value is unusable (logged).
func (v *Verifier) stageValue(ctx context.Context, stage string) (string, bool, error) {
	secretString, err := v.cache.GetSecretStringWithStageWithContext(ctx, v.secretID, stage)
	var noVersion *secretcache.VersionNotFoundError
	var noValue *smtypes.ResourceNotFoundException
	switch {
	case errors.As(err, &noVersion):
		return "", false, nil
	case errors.As(err, &noValue) && stage != stageCurrent:
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("read %s: %w", stage, err)
	}
	value, err := v.opts.format.Extract(secretString)
	if err == nil {
		err = secretvalue.Check(value)
	}
	if err != nil {
		v.opts.logger.WarnContext(ctx, "authorizer: secret version holds no usable value; it is not accepted", "secret", v.secretID, "stage", stage, "error", err.Error())
		return "", false, nil
	}
	return value, true, nil
}

// readFailed keeps the published snapshot, with its next read a cooldown
// away, and wraps err for the caller. An AccessDeniedException starts (or
// continues) the snapshot's access-denied clock: see snapshot.deniedSince.
func (v *Verifier) readFailed(ctx context.Context, now time.Time, err error) error {
	s := v.snap.Load()
	switch {
	case s == nil:
		v.opts.logger.WarnContext(ctx, "authorizer: reading the secret failed; no read has succeeded yet, so no value can be verified until one does", "secret", v.secretID, "error", err.Error(), "duration_ms", v.opts.clock.Now().Sub(now).Milliseconds())
	case s.deleted:
		v.opts.logger.WarnContext(ctx, "authorizer: reading the secret failed; it was deleted at the last good read, so every value is still refused", "secret", v.secretID, "error", err.Error(), "duration_ms", v.opts.clock.Now().Sub(now).Milliseconds())
	default:
		v.opts.logger.WarnContext(ctx, "authorizer: reading the secret failed; deciding from the last good read", "secret", v.secretID, "error", err.Error(), "duration_ms", v.opts.clock.Now().Sub(now).Milliseconds())
	}
	if s != nil {
		retry := *s
		retry.refreshAt = now.Add(v.opts.cooldown)
		if isAccessDenied(err) && retry.deniedSince.IsZero() {
			retry.deniedSince = now
		}
		v.snap.Store(&retry)
	}
	v.failedAt = now
	return err
}

// readDeleted publishes a snapshot that refuses every value: the secret is
// deleted or scheduled for deletion. It is read again after the cooldown, so
// that RestoreSecret takes effect as quickly.
func (v *Verifier) readDeleted(ctx context.Context, now time.Time) *snapshot {
	s := &snapshot{deleted: true, readAt: now, refreshAt: now.Add(v.opts.cooldown)}
	if prev := v.snap.Load(); prev == nil || !prev.deleted {
		v.opts.logger.ErrorContext(ctx, "authorizer: the secret is deleted or scheduled for deletion; refusing every value", "secret", v.secretID)
	}
	v.snap.Store(s)
	return s
}

// deleted reports whether a DescribeSecret result says the secret is gone
// (ResourceNotFoundException) or scheduled for deletion (DeletedDate).
func deleted(desc *secretsmanager.DescribeSecretOutput, err error) bool {
	var notFound *smtypes.ResourceNotFoundException
	if err != nil {
		return errors.As(err, &notFound)
	}
	return desc != nil && desc.DeletedDate != nil
}

// isAccessDenied reports whether err is Secrets Manager's (or KMS's)
// AccessDeniedException.
func isAccessDenied(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "AccessDeniedException"
}

// previousUntil ends AWSPREVIOUS's grace window, which runs from the moment
// AWSCURRENT moved off that version (see rotatedAt). It is computed once, when
// a read first finds the version AWSPREVIOUS, and kept as long as it stays so:
// later changes to the secret do not extend it.
func (v *Verifier) previousUntil(prev, s *snapshot, desc *secretsmanager.DescribeSecretOutput, now time.Time) time.Time {
	switch {
	case v.opts.grace == 0 || s.previous == "":
		return time.Time{}
	case prev != nil && s.previousID == prev.previousID && prev.previous != "":
		return prev.previousUntil
	}
	since := v.rotatedAt(desc, s, now)
	if prev != nil && s.previousID == prev.currentID && since.Before(prev.readAt) {
		since = prev.readAt // it was still AWSCURRENT at the last read
	}
	return since.Add(v.opts.grace)
}

// rotatedAt estimates when AWSCURRENT moved to the current version, as
// the latest moment the move can have happened: the secret's LastChangedDate
// (moving a label changes the secret), the creation of a newer pending
// version (the next rotation starts after this one ended), or now, whichever
// is earliest. The grace window counted from it never ends early, whatever
// else changed the secret; it can end late, by as much as the time from the
// rotation to the next change of the secret. LastRotatedDate is not used:
// AWS's documentation has described it both as the rotation's completion and
// as its start, and counting from the start would end the window before
// edges that lag have switched.
func (v *Verifier) rotatedAt(desc *secretsmanager.DescribeSecretOutput, s *snapshot, now time.Time) time.Time {
	latest := now
	if t := aws.ToTime(desc.LastChangedDate); !t.IsZero() && t.Before(latest) {
		latest = t
	}
	if s.pendingID != "" && s.pendingID != s.currentID {
		if t := v.gate.createdAt(s.pendingID); !t.IsZero() && t.Before(latest) {
			latest = t
		}
	}
	return latest
}

func versionWith(desc *secretsmanager.DescribeSecretOutput, stage string) string {
	for id, stages := range desc.VersionIdsToStages {
		for _, s := range stages {
			if s == stage {
				return id
			}
		}
	}
	return ""
}
