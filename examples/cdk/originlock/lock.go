package originlock

import (
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Lock is the construct New returns: every resource of one origin lock,
// under one construct node.
type Lock struct {
	constructs.Construct

	props Props

	secret             awssecretsmanager.Secret
	authorizerFunction awslambda.Function
	rotationFunction   awslambda.Function
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
	if p.ModuleDir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		if p.ModuleDir, err = FindModuleDir(wd); err != nil {
			return nil, err
		}
	}
	moduleDir, err := filepath.Abs(p.ModuleDir)
	if err != nil {
		return nil, err
	}
	p.ModuleDir = moduleDir
	if err := checkModuleDir(p.ModuleDir); err != nil {
		return nil, err
	}

	l := &Lock{Construct: constructs.NewConstruct(scope, jsii.String(id)), props: p}
	l.secret = l.newSecret()
	l.authorizerFunction = l.newAuthorizerFunction()
	origin := l.newAPI()
	l.distribution = l.newDistribution(origin)
	l.rotationFunction = l.newRotationFunction()
	l.rotationSchedule = l.newRotationSchedule()
	l.addNagSuppressions()
	return l, nil
}

// Secret is the secret holding the header value as JSON under SecretJSONKey.
func (l *Lock) Secret() awssecretsmanager.Secret { return l.secret }

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
