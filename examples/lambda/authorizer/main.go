// Command authorizer is the ready-to-deploy Lambda authorizer for an API
// behind CloudFront: authorizer.Verifier behind the adapter AUTHORIZER_TYPE
// names, for Lambda's provided.al2023 runtime (build it as "bootstrap" with
// scripts/build-lambdas).
//
// It is configured only by environment variables, documented in
// examples/lambda/README.md. A missing or invalid variable stops it during
// init: it logs one JSON record naming every bad variable, never a secret
// value, and exits, so Lambda reports the init failure. It reads the secret
// during init, where the read costs no request any latency; if that fails it
// starts anyway and the Verifier retries.
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
	"github.com/originlock/originlock/internal/envconfig"
)

func main() {
	cfg, err := parseConfig(os.LookupEnv)
	logger := envconfig.NewLogger(os.Stderr, cfg.logLevel)
	if err != nil {
		logger.Error("authorizer function: invalid configuration: fix these environment variables", "error", err.Error())
		os.Exit(1)
	}
	ctx := context.Background()
	v, err := newVerifier(ctx, cfg, logger)
	if err != nil {
		logger.Error("authorizer function: cannot start", "error", err.Error())
		os.Exit(1)
	}
	// The read is bounded by authorizer.DefaultReadTimeout (5 s), well inside
	// Lambda's 10 s init.
	if err := v.Load(ctx); err != nil {
		logger.Warn("authorizer function: first read of the secret failed; requests will retry it", "error", err.Error())
	}
	logger.Info("authorizer function ready", "secret", cfg.secretID, "type", cfg.authorizerType, "header", cfg.headerName)
	lambda.Start(handler(v, cfg))
}

// newVerifier wires the SDK client and the Verifier. It makes no AWS call.
func newVerifier(ctx context.Context, cfg config, logger *slog.Logger) (*authorizer.Verifier, error) {
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load the AWS SDK configuration: %w", err)
	}
	return authorizer.NewVerifier(secretsmanager.NewFromConfig(awsCfg), cfg.secretID, cfg.options(logger)...)
}

// handler is the adapter for the configured authorizer type.
func handler(v *authorizer.Verifier, cfg config) any {
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
