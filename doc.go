// Package originlock locks an API origin to Amazon CloudFront.
//
// CloudFront adds a secret custom header to every request it forwards; the
// origin refuses requests without it, so nobody can skip CloudFront, AWS WAF
// and Shield by calling the origin directly. AWS Secrets Manager rotates the
// header value with its four-step rotation protocol, and the origin's
// authorizer accepts both the current and the pending value, so a rotation
// never drops a request.
//
//	viewer ─► CloudFront ──(X-Origin-Verify: <secret>)──► API Gateway / ALB ─► backend
//	              ▲                                              │
//	              │ setSecret: UpdateDistribution                ▼ authorizer
//	Secrets Manager ─► rotation Lambda        AWSCURRENT / AWSPENDING / AWSPREVIOUS
//
// The module has one package per side:
//
//   - rotation: the rotation Lambda's Handler and the Target plug-in interface.
//   - cloudfront: the Target that writes the header into distributions.
//   - authorizer: the origin side, a cached Verifier with API Gateway Lambda
//     authorizer adapters and a net/http middleware.
//
// The rotation Lambda, in full:
//
//	cfg, err := config.LoadDefaultConfig(ctx)
//	if err != nil {
//		log.Fatal(err)
//	}
//	// cloudfrontsdk is github.com/aws/aws-sdk-go-v2/service/cloudfront.
//	target, err := cloudfront.NewOriginHeader(cloudfrontsdk.NewFromConfig(cfg), cloudfront.Config{
//		HeaderName:    "X-Origin-Verify",
//		Distributions: []cloudfront.Distribution{{ID: "E1A2B3C4D5E6F7", OriginIDs: []string{"api"}}},
//	})
//	if err != nil {
//		log.Fatal(err)
//	}
//	handler, err := rotation.NewHandler(secretsmanager.NewFromConfig(cfg), "origin-verify", target)
//	if err != nil {
//		log.Fatal(err)
//	}
//	lambda.Start(handler.Handle)
//
// The authorizer Lambda (a REST API REQUEST authorizer; see the authorizer
// package for HTTP APIs and net/http):
//
//	v, err := authorizer.NewVerifier(secretsmanager.NewFromConfig(cfg), "origin-verify")
//	if err != nil {
//		log.Fatal(err)
//	}
//	_ = v.Load(ctx) // read the secret during init; a failure is retried on the first request
//	lambda.Start(authorizer.RESTRequest(v, "X-Origin-Verify"))
//
// The README has both as complete programs, compiled by this module's tests.
// The secret format (a JSON string under "HEADERVALUE" by default, or the
// whole secret with WithPlainValue) must be the same on both sides.
//
// Origin custom headers: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/add-origin-custom-headers.html
package originlock
