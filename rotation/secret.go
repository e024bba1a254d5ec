package rotation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

// secretState is what DescribeSecret reported about the secret.
type secretState struct {
	// stages maps version IDs to their staging labels.
	stages map[string][]string
}

// versionWith returns the version that holds label, or "".
func (s *secretState) versionWith(label string) string {
	for id, labels := range s.stages {
		if slices.Contains(labels, label) {
			return id
		}
	}
	return ""
}

// begin runs the preamble AWS's rotation template runs before every step.
// current reports that the event's version is already AWSCURRENT, in which
// case the step has nothing left to do.
func (r *run) begin(ctx context.Context) (state *secretState, current bool, err error) {
	out, err := r.h.sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(r.event.SecretID)})
	if err != nil {
		return nil, false, fmt.Errorf("DescribeSecret: %w", err)
	}
	r.arn = aws.ToString(out.ARN)
	if !sameSecret(r.h.secretID, r.arn, aws.ToString(out.Name)) {
		return nil, false, fmt.Errorf("%w: the handler serves %s", ErrSecretMismatch, r.h.secretID)
	}
	if !aws.ToBool(out.RotationEnabled) {
		return nil, false, ErrRotationDisabled
	}
	state = &secretState{stages: out.VersionIdsToStages}
	token := r.event.ClientRequestToken
	labels, ok := state.stages[token]
	switch {
	case !ok:
		return nil, false, ErrUnknownVersion
	case slices.Contains(labels, StageCurrent):
		r.alreadyCurrent = true
		return state, true, nil
	case !slices.Contains(labels, StagePending):
		return nil, false, r.stalePending(ctx, state)
	}
	return state, false, nil
}

// stalePending explains why the event's version lacks AWSPENDING: either no
// version holds it (ErrNotPending), or another one does, left by a rotation
// that did not finish (*StalePendingError).
func (r *run) stalePending(ctx context.Context, state *secretState) error {
	var stale string
	for id, labels := range state.stages {
		// AWSPENDING on the AWSCURRENT version is what a finished rotation leaves.
		if slices.Contains(labels, StagePending) && !slices.Contains(labels, StageCurrent) {
			stale = id
		}
	}
	if stale == "" {
		return fmt.Errorf("%w (it holds %v)", ErrNotPending, state.stages[r.event.ClientRequestToken])
	}
	_, hasValue, err := r.secretString(ctx, stale, "")
	if err != nil {
		return err
	}
	return &StalePendingError{SecretARN: r.arn, VersionID: stale, HasValue: hasValue}
}

// sameSecret reports whether id (a name, full ARN or partial ARN) names the
// secret with this ARN and name.
func sameSecret(id, arn, name string) bool {
	if id == arn || id == name {
		return true
	}
	// A partial ARN lacks the "-" and six random characters Secrets Manager
	// appends to the name.
	return strings.HasPrefix(id, "arn:") && len(arn) == len(id)+7 && strings.HasPrefix(arn, id+"-")
}

// secretString reads the secret string of the version with versionID and/or
// stage. ok is false when that version does not exist or holds no value.
func (r *run) secretString(ctx context.Context, versionID, stage string) (s string, ok bool, err error) {
	in := &secretsmanager.GetSecretValueInput{SecretId: aws.String(r.arn)}
	if versionID != "" {
		in.VersionId = aws.String(versionID)
	}
	if stage != "" {
		in.VersionStage = aws.String(stage)
	}
	out, err := r.h.sm.GetSecretValue(ctx, in)
	var notFound *types.ResourceNotFoundException
	switch {
	case errors.As(err, &notFound):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("GetSecretValue %s: %w", versionName(versionID, stage), err)
	case out.SecretString == nil:
		return "", false, fmt.Errorf("%s: %w: it stores SecretBinary, the header value must be a SecretString", versionName(versionID, stage), ErrMalformedSecret)
	}
	return *out.SecretString, true, nil
}

// value reads the header value of one version, as secretString does.
func (r *run) value(ctx context.Context, versionID, stage string) (v Value, ok bool, err error) {
	s, ok, err := r.secretString(ctx, versionID, stage)
	if err != nil || !ok {
		return "", ok, err
	}
	raw, err := r.h.format.Extract(s)
	if err != nil {
		return "", false, fmt.Errorf("%s: %w", versionName(versionID, stage), err)
	}
	return Value(raw), true, nil
}

// values is what a step tells the Target.
type values struct {
	current, pending, previous Value
	// pendingFound is false when the pending version holds no value yet.
	pendingFound bool
}

// values reads AWSCURRENT, the event's AWSPENDING version, and AWSPREVIOUS
// when there is one. A current or previous value that is not in the
// configured format is left empty (the Target only reads it): a version from
// before a format migration, or a JSON placeholder without the key, must not
// block setSecret and testSecret. (createSecret still needs AWSCURRENT to be
// a JSON object under the JSON format: it keeps the object's other keys.)
// Every other failure is an error.
func (r *run) values(ctx context.Context, state *secretState) (values, error) {
	var v values
	var ok bool
	var err error
	if v.current, ok, err = r.optionalValue(ctx, "", StageCurrent); err != nil {
		return v, err
	} else if !ok {
		return v, ErrNoCurrent
	}
	if v.pending, v.pendingFound, err = r.value(ctx, r.event.ClientRequestToken, StagePending); err != nil {
		return v, err
	}
	if state.versionWith(StagePrevious) != "" {
		v.previous, _, err = r.optionalValue(ctx, "", StagePrevious)
	}
	return v, err
}

// optionalValue reads the value of versionID and/or stage (as value does); a
// value not in the configured format is logged and left empty. ok reports
// whether the version exists.
func (r *run) optionalValue(ctx context.Context, versionID, stage string) (Value, bool, error) {
	v, ok, err := r.value(ctx, versionID, stage)
	if errors.Is(err, ErrMalformedSecret) {
		r.log.LogAttrs(ctx, slog.LevelWarn, "secret version is not in the configured format; the target gets no value for it", slog.String("stage", stage), slog.String("error", err.Error()))
		return "", true, nil
	}
	return v, ok, err
}

func versionName(versionID, stage string) string {
	switch {
	case versionID == "":
		return stage
	case stage == "":
		return "version " + versionID
	}
	return fmt.Sprintf("%s version %s", stage, versionID)
}
