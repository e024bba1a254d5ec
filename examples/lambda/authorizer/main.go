// Command authorizer is the ready-to-deploy Lambda authorizer for an API
// behind CloudFront: authorizer.Verifier behind the adapter AUTHORIZER_TYPE
// names, for Lambda's provided.al2023 runtime (build it as "bootstrap" with
// scripts/build-lambdas).
//
// It is configured only by environment variables, documented in
// examples/lambda/README.md. A missing or invalid variable stops it during
// init: it logs one record naming every bad variable, never a secret value,
// and exits, so Lambda reports the init failure. It reads the secret during
// init, where the read costs no request any latency; if that fails it starts
// anyway and the Verifier retries.
//
// Logs go to stderr (JSON, or text with AWS_LAMBDA_LOG_FORMAT=Text), each
// record of an invocation with its request ID; metrics go to stdout in
// CloudWatch Embedded Metric Format, one document per invocation.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/emf"
	"github.com/originlock/originlock/examples/lambda/internal/telemetry"
)

func main() {
	cfg, err := parseConfig(os.LookupEnv)
	logger := telemetry.NewLogger(os.Stderr, cfg.telemetry)
	if err != nil {
		logger.Error("authorizer function: invalid configuration: fix these environment variables", "error", err.Error())
		os.Exit(1)
	}
	metrics, err := telemetry.NewMetrics(os.Stdout, cfg.telemetry, logger)
	if err != nil {
		logger.Error("authorizer function: cannot start", "error", err.Error())
		os.Exit(1)
	}
	ctx := context.Background()
	v, err := newVerifier(ctx, cfg, logger, metrics)
	if err != nil {
		logger.Error("authorizer function: cannot start", "error", err.Error())
		os.Exit(1)
	}
	// The read is bounded by authorizer.DefaultReadTimeout (5 s), well inside
	// Lambda's 10 s init.
	if err := v.Load(ctx); err != nil {
		logger.Warn("authorizer function: first read of the secret failed; requests will retry it", "error", err.Error())
	}
	if metrics != nil {
		if err := metrics.Flush(); err != nil { // the init read's metrics
			logger.Warn("metrics: left out", "error", err.Error())
		}
	}
	logger.Info("authorizer function ready", "secret", cfg.secretID, "type", cfg.authorizerType, "header", cfg.headerName, "metrics", cfg.telemetry.Metrics)
	lambda.Start(handler(v, cfg, metrics))
}

// newVerifier wires the SDK client and the Verifier. It makes no AWS call.
func newVerifier(ctx context.Context, cfg config, logger *slog.Logger, metrics *emf.Logger) (*authorizer.Verifier, error) {
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load the AWS SDK configuration: %w", err)
	}
	return authorizer.NewVerifier(secretsmanager.NewFromConfig(awsCfg), cfg.secretID, cfg.options(logger, metrics)...)
}

// handler is the adapter for the configured authorizer type; with metrics,
// wrapped so that each invocation's metrics are flushed when it returns.
// One wrapper type for the four adapters keeps the binary small.
func handler(v *authorizer.Verifier, cfg config, metrics *emf.Logger) any {
	h := adapter(v, cfg)
	if metrics == nil {
		return h
	}
	return metrics.WrapInvoker(lambda.NewHandler(h))
}

// adapter is the authorizer package's adapter for the configured type.
func adapter(v *authorizer.Verifier, cfg config) any {
	switch cfg.authorizerType {
	case typeRESTToken:
		return authorizer.RESTToken(v)
	case typeHTTPSimple:
		return authorizer.HTTPAPI(v, cfg.headerName)
	case typeHTTPIAM:
		return authorizer.HTTPAPIIAM(v, cfg.headerName)
	}
	return authorizer.RESTRequest(v, cfg.headerName)
}
