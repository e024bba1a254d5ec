package originlock

import (
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Lock is the construct New returns: every resource of one origin lock,
// under one construct node.
type Lock struct {
	constructs.Construct

	props Props

	secret             awssecretsmanager.ISecret
	authorizerFunction awslambda.Function
	rotationFunction   awslambda.Function
	authorizerRole     awsiam.Role
	rotationRole       awsiam.Role
	authorizerLogs     awslogs.LogGroup
	rotationLogs       awslogs.LogGroup
	restAuthorizer     awsapigateway.RequestAuthorizer
	httpAuthorizer     awsapigatewayv2authorizers.HttpLambdaAuthorizer
	rotationFailed     awsevents.Rule
	alarms             []awscloudwatch.Alarm
	restAPI            awsapigateway.RestApi
	httpAPI            awsapigatewayv2.HttpApi
	distribution       awscloudfront.Distribution
	rotationSchedule   awssecretsmanager.CfnRotationSchedule
}

// New adds an origin lock to scope: the secret, both functions, the API, the
// distribution and the rotation schedule. It returns an error wrapping
// ErrInvalidProps (or ErrModuleNotFound) before creating anything when the
// props are wrong; errors the CDK itself raises panic, as in every CDK
// construct. A nil props means the defaults.
func New(scope constructs.Construct, id string, props *Props) (*Lock, error) {
	if props == nil {
		props = &Props{}
	}
	if err := props.Validate(); err != nil {
		return nil, err
	}
	p := props.withDefaults()
	if p.Code == nil {
		if err := findModule(&p); err != nil {
			return nil, err
		}
	}

	l := &Lock{Construct: constructs.NewConstruct(scope, jsii.String(id)), props: p}
	l.secret = l.newSecret()
	l.authorizerFunction = l.newAuthorizerFunction()
	if p.attached() {
		l.newAttachedAuthorizer()
	} else {
		origin := l.newAPI()
		l.distribution = l.newDistribution(origin)
	}
	l.rotationFunction = l.newRotationFunction()
	l.rotationSchedule = l.newRotationSchedule()
	if p.AlarmTopic != nil {
		l.addAlarms(p.AlarmTopic)
	}
	l.addNagSuppressions()
	return l, nil
}

// findModule sets p.ModuleDir to the originlock module the functions are
// built from (Props.Code unset).
func findModule(p *Props) error {
	if p.ModuleDir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		if p.ModuleDir, err = FindModuleDir(wd); err != nil {
			return err
		}
	}
	moduleDir, err := filepath.Abs(p.ModuleDir)
	if err != nil {
		return err
	}
	p.ModuleDir = moduleDir
	return checkModuleDir(p.ModuleDir)
}

// Secret is the secret holding the header value as JSON under SecretJSONKey
// (Existing.Secret when given).
func (l *Lock) Secret() awssecretsmanager.ISecret { return l.secret }

// RotationRole and AuthorizerRole are the functions' execution roles, to
// add permissions (e.g. for other rotation targets).
func (l *Lock) RotationRole() awsiam.Role { return l.rotationRole }

// AuthorizerRole: see RotationRole.
func (l *Lock) AuthorizerRole() awsiam.Role { return l.authorizerRole }

// RotationLogGroup and AuthorizerLogGroup are the functions' log groups
// (JSON lines), e.g. for metric filters or subscriptions.
func (l *Lock) RotationLogGroup() awslogs.LogGroup { return l.rotationLogs }

// AuthorizerLogGroup: see RotationLogGroup.
func (l *Lock) AuthorizerLogGroup() awslogs.LogGroup { return l.authorizerLogs }

// AuthorizerFunction is the API's Lambda authorizer.
func (l *Lock) AuthorizerFunction() awslambda.Function { return l.authorizerFunction }

// RotationFunction is the secret's rotation function.
func (l *Lock) RotationFunction() awslambda.Function { return l.rotationFunction }

// RESTAPI is the REST API, or nil when Props.APIType is HTTPAPI. Methods
// added to it use the origin-header authorizer unless they say otherwise.
func (l *Lock) RESTAPI() awsapigateway.RestApi { return l.restAPI }

// HTTPAPI is the HTTP API, or nil when Props.APIType is RESTAPI. Routes
// added to it use the origin-header authorizer unless they say otherwise.
func (l *Lock) HTTPAPI() awsapigatewayv2.HttpApi { return l.httpAPI }

// Distribution is the CloudFront distribution in front of the API.
func (l *Lock) Distribution() awscloudfront.Distribution { return l.distribution }

// RotationSchedule is the secret's rotation schedule; creating it starts the
// first rotation.
func (l *Lock) RotationSchedule() awssecretsmanager.CfnRotationSchedule {
	return l.rotationSchedule
}

// HeaderName is the origin custom header in use.
func (l *Lock) HeaderName() string { return l.props.HeaderName }

// APIType is the API flavour in use.
func (l *Lock) APIType() APIType { return l.props.APIType }
