// Package apigateway provides APIKeys, a rotation.Target for the API-key
// pattern: CloudFront sends the secret's value as the x-api-key origin
// custom header, and API Gateway accepts a request only if an enabled API
// key with that value belongs to the usage plan of the stage, on methods that
// require an API key.
//
// Before CloudFront may send the pending value, APIKeys makes sure an API key
// holding it exists, is enabled and is associated with every configured usage
// plan, and TestSecret waits out the delay AWS documents before a new key is
// usable. After finishSecret, the key of the retired value (AWSPREVIOUS)
// stays enabled for at least WithRetireGrace, for requests CloudFront's
// edges sent before its deployment completed. APIKeys runs only inside the
// rotation's steps, so the key is disabled at the first setSecret or
// finishSecret after the grace (usually the next rotation's setSecret), and
// deleted at the first one after a second grace; until then API Gateway
// keeps accepting the value. For a leaked value, WithRevokePrevious makes
// finishSecret disable it at once (and the next step delete it); otherwise
// disable the key by hand. Keys of abandoned rotations' pending values are
// disabled at finishSecret, CloudFront sending only AWSCURRENT by then. A
// key whose value CloudFront may still send is never disabled or deleted.
//
// APIKeys only ever disables or deletes keys the secret owns: their names
// start with Config.KeyNamePrefix and their descriptions name the secret's
// ARN (never a value), written when APIKeys creates a key or claims a
// prefixed one holding the secret's value. Several deployments may share an
// account, a Region and the default prefix; none touches another's keys.
// Usage plan membership is not used to tell keys apart: two APIs may share a
// plan, and a key dropped from a plan would then stay enabled for ever. The
// retirement time is kept in the key's description too, so a crash or a new
// Lambda container loses nothing.
//
// API keys meter and throttle usage through usage plans; they are not an
// authorization mechanism on their own. AWS says so: "Don't use API keys for
// authentication or authorization to control access to your APIs." Here the
// key is a shared secret CloudFront adds to prove a request came through it,
// exactly like an origin-verify header, and it only works if every method
// requires an API key; keep real authorization (IAM, Cognito, a Lambda
// authorizer) for users. Unlike a Lambda authorizer or an AWS WAF rule, this
// costs no extra request charge, but a leaked value is as good as
// CloudFront's until the next rotation.
//
// API keys and usage plans: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
package apigateway
