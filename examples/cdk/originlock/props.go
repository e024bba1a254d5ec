package originlock

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
)

// APIType chooses the API Gateway flavour in front of the backend.
type APIType string

const (
	// RESTAPI is a regional REST API whose methods use a REQUEST authorizer
	// (AUTHORIZER_TYPE rest-request).
	RESTAPI APIType = "rest"
	// HTTPAPI is an HTTP API whose routes use a payload 2.0 Lambda authorizer
	// with simple responses (AUTHORIZER_TYPE http-simple).
	HTTPAPI APIType = "http"
)

// Defaults of Props.
const (
	DefaultHeaderName         = "X-Origin-Verify"
	DefaultRotationInterval   = 30 * 24 * time.Hour
	DefaultAuthorizerCacheTTL = 5 * time.Minute
	DefaultStageName          = "prod"
	DefaultLogRetention       = awslogs.RetentionDays_ONE_MONTH

	// SecretJSONKey is the key of the header value in the secret's JSON
	// string, the default of both functions (SECRET_JSON_KEY).
	SecretJSONKey = "HEADERVALUE"
	// OriginID is the distribution's origin ID for the API; the rotation
	// function's DISTRIBUTIONS names it.
	OriginID = "api"
)

// Limits enforced by Validate, from the AWS service quotas they reflect.
const (
	// MinRotationInterval and MaxRotationInterval bound a Secrets Manager
	// rotation schedule (rate(4 hours) to rate(1000 days)).
	MinRotationInterval = 4 * time.Hour
	MaxRotationInterval = 1000 * 24 * time.Hour
	// MaxAuthorizerCacheTTL is API Gateway's limit on an authorizer's
	// result cache.
	MaxAuthorizerCacheTTL = time.Hour
	// MaxHeaderNameLength is CloudFront's limit on a custom header name.
	MaxHeaderNameLength = 256
)

// ErrInvalidProps is wrapped by every error Validate and New return for bad
// props.
var ErrInvalidProps = errors.New("originlock: invalid props")

