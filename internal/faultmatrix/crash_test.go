package faultmatrix_test

import (
	"context"
	"sync"

	"github.com/aws/aws-lambda-go/events"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/rotation"
)

type rotationEvent = events.SecretsManagerSecretRotationEvent

// crasher cancels the invocation's context right after the n-th AWS call
// returns: the Lambda dies between two calls. Every later call of that
// invocation fails with context.Canceled, as a dead invocation makes none.
type crasher struct {
	mu     sync.Mutex
	after  int
	calls  int
	cancel context.CancelFunc
	done   bool
}

// arm makes the crasher cancel after the n-th call from now (0 disarms it).
func (c *crasher) arm(n int, cancel context.CancelFunc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n > 0 {
		c.calls, c.done = 0, false
	}
	c.after, c.cancel = n, cancel
}

func (c *crasher) fired() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.done
}

func (c *crasher) returned() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if c.after > 0 && c.calls == c.after && c.cancel != nil {
		c.cancel()
		c.done = true
	}
}

// crashSM is a test double wrapping the Secrets Manager client with a crasher.
type crashSM struct {
	rotation.SecretsManagerAPI
	c *crasher
}

func (s *crashSM) DescribeSecret(ctx context.Context, in *secretsmanager.DescribeSecretInput, o ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	defer s.c.returned()
	return s.SecretsManagerAPI.DescribeSecret(ctx, in, o...)
}

func (s *crashSM) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, o ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	defer s.c.returned()
	return s.SecretsManagerAPI.GetSecretValue(ctx, in, o...)
}

func (s *crashSM) PutSecretValue(ctx context.Context, in *secretsmanager.PutSecretValueInput, o ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error) {
	defer s.c.returned()
	return s.SecretsManagerAPI.PutSecretValue(ctx, in, o...)
}

func (s *crashSM) UpdateSecretVersionStage(ctx context.Context, in *secretsmanager.UpdateSecretVersionStageInput, o ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretVersionStageOutput, error) {
	defer s.c.returned()
	return s.SecretsManagerAPI.UpdateSecretVersionStage(ctx, in, o...)
}

// crashCF is a test double wrapping the CloudFront client with a crasher.
type crashCF struct {
	cloudfront.API
	c *crasher
}

func (f *crashCF) GetDistribution(ctx context.Context, in *cfsdk.GetDistributionInput, o ...func(*cfsdk.Options)) (*cfsdk.GetDistributionOutput, error) {
	defer f.c.returned()
	return f.API.GetDistribution(ctx, in, o...)
}

func (f *crashCF) GetDistributionConfig(ctx context.Context, in *cfsdk.GetDistributionConfigInput, o ...func(*cfsdk.Options)) (*cfsdk.GetDistributionConfigOutput, error) {
	defer f.c.returned()
	return f.API.GetDistributionConfig(ctx, in, o...)
}

func (f *crashCF) UpdateDistribution(ctx context.Context, in *cfsdk.UpdateDistributionInput, o ...func(*cfsdk.Options)) (*cfsdk.UpdateDistributionOutput, error) {
	defer f.c.returned()
	return f.API.UpdateDistribution(ctx, in, o...)
}
