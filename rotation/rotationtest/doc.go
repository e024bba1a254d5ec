// Package rotationtest is a conformance kit for rotation.Target authors.
//
// Run drives a Target through the calls Secrets Manager and the rotation
// handler can make, the way AWS makes them: every method twice, a crash
// after every call (the next call goes to a new Target instance over the
// same backing system, as a new Lambda container would), retries out of
// order (TestSecret before SetSecret, SetSecret again after TestSecret and
// FinishSecret), the configuration-only TestSecret, and two rotations in a
// row, so that what FinishSecret prunes is seen. After every call it looks at
// the backing system through Backend.Uses and checks the invariants of the
// Target's Role; throughout, it captures the Target's slog records and every
// error it returns and fails if a value appears in any of them.
//
// A Target passes when, under all of this:
//
//   - an Accepts target (origin side: AWS WAF rule, API Gateway API key)
//     always accepts AWSCURRENT, accepts AWSPENDING once TestSecret
//     succeeded, and after FinishSecret accepts nothing but AWSCURRENT and
//     AWSPREVIOUS;
//   - a Sends target (CloudFront) always sends AWSCURRENT or AWSPENDING and
//     nothing else, sends only AWSPENDING once TestSecret succeeded, and
//     only AWSCURRENT after FinishSecret;
//   - TestSecret fails while the pending value is not set, and a
//     configuration test succeeds without changing anything;
//   - no value reaches a log record or an error string.
//
// Time: the kit gives every Target instance the same fake clock (Env.Clock),
// whose waits return at once and move it forward, and it moves the clock a
// day between rotations. Targets that poll or wait must use it, and must give
// up (return an error) rather than block when the value is not in effect.
//
// Rotation of secrets with Lambda: https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html
package rotationtest
