package originlock

import (
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdklambdagoalpha/v2"
	"github.com/aws/jsii-runtime-go"
)

// Function settings. The rotation function's testSecret waits for CloudFront
// to deploy the new value until the Lambda deadline, so it gets Lambda's
// maximum; the authorizer never waits on the request path and only needs to
// cover a cold start and one Secrets Manager read.
const (
	rotationTimeout    = 15 * 60 // seconds
	rotationMemoryMB   = 128
	authorizerTimeout  = 10 // seconds
	authorizerMemoryMB = 128
)

// Values of the authorizer's AUTHORIZER_TYPE (examples/lambda/README.md).
const (
	authorizerTypeREST = "rest-request"
	authorizerTypeHTTP = "http-simple"
)

// goBuildFlags make the bootstrap binary small and reproducible: the same
// source and Go version give the same asset hash on every machine, so a
// deploy uploads and updates a function only when its code changed. They are
// the flags of scripts/build-lambdas, so both build the same binary.
var goBuildFlags = []string{
	"-tags", "lambda.norpc,nethttpomithttp2",
	"-trimpath",
	"-buildvcs=false",
	`-ldflags="-s -w -buildid="`,
}

// newSecret creates the secret with a generated first value. CloudFormation
// generates it (GenerateSecretString), so the value never appears in the
// template, and the first rotation replaces it at deploy time anyway.
func (l *Lock) newSecret() awssecretsmanager.ISecret {
	if e := l.props.Existing; e != nil && e.Secret != nil {
		return e.Secret
	}
	return awssecretsmanager.NewSecret(l.Construct, jsii.String("Secret"), &awssecretsmanager.SecretProps{
		EncryptionKey: l.props.SecretKey,
		Description:   jsii.String("originlock: value of the " + l.props.HeaderName + " origin header CloudFront sends to the API"),
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			SecretStringTemplate: jsii.String("{}"),
			GenerateStringKey:    jsii.String(SecretJSONKey),
			ExcludePunctuation:   jsii.Bool(true),
			IncludeSpace:         jsii.Bool(false),
			PasswordLength:       jsii.Number(64),
		},
	})
}

// newLogGroup creates a log group with the configured retention.
func (l *Lock) newLogGroup(id string) awslogs.LogGroup {
	return awslogs.NewLogGroup(l.Construct, jsii.String(id), &awslogs.LogGroupProps{
		Retention: l.props.LogRetention,
	})
}

// newRole creates a function's execution role: no managed policy, one
// inline policy whose statements all name resources by ARN. Writing to its
// own log group is the only permission every function gets.
func (l *Lock) newRole(id string, logs awslogs.LogGroup, statements ...awsiam.PolicyStatement) awsiam.Role {
	statements = append([]awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("WriteOwnLogs"),
		Actions:   jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
		Resources: jsii.Strings(*logs.LogGroupArn()),
	})}, statements...)
	return awsiam.NewRole(l.Construct, jsii.String(id), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		InlinePolicies: &map[string]awsiam.PolicyDocument{
			"originlock": awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{Statements: &statements}),
		},
	})
}

// newGoFunction builds the main package pkg of the originlock module with a
// local go build (no Docker) into a provided.al2023 arm64 function.
// newFunction creates a function from the prebuilt code (Props.Code) or,
// without it, builds it from pkg in the originlock module.
func (l *Lock) newFunction(id, pkg, description string, code awslambda.Code, role awsiam.Role, logs awslogs.LogGroup, timeoutSeconds, memoryMB float64, env map[string]*string) awslambda.Function {
	if code == nil {
		return l.newGoFunction(id, pkg, description, role, logs, timeoutSeconds, memoryMB, env)
	}
	fn := awslambda.NewFunction(l.Construct, jsii.String(id), &awslambda.FunctionProps{
		Code:          code,
		Handler:       jsii.String("bootstrap"),
		Runtime:       awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:  awslambda.Architecture_ARM_64(),
		Description:   jsii.String(description),
		Role:          role,
		LogGroup:      logs,
		LoggingFormat: awslambda.LoggingFormat_JSON,
		Timeout:       awscdk.Duration_Seconds(jsii.Number(timeoutSeconds)),
		MemorySize:    jsii.Number(memoryMB),
		Environment:   &env,
	})
	ignoreExplicitRoleDependency(fn)
	return fn
}

