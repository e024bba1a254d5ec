// Package originlock is an AWS CDK construct that locks an API origin to
// Amazon CloudFront: a Secrets Manager secret holds the value of an origin
// custom header (X-Origin-Verify by default), CloudFront sends it to the API,
// a Lambda authorizer on the API accepts the current and the pending value,
// and a rotation Lambda replaces the value on a schedule, writing it into the
// distribution before Secrets Manager makes it current.
//
// New creates, under one construct: the secret (a generated value, never a
// literal in the template), the rotation function and its schedule (with a
// first rotation at deploy time), the authorizer function, a REST API with a
// REQUEST authorizer or an HTTP API with a payload 2.0 simple-response
// authorizer, the CloudFront distribution with the API as its origin and the
// header taken from the secret by a CloudFormation dynamic reference, and IAM
// roles scoped to those resources' ARNs. Both functions are the ready-made
// main packages of the originlock module (examples/lambda/rotation and
// examples/lambda/authorizer), built from source with a local `go build` for
// provided.al2023 on arm64. See
// https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda.html
// and https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/add-origin-custom-headers.html.
package originlock
