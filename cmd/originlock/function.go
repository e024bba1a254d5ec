package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/originlock/originlock/apigateway"
	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/envconfig"
	"github.com/originlock/originlock/internal/secretvalue"
	"github.com/originlock/originlock/rotation"
	"github.com/originlock/originlock/waf"
)

// defaultHeaderName is the functions' HEADER_NAME default
// (examples/lambda/README.md).
const defaultHeaderName = "X-Origin-Verify"

// functionConfig is a deployed function's configuration, read from its
// environment as the function itself reads it (examples/lambda/README.md).
type functionConfig struct {
	Name    string
	ARN     string
	Timeout time.Duration
	// Err is what makes the configuration unusable: the variables the
	// function would refuse at init. The function's own message, which
	// names variables and never a secret value.
	Err error
	env map[string]string

	// Rotation function. SettleDelay is its SETTLE_DELAY; on the
	// authorizer function, the settle delay it assumes (its SETTLE_DELAY).
	SecretID       string
	Distributions  []distSpec
	HeaderName     string
	Format         secretvalue.Format
	SettleDelay    time.Duration
	PollInterval   time.Duration
	DeadlineMargin time.Duration
	UpdateInterval time.Duration
	// CloudFrontRole and CloudFrontExternalID are CLOUDFRONT_ROLE_ARN and
	// CLOUDFRONT_EXTERNAL_ID: the role the function assumes for every
	// CloudFront call (distributions in another account).
	CloudFrontRole       string
	CloudFrontExternalID string
	// Targets are TARGETS' names; TargetDelay is the longest wait of its
	// origin-side targets before setSecret updates CloudFront
	// (WAF_PROPAGATION_DELAY, API_KEY_DELAY).
	Targets     []string
	TargetDelay time.Duration

	// Authorizer function.
	CacheTTL        time.Duration
	RefreshCooldown time.Duration
}

// errFunctionNotFound reports a function that does not exist; the error
// readFunction returns for it is a *notFoundError.
var errFunctionNotFound = errors.New("function not found")

type notFoundError struct{ name string }

func (e *notFoundError) Error() string        { return "no Lambda function " + e.name }
func (e *notFoundError) Is(target error) bool { return target == errFunctionNotFound }

// readFunction reads a function's configuration with
// GetFunctionConfiguration. A function that does not exist is an error
// wrapping errFunctionNotFound.
func readFunction(ctx context.Context, fn LambdaAPI, name string) (*functionConfig, error) {
	out, err := fn.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(name)})
	var nf *lambdatypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		return nil, &notFoundError{name}
	}
	if err != nil {
		return nil, awsError("read Lambda function "+name, err)
	}
	f := &functionConfig{
		Name: aws.ToString(out.FunctionName), ARN: aws.ToString(out.FunctionArn),
		Timeout: time.Duration(aws.ToInt32(out.Timeout)) * time.Second,
		env:     map[string]string{},
	}
	if out.Environment != nil {
		f.env = out.Environment.Variables
	}
	return f, nil
}

// parseRotation reads the rotation function's variables.
func (f *functionConfig) parseRotation() {
	env := envconfig.New(envconfig.Map(f.env))
	f.SecretID = env.Required("SECRET_ID")
	if raw := env.Required("DISTRIBUTIONS"); raw != "" {
		ds, err := parseDistributions(raw)
		if err != nil {
			env.Invalid("DISTRIBUTIONS", "distributions like E1ABC:api,api-2;E2DEF ("+err.Error()+")")
		}
		f.Distributions = ds
	}
	f.HeaderName = env.String("HEADER_NAME", defaultHeaderName)
	f.Format = env.SecretFormat("SECRET_FORMAT", "SECRET_JSON_KEY")
	f.SettleDelay = env.Duration("SETTLE_DELAY", rotation.DefaultSettleDelay, 0, envconfig.MaxDuration)
	f.PollInterval = env.Duration("POLL_INTERVAL", cloudfront.DefaultPollInterval, time.Second, envconfig.MaxDuration)
	f.DeadlineMargin = env.Duration("DEADLINE_MARGIN", cloudfront.DefaultDeadlineMargin, 0, envconfig.MaxDuration)
	f.UpdateInterval = env.Duration("UPDATE_INTERVAL", 0, 0, 5*time.Minute)
	f.parseTargets(env)
	f.CloudFrontRole = env.String("CLOUDFRONT_ROLE_ARN", "")
	if f.CloudFrontRole != "" && !strings.HasPrefix(f.CloudFrontRole, "arn:") {
		env.Invalid("CLOUDFRONT_ROLE_ARN", "an IAM role ARN, like arn:aws:iam::111122223333:role/originlock-cloudfront")
	}
	f.CloudFrontExternalID = env.String("CLOUDFRONT_EXTERNAL_ID", "")
	if f.CloudFrontExternalID != "" && f.CloudFrontRole == "" {
		env.Invalid("CLOUDFRONT_EXTERNAL_ID", "set only together with CLOUDFRONT_ROLE_ARN")
	}
	f.Err = env.Err()
}

