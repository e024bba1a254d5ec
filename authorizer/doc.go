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
// # Incidents
//
// A value that matches only AWSPREVIOUS, or AWSCURRENT while a
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
// # Refresh cooldown and the rotation's settle delay
//
// A Verifier reads the secret again for an unknown value at most once per
// refresh cooldown (DefaultRefreshCooldown, 5 s; WithRefreshCooldown). The
// rotation function must therefore keep a new value to itself for longer
// than that cooldown before CloudFront may send it: its settle delay
// (rotation.WithSettleDelay, 10 s by default; SETTLE_DELAY in the example
// function). Keep every authorizer's cooldown, plus its read timeout and a
// second, below the rotation's settle delay (REFRESH_COOLDOWN + 4 s below
// SETTLE_DELAY with the defaults). Otherwise a request with the new value
// can arrive while the Verifier may not read yet.
//
// More exactly, the Verifier assumes the settle delay (WithSettleDelay,
// DefaultSettleDelay 10 s, SETTLE_DELAY in the example function) and
// NewVerifier checks that cooldown + read timeout + ConsistencyMargin stays
// below it. Under that invariant an unknown value seen within the cooldown
// after a recent good read cannot be a new legitimate value, so it is
// denied (a cacheable 403), and a flood of random values gets 403s rather
// than 500s.
//
// # IAM permissions
//
// The authorizer function's role needs secretsmanager:DescribeSecret and
// secretsmanager:GetSecretValue on the secret (the methods of
// SecretsManagerAPI; the cache's refresh calls DescribeSecret), and
// kms:Decrypt on the key if the secret uses a customer managed KMS key. API
// Gateway needs lambda:InvokeFunction on the function.
//
// # Zero values and defaults
//
// The zero Verifier is not usable: build one with NewVerifier. Without
// options it trusts a read for DefaultCacheTTL (5 min), re-reads for unknown
// values at most every DefaultRefreshCooldown (5 s; zero lets every unknown
// value read), accepts AWSPREVIOUS for DefaultPreviousGrace (15 min; zero
// never accepts it), decides from its last good read for DefaultMaxStaleness
// (6 h) while Secrets Manager fails, bounds a read by DefaultReadTimeout
// (3 s), reads the value as a JSON string under "HEADERVALUE" and logs to
// slog.Default(). MaxValueLength (1783) bounds the values it compares.
//
// Lambda authorizers: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
// HTTP API authorizers: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
package authorizer
