package cloudfront

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
)

// selectOrigins returns pointers into cfg to the origins d selects.
func selectOrigins(cfg *types.DistributionConfig, d Distribution, header string) ([]*types.Origin, error) {
	var origins []types.Origin
	if cfg != nil && cfg.Origins != nil {
		origins = cfg.Origins.Items
	}
	var selected []*types.Origin
	if len(d.OriginIDs) == 0 {
		for i := range origins {
			if hasHeader(&origins[i], header) {
				selected = append(selected, &origins[i])
			}
		}
		if len(selected) == 0 {
			return nil, &DistributionError{DistributionID: d.ID, Err: fmt.Errorf("%w %s; list the origin IDs that should carry it (origins: %s)", ErrNoOriginWithHeader, header, originIDs(origins))}
		}
		return selected, nil
	}
	for _, id := range d.OriginIDs {
		i := indexOrigin(origins, id)
		if i < 0 {
			return nil, &DistributionError{DistributionID: d.ID, OriginID: id, Err: fmt.Errorf("%w (origins: %s)", ErrOriginNotFound, originIDs(origins))}
		}
		selected = append(selected, &origins[i])
	}
	return selected, nil
}

func indexOrigin(origins []types.Origin, id string) int {
	for i := range origins {
		if aws.ToString(origins[i].Id) == id {
			return i
		}
	}
	return -1
}

func originIDs(origins []types.Origin) string {
	if len(origins) == 0 {
		return "none"
	}
	ids := make([]string, len(origins))
	for i := range origins {
		ids[i] = aws.ToString(origins[i].Id)
	}
	return strings.Join(ids, ", ")
}

func hasHeader(o *types.Origin, name string) bool {
	if o.CustomHeaders == nil {
		return false
	}
	for _, h := range o.CustomHeaders.Items {
		if strings.EqualFold(aws.ToString(h.HeaderName), name) {
			return true
		}
	}
	return false
}

// carries reports whether o has the header and every copy of it holds value.
func carries(o *types.Origin, name, value string) bool {
	if !hasHeader(o, name) {
		return false
	}
	for _, h := range o.CustomHeaders.Items {
		if strings.EqualFold(aws.ToString(h.HeaderName), name) && aws.ToString(h.HeaderValue) != value {
			return false
		}
	}
	return true
}
