package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// SecretsAPI is what the command calls of Secrets Manager.
type SecretsAPI interface {
	DescribeSecret(context.Context, *secretsmanager.DescribeSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
	ListSecretVersionIds(context.Context, *secretsmanager.ListSecretVersionIdsInput, ...func(*secretsmanager.Options)) (*secretsmanager.ListSecretVersionIdsOutput, error)
	GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
	RotateSecret(context.Context, *secretsmanager.RotateSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.RotateSecretOutput, error)
	UpdateSecretVersionStage(context.Context, *secretsmanager.UpdateSecretVersionStageInput, ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretVersionStageOutput, error)
}

// CloudFrontAPI is what the command calls of CloudFront: one GetDistribution
// gives a distribution's status and configuration together.
type CloudFrontAPI interface {
	GetDistribution(context.Context, *cfsdk.GetDistributionInput, ...func(*cfsdk.Options)) (*cfsdk.GetDistributionOutput, error)
}

// LambdaAPI reads the rotation and authorizer functions' configuration, and
// changes an authorizer function's to recycle its containers (revoke).
type LambdaAPI interface {
	GetFunctionConfiguration(context.Context, *lambda.GetFunctionConfigurationInput, ...func(*lambda.Options)) (*lambda.GetFunctionConfigurationOutput, error)
	UpdateFunctionConfiguration(context.Context, *lambda.UpdateFunctionConfigurationInput, ...func(*lambda.Options)) (*lambda.UpdateFunctionConfigurationOutput, error)
}

// RESTAPI flushes a REST API stage's authorizer cache.
type RESTAPI interface {
	FlushStageAuthorizersCache(context.Context, *apigateway.FlushStageAuthorizersCacheInput, ...func(*apigateway.Options)) (*apigateway.FlushStageAuthorizersCacheOutput, error)
}

// HTTPAPI resets an HTTP API stage's authorizer cache.
type HTTPAPI interface {
	ResetAuthorizersCache(context.Context, *apigatewayv2.ResetAuthorizersCacheInput, ...func(*apigatewayv2.Options)) (*apigatewayv2.ResetAuthorizersCacheOutput, error)
}

var (
	_ SecretsAPI    = (*secretsmanager.Client)(nil)
	_ CloudFrontAPI = (*cfsdk.Client)(nil)
	_ LambdaAPI     = (*lambda.Client)(nil)
	_ RESTAPI       = (*apigateway.Client)(nil)
	_ HTTPAPI       = (*apigatewayv2.Client)(nil)
)

// clients are the AWS clients of one command run.
type clients struct {
	sm   SecretsAPI
	cf   CloudFrontAPI
	fn   LambdaAPI
	rest RESTAPI
	http HTTPAPI
	// cfg makes the CloudFront clients of assumed roles; assumed caches
	// them by role and external ID, so that a follow loop assumes a role
	// once (the credentials are cached until shortly before they expire).
	cfg     aws.Config
	assumed map[[2]string]CloudFrontAPI
}

// cloudFrontAs returns a CloudFront client that calls with the credentials
// of roleARN, assumed through STS with the command's own credentials and
// externalID if set; the command's own client when roleARN is "". It makes
// no AWS call: a role that cannot be assumed fails the first CloudFront call.
func (c *clients) cloudFrontAs(roleARN, externalID string) CloudFrontAPI {
	if roleARN == "" {
		return c.cf
	}
	key := [2]string{roleARN, externalID}
	if cf, ok := c.assumed[key]; ok {
		return cf
	}
	provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(c.cfg), roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "originlock-cli"
		if externalID != "" {
			o.ExternalID = aws.String(externalID)
		}
	})
	assumed := c.cfg.Copy()
	assumed.Credentials = aws.NewCredentialsCache(provider)
	cf := cfsdk.NewFromConfig(assumed)
	if c.assumed == nil {
		c.assumed = map[[2]string]CloudFrontAPI{}
	}
	c.assumed[key] = cf
	return cf
}

// awsOptions are the flags every command takes, as the AWS CLI names them.
type awsOptions struct {
	profile, region string
}

// newClients loads the standard AWS configuration (environment, shared
// files, --profile, --region; AWS_ENDPOINT_URL and the per-service
// AWS_ENDPOINT_URL_* variables are honoured by the SDK) and makes the
// clients. It makes no AWS call.
func newClients(ctx context.Context, o awsOptions) (*clients, error) {
	var opts []func(*awsconfig.LoadOptions) error
	if o.profile != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(o.profile))
	}
	if o.region != "" {
		opts = append(opts, awsconfig.WithRegion(o.region))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, errNoRegion
	}
	return fromConfig(cfg), nil
}

func fromConfig(cfg aws.Config) *clients {
	return &clients{
		sm:   secretsmanager.NewFromConfig(cfg),
		cf:   cfsdk.NewFromConfig(cfg),
		fn:   lambda.NewFromConfig(cfg),
		rest: apigateway.NewFromConfig(cfg),
		http: apigatewayv2.NewFromConfig(cfg),
		cfg:  cfg,
	}
}
