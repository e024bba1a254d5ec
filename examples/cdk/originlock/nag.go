package originlock

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// suppression is one cdk-nag rule the construct deliberately does not
// follow, with the reason written down.
type suppression struct {
	ID     string
	Reason string
	// AppliesTo narrows a granular rule to these findings.
	AppliesTo []string
}

// nagSuppressions returns the cdk-nag AwsSolutions findings this lock
// suppresses and why; New attaches each to the resource it concerns. Those
// that depend on props (logging, certificate, WAF) disappear when the props
// provide what the rule asks for.
func (l *Lock) nagSuppressions() (distribution, api, accountRole []suppression) {
	p := l.props
	distribution = append(distribution, suppression{ID: "AwsSolutions-CFR1",
		Reason: "Who may call the API is the backend's decision, not a country list; add a GeoRestriction to Distribution() where the business needs one."})
	if p.WebACLID == "" {
		distribution = append(distribution, suppression{ID: "AwsSolutions-CFR2",
			Reason: "WAF is opt-in (Props.WebACLID): a web ACL's rules, cost and false positives are the deployer's call. The origin lock keeps callers from bypassing one."})
	}
	if p.LogBucket == nil {
		distribution = append(distribution, suppression{ID: "AwsSolutions-CFR3",
			Reason: "CloudFront standard logs are opt-in (Props.LogBucket): the bucket, its ACLs and its retention are the deployer's to own. The API stage keeps an access log either way."})
	}
	if p.Certificate == nil {
		distribution = append(distribution, suppression{ID: "AwsSolutions-CFR4",
			Reason: "Without a custom domain the distribution uses the *.cloudfront.net certificate, whose security policy CloudFront fixes; Props.DomainNames with Props.Certificate switch to TLSv1.2_2021."})
	}
	if p.APIType == RESTAPI {
		api = append(api,
			suppression{ID: "AwsSolutions-COG4",
				Reason: "Every method uses the origin-header Lambda REQUEST authorizer, which admits only requests that came through CloudFront; end-user authentication is the backend's concern, not this lock's."},
			suppression{ID: "AwsSolutions-APIG3",
				Reason: "WAF belongs on the distribution (Props.WebACLID), where it sees viewer traffic; the stage only answers requests that carry the CloudFront origin secret."},
		)
	}
	if p.APIType == RESTAPI && p.CreateAPIGatewayAccountRole {
		accountRole = append(accountRole, suppression{
			ID: "AwsSolutions-IAM4",
			Reason: "API Gateway's account-level logging role uses AmazonAPIGatewayPushToCloudWatchLogs, the policy AWS documents for it; " +
				"the role serves every REST API of the account and region, so it cannot be scoped to this API's log groups.",
			AppliesTo: []string{"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"},
		})
	}
	return distribution, api, accountRole
}

// addNagSuppressions attaches nagSuppressions to the resources, and
// acknowledges the CDK's warning about goBuildFlags, which are constants of
// this package.
func (l *Lock) addNagSuppressions() {
	distribution, api, accountRole := l.nagSuppressions()
	if l.distribution != nil {
		cdknag.NagSuppressions_AddResourceSuppressions(l.distribution, nagPack(distribution), jsii.Bool(true))
	}
	if l.restAPI != nil && len(api) > 0 {
		cdknag.NagSuppressions_AddResourceSuppressions(l.restAPI, nagPack(api), jsii.Bool(true))
	}
	if len(accountRole) > 0 {
		role := l.restAPI.Node().FindChild(jsii.String("CloudWatchRole"))
		cdknag.NagSuppressions_AddResourceSuppressions(role, nagPack(accountRole), jsii.Bool(true))
	}
	awscdk.Annotations_Of(l.Construct).AcknowledgeWarning(
		jsii.String("@aws-cdk/aws-lambda-go-alpha:goBuildFlagsSecurityWarning"),
		jsii.String("the go build flags are constants of the originlock construct, not user input"))
}

func nagPack(suppressions []suppression) *[]*cdknag.NagPackSuppression {
	out := make([]*cdknag.NagPackSuppression, len(suppressions))
	for i, s := range suppressions {
		out[i] = &cdknag.NagPackSuppression{Id: jsii.String(s.ID), Reason: jsii.String(s.Reason)}
		if len(s.AppliesTo) > 0 {
			appliesTo := make([]any, len(s.AppliesTo))
			for j, a := range s.AppliesTo {
				appliesTo[j] = a
			}
			out[i].AppliesTo = &appliesTo
		}
	}
	return &out
}
