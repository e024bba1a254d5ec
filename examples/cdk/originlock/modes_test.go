package originlock

import (
	"archive/zip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

const (
	existingSecretARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:team/origin-verify-AbCdEf"
	existingKeyARN    = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
)

// prebuilt is Props.Code from two zips written for the test: no build, no
// source tree needed.
func prebuilt(t *testing.T) *FunctionCode {
	t.Helper()
	dir := t.TempDir()
	return &FunctionCode{
		Rotation:   awslambda.Code_FromAsset(jsii.String(writeZip(t, dir, "rotation")), nil),
		Authorizer: awslambda.Code_FromAsset(jsii.String(writeZip(t, dir, "authorizer")), nil),
	}
}

// writeZip writes dir/name.zip holding a file named bootstrap (a stand-in:
// nothing runs it) and returns its path.
func writeZip(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name+".zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	z := zip.NewWriter(f)
	w, err := z.Create("bootstrap")
	if err == nil {
		_, err = w.Write([]byte(name))
	}
	if err == nil {
		err = z.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAttachToExistingRESTAPI: an existing REST API and distribution; the
// user's own method takes the authorizer and the integration parameters.
func TestAttachToExistingRESTAPI(t *testing.T) {
	props := &Props{Code: prebuilt(t), ModuleDir: "/nonexistent"}
	s := synthHooks(t, props, func(stack awscdk.Stack) {
		props.Existing = &Existing{
			RESTAPI:         awsapigateway.RestApi_FromRestApiAttributes(stack, jsii.String("Existing"), &awsapigateway.RestApiAttributes{RestApiId: jsii.String("abc123"), RootResourceId: jsii.String("root0")}),
			DistributionIDs: []string{"E1EXISTING", "E2EXISTING"},
			OriginIDs:       []string{"api"},
		}
	}, func(_ awscdk.Stack, lock *Lock) {
		// The user's own method, as README.md shows.
		params := lock.RESTIntegrationParameters()
		method := props.Existing.RESTAPI.Root().AddResource(jsii.String("orders"), nil).AddMethod(jsii.String("ANY"),
			awsapigateway.NewHttpIntegration(jsii.String("https://backend.example.com/orders"), &awsapigateway.HttpIntegrationProps{
				HttpMethod: jsii.String("ANY"), Proxy: jsii.Bool(true),
				Options: &awsapigateway.IntegrationOptions{RequestParameters: &params},
			}),
			&awsapigateway.MethodOptions{AuthorizationType: awsapigateway.AuthorizationType_CUSTOM, Authorizer: lock.RESTAuthorizer()})
		// The user's decision, as for the construct's own methods (nag.go).
		cdknag.NagSuppressions_AddResourceSuppressions(method, &[]*cdknag.NagPackSuppression{{
			Id: jsii.String("AwsSolutions-COG4"), Reason: jsii.String("The origin-header authorizer admits only requests through CloudFront; end users are the backend's concern."),
		}}, jsii.Bool(true))
	})
	tpl := s.template

	for typ, want := range map[string]float64{
		"AWS::CloudFront::Distribution": 0,
		"AWS::ApiGateway::RestApi":      0,
		"AWS::ApiGateway::Authorizer":   1,
		"AWS::Lambda::Function":         2,
		"AWS::SecretsManager::Secret":   1,
	} {
		must(t, typ, func() { tpl.ResourceCountIs(jsii.String(typ), jsii.Number(want)) })
	}
	must(t, "authorizer in the existing API", func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Authorizer"), map[string]any{
			"RestApiId": "abc123", "Type": "REQUEST", "IdentitySource": "method.request.header.X-Origin-Verify",
		})
	})
	must(t, "the user's method strips the header", func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Method"), map[string]any{
			"AuthorizationType": "CUSTOM",
			"Integration": map[string]any{
				"RequestParameters": map[string]any{"integration.request.header.X-Origin-Verify": "'-'"},
			},
		})
	})
	must(t, "prebuilt code, JSON logs, the existing distributions", func() {
		tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Handler":       "bootstrap",
			"LoggingConfig": map[string]any{"LogFormat": "JSON"},
			"Environment": map[string]any{"Variables": assertions.Match_ObjectLike(&map[string]any{
				"DISTRIBUTIONS": "E1EXISTING:api;E2EXISTING:api",
				"SETTLE_DELAY":  "10s",
			})},
		})
	})
	_, policy := s.only(t, "AWS::IAM::Role", "UpdateOriginHeader")
	if raw := jsonString(policy); !strings.Contains(raw, ":cloudfront::") || !strings.Contains(raw, "distribution/E1EXISTING") || !strings.Contains(raw, "distribution/E2EXISTING") {
		t.Errorf("the rotation role must name both existing distributions: %s", raw)
	}
	s.nag(t)
	s.lint(t)
}

