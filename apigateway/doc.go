// Package apigateway provides APIKeys, a rotation.Target for the API-key
// pattern: CloudFront sends the secret's value as the x-api-key origin
// custom header, and API Gateway accepts a request only if an enabled API
// key with that value belongs to the usage plan of the stage, on methods that
// require an API key.
//
// Before CloudFront may send the pending value, APIKeys makes sure an API key
// holding it exists, is enabled and is associated with every configured usage
// plan, and TestSecret waits out the delay AWS documents before a new key is
// usable. After finishSecret, the key of the retired value (AWSPREVIOUS) stays
// enabled for WithRetireGrace, for requests CloudFront's edges sent before its
// deployment completed; then it is disabled, and after a second grace,
// deleted. Keys of values that are neither AWSCURRENT nor AWSPREVIOUS are
// disabled at finishSecret (CloudFront was confirmed sending AWSCURRENT
// everywhere before it). A key whose value CloudFront may still send is never
// disabled or deleted, and APIKeys only ever disables or deletes keys it
// manages (their names start with Config.KeyNamePrefix); the retirement time
// is kept in the key's description, so a crash or a new Lambda container
// loses nothing.
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
