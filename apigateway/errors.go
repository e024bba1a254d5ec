package apigateway

import (
	"errors"
	"fmt"
	"time"
)

// Conditions a caller can branch on with errors.Is.
var (
	// ErrInvalidConfig: the Config is incomplete.
	ErrInvalidConfig = errors.New("invalid configuration")
	// ErrInvalidValue: the value cannot be an API key value (API Gateway
	// wants MinValueLength to MaxValueLength letters and digits).
	ErrInvalidValue = errors.New("invalid API key value")
	// ErrKeyNotReady: the pending value's key is missing, disabled or not in
	// every usage plan (setSecret has not run, or someone changed it). The
	// error is a *KeyNotReadyError.
	ErrKeyNotReady = errors.New("API key for the pending value is not ready")
	// ErrNotUsableYet: the key is ready but the delay before API Gateway
	// uses it has not passed yet. The error is a *NotUsableYetError.
	ErrNotUsableYet = errors.New("API key may not be usable yet")
	// ErrNoSecretARN: the request names no secret ARN, which marks the keys
	// APIKeys owns; without it APIKeys cannot tell its keys from another
	// deployment's.
	ErrNoSecretARN = errors.New("the request names no secret ARN")
	// ErrOwnedElsewhere: the API key holding a value of this secret belongs
	// to another secret (its description names that secret), whose rotation
	// would disable it. The error is an *OwnedElsewhereError.
	ErrOwnedElsewhere = errors.New("API key belongs to another secret")
)

// The lengths of value API Gateway accepts for an API key (letters and
// digits only).
const (
	MinValueLength = 20
	MaxValueLength = 128
)

// KeyError reports a failure on one API key (by ID, never by value) or one
// usage plan.
type KeyError struct {
	KeyID       string
	UsagePlanID string
	Err         error
}

func (e *KeyError) Error() string {
	switch {
	case e.KeyID != "" && e.UsagePlanID != "":
		return fmt.Sprintf("apigateway: API key %s, usage plan %s: %v", e.KeyID, e.UsagePlanID, e.Err)
	case e.UsagePlanID != "":
		return fmt.Sprintf("apigateway: usage plan %s: %v", e.UsagePlanID, e.Err)
	case e.KeyID != "":
		return fmt.Sprintf("apigateway: API key %s: %v", e.KeyID, e.Err)
	}
	return fmt.Sprintf("apigateway: %v", e.Err)
}

func (e *KeyError) Unwrap() error { return e.Err }

// KeyNotReadyError says what is missing for the pending value's key.
type KeyNotReadyError struct {
	// KeyID is "" when no key holds the value.
	KeyID   string
	Enabled bool
	// MissingPlans are the usage plans the key is not associated with.
	MissingPlans []string
}

func (e *KeyNotReadyError) Error() string {
	switch {
	case e.KeyID == "":
		return "apigateway: no API key holds the pending value"
	case !e.Enabled:
		return fmt.Sprintf("apigateway: API key %s (pending value) is disabled", e.KeyID)
	}
	return fmt.Sprintf("apigateway: API key %s (pending value) is not in usage plans %v", e.KeyID, e.MissingPlans)
}

// Is makes errors.Is(err, ErrKeyNotReady) true.
func (e *KeyNotReadyError) Is(target error) bool { return target == ErrKeyNotReady }

// NotUsableYetError says how long the key still needs.
type NotUsableYetError struct {
	KeyID     string
	Remaining time.Duration
}

func (e *NotUsableYetError) Error() string {
	return fmt.Sprintf("apigateway: API key %s may not be usable yet (%s of the key delay left when the wait had to stop before the deadline)", e.KeyID, e.Remaining.Round(time.Second))
}

// Is makes errors.Is(err, ErrNotUsableYet) true.
func (e *NotUsableYetError) Is(target error) bool { return target == ErrNotUsableYet }

// OwnedElsewhereError names the key (by ID) holding a value of this secret
// and the other secret its description names. Two secrets holding the same
// value share one API key (API Gateway keeps values unique); give each
// deployment its own value.
type OwnedElsewhereError struct {
	KeyID string
	Owner string
}

func (e *OwnedElsewhereError) Error() string {
	return fmt.Sprintf("apigateway: API key %s holds a value of this secret but belongs to secret %s; each secret needs its own values", e.KeyID, e.Owner)
}

// Is makes errors.Is(err, ErrOwnedElsewhere) true.
func (e *OwnedElsewhereError) Is(target error) bool { return target == ErrOwnedElsewhere }
