package rotation

import "context"

// Target is the system a rotation changes: it must use the pending value
// before Secrets Manager makes that value AWSCURRENT. The cloudfront package
// has the Target this module is built for; any system that sends or checks a
// shared value can be one.
//
// Secrets Manager retries a failed rotation by running its steps again, in
// order, as often as it sees fit, and a Lambda can stop at any instruction. So
// every method must be safe to call again with the same request at any time,
// and must reach the same end state whether or not an earlier call finished.
type Target interface {
	// SetSecret makes the target use req.Pending. If the target already uses
	// it, SetSecret changes nothing and returns nil; a retried rotation calls
	// it again. It may return before the change is in effect everywhere:
	// TestSecret waits for that.
	SetSecret(ctx context.Context, req SetSecretRequest) (SetSecretResponse, error)

	// TestSecret returns nil once req.Pending is in effect everywhere the
	// target uses it, and an error while it is not (Secrets Manager then
	// retries the rotation, and SetSecret finds nothing left to do). It
	// changes nothing.
	//
	// The handler calls it in testSecret and again in finishSecret, with
	// ConfigOnly false, right before it moves AWSCURRENT: finishSecret fails
	// (ErrNotInEffect) and changes nothing unless TestSecret confirms the
	// value. So TestSecret must answer at once when the value is in effect,
	// and must never report success for a value the target does not use: a
	// finishSecret invoked by hand or out of order relies on it. A late retry
	// of finishSecret, for a version already AWSCURRENT, does not call it.
	//
	// When req.ConfigOnly is set, Secrets Manager is only testing the rotation
	// configuration (RotateSecret with RotateImmediately=false): no new value
	// exists, and TestSecret should check that the target is reachable and
	// correctly configured without waiting for any value.
	TestSecret(ctx context.Context, req TestSecretRequest) (TestSecretResponse, error)
}

// Finisher is implemented by targets that clean up once the pending value
// has become AWSCURRENT, for example by retiring the previous value. The
// handler moves AWSCURRENT only once TestSecret (ConfigOnly false) has
// confirmed the value is in effect, then calls FinishSecret, and calls it
// again on every later finishSecret retry for the same version, so it must
// be idempotent. An error fails finishSecret; AWSCURRENT has already moved
// by then.
type Finisher interface {
	FinishSecret(ctx context.Context, req FinishSecretRequest) (FinishSecretResponse, error)
}

// SetSecretRequest asks a Target to start using Pending.
type SetSecretRequest struct {
	SecretARN string
	// VersionID is the rotation's ClientRequestToken: the version that holds
	// AWSPENDING.
	VersionID string
	Pending   Value
	Current   Value
	// Previous is the AWSPREVIOUS value, or "" when there is none or it is not
	// in the configured format (older versions may predate a migration).
	Previous Value
}

// SetSecretResponse is empty; fields may be added later.
type SetSecretResponse struct{}

// TestSecretRequest asks a Target whether Pending is in effect.
type TestSecretRequest struct {
	SecretARN string
	VersionID string
	Pending   Value
	Current   Value
	Previous  Value
	// ConfigOnly marks the test-only invocation: see Target.TestSecret.
	ConfigOnly bool
}

// TestSecretResponse is empty; fields may be added later.
type TestSecretResponse struct{}

// FinishSecretRequest tells a Finisher that VersionID is now AWSCURRENT.
type FinishSecretRequest struct {
	SecretARN string
	VersionID string
	// Current is the value that has just become AWSCURRENT.
	Current Value
	// Previous is the value that was AWSCURRENT before, or "" when unknown.
	Previous Value
}

// FinishSecretResponse is empty; fields may be added later.
type FinishSecretResponse struct{}
