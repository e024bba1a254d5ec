// Package faultproxy is test code: an HTTP reverse proxy that stands between
// the AWS SDK and moto_server, names every AWS operation that passes through
// it, counts the calls, and injects the faults moto cannot produce —
// throttling, 5xx answers, responses lost after AWS applied the request, a
// Lambda deadline that expires while a call is in flight, and CloudFront's
// 412 PreconditionFailed.
//
// Because the faults arrive as real HTTP responses, the SDK's own retryer
// sees them exactly as it would see AWS's: a fault injected on one attempt of
// a call is retried (and absorbed) by the SDK; a fault injected on every
// attempt of a call reaches the library. A call is one SDK operation
// invocation, recognised by its amz-sdk-invocation-id header, whatever number
// of attempts the SDK (or net/http's transparent retry) makes for it.
// cloudfront.OriginHeader makes its calls with the SDK's retryer limited to
// one attempt and retries them itself, so for CloudFront every faulted
// attempt reaches the library.
//
// The proxy also gives moto the If-Match semantics of CloudFront, which moto
// lacks: it keeps an ETag per distribution, rewrites the ETag header of every
// answer, refuses an UpdateDistribution whose If-Match is stale with 412
// PreconditionFailed (and one without If-Match with 400 InvalidIfMatchVersion),
// and moves the ETag when an update is applied.
//
// Nothing the proxy records or reports contains a request or response body,
// so secret values never reach a test log through it.
package faultproxy
