package originlock

import (
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"
)

const (
	testCertificateARN = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
	testWebACLARN      = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/api/66666666-7777-8888-9999-000000000000"
)

// TestOptions checks that every prop reaches the template.
func TestOptions(t *testing.T) {
	props := &Props{
		HeaderName:                  "X-CDN-Auth",
		BackendURL:                  "https://backend.example.com",
		RotationInterval:            12 * time.Hour,
		AuthorizerCacheTTL:          time.Minute,
		StageName:                   "v1",
		CreateAPIGatewayAccountRole: true,
		DomainNames:                 []string{"api.example.com"},
		WebACLID:                    testWebACLARN,
	}
	// Imported resources need a scope: import them into the test stack
	// before New runs.
	s := synthHooks(t, props, func(stack awscdk.Stack) {
		props.LogBucket = awss3.Bucket_FromBucketName(stack, jsii.String("Logs"), jsii.String("example-cloudfront-logs"))
		props.Certificate = awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Cert"), jsii.String(testCertificateARN))
	}, nil)
	tpl := s.template

	must(t, "rotation every 12 hours", func() {
		tpl.HasResourceProperties(jsii.String("AWS::SecretsManager::RotationSchedule"), map[string]any{
			"RotationRules": map[string]any{"ScheduleExpression": "rate(12 hours)"},
		})
	})
	must(t, "authorizer on the custom header, 60 s cache", func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Authorizer"), map[string]any{
			"IdentitySource":               "method.request.header.X-CDN-Auth",
			"AuthorizerResultTtlInSeconds": 60,
		})
	})
	must(t, "both functions get the header name", func() {
		tpl.AllResourcesProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Environment": map[string]any{"Variables": assertions.Match_ObjectLike(&map[string]any{"HEADER_NAME": "X-CDN-Auth"})},
		})
	})
	must(t, "stage v1", func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Stage"), map[string]any{"StageName": "v1"})
	})
	must(t, "account-wide API Gateway logging role", func() {
		tpl.ResourceCountIs(jsii.String("AWS::ApiGateway::Account"), jsii.Number(1))
	})
	must(t, "distribution: aliases, TLS 1.2 policy, WAF, logs", func() {
		tpl.HasResourceProperties(jsii.String("AWS::CloudFront::Distribution"), map[string]any{
			"DistributionConfig": assertions.Match_ObjectLike(&map[string]any{
				"Aliases": []any{"api.example.com"},
				"ViewerCertificate": map[string]any{
					"AcmCertificateArn":      testCertificateARN,
					"MinimumProtocolVersion": "TLSv1.2_2021",
					"SslSupportMethod":       "sni-only",
				},
				"WebACLId": testWebACLARN,
				"Logging":  assertions.Match_ObjectLike(&map[string]any{"Bucket": assertions.Match_AnyValue()}),
			}),
		})
	})

	secretID, _ := s.only(t, "AWS::SecretsManager::Secret")
	distributionID, _ := s.only(t, "AWS::CloudFront::Distribution")
	accountRoleID, _ := s.only(t, "AWS::IAM::Role", "apigateway.amazonaws.com")
	checkDistribution(t, s, "X-CDN-Auth", secretID)
	checkIAM(t, s, secretID, distributionID, accountRoleID)

	t.Run("suppressions follow the props", func(t *testing.T) {
		got := suppressedRules(s)
		for _, id := range []string{"AwsSolutions-CFR2", "AwsSolutions-CFR3", "AwsSolutions-CFR4"} {
			if got[id] {
				t.Errorf("%s is suppressed although the props satisfy it", id)
			}
		}
		if !got["AwsSolutions-IAM4"] {
			t.Errorf("AwsSolutions-IAM4 not suppressed for the API Gateway account role")
		}
	})
	t.Run("cdk-nag", s.nag)
	t.Run("cfn-lint", s.lint)
}

// TestDisableAuthorizerCache checks that the cache can be turned off.
func TestDisableAuthorizerCache(t *testing.T) {
	s := synth(t, &Props{DisableAuthorizerCache: true})
	must(t, "TTL 0", func() {
		s.template.HasResourceProperties(jsii.String("AWS::ApiGateway::Authorizer"), map[string]any{
			"IdentitySource":               "method.request.header.X-Origin-Verify",
			"AuthorizerResultTtlInSeconds": 0,
		})
	})
}
