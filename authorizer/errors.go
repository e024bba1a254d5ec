package authorizer

import (
	"errors"
	"fmt"
)

// ErrUnavailable reports that the Verifier cannot decide: the secret could
// not be read (or not recently enough), an unknown value arrived within the
// refresh cooldown, or the request's context ended while it waited for a
// read. The error is an *UnavailableError.
//
// The API Gateway adapters return it as the Lambda's error, which API
// Gateway answers with 500 and, unlike a Deny policy, does not cache: a value
// that turns out to be valid a moment later is not refused for the whole
// authorizer TTL.
var ErrUnavailable = errors.New("authorizer: cannot verify the value now")

// UnavailableError says why the Verifier cannot decide.
type UnavailableError struct {
	Reason string
	// Err is the failure behind it, if any (an SDK error, for example).
	Err error
}

func (e *UnavailableError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%v: %s: %v", ErrUnavailable, e.Reason, e.Err)
	}
	return fmt.Sprintf("%v: %s", ErrUnavailable, e.Reason)
}

func (e *UnavailableError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrUnavailable) true.
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }
