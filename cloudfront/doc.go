// Package cloudfront provides OriginHeader, a rotation.Target that keeps an
// origin custom header of CloudFront distributions (for example
// X-Origin-Verify) set to the value a rotation makes pending, so that the
// origin can refuse every request that did not come through CloudFront.
//
// UpdateDistribution replaces a distribution's whole configuration, so
// OriginHeader reads it with GetDistributionConfig and sends back exactly the
// XML it read, guarded by the ETag (If-Match), changed only where its header
// is: the header's value on each selected origin, or one OriginCustomHeader
// added (and the Quantity incremented) on a selected origin that lacks it.
// Elements the compiled-in SDK does not know (features CloudFront added
// later), their order, namespaces, comments, character references, unicode
// and whitespace all come back as they were, on staging distributions too.
// Decisions (which origins, whether the value is already there, the header
// quotas) use the SDK's typed view of the same bytes. If the bytes read are
// not available (an API implementation that does not pass the SDK's options
// through) or cannot be patched, the step fails with ErrRawConfig and nothing
// is updated: it never falls back to the SDK's typed round trip, which drops
// what the SDK does not know.
//
// The bytes travel through the SDK's own middleware stack, so endpoints,
// signing, If-Match and error handling stay the SDK's (retries are
// OriginHeader's own: its calls run with the SDK's retryer limited to one
// attempt, so that one attempt is one request): a
// Deserialize-step middleware keeps the response body of
// GetDistributionConfig, and a Build-step middleware puts the patched bytes in
// place of the serialized request body of UpdateDistribution before the
// payload is hashed and signed. The same technique fits any target whose
// update is a full replace, such as a WAF web ACL (GetWebACL, then UpdateWebACL
// with the LockToken): patch the bytes read, not the typed struct.
//
// It retries on 412 PreconditionFailed and backs off on throttling, updates
// distributions one after the other rather than in a burst, and skips any
// distribution that already carries the value, so a retried rotation does not
// trigger another deployment. TestSecret then waits until every distribution
// reports Deployed with the value in its config: only then do all edge
// locations send it.
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
