package cloudfront_test

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/smithy-go"

	"github.com/originlock/originlock/internal/cfdouble"
)

// Operation names.
const (
	opGetConfig = cfdouble.OpGetDistributionConfig
	opUpdate    = cfdouble.OpUpdateDistribution
	opGet       = cfdouble.OpGetDistribution
)

// apiCode matches an error carrying the API error code.
func apiCode(code string) func(error) bool {
	return func(err error) bool {
		var ae smithy.APIError
		return errors.As(err, &ae) && ae.ErrorCode() == code
	}
}

// distConfig builds a distribution config whose origins carry the given
// headers (name/value pairs), plus settings that must survive an update.
func distConfig(origins map[string][][2]string, order ...string) *types.DistributionConfig {
	items := make([]types.Origin, 0, len(order))
	for _, id := range order {
		hs := make([]types.OriginCustomHeader, 0, len(origins[id]))
		for _, h := range origins[id] {
			hs = append(hs, types.OriginCustomHeader{HeaderName: aws.String(h[0]), HeaderValue: aws.String(h[1])})
		}
		items = append(items, types.Origin{
			Id: aws.String(id), DomainName: aws.String(id + ".example.com"),
			ConnectionAttempts: aws.Int32(3), ConnectionTimeout: aws.Int32(10),
			CustomHeaders:      &types.CustomHeaders{Quantity: aws.Int32(int32(len(hs))), Items: hs},
			CustomOriginConfig: &types.CustomOriginConfig{HTTPPort: aws.Int32(80), HTTPSPort: aws.Int32(443), OriginProtocolPolicy: types.OriginProtocolPolicyHttpsOnly},
		})
	}
	return &types.DistributionConfig{
		CallerReference: aws.String("ref"), Comment: aws.String("keep me"), Enabled: aws.Bool(true),
		Aliases: &types.Aliases{Quantity: aws.Int32(1), Items: []string{"api.example.com"}},
		Origins: &types.Origins{Quantity: aws.Int32(int32(len(items))), Items: items},
		DefaultCacheBehavior: &types.DefaultCacheBehavior{
			TargetOriginId: aws.String(order[0]), ViewerProtocolPolicy: types.ViewerProtocolPolicyHttpsOnly,
			CachePolicyId: aws.String("4135ea2d-6df8-44a3-9df3-4b5a84be39ad"),
		},
		WebACLId: aws.String("arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1"),
	}
}