// ignoreExplicitRoleDependency tells cfn-lint that the function's explicit
// DependsOn on its role (the CDK adds it so the role's inline policy exists
// before the function) is intended (W3005).
func ignoreExplicitRoleDependency(fn awslambda.Function) {
	fn.Node().DefaultChild().(awscdk.CfnResource).AddMetadata(jsii.String("cfn-lint"), map[string]any{
		"config": map[string]any{"ignore_checks": []string{"W3005"}},
	})
}

func (l *Lock) newGoFunction(id, pkg, description string, role awsiam.Role, logs awslogs.LogGroup, timeoutSeconds, memoryMB float64, env map[string]*string) awscdklambdagoalpha.GoFunction {
	fn := awscdklambdagoalpha.NewGoFunction(l.Construct, jsii.String(id), &awscdklambdagoalpha.GoFunctionProps{
		Entry:         jsii.String(filepath.Join(l.props.ModuleDir, pkg)),
		ModuleDir:     jsii.String(filepath.Join(l.props.ModuleDir, "go.mod")),
		Runtime:       awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:  awslambda.Architecture_ARM_64(),
		Description:   jsii.String(description),
		Role:          role,
		LogGroup:      logs,
		LoggingFormat: awslambda.LoggingFormat_JSON,
		Timeout:       awscdk.Duration_Seconds(jsii.Number(timeoutSeconds)),
		MemorySize:    jsii.Number(memoryMB),
		Environment:   &env,
		Bundling: &awscdklambdagoalpha.BundlingOptions{
			CgoEnabled:   jsii.Bool(false),
			GoBuildFlags: jsii.Strings(goBuildFlags...),
			// As scripts/build-lambdas does: no GOFLAGS or GOEXPERIMENT
			// from the caller's environment changes the binary.
			Environment: &map[string]*string{"GOFLAGS": jsii.String(""), "GOEXPERIMENT": jsii.String("")},
		},
	})
	// The CDK makes every function DependsOn its role, which the Role
	// property's GetAtt already enforces; cfn-lint reports that as W3005.
	// Silence it on this resource only, where the CDK put it.
	ignoreExplicitRoleDependency(fn)
	return fn
}

// newAuthorizerFunction creates the authorizer: it may only read the secret.
func (l *Lock) newAuthorizerFunction() awslambda.Function {
	logs := l.newLogGroup("AuthorizerLogs")
	role := l.newRole("AuthorizerRole", logs, append([]awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ReadHeaderSecret"),
		Actions:   jsii.Strings("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"),
		Resources: jsii.Strings(*l.secret.SecretArn()),
	})}, l.keyStatements("kms:Decrypt")...)...)
	l.authorizerRole, l.authorizerLogs = role, logs
	authorizerType := authorizerTypeREST
	if l.props.APIType == HTTPAPI {
		authorizerType = authorizerTypeHTTP
	}
	env := map[string]*string{
		"SECRET_ID":       l.secret.SecretArn(),
		"AUTHORIZER_TYPE": jsii.String(authorizerType),
		"HEADER_NAME":     jsii.String(l.props.HeaderName),
		"SETTLE_DELAY":    jsii.String(l.props.SettleDelay.String()),
	}
	if d := l.props.RefreshCooldown; d != 0 {
		env["REFRESH_COOLDOWN"] = jsii.String(d.String())
	}
	if d := l.props.PreviousGrace; d != 0 {
		env["PREVIOUS_GRACE"] = jsii.String(d.String())
	}
	return l.newFunction("AuthorizerFunction", AuthorizerPackage,
		"originlock: lets a request through only with the current, pending or recent "+l.props.HeaderName+" value",
		l.code().Authorizer, role, logs, authorizerTimeout, authorizerMemoryMB, env)
}

