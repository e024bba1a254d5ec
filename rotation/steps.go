package rotation

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/internal/secretvalue"
)

const outcomeAlreadyCurrent = "version is already AWSCURRENT; nothing to do"

// createSecret stores a new value under the event's token with AWSPENDING.
// The new value replaces the header value in a copy of AWSCURRENT, so other
// JSON keys carry over. Run again, it finds the stored value and changes
// nothing; a crash between PutSecretValue and the return is harmless because
// Secrets Manager treats a repeated PutSecretValue with the same token and
// value as a no-op.
func createSecret(ctx context.Context, r *run) (string, error) {
	_, done, err := r.begin(ctx)
	if err != nil || done {
		return outcomeAlreadyCurrent, err
	}
	current, ok, err := r.secretString(ctx, "", StageCurrent)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", ErrNoCurrent
	}
	_, exists, err := r.secretString(ctx, r.event.ClientRequestToken, StagePending)
	if err != nil {
		return "", err
	}
	if exists {
		return "pending value already stored", nil
	}

	value, err := r.h.gen.Generate(ctx)
	if err != nil {
		return "", fmt.Errorf("generate value: %w", err)
	}
	if err := secretvalue.Check(value); err != nil {
		return "", fmt.Errorf("generated value: %w", err)
	}
	secretString, err := r.h.format.Replace(current, value)
	if err != nil {
		return "", fmt.Errorf("%s: %w", StageCurrent, err)
	}
	in := &secretsmanager.PutSecretValueInput{
		SecretId:           aws.String(r.arn),
		ClientRequestToken: aws.String(r.event.ClientRequestToken),
		SecretString:       aws.String(secretString),
		VersionStages:      []string{StagePending},
	}
	if r.event.RotationToken != "" {
		// Required when Secrets Manager rotates with an assumed or
		// cross-account role.
		in.RotationToken = aws.String(r.event.RotationToken)
	}
	if _, err := r.h.sm.PutSecretValue(ctx, in); err != nil {
		return "", fmt.Errorf("PutSecretValue: %w", err)
	}
	return "stored a new pending value", nil
}

// setSecret asks the Target to use the pending value, after waiting
// WithSettleDelay. Run again, it waits again, and the Target finds the value
// already in use and changes nothing.
func setSecret(ctx context.Context, r *run) (string, error) {
	state, done, err := r.begin(ctx)
	if err != nil || done {
		return outcomeAlreadyCurrent, err
	}
	v, err := r.values(ctx, state)
	if err != nil {
		return "", err
	}
	if !v.pendingFound {
		return "", ErrNoPendingValue
	}
	if err := secretvalue.Check(string(v.pending)); err != nil {
		return "", fmt.Errorf("%s: %w", StagePending, err)
	}
	if err := r.settle(ctx); err != nil {
		return "", err
	}
	_, err = r.h.target.SetSecret(ctx, SetSecretRequest{
		SecretARN: r.arn,
		VersionID: r.event.ClientRequestToken,
		Pending:   v.pending,
		Current:   v.current,
		Previous:  v.previous,
	})
	if err != nil {
		return "", err
	}
	return "target uses the pending value", nil
}

// testSecret asks the Target whether the pending value is in effect. It
// changes nothing, so it can run any number of times.
//
// Secrets Manager also runs it alone to test a rotation configuration
// (RotateSecret with RotateImmediately=false): then the pending version holds
// no value of its own or a copy of AWSCURRENT, and the Target is asked for a
// configuration check only (TestSecretRequest.ConfigOnly).
func testSecret(ctx context.Context, r *run) (string, error) {
	state, done, err := r.begin(ctx)
	if err != nil || done {
		return outcomeAlreadyCurrent, err
	}
	v, err := r.values(ctx, state)
	if err != nil {
		return "", err
	}
	configOnly := !v.pendingFound || v.pending == v.current
	if !configOnly {
		if err := secretvalue.Check(string(v.pending)); err != nil {
			return "", fmt.Errorf("%s: %w", StagePending, err)
		}
	}
	_, err = r.h.target.TestSecret(ctx, TestSecretRequest{
		SecretARN:  r.arn,
		VersionID:  r.event.ClientRequestToken,
		Pending:    v.pending,
		Current:    v.current,
		Previous:   v.previous,
		ConfigOnly: configOnly,
	})
	if err != nil {
		return "", err
	}
	if configOnly {
		return "rotation configuration test passed", nil
	}
	return "pending value is in effect", nil
}

