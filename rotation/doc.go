// Package rotation implements the AWS Secrets Manager rotation protocol for a
// secret that holds a shared header value, such as the origin-verify header
// CloudFront adds to every request it forwards to an API.
//
// A Handler is the rotation Lambda: pass its Handle method to lambda.Start and
// name the function as the secret's rotation function. Secrets Manager then
// invokes it four times per rotation, once per step: createSecret stores a new
// random value as AWSPENDING, setSecret asks a Target to start using it,
// testSecret waits until the Target confirms it is in effect, and finishSecret
// asks the Target once more and only then makes it AWSCURRENT. Every step starts with the checks of AWS's rotation
// template and can be re-run at any time, as Secrets Manager does when a
// rotation fails. The Target interface is the plug-in point; the cloudfront
// package provides the one for CloudFront origin custom headers.
//
// Values never appear in errors or log records; target requests carry them as
// Value, which prints as [REDACTED] wherever fmt, slog or encoding/json ask it
// how to print (see Value for the two places they do not).
//
// # IAM permissions
//
// The rotation function's role needs, on the secret,
// secretsmanager:DescribeSecret, secretsmanager:GetSecretValue,
// secretsmanager:PutSecretValue and secretsmanager:UpdateSecretVersionStage
// (the methods of SecretsManagerAPI); kms:Decrypt and kms:GenerateDataKey on
// the key if the secret uses a customer managed KMS key;
// secretsmanager:GetRandomPassword (resource "*") only with
// NewSecretsManagerGenerator; and whatever its Target calls (the cloudfront
// package lists OriginHeader's). Secrets Manager itself needs
// lambda:InvokeFunction on the function, granted by the function's
// resource-based policy.
//
// # Zero values and defaults
//
// The zero Handler is not usable: build one with NewHandler, which reports
// every invalid option at once. Without options a Handler stores the value
// as a JSON string under "HEADERVALUE" (WithJSONKey, WithPlainValue),
// generates DefaultValueLength (64) letters and digits, waits
// DefaultSettleDelay (10 s) in setSecret (WithSettleDelay(0) does not wait),
// and logs to slog.Default(). It refuses events for any secret but the one
// named in NewHandler (ErrSecretMismatch).
//
// How rotation works: https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html
package rotation
