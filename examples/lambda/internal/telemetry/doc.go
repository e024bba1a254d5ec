// Package telemetry is what the ready-to-deploy Lambda functions share for
// logs and metrics: it reads Lambda's advanced logging controls
// (AWS_LAMBDA_LOG_FORMAT, AWS_LAMBDA_LOG_LEVEL, with LOG_LEVEL as the
// fallback) and METRICS / METRICS_NAMESPACE, builds a slog logger that adds
// the invocation's request ID (from aws-lambda-go's lambdacontext) to every
// record made with the invocation's context, and an emf.Logger whose metrics
// carry the FunctionName dimension.
//
// It imports no originlock package but emf, so the authorizer's binary does
// not link the rotation or CloudFront code.
//
// Advanced logging controls: https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html
package telemetry
