// Package faultmatrix holds integration tests only (see its _test.go files):
// whole rotations against moto_server, run through internal/faultproxy, with a
// fault injected into each Secrets Manager and CloudFront call a rotation
// makes in turn — throttling, a 5xx, a response lost after AWS applied the
// request, a Lambda deadline during the call, and CloudFront's 412 — and with
// a crash (the invocation's context cancelled) after each call. After every
// scenario Secrets Manager's retry is replayed until the rotation completes,
// and the tests check what must hold at every moment, not just at the end:
// AWSCURRENT stays readable, CloudFront never holds a value the authorizer
// would refuse, and nothing else in any distribution config changes.
//
// The same package checks that hostile or malformed input gets a clear error
// and changes nothing in moto, and that no secret value or RotationToken
// reaches a log line or an error on any of these paths.
package faultmatrix