// rotationEnv is the rotation function's environment (examples/lambda).
func (l *Lock) rotationEnv() map[string]*string {
	env := map[string]*string{
		"SECRET_ID":     l.secret.SecretArn(),
		"DISTRIBUTIONS": jsii.String(l.distributionsEnv()),
		"HEADER_NAME":   jsii.String(l.props.HeaderName),
		"SETTLE_DELAY":  jsii.String(l.props.SettleDelay.String()),
	}
	if l.props.CloudFrontRoleARN != "" {
		env["CLOUDFRONT_ROLE_ARN"] = jsii.String(l.props.CloudFrontRoleARN)
	}
	if l.props.CloudFrontExternalID != "" {
		env["CLOUDFRONT_EXTERNAL_ID"] = jsii.String(l.props.CloudFrontExternalID)
	}
	return env
}

// newRotationFunction creates the rotation function. It must come after the
// distribution: its environment names the distribution and its role may
// update only that distribution.
func (l *Lock) newRotationFunction() awslambda.Function {
	arns := l.distributionARNs()
	logs := l.newLogGroup("RotationLogs")
	statements := []awsiam.PolicyStatement{
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid: jsii.String("RotateHeaderSecret"),
			Actions: jsii.Strings(
				"secretsmanager:DescribeSecret",
				"secretsmanager:GetSecretValue",
				"secretsmanager:PutSecretValue",
				"secretsmanager:UpdateSecretVersionStage",
			),
			Resources: jsii.Strings(*l.secret.SecretArn()),
		}),
	}
	if role := l.props.CloudFrontRoleARN; role != "" {
		// Distributions in another account: CloudFront is called with the
		// role assumed there, which holds the CloudFront permissions.
		statements = append(statements, awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("AssumeCloudFrontRole"),
			Actions:   jsii.Strings("sts:AssumeRole"),
			Resources: jsii.Strings(role),
		}))
	} else {
		statements = append(statements, awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid: jsii.String("UpdateOriginHeader"),
			Actions: jsii.Strings(
				"cloudfront:GetDistribution",
				"cloudfront:GetDistributionConfig",
				"cloudfront:UpdateDistribution",
			),
			Resources: &arns,
		}))
	}
	role := l.newRole("RotationRole", logs, append(statements, l.keyStatements("kms:Decrypt", "kms:GenerateDataKey")...)...)
	l.rotationRole, l.rotationLogs = role, logs
	return l.newFunction("RotationFunction", RotationPackage,
		"originlock: rotates the "+l.props.HeaderName+" value and writes it into the CloudFront origin",
		l.code().Rotation, role, logs, rotationTimeout, rotationMemoryMB, l.rotationEnv())
}

// code is Props.Code, or no code at all: build from the module.
func (l *Lock) code() FunctionCode {
	if l.props.Code == nil {
		return FunctionCode{}
	}
	return *l.props.Code
}

// keyStatements grant actions on Props.SecretKey, only through Secrets
// Manager and only for this secret; none without a key.
func (l *Lock) keyStatements(actions ...string) []awsiam.PolicyStatement {
	if l.props.SecretKey == nil {
		return nil
	}
	region := awscdk.Stack_Of(l.Construct).Region()
	return []awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("UseSecretKeyThroughSecretsManager"),
		Actions:   jsii.Strings(actions...),
		Resources: jsii.Strings(*l.props.SecretKey.KeyArn()),
		Conditions: &map[string]any{
			"StringEquals": map[string]any{
				"kms:ViaService":                  "secretsmanager." + *region + ".amazonaws.com",
				"kms:EncryptionContext:SecretARN": l.secret.SecretArn(),
			},
		},
	})}
}
