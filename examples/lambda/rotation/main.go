// Command rotation is the ready-to-deploy Secrets Manager rotation function
// for an origin header: rotation.Handler over cloudfront.OriginHeader, for
// Lambda's provided.al2023 runtime (build it as "bootstrap" with
// scripts/build-lambdas).
//
// It is configured only by environment variables, documented in
// examples/lambda/README.md. A missing or invalid variable stops it during
// init: it logs one record naming every bad variable, never a secret value,
// and exits, so Lambda reports the init failure.
//
// Logs go to stderr (JSON, or text with AWS_LAMBDA_LOG_FORMAT=Text), each
// record of an invocation with its request ID; metrics go to stdout in
// CloudWatch Embedded Metric Format, flushed once per invocation.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/emf"
	"github.com/originlock/originlock/examples/lambda/internal/telemetry"
	"github.com/originlock/originlock/rotation"
)

func main() {
	cfg, err := parseConfig(os.LookupEnv)
	logger := telemetry.NewLogger(os.Stderr, cfg.telemetry)
	if err != nil {
		logger.Error("rotation function: invalid configuration: fix these environment variables", "error", err.Error())
		os.Exit(1)
	}
	metrics, err := telemetry.NewMetrics(os.Stdout, cfg.telemetry, logger)
	if err != nil {
		logger.Error("rotation function: cannot start", "error", err.Error())
		os.Exit(1)
	}
	handler, err := newHandler(context.Background(), cfg, logger, metrics)
	if err != nil {
		logger.Error("rotation function: cannot start", "error", err.Error())
		os.Exit(1)
	}
	logger.Info("rotation function ready", "secret", cfg.secretID, "distributions", len(cfg.distributions), "header", cfg.headerName, "settle_delay_ms", cfg.settleDelay.Milliseconds(), "metrics", cfg.telemetry.Metrics)
	lambda.Start(withMetrics(metrics, handler.Handle))
}

// newHandler wires the SDK clients, the CloudFront target and the rotation
// handler, with the metrics' observer unless metrics is nil. It makes no
// AWS call.
func newHandler(ctx context.Context, cfg config, logger *slog.Logger, metrics *emf.Logger) (*rotation.Handler, error) {
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load the AWS SDK configuration: %w", err)
	}
	var cfOpts []cloudfront.Option
	if metrics != nil {
		cfOpts = append(cfOpts, cloudfront.WithObserver(observer{metrics}))
	}
	target, err := newTarget(awsCfg, cfg, logger, cfOpts...) // targets.go
	if err != nil {
		return nil, err
	}
	opts := []rotation.Option{
		rotation.WithValueLength(cfg.valueLength),
		rotation.WithSettleDelay(cfg.settleDelay),
		rotation.WithLogger(logger),
	}
	if metrics != nil {
		opts = append(opts, rotation.WithObserver(observer{metrics}))
	}
	if cfg.revokePrevious {
		opts = append(opts, rotation.WithRevokePrevious())
	}
	if cfg.format.IsPlain() {
		opts = append(opts, rotation.WithPlainValue())
	} else {
		opts = append(opts, rotation.WithJSONKey(cfg.format.Key()))
	}
	return rotation.NewHandler(secretsmanager.NewFromConfig(awsCfg), cfg.secretID, target, opts...)
}
