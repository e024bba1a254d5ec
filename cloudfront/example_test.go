package cloudfront_test

import (
	"context"
	"log"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/rotation"
)

// The rotation Lambda: Secrets Manager invokes it for every step, and it
// keeps the X-Origin-Verify header of two distributions in step with the
// secret. It starts the Lambda runtime loop, so it only compiles here.
func ExampleNewOriginHeader() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	target, err := cloudfront.NewOriginHeader(cfsdk.NewFromConfig(cfg), cloudfront.Config{
		HeaderName: "X-Origin-Verify",
		Distributions: []cloudfront.Distribution{
			{ID: "E1A2B3C4D5E6F7", OriginIDs: []string{"api"}},
			{ID: "E7F6E5D4C3B2A1"}, // every origin that already carries the header
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	handler, err := rotation.NewHandler(secretsmanager.NewFromConfig(cfg), "origin-verify", target)
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(handler.Handle)
}