// finishSecret moves AWSCURRENT to the event's version; Secrets Manager then
// labels the old one AWSPREVIOUS.
//
// Before the move it asks the Target, with a full TestSecret (ConfigOnly
// false), whether the pending value is in effect, and fails with
// ErrNotInEffect, changing nothing, if it is not: a finishSecret invoked by
// hand or out of order (say right after createSecret) must not make a value
// current that the target does not send, or the origin would refuse every
// request once the old value's grace ends. Run again, it finds the version
// already current and returns at once, without asking the Target.
//
// With WithRevokePrevious it then removes AWSPREVIOUS from the version that
// was AWSCURRENT, so the old value stops being accepted as soon as verifiers
// read the secret again. A retry after a crash between the move and the
// removal finds AWSPREVIOUS still in place and removes it; once it is gone a
// retry makes no further call. If the
// Target is a Finisher, it is called after the move, and again on every
// repeat, so its clean-up happens even when an earlier invocation stopped
// right after the move.
func finishSecret(ctx context.Context, r *run) (string, error) {
	state, done, err := r.begin(ctx)
	if err != nil {
		return "", err
	}
	outcome := outcomeAlreadyCurrent
	// The event's version, and the current one: read to check them before
	// the move, and handed to a Finisher after it (versions never change, so
	// one read serves both).
	var value, current Value
	if !done {
		// Never make a version current that holds no usable value, or one the
		// target does not use yet.
		v, err := r.values(ctx, state)
		if err != nil {
			return "", err
		}
		if !v.pendingFound {
			return "", ErrNoPendingValue
		}
		if err := secretvalue.Check(string(v.pending)); err != nil {
			return "", fmt.Errorf("%s: %w", StagePending, err)
		}
		_, err = r.h.target.TestSecret(ctx, TestSecretRequest{
			SecretARN: r.arn,
			VersionID: r.event.ClientRequestToken,
			Pending:   v.pending,
			Current:   v.current,
			Previous:  v.previous,
		})
		if err != nil {
			return "", fmt.Errorf("%w (run setSecret and testSecret for this version first): %w", ErrNotInEffect, err)
		}
		value, current = v.pending, v.current
		in := &secretsmanager.UpdateSecretVersionStageInput{
			SecretId:        aws.String(r.arn),
			VersionStage:    aws.String(StageCurrent),
			MoveToVersionId: aws.String(r.event.ClientRequestToken),
		}
		if from := state.versionWith(StageCurrent); from != "" {
			in.RemoveFromVersionId = aws.String(from)
			outcome = "moved AWSCURRENT from version " + from
		}
		if _, err := r.h.sm.UpdateSecretVersionStage(ctx, in); err != nil {
			// A lost response looks like this too: the SDK retries a move
			// Secrets Manager has already made, and the retry fails because
			// the label is gone from the old version. Look before failing.
			if !r.isCurrent(ctx) {
				return "", fmt.Errorf("UpdateSecretVersionStage: %w", err)
			}
			r.log.LogAttrs(ctx, slog.LevelWarn, "UpdateSecretVersionStage failed, but the version is AWSCURRENT: an earlier attempt's response was lost", slog.String("error", err.Error()))
			outcome += " (confirmed after a failed response)"
		}
	}
	f, isFinisher := r.h.target.(Finisher)
	var previous Value
	if isFinisher {
		if done {
			if value, _, err = r.value(ctx, r.event.ClientRequestToken, ""); err != nil {
				return "", err
			}
			// The version this invocation's DescribeSecret saw holding
			// AWSPREVIOUS, read by its ID: never a label read that Secrets
			// Manager's eventual consistency could answer from before the move.
			if id := state.versionWith(StagePrevious); id != "" && id != r.event.ClientRequestToken {
				if previous, _, err = r.optionalValue(ctx, id, ""); err != nil {
					return "", err
				}
			}
		} else {
			// The version AWSCURRENT has just left, read before the move.
			previous = current
		}
	}
	if r.h.revokePrevious {
		// On a retry the state is this invocation's: the version that still
		// holds AWSPREVIOUS, if an earlier invocation stopped before removing
		// it. On the first run it is the version AWSCURRENT has just left.
		old := state.versionWith(StagePrevious)
		if !done {
			old = state.versionWith(StageCurrent)
		}
		if old != "" && old != r.event.ClientRequestToken {
			if err := r.revokePrevious(ctx, old); err != nil {
				return "", err
			}
			outcome += "; removed AWSPREVIOUS from version " + old
		}
	}
	if !isFinisher {
		return outcome, nil
	}
	if _, err := f.FinishSecret(ctx, FinishSecretRequest{SecretARN: r.arn, VersionID: r.event.ClientRequestToken, Current: value, Previous: previous}); err != nil {
		return "", err
	}
	return outcome + "; target finished", nil
}

// revokePrevious removes AWSPREVIOUS from version old (WithRevokePrevious).
// A failure whose effect is nevertheless in place (the label is gone: a lost
// response the SDK retried) counts as success.
func (r *run) revokePrevious(ctx context.Context, old string) error {
	_, err := r.h.sm.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
		SecretId:            aws.String(r.arn),
		VersionStage:        aws.String(StagePrevious),
		RemoveFromVersionId: aws.String(old),
	})
	if err == nil {
		return nil
	}
	out, derr := r.h.sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(r.arn)})
	if derr == nil && !slices.Contains(out.VersionIdsToStages[old], StagePrevious) {
		return nil
	}
	return fmt.Errorf("%w: remove %s from version %s: UpdateSecretVersionStage: %w", ErrRevokePrevious, StagePrevious, old, err)
}

// settle waits WithSettleDelay before the Target may start using the
// pending value. It waits the whole delay on every invocation, retries
// included: the pending version's CreatedDate cannot date the value (the
// version may have been created empty by RotateSecret, long before
// createSecret stored it), and waiting from the start of setSecret needs no
// clock shared with AWS.
func (r *run) settle(ctx context.Context) error {
	if r.h.settle <= 0 {
		return nil
	}
	r.log.LogAttrs(ctx, slog.LevelInfo, "letting the pending value settle before the target uses it", slog.Int64("delay_ms", r.h.settle.Milliseconds()))
	select {
	case <-ctx.Done():
		return fmt.Errorf("settle delay: %w", ctx.Err())
	case <-r.h.clock.After(r.h.settle):
		return nil
	}
}

// isCurrent reports whether the event's version holds AWSCURRENT now.
func (r *run) isCurrent(ctx context.Context) bool {
	out, err := r.h.sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(r.arn)})
	return err == nil && slices.Contains(out.VersionIdsToStages[r.event.ClientRequestToken], StageCurrent)
}