// TestAttachToExistingHTTPAPIWithExistingSecretAndKey: an existing HTTP API,
// an existing secret encrypted with a customer managed key, and the alarms.
func TestAttachToExistingHTTPAPIWithExistingSecretAndKey(t *testing.T) {
	props := &Props{Code: prebuilt(t), APIType: HTTPAPI, RefreshCooldown: 10 * time.Second, SettleDelay: 20 * time.Second}
	var api awsapigatewayv2.IHttpApi
	s := synthHooks(t, props, func(stack awscdk.Stack) {
		api = awsapigatewayv2.HttpApi_FromHttpApiAttributes(stack, jsii.String("Existing"), &awsapigatewayv2.HttpApiAttributes{HttpApiId: jsii.String("def456")})
		key := awskms.NewKey(stack, jsii.String("AlarmKey"), &awskms.KeyProps{EnableKeyRotation: jsii.Bool(true)})
		props.Existing = &Existing{
			HTTPAPI:         api,
			DistributionIDs: []string{"E1EXISTING"},
			Secret:          awssecretsmanager.Secret_FromSecretCompleteArn(stack, jsii.String("ExistingSecret"), jsii.String(existingSecretARN)),
		}
		props.SecretKey = awskms.Key_FromKeyArn(stack, jsii.String("SecretKey"), jsii.String(existingKeyARN))
		props.AlarmTopic = awssns.NewTopic(stack, jsii.String("Alarms"), &awssns.TopicProps{MasterKey: key, EnforceSSL: jsii.Bool(true)})
	}, func(stack awscdk.Stack, lock *Lock) {
		// The user's own route, as README.md shows.
		awsapigatewayv2.NewHttpRoute(stack, jsii.String("Orders"), &awsapigatewayv2.HttpRouteProps{
			HttpApi:  api,
			RouteKey: awsapigatewayv2.HttpRouteKey_With(jsii.String("/orders"), awsapigatewayv2.HttpMethod_ANY),
			Integration: awsapigatewayv2integrations.NewHttpUrlIntegration(jsii.String("Orders"), jsii.String("https://backend.example.com/orders"),
				&awsapigatewayv2integrations.HttpUrlIntegrationProps{ParameterMapping: lock.HTTPParameterMapping()}),
			Authorizer: lock.HTTPAuthorizer(),
		})
	})
	tpl := s.template

	for typ, want := range map[string]float64{
		"AWS::SecretsManager::Secret":   0,
		"AWS::CloudFront::Distribution": 0,
		"AWS::ApiGatewayV2::Api":        0,
		"AWS::ApiGatewayV2::Authorizer": 1,
		"AWS::CloudWatch::Alarm":        4,
		"AWS::Events::Rule":             1,
	} {
		must(t, typ, func() { tpl.ResourceCountIs(jsii.String(typ), jsii.Number(want)) })
	}
	must(t, "the route's integration removes the header", func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Integration"), map[string]any{
			"ApiId":             "def456",
			"RequestParameters": map[string]any{"remove:header.X-Origin-Verify": "''"},
		})
	})
	must(t, "rotation of the existing secret", func() {
		tpl.HasResourceProperties(jsii.String("AWS::SecretsManager::RotationSchedule"), map[string]any{"SecretId": existingSecretARN})
	})
	must(t, "the authorizer's timing", func() {
		tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Environment": map[string]any{"Variables": assertions.Match_ObjectLike(&map[string]any{
				"AUTHORIZER_TYPE": "http-simple", "SETTLE_DELAY": "20s", "REFRESH_COOLDOWN": "10s",
			})},
		})
	})
	must(t, "the key only through Secrets Manager for this secret", func() {
		tpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{
			"Policies": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"PolicyDocument": assertions.Match_ObjectLike(&map[string]any{
					"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
						"Action":    []any{"kms:Decrypt", "kms:GenerateDataKey"},
						"Resource":  existingKeyARN,
						"Condition": map[string]any{"StringEquals": assertions.Match_ObjectLike(&map[string]any{"kms:EncryptionContext:SecretARN": existingSecretARN})},
					})}),
				}),
			})}),
		})
	})
	must(t, "the rule for failed rotations", func() {
		tpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{
			"EventPattern": map[string]any{
				"source":      []any{"aws.secretsmanager"},
				"detail-type": []any{"AWS Service Event via CloudTrail"},
				"detail": map[string]any{
					"eventSource":         []any{"secretsmanager.amazonaws.com"},
					"eventName":           []any{"RotationFailed", "RotationAbandoned"},
					"additionalEventData": map[string]any{"SecretId": []any{existingSecretARN}},
				},
			},
		})
	})
	for name, want := range map[string]map[string]any{
		"unavailable decisions": {"Namespace": "Originlock", "MetricName": "Decisions", "Threshold": 0},
		"rotation duration":     {"Namespace": "AWS/Lambda", "MetricName": "Duration", "Statistic": "Maximum", "Threshold": 720000},
	} {
		must(t, name+" alarm", func() { tpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), want) })
	}
	s.nag(t)
	s.lint(t)
}

