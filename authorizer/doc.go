// Package authorizer is the origin side of the lock: it lets through only
// requests whose origin custom header holds the secret's value, as CloudFront
// sends it, and never refuses one during a rotation.
//
// A Verifier holds the secret's AWSCURRENT and AWSPENDING values, and
// AWSPREVIOUS for a grace window after a rotation, read through
// aws-secretsmanager-caching-go. When a value it does not know arrives, it
// reads the secret again before deciding, so a value from a rotation that
// started after its last read is allowed at once; because API Gateway caches
// a Deny for the authorizer's TTL, a Deny it could not check against a fresh
// read would be an outage. Adapters wire a Verifier to API Gateway REST API
// REQUEST and TOKEN authorizers, HTTP API payload 2.0 authorizers (simple and
// IAM responses), and any net/http server.
//
// Incidents. A value that matches only AWSPREVIOUS, or AWSCURRENT while a
// rotation is under way, is allowed only against a read younger than the
// refresh cooldown, so removing the AWSPREVIOUS label from a leaked version
// (by hand, or the rotation's REVOKE_PREVIOUS mode) stops it within seconds
// in every container that has seen the rotation; one whose last read
// predates the rotation learns of it at its next read (at most WithCacheTTL),
// so recycling the authorizer function's containers (any configuration
// change) is part of the runbook, with flushing API Gateway's authorizer
// cache. A secret deleted or scheduled for deletion is a kill switch that
// fails closed: every value is denied from the next read on, never from
// stale data. See Verifier for the exact semantics.
//
// Lambda authorizers: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
// HTTP API authorizers: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
package authorizer
