package waf_test

import (
	"context"
	"log"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/rotation"
	"github.com/originlock/originlock/waf"
)

// A rotation function for the AWS origin-verify sample's setup: the regional
// web ACL's rule accepts the pending value, and its change has propagated,
// before CloudFront sends it.
func Example() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Fatal(err)
	}
	rule, err := waf.NewHeaderRule(wafv2.NewFromConfig(cfg), waf.Config{
		WebACLName: "origin-verify", WebACLID: "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
		RuleName: "OriginVerifyXOriginVerify", HeaderName: "X-Origin-Verify",
	})
	if err != nil {
		log.Fatal(err)
	}
	origin, err := cloudfront.NewOriginHeader(cfsdk.NewFromConfig(cfg), cloudfront.Config{
		HeaderName: "X-Origin-Verify", Distributions: []cloudfront.Distribution{{ID: "E1A2B3C4D5E6F7"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	target, err := rotation.NewComposite(rotation.CompositeConfig{
		Accepting: []rotation.Member{{Name: "waf", Target: rule}},
		Sending:   []rotation.Member{{Name: "cloudfront", Target: origin}},
	})
	if err != nil {
		log.Fatal(err)
	}
	h, err := rotation.NewHandler(secretsmanager.NewFromConfig(cfg), "origin-verify", target)
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(h.Handle)
}
