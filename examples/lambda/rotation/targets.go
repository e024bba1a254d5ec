package main

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	apigwsdk "github.com/aws/aws-sdk-go-v2/service/apigateway"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	wafsdk "github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/originlock/originlock/apigateway"
	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/envconfig"
	"github.com/originlock/originlock/rotation"
	"github.com/originlock/originlock/waf"
)

// The environment variables that choose and configure the targets
// (examples/lambda/README.md, "Targets and cross-account").
const (
	envTargets              = "TARGETS"
	envCloudFrontRoleARN    = "CLOUDFRONT_ROLE_ARN"
	envCloudFrontExternalID = "CLOUDFRONT_EXTERNAL_ID"
	envWAFWebACLName        = "WAF_WEB_ACL_NAME"
	envWAFWebACLID          = "WAF_WEB_ACL_ID"
	envWAFRuleName          = "WAF_RULE_NAME"
	envWAFScope             = "WAF_SCOPE"
	envWAFPropagationDelay  = "WAF_PROPAGATION_DELAY"
	envUsagePlanIDs         = "API_USAGE_PLAN_IDS"
	envAPIKeyNamePrefix     = "API_KEY_NAME_PREFIX"  // #nosec G101 -- a variable name
	envAPIKeyDelay          = "API_KEY_DELAY"        // #nosec G101 -- a variable name
	envAPIKeyRetireGrace    = "API_KEY_RETIRE_GRACE" // #nosec G101 -- a variable name
)

// Target names TARGETS accepts.
const (
	targetCloudFront = "cloudfront"
	targetWAF        = "waf"
	targetAPIKey     = "apikey"
)

// apiKeyHeader is the header API Gateway reads API keys from.
const apiKeyHeader = "x-api-key"

// targetsConfig is what TARGETS and its variables configure. Its zero value
// is the default: CloudFront alone, with the function's own credentials.
type targetsConfig struct {
	roleARN, externalID string
	waf                 *waf.Config
	wafDelay            time.Duration
	apiKeys             *apigateway.Config
	apiKeyDelay         time.Duration
	apiKeyGrace         time.Duration
}

// parseTargets reads TARGETS and the variables of the targets it names,
// recording problems in env. headerName is the header CloudFront sends,
// valueLength the length of the values createSecret generates: each target
// must be able to hold them, or a rotation would store a value it cannot
// set and leave a stale AWSPENDING behind.
func parseTargets(env *envconfig.Env, headerName string, valueLength int) targetsConfig {
	var c targetsConfig
	c.roleARN = env.String(envCloudFrontRoleARN, "")
	if c.roleARN != "" && !strings.HasPrefix(c.roleARN, "arn:") {
		env.Invalid(envCloudFrontRoleARN, "an IAM role ARN, like arn:aws:iam::111122223333:role/originlock-cloudfront")
	}
	c.externalID = env.String(envCloudFrontExternalID, "")
	if c.externalID != "" && c.roleARN == "" {
		env.Invalid(envCloudFrontExternalID, "set only together with "+envCloudFrontRoleARN)
	}

	names, err := targetNames(env.String(envTargets, targetCloudFront))
	if err != nil {
		env.Invalid(envTargets, "a comma-separated list of cloudfront, waf and apikey that includes cloudfront ("+err.Error()+")")
		return c
	}
	if slices.Contains(names, targetWAF) {
		c.waf = &waf.Config{
			WebACLName: env.Required(envWAFWebACLName),
			WebACLID:   env.Required(envWAFWebACLID),
			RuleName:   env.Required(envWAFRuleName),
			Scope:      waftypes.ScopeRegional,
			HeaderName: headerName,
		}
		// A CLOUDFRONT-scope web ACL sits on a distribution and sees the
		// viewer's request, not the origin header CloudFront adds to it: the
		// rule would block every viewer. The origin's web ACL is regional.
		if scope := env.Enum(envWAFScope, string(waftypes.ScopeRegional), string(waftypes.ScopeRegional), string(waftypes.ScopeCloudfront)); scope != string(waftypes.ScopeRegional) {
			env.Invalid(envWAFScope, "REGIONAL: the web ACL on the REST API stage or the ALB; a CLOUDFRONT-scope web ACL sees the viewer's request, not the header CloudFront adds, and would block every viewer")
		}
		if valueLength > waf.MaxValueLength {
			env.Invalid(envValueLength, fmt.Sprintf("at most %d with TARGETS including waf (an AWS WAF byte match holds at most %d bytes)", waf.MaxValueLength, waf.MaxValueLength))
		}
		c.wafDelay = env.Duration(envWAFPropagationDelay, waf.DefaultPropagationDelay, 0, 10*time.Minute)
	}
	if slices.Contains(names, targetAPIKey) {
		if !strings.EqualFold(headerName, apiKeyHeader) {
			env.Invalid(envHeaderName, "x-api-key when TARGETS includes apikey (API Gateway reads API keys from that header)")
		}
		if valueLength > apigateway.MaxValueLength {
			env.Invalid(envValueLength, fmt.Sprintf("at most %d with TARGETS including apikey (API Gateway API keys hold at most %d characters)", apigateway.MaxValueLength, apigateway.MaxValueLength))
		}
		c.apiKeys = &apigateway.Config{KeyNamePrefix: env.String(envAPIKeyNamePrefix, apigateway.DefaultKeyNamePrefix)}
		if raw := env.Required(envUsagePlanIDs); raw != "" {
			for _, id := range strings.Split(raw, ",") {
				id = strings.TrimSpace(id)
				if id == "" || slices.Contains(c.apiKeys.UsagePlanIDs, id) {
					env.Invalid(envUsagePlanIDs, "usage plan IDs separated by commas, none empty or listed twice")
					break
				}
				c.apiKeys.UsagePlanIDs = append(c.apiKeys.UsagePlanIDs, id)
			}
		}
		c.apiKeyDelay = env.Duration(envAPIKeyDelay, apigateway.DefaultKeyDelay, 0, 10*time.Minute)
		c.apiKeyGrace = env.Duration(envAPIKeyRetireGrace, apigateway.DefaultRetireGrace, 0, 24*time.Hour)
	}
	return c
}

