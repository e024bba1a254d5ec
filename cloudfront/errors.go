package cloudfront

import (
	"errors"
	"fmt"
	"strings"

	"github.com/originlock/originlock/internal/headername"
	"github.com/originlock/originlock/internal/secretvalue"
)

// Conditions a caller can branch on with errors.Is.
var (
	// ErrInvalidHeaderName: CloudFront would refuse the header name.
	ErrInvalidHeaderName = headername.ErrInvalid
	// ErrInvalidHeaderValue: the value cannot be an origin custom header value.
	ErrInvalidHeaderValue = secretvalue.ErrInvalidValue
	// ErrInvalidConfig: the Config is incomplete or contradicts itself.
	ErrInvalidConfig = errors.New("invalid configuration")
	// ErrOriginNotFound: a configured origin ID is not in the distribution.
	ErrOriginNotFound = errors.New("origin not found in the distribution")
	// ErrNoOriginWithHeader: no origin IDs were configured for a distribution
	// and none of its origins carries the header yet.
	ErrNoOriginWithHeader = errors.New("no origin carries the header")
	// ErrConflict: the distribution changed under every attempt to update it
	// (412 PreconditionFailed each time).
	ErrConflict = errors.New("distribution kept changing during the update (PreconditionFailed)")
	// ErrHeaderQuota: setting the header would break CloudFront's limits on
	// an origin's custom headers: more headers than WithMaxCustomHeaders
	// allows, or more than MaxCustomHeaderChars characters of names and
	// values. SetSecret checks every distribution before it updates any.
	ErrHeaderQuota = errors.New("origin custom header quota exceeded")
	// ErrRawConfig: the distribution's configuration could not be sent back
	// byte for byte (the client gave no raw response body, or the XML could
	// not be read or patched). Nothing was updated: OriginHeader never falls
	// back to the SDK's typed round trip, which drops the elements the SDK
	// does not know.
	ErrRawConfig = errors.New("cannot send the distribution configuration back as read")
	// ErrNotDeployed: the value was not in effect on every distribution
	// before the wait ended. The error is a *NotDeployedError.
	ErrNotDeployed = errors.New("not deployed yet")
)

// DistributionError reports a failure on one distribution, and on one of its
// origins when OriginID is set.
type DistributionError struct {
	DistributionID string
	OriginID       string
	Err            error
}

func (e *DistributionError) Error() string {
	if e.OriginID != "" {
		return fmt.Sprintf("cloudfront: distribution %s origin %s: %v", e.DistributionID, e.OriginID, e.Err)
	}
	return fmt.Sprintf("cloudfront: distribution %s: %v", e.DistributionID, e.Err)
}

func (e *DistributionError) Unwrap() error { return e.Err }

// NotDeployedError lists the distributions on which the pending value was not
// yet in effect when the wait ended. Secrets Manager retries the rotation;
// setSecret then finds nothing to change and testSecret waits again.
type NotDeployedError struct {
	Distributions []DistributionStatus
}

// DistributionStatus is one distribution's state as last seen.
type DistributionStatus struct {
	ID string
	// Status is CloudFront's status: "InProgress" or "Deployed".
	Status string
	// HasValue reports whether every selected origin carries the value.
	HasValue bool
}

func (e *NotDeployedError) Error() string {
	parts := make([]string, len(e.Distributions))
	for i, d := range e.Distributions {
		if d.HasValue {
			parts[i] = fmt.Sprintf("%s is %s", d.ID, d.Status)
		} else {
			parts[i] = fmt.Sprintf("%s is %s and its config does not carry the value yet", d.ID, d.Status)
		}
	}
	return "cloudfront: value not deployed yet: " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrNotDeployed) true.
func (e *NotDeployedError) Is(target error) bool { return target == ErrNotDeployed }
