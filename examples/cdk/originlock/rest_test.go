package originlock

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// TestRESTDefaults checks the template of a lock with default props: a REST
// API with the mock backend.
func TestRESTDefaults(t *testing.T) {
	s := synth(t, nil)
	tpl := s.template

	t.Run("resource counts", func(t *testing.T) {
		for typ, want := range map[string]float64{
			"AWS::SecretsManager::Secret":           1,
			"AWS::SecretsManager::RotationSchedule": 1,
			"AWS::Lambda::Function":                 2,
			"AWS::Lambda::Permission":               2,
			"AWS::IAM::Role":                        2,
			"AWS::IAM::Policy":                      0,
			"AWS::Logs::LogGroup":                   3,
			"AWS::CloudFront::Distribution":         1,
			"AWS::ApiGateway::RestApi":              1,
			"AWS::ApiGateway::Authorizer":           1,
			"AWS::ApiGateway::Method":               2,
			"AWS::ApiGateway::Stage":                1,
			"AWS::ApiGateway::RequestValidator":     1,
			"AWS::ApiGateway::Account":              0,
			"AWS::ApiGatewayV2::Api":                0,
		} {
			must(t, typ, func() { tpl.ResourceCountIs(jsii.String(typ), jsii.Number(want)) })
		}
	})

	secretID, _ := s.only(t, "AWS::SecretsManager::Secret")
	rotationID, _ := s.only(t, "AWS::Lambda::Function", `"DISTRIBUTIONS"`)
	authorizerFnID, _ := s.only(t, "AWS::Lambda::Function", `"AUTHORIZER_TYPE"`)
	distributionID, _ := s.only(t, "AWS::CloudFront::Distribution")
	authorizerID, _ := s.only(t, "AWS::ApiGateway::Authorizer")

	t.Run("secret is generated", func(t *testing.T) {
		must(t, "secret", func() {
			tpl.HasResourceProperties(jsii.String("AWS::SecretsManager::Secret"), map[string]any{
				"GenerateSecretString": map[string]any{
					"SecretStringTemplate": "{}",
					"GenerateStringKey":    "HEADERVALUE",
					"ExcludePunctuation":   true,
					"PasswordLength":       64,
				},
				"SecretString": assertions.Match_Absent(),
			})
		})
	})

	t.Run("rotation schedule invokes the rotation function at once", func(t *testing.T) {
		must(t, "schedule", func() {
			tpl.HasResource(jsii.String("AWS::SecretsManager::RotationSchedule"), map[string]any{
				"Properties": map[string]any{
					"SecretId":                  ref(secretID),
					"RotationLambdaARN":         getAtt(rotationID, "Arn"),
					"RotateImmediatelyOnUpdate": true,
					"RotationRules":             map[string]any{"ScheduleExpression": "rate(30 days)"},
				},
				// The first rotation needs the invoke permission and the
				// distribution in place.
				"DependsOn": assertions.Match_ArrayWith(&[]any{distributionID}),
			})
		})
		permissionID, _ := s.only(t, "AWS::Lambda::Permission", "secretsmanager.amazonaws.com")
		must(t, "schedule depends on the permission", func() {
			tpl.HasResource(jsii.String("AWS::SecretsManager::RotationSchedule"), map[string]any{
				"DependsOn": assertions.Match_ArrayWith(&[]any{permissionID}),
			})
		})
	})

	t.Run("secretsmanager permission is scoped to the secret and account", func(t *testing.T) {
		must(t, "permission", func() {
			tpl.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), map[string]any{
				"Action":        "lambda:InvokeFunction",
				"FunctionName":  getAtt(rotationID, "Arn"),
				"Principal":     "secretsmanager.amazonaws.com",
				"SourceArn":     ref(secretID),
				"SourceAccount": ref("AWS::AccountId"),
			})
		})
	})

	t.Run("functions", func(t *testing.T) {
		common := map[string]any{
			"Runtime":       "provided.al2023",
			"Architectures": []any{"arm64"},
			"Handler":       "bootstrap",
		}
		for _, fn := range []struct {
			id      string
			timeout int
			env     map[string]any
		}{
			{rotationID, 900, map[string]any{
				"SECRET_ID":     ref(secretID),
				"DISTRIBUTIONS": map[string]any{"Fn::Join": []any{"", []any{ref(distributionID), ":api"}}},
				"HEADER_NAME":   "X-Origin-Verify",
				"SETTLE_DELAY":  "10s",
			}},
			{authorizerFnID, 10, map[string]any{
				"SECRET_ID":       ref(secretID),
				"AUTHORIZER_TYPE": "rest-request",
				"HEADER_NAME":     "X-Origin-Verify",
				"SETTLE_DELAY":    "10s",
			}},
		} {
			props := s.resources("AWS::Lambda::Function")[fn.id]["Properties"].(map[string]any)
			for k, want := range common {
				if !equalJSON(props[k], want) {
					t.Errorf("%s %s: got %s, want %s", fn.id, k, jsonString(props[k]), jsonString(want))
				}
			}
			if got := props["Timeout"]; !equalJSON(got, fn.timeout) {
				t.Errorf("%s Timeout: got %v, want %d", fn.id, got, fn.timeout)
			}
			if got := props["MemorySize"]; !equalJSON(got, 128) {
				t.Errorf("%s MemorySize: got %v, want 128", fn.id, got)
			}
			env := props["Environment"].(map[string]any)["Variables"]
			if !equalJSON(env, fn.env) {
				t.Errorf("%s environment: got %s, want %s", fn.id, jsonString(env), jsonString(fn.env))
			}
		}
	})

	t.Run("REQUEST authorizer on the header, every method behind it", func(t *testing.T) {
		must(t, "authorizer", func() {
			tpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Authorizer"), map[string]any{
				"Type":                         "REQUEST",
				"IdentitySource":               "method.request.header.X-Origin-Verify",
				"AuthorizerResultTtlInSeconds": 300,
			})
		})
		must(t, "authorizer permission", func() {
			tpl.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), map[string]any{
				"FunctionName": getAtt(authorizerFnID, "Arn"),
				"Principal":    "apigateway.amazonaws.com",
				"SourceArn":    assertions.Match_AnyValue(),
			})
		})
		for id, m := range s.resources("AWS::ApiGateway::Method") {
			props := m["Properties"].(map[string]any)
			if props["AuthorizationType"] != "CUSTOM" || !equalJSON(props["AuthorizerId"], ref(authorizerID)) {
				t.Errorf("method %s: AuthorizationType %v, AuthorizerId %v; want CUSTOM and the origin-header authorizer",
					id, props["AuthorizationType"], jsonString(props["AuthorizerId"]))
			}
			params, _ := props["RequestParameters"].(map[string]any)
			if params["method.request.header.X-Origin-Verify"] != true {
				t.Errorf("method %s: the header is not a required request parameter: %s", id, jsonString(params))
			}
		}
	})

	t.Run("stage logs without the header", func(t *testing.T) {
		must(t, "stage", func() {
			tpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Stage"), map[string]any{
				"StageName":         "prod",
				"AccessLogSetting":  map[string]any{"DestinationArn": assertions.Match_AnyValue(), "Format": assertions.Match_AnyValue()},
				"MethodSettings":    assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{"LoggingLevel": "ERROR", "DataTraceEnabled": false})}),
				"TracingEnabled":    assertions.Match_Absent(),
				"ClientCertificate": assertions.Match_Absent(),
			})
		})
	})

	t.Run("regional endpoint", func(t *testing.T) {
		must(t, "rest api", func() {
			tpl.HasResourceProperties(jsii.String("AWS::ApiGateway::RestApi"), map[string]any{
				"EndpointConfiguration": map[string]any{"Types": []any{"REGIONAL"}},
			})
		})
	})

	checkDistribution(t, s, "X-Origin-Verify", secretID)
	checkIAM(t, s, secretID, distributionID)
	checkBundles(t, s)
	t.Run("cdk-nag", s.nag)
	t.Run("cfn-lint", s.lint)
}