// TestHeaderStrippedFromCreatedAPIs: the APIs the construct creates never
// pass the header to the backend.
func TestHeaderStrippedFromCreatedAPIs(t *testing.T) {
	for _, api := range []APIType{RESTAPI, HTTPAPI} {
		t.Run(string(api), func(t *testing.T) {
			s := synth(t, &Props{Code: prebuilt(t), APIType: api, BackendURL: "https://backend.example.com/v1"})
			if api == RESTAPI {
				for _, m := range s.resources("AWS::ApiGateway::Method") {
					got := m["Properties"].(map[string]any)["Integration"].(map[string]any)["RequestParameters"]
					if got.(map[string]any)["integration.request.header.X-Origin-Verify"] != "'-'" {
						t.Errorf("REST integration request parameters = %v, want the header overwritten", jsonString(got))
					}
				}
				return
			}
			integrations := s.resources("AWS::ApiGatewayV2::Integration")
			if len(integrations) != 2 {
				t.Fatalf("%d HTTP integrations, want 2", len(integrations))
			}
			for _, in := range integrations {
				if got := in["Properties"].(map[string]any)["RequestParameters"]; !equalJSON(got, map[string]any{"remove:header.X-Origin-Verify": "''"}) {
					t.Errorf("HTTP integration request parameters = %v, want the header removed", jsonString(got))
				}
			}
		})
	}
}