// parseTargets reads TARGETS and the delays of the targets it names.
func (f *functionConfig) parseTargets(env *envconfig.Env) {
	for _, n := range strings.Split(env.String("TARGETS", "cloudfront"), ",") {
		n = strings.ToLower(strings.TrimSpace(n))
		switch {
		case n != "cloudfront" && n != "waf" && n != "apikey" || slices.Contains(f.Targets, n):
			env.Invalid("TARGETS", "a comma-separated list of cloudfront, waf and apikey, each once")
			return
		case n == "waf":
			f.TargetDelay = max(f.TargetDelay, env.Duration("WAF_PROPAGATION_DELAY", waf.DefaultPropagationDelay, 0, 10*time.Minute))
		case n == "apikey":
			f.TargetDelay = max(f.TargetDelay, env.Duration("API_KEY_DELAY", apigateway.DefaultKeyDelay, 0, 10*time.Minute))
		}
		f.Targets = append(f.Targets, n)
	}
	if !slices.Contains(f.Targets, "cloudfront") {
		env.Invalid("TARGETS", "a list that includes cloudfront")
	}
}

// parseAuthorizer reads the authorizer function's variables.
func (f *functionConfig) parseAuthorizer() {
	env := envconfig.New(envconfig.Map(f.env))
	f.SecretID = env.Required("SECRET_ID")
	f.HeaderName = env.String("HEADER_NAME", defaultHeaderName)
	f.Format = env.SecretFormat("SECRET_FORMAT", "SECRET_JSON_KEY")
	f.CacheTTL = env.Duration("CACHE_TTL", authorizer.DefaultCacheTTL, time.Second, 24*time.Hour)
	f.RefreshCooldown = env.Duration("REFRESH_COOLDOWN", authorizer.DefaultRefreshCooldown, 0, time.Hour)
	f.SettleDelay = env.Duration("SETTLE_DELAY", authorizer.DefaultSettleDelay, 0, envconfig.MaxDuration)
	f.Err = env.Err()
}

// parseDistributions reads DISTRIBUTIONS or a --distribution flag:
// "E1ABC:api,api-2;E2DEF". It accepts what the rotation function accepts.
func parseDistributions(raw string) ([]distSpec, error) {
	var out []distSpec
	seen := map[string]bool{}
	for i, entry := range strings.Split(raw, ";") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			return nil, fmt.Errorf(`entry %d is empty`, i+1)
		}
		d, err := parseDistribution(entry)
		if err != nil {
			return nil, err
		}
		if seen[d.ID] {
			return nil, fmt.Errorf("distribution %s is listed twice", d.ID)
		}
		seen[d.ID] = true
		out = append(out, d)
	}
	return out, nil
}

// parseDistribution reads one "ID[:origin,origin]".
func parseDistribution(entry string) (distSpec, error) {
	id, origins, hasOrigins := strings.Cut(entry, ":")
	d := distSpec{ID: strings.TrimSpace(id)}
	if !isDistributionID(d.ID) {
		return d, fmt.Errorf("%q is not a distribution ID (capital letters and digits, like E1A2B3C4D5E6F7)", d.ID)
	}
	if !hasOrigins {
		return d, nil
	}
	seen := map[string]bool{}
	for _, o := range strings.Split(origins, ",") {
		o = strings.TrimSpace(o)
		switch {
		case o == "":
			return d, fmt.Errorf("distribution %s: an origin ID is empty", d.ID)
		case seen[o]:
			return d, fmt.Errorf("distribution %s: origin %s is listed twice", d.ID, o)
		}
		seen[o] = true
		d.OriginIDs = append(d.OriginIDs, o)
	}
	return d, nil
}

func isDistributionID(id string) bool {
	if id == "" {
		return false
	}
	for _, c := range id {
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
