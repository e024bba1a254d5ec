package cloudfront

import (
	"fmt"
	"slices"
)

// Config says which header to rotate and where.
type Config struct {
	// HeaderName is the origin custom header CloudFront sends, for example
	// "X-Origin-Verify". Existing headers match it case-insensitively.
	HeaderName string
	// Distributions are updated one after the other, in this order. List the
	// staging distribution of a continuous deployment too: promoting it copies
	// its headers onto the primary.
	Distributions []Distribution
}

// Distribution selects the origins of one distribution.
type Distribution struct {
	ID string
	// OriginIDs are the origins that carry the header; a listed origin
	// without it gets it added. Empty selects every origin that already
	// carries the header, and there must be at least one.
	OriginIDs []string
}

func (c Config) validate() error {
	if err := ValidateHeaderName(c.HeaderName); err != nil {
		return err
	}
	if len(c.Distributions) == 0 {
		return fmt.Errorf("%w: no distributions", ErrInvalidConfig)
	}
	seen := map[string]bool{}
	for i, d := range c.Distributions {
		switch {
		case d.ID == "":
			return fmt.Errorf("%w: distribution %d has no ID", ErrInvalidConfig, i)
		case seen[d.ID]:
			return fmt.Errorf("%w: distribution %s is listed twice", ErrInvalidConfig, d.ID)
		case slices.Contains(d.OriginIDs, ""):
			return fmt.Errorf("%w: distribution %s has an empty origin ID", ErrInvalidConfig, d.ID)
		}
		seen[d.ID] = true
		sorted := slices.Clone(d.OriginIDs)
		slices.Sort(sorted)
		if len(slices.Compact(sorted)) != len(d.OriginIDs) {
			return fmt.Errorf("%w: distribution %s lists an origin ID twice", ErrInvalidConfig, d.ID)
		}
	}
	return nil
}
