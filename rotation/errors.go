package rotation

import (
	"errors"
	"fmt"

	"github.com/originlock/originlock/internal/secretvalue"
)

// Conditions a caller can branch on with errors.Is. Handle wraps them in a
// *StepError, which adds the step, the secret and the version.
var (
	// ErrInvalidEvent: the event lacks a field, a field is out of bounds, or
	// Step, SecretId or ClientRequestToken is not printable ASCII.
	ErrInvalidEvent = errors.New("invalid rotation event")
	// ErrUnknownStep: the event's Step is not one of the four steps.
	ErrUnknownStep = errors.New("unknown rotation step")
	// ErrSecretMismatch: the event is for a secret other than the one the
	// handler was made for (NewHandler's secretID).
	ErrSecretMismatch = errors.New("event is for another secret")
	// ErrRotationDisabled: the secret does not have rotation enabled.
	ErrRotationDisabled = errors.New("rotation is not enabled on the secret")
	// ErrUnknownVersion: the secret has no version with the event's token.
	ErrUnknownVersion = errors.New("secret has no version with the event's ClientRequestToken")
	// ErrNotPending: the token's version does not hold AWSPENDING.
	ErrNotPending = errors.New("the token's version is not AWSPENDING")
	// ErrStalePending: another version holds AWSPENDING. The error is a
	// *StalePendingError that names it and says how to clear it.
	ErrStalePending = errors.New("another version holds AWSPENDING")
	// ErrNoCurrent: the secret has no AWSCURRENT value to rotate from.
	ErrNoCurrent = errors.New("secret has no AWSCURRENT value")
	// ErrNoPendingValue: a step that needs the pending value (setSecret,
	// finishSecret) ran before createSecret stored one.
	ErrNoPendingValue = errors.New("the pending version has no value yet (createSecret has not stored one)")
	// ErrNotInEffect: finishSecret asked the Target (TestSecret, ConfigOnly
	// false) whether the pending value is in effect, and it is not: setSecret
	// and testSecret have not run, or not to the end, for this version.
	// finishSecret changed nothing. The error also wraps the Target's.
	ErrNotInEffect = errors.New("the target does not confirm that the pending value is in effect")
	// ErrRevokePrevious: with WithRevokePrevious, AWSCURRENT has moved but
	// AWSPREVIOUS could not be removed from the old version. A retry of
	// finishSecret removes it.
	ErrRevokePrevious = errors.New("could not remove AWSPREVIOUS from the old version")
	// ErrMalformedSecret: a secret version does not hold a value in the
	// configured format (WithJSONKey, WithPlainValue).
	ErrMalformedSecret = secretvalue.ErrMalformed
	// ErrInvalidValue: a value cannot be sent as an HTTP header (empty, too
	// long for CloudFront, not printable ASCII).
	ErrInvalidValue = secretvalue.ErrInvalidValue
	// ErrPanic: a step panicked; the handler recovered and logged the stack.
	ErrPanic = errors.New("panic recovered")
)

// StepError is the error Handle returns. Lambda reports its type name,
// StepError, as errorType in CloudWatch.
type StepError struct {
	// Step is the event's Step; "" when the event was refused as invalid and
	// its Step is not one of the four.
	Step string
	// SecretARN is the secret's ARN, or the event's SecretId when the secret
	// could not be described; "" for an invalid event.
	SecretARN string
	// VersionID is the event's ClientRequestToken; "" for an invalid event.
	VersionID string
	Err       error
}

func (e *StepError) Error() string {
	if e.SecretARN == "" && e.VersionID == "" {
		step := e.Step
		if step == "" {
			step = "event"
		}
		return fmt.Sprintf("rotation: %s refused: %v", step, e.Err)
	}
	return fmt.Sprintf("rotation: %s %s (version %s): %v", e.Step, e.SecretARN, e.VersionID, e.Err)
}

func (e *StepError) Unwrap() error { return e.Err }

// StalePendingError reports that VersionID, not the event's token, holds
// AWSPENDING: an earlier rotation did not finish. Secrets Manager refuses new
// rotations until the label is gone.
type StalePendingError struct {
	SecretARN string
	VersionID string
	// HasValue reports whether the stale version holds a value. If it does,
	// CloudFront may already send it (setSecret may have run), and removing
	// the label would make the authorizer refuse that traffic.
	HasValue bool
}

func (e *StalePendingError) Error() string {
	fix := fmt.Sprintf("aws secretsmanager update-secret-version-stage --secret-id %s --version-stage AWSPENDING --remove-from-version-id %s", e.SecretARN, e.VersionID)
	if !e.HasValue {
		return fmt.Sprintf("version %s holds AWSPENDING without a value: a rotation that has just started (wait for it), or one that failed before createSecret; in the second case clear the label with `%s` and start the rotation again", e.VersionID, fix)
	}
	return fmt.Sprintf("version %s holds AWSPENDING with a value from an earlier rotation that did not finish; CloudFront may already send that value, so do not just clear the label: finish that rotation by invoking the rotation function with ClientRequestToken %s and Step setSecret, testSecret, then finishSecret; clear it with `%s` only once no distribution sends that value", e.VersionID, e.VersionID, fix)
}

// Is makes errors.Is(err, ErrStalePending) true.
func (e *StalePendingError) Is(target error) bool { return target == ErrStalePending }
