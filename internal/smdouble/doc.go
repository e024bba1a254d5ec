// Package smdouble is a test double of AWS Secrets Manager: one secret in
// memory, its versions and staging labels moved the way Secrets Manager moves
// them during a rotation. Unit tests, simulations and fuzz targets use it
// where moto_server is too slow, unavailable (go test -short) or cannot do
// what the test needs: a controlled clock, injected faults, call counts.
//
// It is checked against moto: TestDoubleMatchesMoto runs one scenario of the
// calls a rotation and an authorizer make, right and wrong ones, on both and
// requires the same answers. Where moto departs from AWS's documentation the
// double follows AWS, and the test says where.
//
// The calls it implements are those of rotation.SecretsManagerAPI and of the
// authorizer's reads (DescribeSecret, GetSecretValue, PutSecretValue,
// UpdateSecretVersionStage), plus ListSecretVersionIds. It is production-free
// test code: nothing outside tests and internal tools may import it.
package smdouble
