// Package cloudfront provides OriginHeader, a rotation.Target that keeps an
// origin custom header of CloudFront distributions (for example
// X-Origin-Verify) set to the value a rotation makes pending, so that the
// origin can refuse every request that did not come through CloudFront.
//
// UpdateDistribution replaces a distribution's whole configuration, so
// OriginHeader reads it with GetDistributionConfig, sets only its own header
// on the selected origins (adding it to an origin that lacks it), and sends
// the rest back as read, guarded by
// the ETag (If-Match). The configuration travels through the AWS SDK's types:
// a field CloudFront added after the pinned SDK version would not survive
// the round trip, so keep github.com/aws/aws-sdk-go-v2/service/cloudfront
// current in the program that deploys this. It retries on 412 PreconditionFailed and backs off on
// throttling, updates distributions one after the other rather than in a
// burst, and skips any distribution that already carries the value, so a
// retried rotation does not trigger another deployment. TestSecret then waits
// until every distribution reports Deployed with the value in its config: only
// then do all edge locations send it.
//
// # IAM permissions
//
// OriginHeader calls cloudfront:GetDistribution,
// cloudfront:GetDistributionConfig and cloudfront:UpdateDistribution (the
// methods of API) on every configured distribution
// (arn:aws:cloudfront::ACCOUNT:distribution/ID; CloudFront is global, so the
// ARN has no Region). For distributions in another account, give the client
// credentials of a role in that account that grants these three actions.
//
// # Zero values and defaults
//
// The zero OriginHeader is not usable: build one with NewOriginHeader, which
// checks Config first (a header name CloudFront accepts, at most
// MaxHeaderNameLength (256) characters, and at least one distribution). An
// empty Distribution.OriginIDs selects every origin that already carries
// the header. Without options, TestSecret polls every DefaultPollInterval
// (15 s) and stops DefaultDeadlineMargin (10 s) before the Lambda deadline,
// or after DefaultMaxWait (15 min) without one; an update is tried at most
// DefaultMaxAttempts (5) times, backing off from DefaultBackoff (2 s) to
// DefaultMaxBackoff (1 min); and updates are not paced (WithUpdateInterval).
//
// Origin custom headers: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/add-origin-custom-headers.html
// UpdateDistribution: https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateDistribution.html
package cloudfront