func targetNames(raw string) ([]string, error) {
	var names []string
	for _, n := range strings.Split(raw, ",") {
		n = strings.ToLower(strings.TrimSpace(n))
		switch {
		case n != targetCloudFront && n != targetWAF && n != targetAPIKey:
			return nil, fmt.Errorf("%q is not a target", n)
		case slices.Contains(names, n):
			return nil, fmt.Errorf("%s is listed twice", n)
		}
		names = append(names, n)
	}
	if !slices.Contains(names, targetCloudFront) {
		return nil, fmt.Errorf("cloudfront is missing: the other targets only accept what CloudFront sends")
	}
	return names, nil
}

// newTarget builds the rotation target: CloudFront alone, or a
// rotation.Composite whose origin-side members (waf, then apikey) accept the
// pending value before CloudFront sends it. With CLOUDFRONT_ROLE_ARN, the
// CloudFront client assumes that role (with CLOUDFRONT_EXTERNAL_ID), for
// distributions in another account. cfOpts are added to the CloudFront
// target's own options (its observer). It makes no AWS call.
func newTarget(awsCfg aws.Config, cfg config, logger *slog.Logger, cfOpts ...cloudfront.Option) (rotation.Target, error) {
	cfClient := cfsdk.NewFromConfig(awsCfg)
	if cfg.targets.roleARN != "" {
		cfClient = cfsdk.NewFromConfig(assumeRoleConfig(awsCfg, cfg.targets.roleARN, cfg.targets.externalID))
	}
	origin, err := cloudfront.NewOriginHeader(cfClient,
		cloudfront.Config{HeaderName: cfg.headerName, Distributions: cfg.distributions},
		append([]cloudfront.Option{cloudfront.WithPollInterval(cfg.pollInterval),
			cloudfront.WithDeadlineMargin(cfg.deadlineMargin),
			cloudfront.WithUpdateInterval(cfg.updateInterval),
			cloudfront.WithLogger(logger)}, cfOpts...)...,
	)
	if err != nil || (cfg.targets.waf == nil && cfg.targets.apiKeys == nil) {
		return origin, err
	}
	var accepting []rotation.Member
	if c := cfg.targets.waf; c != nil {
		wafOpts := []waf.Option{waf.WithPropagationDelay(cfg.targets.wafDelay), waf.WithDeadlineMargin(cfg.deadlineMargin), waf.WithLogger(logger)}
		if cfg.revokePrevious {
			// REVOKE_PREVIOUS: the rule drops the old value at finishSecret too.
			wafOpts = append(wafOpts, waf.WithRevokePrevious())
		}
		rule, err := waf.NewHeaderRule(wafsdk.NewFromConfig(awsCfg), *c, wafOpts...)
		if err != nil {
			return nil, err
		}
		accepting = append(accepting, rotation.Member{Name: targetWAF, Target: rule})
	}
	if c := cfg.targets.apiKeys; c != nil {
		apiOpts := []apigateway.Option{apigateway.WithKeyDelay(cfg.targets.apiKeyDelay), apigateway.WithRetireGrace(cfg.targets.apiKeyGrace), apigateway.WithDeadlineMargin(cfg.deadlineMargin), apigateway.WithLogger(logger)}
		if cfg.revokePrevious {
			// REVOKE_PREVIOUS: the old value's key is disabled at finishSecret.
			apiOpts = append(apiOpts, apigateway.WithRevokePrevious())
		}
		keys, err := apigateway.NewAPIKeys(apigwsdk.NewFromConfig(awsCfg), *c, apiOpts...)
		if err != nil {
			return nil, err
		}
		accepting = append(accepting, rotation.Member{Name: targetAPIKey, Target: keys})
	}
	return rotation.NewComposite(rotation.CompositeConfig{Accepting: accepting, Sending: []rotation.Member{{Name: targetCloudFront, Target: origin}}})
}

// assumeRoleConfig is awsCfg with credentials of roleARN, assumed through
// STS with the function's own credentials and cached until shortly before
// they expire.
func assumeRoleConfig(awsCfg aws.Config, roleARN, externalID string) aws.Config {
	provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(awsCfg), roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "originlock-rotation"
		if externalID != "" {
			o.ExternalID = aws.String(externalID)
		}
	})
	assumed := awsCfg.Copy()
	assumed.Credentials = aws.NewCredentialsCache(provider)
	return assumed
}
