package originlock

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/jsii-runtime-go"
)

// newDistribution creates the distribution with the API as its only origin.
// Caching is off and every viewer header but Host reaches the API (API
// Gateway routes on its own Host header): the distribution is there to lock
// the origin and to carry WAF and Shield, not to cache API answers.
func (l *Lock) newDistribution(origin awscloudfront.IOrigin) awscloudfront.Distribution {
	p := l.props
	props := &awscloudfront.DistributionProps{
		Comment: jsii.String("originlock: API origin locked by " + p.HeaderName),
		DefaultBehavior: &awscloudfront.BehaviorOptions{
			Origin:               origin,
			AllowedMethods:       awscloudfront.AllowedMethods_ALLOW_ALL(),
			ViewerProtocolPolicy: awscloudfront.ViewerProtocolPolicy_HTTPS_ONLY,
			CachePolicy:          awscloudfront.CachePolicy_CACHING_DISABLED(),
			OriginRequestPolicy:  awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER(),
		},
		PriceClass:  p.PriceClass,
		HttpVersion: awscloudfront.HttpVersion_HTTP2_AND_3,
	}
	if p.Certificate != nil {
		props.DomainNames = jsii.Strings(p.DomainNames...)
		props.Certificate = p.Certificate
		props.MinimumProtocolVersion = awscloudfront.SecurityPolicyProtocol_TLS_V1_2_2021
	}
	if p.WebACLID != "" {
		props.WebAclId = jsii.String(p.WebACLID)
	}
	if p.LogBucket != nil {
		props.EnableLogging = jsii.Bool(true)
		props.LogBucket = p.LogBucket
	}
	return awscloudfront.NewDistribution(l.Construct, jsii.String("Distribution"), props)
}
