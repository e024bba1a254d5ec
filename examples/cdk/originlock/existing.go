package originlock

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/jsii-runtime-go"
)

var (
	distributionIDRE = regexp.MustCompile(`^[A-Z0-9]{1,32}$`)
	originIDRE       = regexp.MustCompile(`^[^,;: ]+$`)
)

// attached reports whether the construct attaches to an existing API
// rather than creating one (and a distribution).
func (p Props) attached() bool {
	return p.Existing != nil && (p.Existing.RESTAPI != nil || p.Existing.HTTPAPI != nil)
}

func (p Props) validateExisting() error {
	e := p.Existing
	if e == nil {
		return nil
	}
	if e.RESTAPI != nil && e.HTTPAPI != nil {
		return fmt.Errorf("Existing: set RESTAPI or HTTPAPI, not both")
	}
	if e.RESTAPI != nil && p.APIType != RESTAPI || e.HTTPAPI != nil && p.APIType != HTTPAPI {
		return fmt.Errorf("Existing: APIType %q does not match the existing API", p.APIType)
	}
	if p.attached() && len(e.DistributionIDs) == 0 {
		return fmt.Errorf("Existing.DistributionIDs: required with an existing API (the distributions in front of it)")
	}
	if !p.attached() && len(e.DistributionIDs) > 0 {
		return fmt.Errorf("Existing.DistributionIDs: only with Existing.RESTAPI or Existing.HTTPAPI (otherwise the construct creates the distribution)")
	}
	seen := map[string]bool{}
	for _, id := range e.DistributionIDs {
		if !distributionIDRE.MatchString(id) || seen[id] {
			return fmt.Errorf("Existing.DistributionIDs: each must be a distinct CloudFront distribution ID (upper-case letters and digits)")
		}
		seen[id] = true
	}
	for _, o := range e.OriginIDs {
		if !originIDRE.MatchString(o) {
			return fmt.Errorf("Existing.OriginIDs: an origin ID must not be empty nor contain a comma, semicolon, colon or space")
		}
	}
	return nil
}

// validateTiming checks the invariants between the two functions' timings,
// as the Terraform modules do: a new value reaches CloudFront only after
// every authorizer can have re-read the secret, within the same setSecret
// invocation; a cached Allow never outlives the previous-value grace.
func (p Props) validateTiming() error {
	cooldown, grace := p.RefreshCooldown, p.PreviousGrace
	if cooldown == 0 {
		cooldown = DefaultRefreshCooldown
	}
	if grace == 0 {
		grace = DefaultPreviousGrace
	}
	for name, d := range map[string]time.Duration{"SettleDelay": p.SettleDelay, "RefreshCooldown": p.RefreshCooldown, "PreviousGrace": p.PreviousGrace} {
		if d < 0 || d%time.Second != 0 {
			return fmt.Errorf("%s %v: want whole seconds", name, d)
		}
	}
	if p.SettleDelay < cooldown+AuthorizerReadTimeout {
		return fmt.Errorf("SettleDelay %v: want at least RefreshCooldown (%v) plus the authorizer's read timeout (%v)", p.SettleDelay, cooldown, AuthorizerReadTimeout)
	}
	if 2*p.SettleDelay > rotationTimeout*time.Second {
		return fmt.Errorf("SettleDelay %v: want at most half the rotation function's timeout (%v)", p.SettleDelay, rotationTimeout*time.Second)
	}
	if !p.DisableAuthorizerCache && p.AuthorizerCacheTTL > grace {
		return fmt.Errorf("AuthorizerCacheTTL %v: want at most PreviousGrace (%v): a cached Allow must not outlive the grace for the previous value", p.AuthorizerCacheTTL, grace)
	}
	return nil
}

// distributionsEnv is the rotation function's DISTRIBUTIONS.
func (l *Lock) distributionsEnv() string {
	if !l.props.attached() {
		return *l.distribution.DistributionId() + ":" + OriginID
	}
	e := l.props.Existing
	entries := make([]string, len(e.DistributionIDs))
	for i, id := range e.DistributionIDs {
		entries[i] = id
		if len(e.OriginIDs) > 0 {
			entries[i] += ":" + strings.Join(e.OriginIDs, ",")
		}
	}
	return strings.Join(entries, ";")
}

// distributionARNs are the ARNs the rotation function may update.
func (l *Lock) distributionARNs() []*string {
	if !l.props.attached() {
		return []*string{l.distribution.DistributionArn()}
	}
	stack := awscdk.Stack_Of(l.Construct)
	arns := make([]*string, len(l.props.Existing.DistributionIDs))
	for i, id := range l.props.Existing.DistributionIDs {
		arns[i] = stack.FormatArn(&awscdk.ArnComponents{
			Service: jsii.String("cloudfront"), Region: jsii.String(""),
			Resource: jsii.String("distribution"), ResourceName: jsii.String(id),
			ArnFormat: awscdk.ArnFormat_SLASH_RESOURCE_NAME,
		})
	}
	return arns
}