// Props configures New. The zero value is valid for a REST API with a mock
// backend; every field has a default.
type Props struct {
	// APIType is RESTAPI (default) or HTTPAPI.
	APIType APIType

	// BackendURL is the https:// URL every request is proxied to, path
	// appended (https://backend.example.com/v1 + /orders ->
	// https://backend.example.com/v1/orders), through ANY / and
	// ANY /{proxy+}. Empty: a REST API answers every request with a mock
	// 200 (handy to try the lock out); an HTTP API has no mock integration,
	// so HTTPAPI requires it. More routes can be added to RESTAPI()/HTTPAPI()
	// afterwards: the authorizer is the API's default, so they are locked too.
	BackendURL string

	// HeaderName is the origin custom header CloudFront sends and the
	// authorizer checks. Default DefaultHeaderName.
	HeaderName string

	// RotationInterval is how often Secrets Manager rotates the value: whole
	// days up to MaxRotationInterval, or 4 to 23 hours (Secrets Manager
	// rate(N days) and rate(N hours) schedules; an hourly rotation window
	// must not cross a UTC day). Default DefaultRotationInterval.
	RotationInterval time.Duration

	// AuthorizerCacheTTL is how long API Gateway caches the authorizer's
	// answer per header value, up to MaxAuthorizerCacheTTL, in whole
	// seconds. Default DefaultAuthorizerCacheTTL. A cached Allow for a value
	// outlives a rotation by up to this long, so keep it below the
	// authorizer's PREVIOUS_GRACE (15m by default).
	AuthorizerCacheTTL time.Duration
	// DisableAuthorizerCache turns API Gateway's result cache off: every
	// request invokes the authorizer.
	DisableAuthorizerCache bool

	// StageName is the REST API stage, and so the origin path. Default
	// DefaultStageName. HTTP APIs use the $default stage.
	StageName string

	// LogRetention of the log groups of both functions and the API's
	// access log. Default DefaultLogRetention.
	LogRetention awslogs.RetentionDays

	// CreateAPIGatewayAccountRole creates the account-wide (per region)
	// role API Gateway uses to write REST API logs (AWS::ApiGateway::Account).
	// REST stages log access and execution errors, which API Gateway refuses
	// until the account has such a role. Leave it false when the account
	// already has one: there is one per account and region, and the last
	// stack to set it wins. Ignored for HTTP APIs, which log without it.
	CreateAPIGatewayAccountRole bool

	// DomainNames and Certificate (ACM, us-east-1) give the distribution
	// alternate domain names; set both or neither. With a certificate the
	// viewer security policy is TLSv1.2_2021.
	DomainNames []string
	Certificate awscertificatemanager.ICertificate

	// WebACLID is the ARN of an AWS WAF (v2, CLOUDFRONT scope) web ACL for
	// the distribution.
	WebACLID string

	// LogBucket receives CloudFront standard logs when set (the bucket must
	// allow ACLs, as CloudFront standard logging requires).
	LogBucket awss3.IBucket

	// PriceClass of the distribution. Default PRICE_CLASS_100.
	PriceClass awscloudfront.PriceClass

	// ModuleDir is the directory of the originlock Go module (the one whose
	// go.mod says module github.com/originlock/originlock); both functions
	// are built from its examples/lambda packages. Default: found by walking
	// up from the working directory (FindModuleDir).
	ModuleDir string

	// Code, when set, is the functions' code (a zip from a release or
	// scripts/build-lambdas, as an asset or in S3) and nothing is built:
	// this source tree is not needed and ModuleDir is ignored. Use it from
	// your own infrastructure module.
	Code *FunctionCode

	// Existing, when set, names what you already have: the construct then
	// attaches to it instead of creating it (see Existing).
	Existing *Existing

	// SecretKey is the customer managed KMS key the (new) secret is
	// encrypted with; with Existing.Secret, the key that secret uses. The
	// functions get what they need of it through Secrets Manager only.
	// Default: the AWS managed key aws/secretsmanager.
	SecretKey awskms.IKey

	// CloudFrontRoleARN, with Existing.DistributionIDs in another account,
	// is the role there that the rotation function assumes for every
	// CloudFront call (CLOUDFRONT_ROLE_ARN). The rotation role then gets
	// sts:AssumeRole on it instead of CloudFront permissions in this
	// account. That role needs cloudfront:GetDistribution,
	// GetDistributionConfig and UpdateDistribution on the distributions, and
	// a trust policy naming RotationRole() (and CloudFrontExternalID if set).
	CloudFrontRoleARN string

	// CloudFrontExternalID is the external ID the role's trust policy
	// requires (CLOUDFRONT_EXTERNAL_ID); only with CloudFrontRoleARN.
	CloudFrontExternalID string

	// SettleDelay is how long setSecret lets a new value settle before
	// CloudFront may send it (SETTLE_DELAY of both functions), so that
	// every authorizer can learn it first. At least RefreshCooldown plus
	// the authorizer's read timeout (AuthorizerReadTimeout), at most half the
	// rotation function's timeout. Default DefaultSettleDelay.
	SettleDelay time.Duration

	// RefreshCooldown is the authorizer's least time between two re-reads
	// caused by unknown values (REFRESH_COOLDOWN). Default: the function's,
	// DefaultRefreshCooldown.
	RefreshCooldown time.Duration

	// PreviousGrace is how long the authorizer keeps accepting AWSPREVIOUS
	// after a rotation (PREVIOUS_GRACE). AuthorizerCacheTTL may not exceed
	// it. Default: the function's, DefaultPreviousGrace.
	PreviousGrace time.Duration

	// AlarmTopic, when set, receives failed rotations (an EventBridge rule
	// on RotationFailed and RotationAbandoned of the secret) and the alarms
	// (rotation errors and duration near the timeout, authorizer
	// unavailable decisions and errors). Its policy must let EventBridge
	// and CloudWatch publish (an encrypted topic: its key too).
	AlarmTopic awssns.ITopic
}

