package originlock

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"
)

// allowedSuppressions are the cdk-nag rules the construct may suppress; a
// new suppression must be added here, with its reason reviewed.
var allowedSuppressions = map[string]bool{
	"AwsSolutions-CFR1":  true, // geo restriction: the backend's decision
	"AwsSolutions-CFR2":  true, // WAF: opt-in through WebACLID
	"AwsSolutions-CFR3":  true, // CloudFront logs: opt-in through LogBucket
	"AwsSolutions-CFR4":  true, // default certificate without a custom domain
	"AwsSolutions-COG4":  true, // the origin-header authorizer is not Cognito
	"AwsSolutions-APIG3": true, // WAF belongs on the distribution
	"AwsSolutions-IAM4":  true, // API Gateway account role, opt-in
}

// minReasonLength keeps reasons from being a word or two.
const minReasonLength = 60

// nagRule matches the messages of cdk-nag's AwsSolutions pack.
func nagRule(id string) assertions.Match {
	return assertions.Match_StringLikeRegexp(jsii.String("^AwsSolutions-" + id))
}

// nag checks the cdk-nag AwsSolutions results of the stack: no unsuppressed
// error or warning, and every suppression allowed and explained.
func (s *synthesized) nag(t *testing.T) {
	annotations := assertions.Annotations_FromStack(s.stack)
	must(t, "cdk-nag errors", func() { annotations.HasNoError(jsii.String("*"), nagRule("")) })
	must(t, "cdk-nag warnings", func() { annotations.HasNoWarning(jsii.String("*"), nagRule("")) })
	for id := range suppressedRules(s) {
		if !allowedSuppressions[id] {
			t.Errorf("suppression of %s is not one of the reviewed ones", id)
		}
	}
	walk(s.json, "", func(path, key string, v any) {
		if key != "rules_to_suppress" {
			return
		}
		for _, r := range v.([]any) {
			rule := r.(map[string]any)
			reason, _ := rule["reason"].(string)
			if len(strings.TrimSpace(reason)) < minReasonLength {
				t.Errorf("%s: suppression of %v has no real reason: %q", path, rule["id"], reason)
			}
		}
	})
}

// suppressedRules returns the IDs of the cdk-nag rules suppressed anywhere in
// the template.
func suppressedRules(s *synthesized) map[string]bool {
	out := map[string]bool{}
	walk(s.json, "", func(path, key string, v any) {
		if key == "rules_to_suppress" {
			for _, r := range v.([]any) {
				out[r.(map[string]any)["id"].(string)] = true
			}
		}
	})
	return out
}

// TestNagFindsProblems proves the cdk-nag harness reports what it should: an
// S3 bucket with every default is non-compliant in several ways, and the
// checks above would see it.
func TestNagFindsProblems(t *testing.T) {
	s := synthHooks(t, nil, nil, func(stack awscdk.Stack, _ *Lock) {
		awss3.NewBucket(stack, jsii.String("Unsafe"), nil)
	})
	annotations := assertions.Annotations_FromStack(s.stack)
	for _, id := range []string{"S1:", "S10:"} {
		must(t, "finding "+id, func() { annotations.HasError(jsii.String("/Test/Unsafe/Resource"), nagRule(id)) })
	}
}