// TestTimingValidation: the invariants the Terraform modules check too.
func TestTimingValidation(t *testing.T) {
	for name, tc := range map[string]struct {
		props Props
		want  string // "" for valid
	}{
		"defaults":                        {Props{}, ""},
		"settle within cooldown + read":   {Props{RefreshCooldown: 10 * time.Second, SettleDelay: 14 * time.Second}, "SettleDelay 14s"},
		"settle covers cooldown + read":   {Props{RefreshCooldown: 10 * time.Second, SettleDelay: 15 * time.Second}, ""},
		"settle beyond half timeout":      {Props{SettleDelay: 451 * time.Second}, "at most half"},
		"settle not whole seconds":        {Props{SettleDelay: 10500 * time.Millisecond}, "whole seconds"},
		"ttl above previous grace":        {Props{AuthorizerCacheTTL: 20 * time.Minute, PreviousGrace: 10 * time.Minute}, "AuthorizerCacheTTL 20m0s"},
		"ttl above grace, cache off":      {Props{AuthorizerCacheTTL: 20 * time.Minute, PreviousGrace: 10 * time.Minute, DisableAuthorizerCache: true}, ""},
		"distributions without an api":    {Props{Existing: &Existing{DistributionIDs: []string{"E1ABC"}}}, "only with Existing.RESTAPI"},
		"bad distribution id":             {Props{Existing: &Existing{DistributionIDs: []string{"e1-abc"}}}, "DistributionIDs"},
		"external ID without a role":      {Props{CloudFrontExternalID: "x"}, "CloudFrontExternalID: only with CloudFrontRoleARN"},
		"role that is not a role ARN":     {Props{CloudFrontRoleARN: "arn:aws:iam::123456789012:user/ops"}, "want an IAM role ARN"},
		"role for a created distribution": {Props{CloudFrontRoleARN: "arn:aws:iam::123456789012:role/cf"}, "only with Existing.DistributionIDs"},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.props.Validate()
			if tc.want == "" {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidProps) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate() = %v, want ErrInvalidProps mentioning %q", err, tc.want)
			}
		})
	}
}

// TestCrossAccountDistributions: existing distributions in another account,
// reached through a role there; the rotation role may assume it and holds no
// CloudFront permission of its own.
func TestCrossAccountDistributions(t *testing.T) {
	const role = "arn:aws:iam::444455556666:role/originlock-cloudfront"
	props := &Props{Code: prebuilt(t), ModuleDir: "/nonexistent", CloudFrontRoleARN: role, CloudFrontExternalID: "originlock-ext"}
	s := synthHooks(t, props, func(stack awscdk.Stack) {
		props.Existing = &Existing{
			RESTAPI:         awsapigateway.RestApi_FromRestApiAttributes(stack, jsii.String("Existing"), &awsapigateway.RestApiAttributes{RestApiId: jsii.String("abc123"), RootResourceId: jsii.String("root0")}),
			DistributionIDs: []string{"E1OTHERACCOUNT"},
			OriginIDs:       []string{"api"},
		}
	}, func(_ awscdk.Stack, lock *Lock) {
		// The user's method: a REST authorizer exists only on a method.
		params := lock.RESTIntegrationParameters()
		method := props.Existing.RESTAPI.Root().AddMethod(jsii.String("ANY"),
			awsapigateway.NewHttpIntegration(jsii.String("https://backend.example.com/"), &awsapigateway.HttpIntegrationProps{
				HttpMethod: jsii.String("ANY"), Proxy: jsii.Bool(true),
				Options: &awsapigateway.IntegrationOptions{RequestParameters: &params},
			}),
			&awsapigateway.MethodOptions{AuthorizationType: awsapigateway.AuthorizationType_CUSTOM, Authorizer: lock.RESTAuthorizer()})
		cdknag.NagSuppressions_AddResourceSuppressions(method, &[]*cdknag.NagPackSuppression{{
			Id: jsii.String("AwsSolutions-COG4"), Reason: jsii.String("The origin-header authorizer admits only requests through CloudFront; end users are the backend's concern."),
		}}, jsii.Bool(true))
	})
	tpl := s.template
	must(t, "the rotation function names the role and the external ID", func() {
		tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Environment": map[string]any{"Variables": assertions.Match_ObjectLike(&map[string]any{
				"DISTRIBUTIONS":          "E1OTHERACCOUNT:api",
				"CLOUDFRONT_ROLE_ARN":    role,
				"CLOUDFRONT_EXTERNAL_ID": "originlock-ext",
			})},
		})
	})
	_, policy := s.only(t, "AWS::IAM::Role", "AssumeCloudFrontRole")
	raw := jsonString(policy)
	if !strings.Contains(raw, "sts:AssumeRole") || !strings.Contains(raw, role) {
		t.Errorf("the rotation role must be allowed to assume %s: %s", role, raw)
	}
	if strings.Contains(raw, "cloudfront:UpdateDistribution") {
		t.Errorf("the rotation role holds CloudFront permissions in this account although the distributions are in another: %s", raw)
	}
	s.nag(t)
	s.lint(t)
}