// newAttachedAuthorizer creates the authorizer for an existing API. It binds
// to the API (and gets its invoke permission) when put on a method or route.
func (l *Lock) newAttachedAuthorizer() {
	if l.props.APIType == HTTPAPI {
		l.httpAuthorizer = l.newHTTPAuthorizer()
		return
	}
	l.restAuthorizer = l.newRESTAuthorizer()
}

func (l *Lock) newRESTAuthorizer() awsapigateway.RequestAuthorizer {
	return awsapigateway.NewRequestAuthorizer(l.Construct, jsii.String("RequestAuthorizer"), &awsapigateway.RequestAuthorizerProps{
		AuthorizerName:  jsii.String(authorizerName),
		Handler:         l.authorizerFunction,
		IdentitySources: &[]*string{awsapigateway.IdentitySource_Header(jsii.String(l.props.HeaderName))},
		ResultsCacheTtl: l.authorizerCacheTTL(),
	})
}

func (l *Lock) newHTTPAuthorizer() awsapigatewayv2authorizers.HttpLambdaAuthorizer {
	return awsapigatewayv2authorizers.NewHttpLambdaAuthorizer(jsii.String("OriginHeaderAuthorizer"), l.authorizerFunction,
		&awsapigatewayv2authorizers.HttpLambdaAuthorizerProps{
			AuthorizerName:  jsii.String(authorizerName),
			IdentitySource:  jsii.Strings("$request.header." + l.props.HeaderName),
			ResponseTypes:   &[]awsapigatewayv2authorizers.HttpLambdaResponseType{awsapigatewayv2authorizers.HttpLambdaResponseType_SIMPLE},
			ResultsCacheTtl: l.authorizerCacheTTL(),
		})
}

// RESTAuthorizer is the origin header authorizer of a REST API: put it on
// the methods only CloudFront may call (MethodOptions.Authorizer, with
// AuthorizationType CUSTOM). nil for an HTTP API.
func (l *Lock) RESTAuthorizer() awsapigateway.IAuthorizer {
	if l.restAuthorizer == nil {
		return nil
	}
	return l.restAuthorizer
}

// HTTPAuthorizer is the origin header authorizer of an HTTP API: put it on
// the routes only CloudFront may call. nil for a REST API.
func (l *Lock) HTTPAuthorizer() awsapigatewayv2.IHttpRouteAuthorizer {
	if l.httpAuthorizer == nil {
		return nil
	}
	return l.httpAuthorizer
}

// RESTIntegrationParameters are request parameters for a REST integration
// (IntegrationOptions.RequestParameters) that overwrite the origin header
// with a constant, so the backend never sees the value.
func (l *Lock) RESTIntegrationParameters() map[string]*string {
	return map[string]*string{"integration.request.header." + l.props.HeaderName: jsii.String("'-'")}
}

// HTTPParameterMapping removes the origin header from requests to an HTTP
// API integration (HttpUrlIntegrationProps.ParameterMapping and the like),
// so the backend never sees the value. The value is ” as API Gateway's
// documentation writes it (ParameterMapping.RemoveHeader writes an empty
// string), the same as the Terraform module.
func (l *Lock) HTTPParameterMapping() awsapigatewayv2.ParameterMapping {
	return awsapigatewayv2.NewParameterMapping().Custom(jsii.String("remove:header."+l.props.HeaderName), jsii.String("''"))
}

// validateCrossAccount checks CloudFrontRoleARN and CloudFrontExternalID.
func (p Props) validateCrossAccount() error {
	switch {
	case p.CloudFrontRoleARN == "" && p.CloudFrontExternalID != "":
		return fmt.Errorf("CloudFrontExternalID: only with CloudFrontRoleARN")
	case p.CloudFrontRoleARN == "":
		return nil
	case !roleARNRE.MatchString(p.CloudFrontRoleARN):
		return fmt.Errorf("CloudFrontRoleARN %q: want an IAM role ARN, like arn:aws:iam::111122223333:role/originlock-cloudfront", p.CloudFrontRoleARN)
	case p.Existing == nil || len(p.Existing.DistributionIDs) == 0:
		return fmt.Errorf("CloudFrontRoleARN: only with Existing.DistributionIDs (distributions in another account); a distribution this construct creates is in this account")
	}
	return nil
}

// roleARNRE matches an IAM role ARN in any partition.
var roleARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$`)
