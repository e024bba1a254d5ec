package authorizer

import (
	"errors"
	"fmt"
)

// ErrUnavailable reports that the Verifier cannot decide: no read of the
// secret has succeeded yet, the read a decision needed failed, the last good
// read is too old, an unknown value arrived within the refresh cooldown when
// no read recent enough to deny it exists, or the request's context ended
// while it waited for a read. The error is an *UnavailableError, whose Reason
// says which.
//
// The API Gateway adapters return it as the Lambda's error, which API
// Gateway answers with 500 and, unlike a Deny policy, does not cache: a value
// that turns out to be valid a moment later is not refused for the whole
// authorizer TTL.
var ErrUnavailable = errors.New("authorizer: cannot verify the value now")

// Reasons a Verify refuses, as UnavailableError.Reason and
// DecisionEvent.Reason give them: short fixed words, for metrics and logs.
const (
	// ReasonInvalid: the value can never be valid (empty, too long, a comma,
	// not printable ASCII, a leading or trailing space); denied without a read.
	ReasonInvalid = "invalid"
	// ReasonUnknown: the value matched nothing in a read that covers every
	// value CloudFront may send by now; denied.
	ReasonUnknown = "unknown"
	// ReasonCooldown: an unknown value within the refresh cooldown. It is
	// denied when the last good read is recent enough that the value cannot
	// be new (see WithSettleDelay), and unavailable otherwise.
	ReasonCooldown = "cooldown"
	// ReasonDeleted: the secret is deleted or scheduled for deletion; every
	// value is denied (a kill switch).
	ReasonDeleted = "deleted"
	// ReasonNoRead: no read of the secret has succeeded yet.
	ReasonNoRead = "no_read"
	// ReasonReadFailed: the read this decision needed failed.
	ReasonReadFailed = "read_failed"
	// ReasonStale: the last good read is older than WithMaxStaleness (or,
	// for AccessDenied, than the refresh cooldown).
	ReasonStale = "stale"
	// ReasonCanceled: the request's context ended while it waited for a read.
	ReasonCanceled = "canceled"
	// ReasonAccessDenied: reads of the secret have failed with
	// AccessDeniedException for longer than the refresh cooldown.
	ReasonAccessDenied = "access_denied"
)

// UnavailableError says why the Verifier cannot decide.
type UnavailableError struct {
	// Reason is one of the Reason constants.
	Reason string
	// Err is the failure behind it, if any (an SDK error, for example).
	Err error
}

func (e *UnavailableError) Error() string {
	msg := reasonText[e.Reason]
	if msg == "" {
		msg = e.Reason
	}
	if e.Err != nil {
		return fmt.Sprintf("%v: %s: %v", ErrUnavailable, msg, e.Err)
	}
	return fmt.Sprintf("%v: %s", ErrUnavailable, msg)
}

var reasonText = map[string]string{
	ReasonCooldown:     "unknown value within the refresh cooldown, and no read recent enough to deny it",
	ReasonNoRead:       "the secret could not be read yet",
	ReasonReadFailed:   "the secret could not be read",
	ReasonStale:        "the last good read is too old",
	ReasonCanceled:     "gave up waiting for a read",
	ReasonAccessDenied: "access to the secret is denied",
}

func (e *UnavailableError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrUnavailable) true.
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

// ErrWrongEvent reports an event whose shape does not fit the adapter that
// received it: the function serves another kind of authorizer than the one
// it was built for. The error is an *EventError.
var ErrWrongEvent = errors.New("authorizer: the event does not fit the adapter")

// EventError says which adapter got an event of the wrong shape, and what
// it lacks. The adapters return it instead of a policy: an Allow for an
// empty resource, or an answer API Gateway cannot read, would hide the
// misconfiguration.
type EventError struct {
	Adapter string // RESTRequest, RESTToken or HTTPAPIIAM
	Problem string // what is wrong with the event, e.g. "no methodArn"
	Hint    string // the likely fix
}

func (e *EventError) Error() string {
	return fmt.Sprintf("authorizer: %s: the event has %s: the function is probably configured for another kind of authorizer (AUTHORIZER_TYPE); %s",
		e.Adapter, e.Problem, e.Hint)
}

// Is makes errors.Is(err, ErrWrongEvent) true.
func (e *EventError) Is(target error) bool { return target == ErrWrongEvent }

const (
	hintREST = "an HTTP API (payload 2.0) authorizer needs AUTHORIZER_TYPE=http-simple or http-iam (HTTPAPI, HTTPAPIIAM)"
	hintHTTP = "a REST API authorizer needs AUTHORIZER_TYPE=rest-request or rest-token (RESTRequest, RESTToken); HTTP API payload format 1.0 is not supported"
)