// FunctionCode is the prebuilt code of the two functions: zips holding the
// bootstrap binary built from examples/lambda/rotation and
// examples/lambda/authorizer, e.g. awslambda.Code_FromAsset("dist/rotation-arm64.zip", nil)
// or awslambda.Code_FromBucket(bucket, jsii.String("originlock/v1/rotation-arm64.zip"), nil).
type FunctionCode struct {
	Rotation   awslambda.Code
	Authorizer awslambda.Code
}

// Existing names resources you already have.
//
// With RESTAPI or HTTPAPI set, no API and no distribution are created: the
// authorizer is created for you to put on your methods or routes
// (Lock.RESTAuthorizer, Lock.HTTPAuthorizer), with the integration settings
// that keep the header from your backend (Lock.RESTIntegrationParameters,
// Lock.HTTPParameterMapping); DistributionIDs names the distributions in
// front of it, whose origin header the rotation keeps in step.
type Existing struct {
	// RESTAPI is your REST API (APIType must be RESTAPI or unset).
	RESTAPI awsapigateway.IRestApi
	// HTTPAPI is your HTTP API (APIType must be HTTPAPI).
	HTTPAPI awsapigatewayv2.IHttpApi
	// DistributionIDs are the CloudFront distributions whose origin header
	// the rotation keeps in step; required with RESTAPI or HTTPAPI.
	DistributionIDs []string
	// OriginIDs are the distributions' origins to update; empty: every
	// origin that already carries the header.
	OriginIDs []string
	// Secret is your secret (JSON, value under SecretJSONKey), instead of a
	// new one. Its AWSCURRENT must hold a value.
	Secret awssecretsmanager.ISecret
}

// Timing defaults: the functions' own (examples/lambda/README.md).
const (
	DefaultSettleDelay     = 10 * time.Second
	DefaultRefreshCooldown = 5 * time.Second
	DefaultPreviousGrace   = 15 * time.Minute
	// AuthorizerReadTimeout bounds one read of the secret by the
	// authorizer (its default read timeout).
	AuthorizerReadTimeout = 5 * time.Second
)

// withDefaults returns a copy of p with every unset field at its default.
func (p Props) withDefaults() Props {
	if p.Existing != nil && p.Existing.HTTPAPI != nil && p.APIType == "" {
		p.APIType = HTTPAPI
	}
	if p.APIType == "" {
		p.APIType = RESTAPI
	}
	if p.HeaderName == "" {
		p.HeaderName = DefaultHeaderName
	}
	if p.RotationInterval == 0 {
		p.RotationInterval = DefaultRotationInterval
	}
	if p.AuthorizerCacheTTL == 0 {
		p.AuthorizerCacheTTL = DefaultAuthorizerCacheTTL
	}
	if p.StageName == "" {
		p.StageName = DefaultStageName
	}
	if p.LogRetention == "" {
		p.LogRetention = DefaultLogRetention
	}
	if p.SettleDelay == 0 {
		p.SettleDelay = DefaultSettleDelay
	}
	if p.PriceClass == "" {
		p.PriceClass = awscloudfront.PriceClass_PRICE_CLASS_100
	}
	return p
}

var stageNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// Validate reports the first problem with p after defaults are applied, as
// an error wrapping ErrInvalidProps. It does not look at ModuleDir, which New
// checks on disk.
func (p Props) Validate() error {
	p = p.withDefaults()
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidProps}, args...)...)
	}
	switch p.APIType {
	case RESTAPI, HTTPAPI:
	default:
		return invalid("APIType %q: want %q or %q", p.APIType, RESTAPI, HTTPAPI)
	}
	if err := ValidateHeaderName(p.HeaderName); err != nil {
		return invalid("HeaderName: %v", err)
	}
	if p.BackendURL != "" {
		if err := validateBackendURL(p.BackendURL); err != nil {
			return invalid("BackendURL: %v", err)
		}
	} else if p.APIType == HTTPAPI && !p.attached() {
		return invalid("BackendURL: required for an HTTP API (HTTP APIs have no mock integration)")
	}
	if _, err := scheduleExpression(p.RotationInterval); err != nil {
		return invalid("RotationInterval %v: %v", p.RotationInterval, err)
	}
	if p.AuthorizerCacheTTL < 0 || p.AuthorizerCacheTTL > MaxAuthorizerCacheTTL || p.AuthorizerCacheTTL%time.Second != 0 {
		return invalid("AuthorizerCacheTTL %v: want whole seconds up to %v", p.AuthorizerCacheTTL, MaxAuthorizerCacheTTL)
	}
	if !stageNameRE.MatchString(p.StageName) {
		return invalid("StageName %q: want 1 to 128 letters, digits, - or _", p.StageName)
	}
	if (len(p.DomainNames) == 0) != (p.Certificate == nil) {
		return invalid("DomainNames and Certificate: set both or neither")
	}
	if err := p.validateExisting(); err != nil {
		return invalid("%v", err)
	}
	if err := p.validateCrossAccount(); err != nil {
		return invalid("%v", err)
	}
	if err := p.validateTiming(); err != nil {
		return invalid("%v", err)
	}
	return nil
}

// scheduleExpression returns the Secrets Manager rate() expression for d.
func scheduleExpression(d time.Duration) (string, error) {
	const day = 24 * time.Hour
	switch {
	case d%day == 0 && d >= day && d <= MaxRotationInterval:
		if d == day {
			return "rate(1 day)", nil
		}
		return fmt.Sprintf("rate(%d days)", d/day), nil
	case d%time.Hour == 0 && d >= MinRotationInterval && d < day:
		return fmt.Sprintf("rate(%d hours)", d/time.Hour), nil
	}
	return "", fmt.Errorf("want whole days from 1 to %d, or whole hours from %d to 23", MaxRotationInterval/day, MinRotationInterval/time.Hour)
}

func validateBackendURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a URL: %v", err)
	}
	if u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.Contains(raw, "#") {
		return fmt.Errorf("%q: want an https:// URL with a host and no user, query or fragment", raw)
	}
	return nil
}

// forbiddenHeaders are the names CloudFront refuses as origin custom headers
// (CloudFront Developer Guide, "Custom headers that CloudFront can't add to
// origin requests"), lower-cased. The same list as the root module's
// cloudfront.ValidateHeaderName, repeated so that this module does not
// depend on the library.
var forbiddenHeaders = map[string]bool{
	"cache-control": true, "connection": true, "content-length": true, "cookie": true,
	"host": true, "if-match": true, "if-modified-since": true, "if-none-match": true,
	"if-range": true, "if-unmodified-since": true, "max-forwards": true, "pragma": true,
	"proxy-authorization": true, "proxy-connection": true, "range": true,
	"request-range": true, "te": true, "trailer": true, "transfer-encoding": true,
	"upgrade": true, "via": true, "x-real-ip": true,
}

// forbiddenPrefixes are the name prefixes CloudFront reserves, lower-cased.
var forbiddenPrefixes = []string{"x-amz-", "x-edge-"}

// ValidateHeaderName reports whether CloudFront accepts name as an origin
// custom header: an HTTP token (RFC 9110) of at most MaxHeaderNameLength
// characters that is not one of the headers CloudFront manages itself.
func ValidateHeaderName(name string) error {
	if name == "" {
		return errors.New("empty header name")
	}
	if len(name) > MaxHeaderNameLength {
		return fmt.Errorf("header name of %d characters, more than %d", len(name), MaxHeaderNameLength)
	}
	for i := 0; i < len(name); i++ {
		if !isTokenChar(name[i]) {
			return fmt.Errorf("header name %q has a character not allowed in a header name at byte %d", name, i)
		}
	}
	lower := strings.ToLower(name)
	if forbiddenHeaders[lower] {
		return fmt.Errorf("CloudFront does not let origin custom headers set %s", name)
	}
	for _, prefix := range forbiddenPrefixes {
		if strings.HasPrefix(lower, prefix) {
			return fmt.Errorf("CloudFront reserves headers starting with %s", name[:len(prefix)])
		}
	}
	return nil
}

// isTokenChar reports whether c may appear in an HTTP token.
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
