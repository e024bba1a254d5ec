package cloudfront_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/rotation"
)

// TestSetSecretChecksQuotasBeforeAnyUpdate: when the second distribution
// cannot take the header (its origin would exceed CloudFront's header quota
// or size limit), SetSecret fails before updating the first. CloudFront (the
// double) would refuse the second update with TooManyOriginCustomHeaders
// after the first had been applied.
func TestSetSecretChecksQuotasBeforeAnyUpdate(t *testing.T) {
	full := func(n, size int) [][2]string {
		var hs [][2]string
		for i := range n {
			hs = append(hs, [2]string{fmt.Sprintf("X-Other-%d", i), strings.Repeat("v", size)})
		}
		return hs
	}
	cases := map[string]struct {
		headers [][2]string
		opts    []cloudfront.Option
		quota   int // the double's quota; 0: default
		wantErr bool
	}{
		"10 headers, one more":       {headers: full(10, 8), wantErr: true},
		"9 headers, one more":        {headers: full(9, 8)},
		"raised quota":               {headers: full(10, 8), opts: []cloudfront.Option{cloudfront.WithMaxCustomHeaders(11)}, quota: 11},
		"names and values too long":  {headers: full(2, 5080), wantErr: true},
		"names and values just fit":  {headers: full(2, (cloudfront.MaxCustomHeaderChars-len(header)-len(newValue))/2-len("X-Other-0"))},
		"over quota, value replaced": {headers: append(full(10, 8), [2]string{header, oldValue}), quota: 11},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, []cloudfront.Distribution{{ID: "E1"}, {ID: "E2", OriginIDs: []string{"api"}}}, tc.opts...)
			f.add("E2", distConfig(map[string][][2]string{"api": tc.headers}, "api"))
			if tc.quota > 0 {
				f.api.SetMaxCustomHeaders(tc.quota)
			}
			_, err := f.target.SetSecret(t.Context(), rotation.SetSecretRequest{Pending: newValue})
			if !tc.wantErr {
				if err != nil {
					t.Fatalf("SetSecret: %v", err)
				}
				if got := f.api.Count(opUpdate); got != 2 {
					t.Errorf("UpdateDistribution calls = %d, want 2", got)
				}
				return
			}
			var de *cloudfront.DistributionError
			if !errors.Is(err, cloudfront.ErrHeaderQuota) || !errors.As(err, &de) || de.DistributionID != "E2" || de.OriginID != "api" {
				t.Fatalf("got %v, want ErrHeaderQuota naming E2 origin api", err)
			}
			if strings.Contains(err.Error(), newValue) {
				t.Error("the error contains the value")
			}
			if got := f.api.Count(opUpdate); got != 0 {
				t.Errorf("UpdateDistribution calls = %d, want 0: nothing may change", got)
			}
		})
	}
	if _, err := cloudfront.NewOriginHeader(newFixture(t, []cloudfront.Distribution{{ID: "E1"}}).client, cloudfront.Config{HeaderName: header, Distributions: []cloudfront.Distribution{{ID: "E1"}}}, cloudfront.WithMaxCustomHeaders(0)); err == nil {
		t.Error("WithMaxCustomHeaders(0) was accepted")
	}
}
