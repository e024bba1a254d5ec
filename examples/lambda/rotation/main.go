// Command rotation is the ready-to-deploy Secrets Manager rotation function
// for an origin header: rotation.Handler over cloudfront.OriginHeader, for
// Lambda's provided.al2023 runtime (build it as "bootstrap" with
// scripts/build-lambdas).
//
// It is configured only by environment variables, documented in
// examples/lambda/README.md. A missing or invalid variable stops it during
// init: it logs one JSON record naming every bad variable, never a secret
// value, and exits, so Lambda reports the init failure.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/internal/envconfig"
	"github.com/originlock/originlock/rotation"
)

func main() {
	cfg, err := parseConfig(os.LookupEnv)
	logger := envconfig.NewLogger(os.Stderr, cfg.logLevel)
	if err != nil {
		logger.Error("rotation function: invalid configuration: fix these environment variables", "error", err.Error())
		os.Exit(1)
	}
	handler, err := newHandler(context.Background(), cfg, logger)
	if err != nil {
		logger.Error("rotation function: cannot start", "error", err.Error())
		os.Exit(1)
	}
	logger.Info("rotation function ready", "secret", cfg.secretID, "distributions", len(cfg.distributions), "header", cfg.headerName, "settle_delay", cfg.settleDelay.String())
	lambda.Start(handler.Handle)
}

// newHandler wires the SDK clients, the CloudFront target and the rotation
// handler. It makes no AWS call.
func newHandler(ctx context.Context, cfg config, logger *slog.Logger) (*rotation.Handler, error) {
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load the AWS SDK configuration: %w", err)
	}
	target, err := newTarget(awsCfg, cfg, logger) // targets.go
	if err != nil {
		return nil, err
	}
	opts := []rotation.Option{
		rotation.WithValueLength(cfg.valueLength),
		rotation.WithSettleDelay(cfg.settleDelay),
		rotation.WithLogger(logger),
	}
	if cfg.format.IsPlain() {
		opts = append(opts, rotation.WithPlainValue())
	} else {
		opts = append(opts, rotation.WithJSONKey(cfg.format.Key()))
	}
	return rotation.NewHandler(secretsmanager.NewFromConfig(awsCfg), cfg.secretID, target, opts...)
}
