package originlock

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// TestHTTPAPI checks a lock with an HTTP API proxying to a backend.
func TestHTTPAPI(t *testing.T) {
	s := synth(t, &Props{APIType: HTTPAPI, BackendURL: "https://backend.example.com/v1/"})
	tpl := s.template

	t.Run("resource counts", func(t *testing.T) {
		for typ, want := range map[string]float64{
			"AWS::ApiGatewayV2::Api":                1,
			"AWS::ApiGatewayV2::Authorizer":         1,
			"AWS::ApiGatewayV2::Route":              2,
			"AWS::ApiGatewayV2::Integration":        2,
			"AWS::ApiGatewayV2::Stage":              1,
			"AWS::ApiGateway::RestApi":              0,
			"AWS::Lambda::Function":                 2,
			"AWS::Lambda::Permission":               2,
			"AWS::SecretsManager::RotationSchedule": 1,
			"AWS::CloudFront::Distribution":         1,
		} {
			must(t, typ, func() { tpl.ResourceCountIs(jsii.String(typ), jsii.Number(want)) })
		}
	})

	secretID, _ := s.only(t, "AWS::SecretsManager::Secret")
	distributionID, _ := s.only(t, "AWS::CloudFront::Distribution")
	authorizerID, _ := s.only(t, "AWS::ApiGatewayV2::Authorizer")
	apiID, _ := s.only(t, "AWS::ApiGatewayV2::Api")

	t.Run("payload 2.0 simple-response authorizer on the header", func(t *testing.T) {
		must(t, "authorizer", func() {
			tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Authorizer"), map[string]any{
				"AuthorizerType":                 "REQUEST",
				"AuthorizerPayloadFormatVersion": "2.0",
				"EnableSimpleResponses":          true,
				"IdentitySource":                 []any{"$request.header.X-Origin-Verify"},
				"AuthorizerResultTtlInSeconds":   300,
			})
		})
		must(t, "authorizer function", func() {
			tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
				"Environment": map[string]any{"Variables": map[string]any{
					"AUTHORIZER_TYPE": "http-simple",
					"HEADER_NAME":     "X-Origin-Verify",
					"SECRET_ID":       ref(secretID),
				}},
			})
		})
	})

	t.Run("every route proxies through the authorizer", func(t *testing.T) {
		routes := map[string]bool{}
		for id, r := range s.resources("AWS::ApiGatewayV2::Route") {
			props := r["Properties"].(map[string]any)
			routes[props["RouteKey"].(string)] = true
			if props["AuthorizationType"] != "CUSTOM" || !equalJSON(props["AuthorizerId"], ref(authorizerID)) {
				t.Errorf("route %s: AuthorizationType %v, AuthorizerId %s; want CUSTOM and the origin-header authorizer",
					id, props["AuthorizationType"], jsonString(props["AuthorizerId"]))
			}
		}
		if !routes["ANY /"] || !routes["ANY /{proxy+}"] {
			t.Errorf("routes: got %v, want ANY / and ANY /{proxy+}", routes)
		}
		uris := map[string]bool{}
		for _, r := range s.resources("AWS::ApiGatewayV2::Integration") {
			uris[r["Properties"].(map[string]any)["IntegrationUri"].(string)] = true
		}
		for _, want := range []string{"https://backend.example.com/v1/", "https://backend.example.com/v1/{proxy}"} {
			if !uris[want] {
				t.Errorf("integration URIs: got %v, want one of %q", uris, want)
			}
		}
	})

	t.Run("default stage with access log", func(t *testing.T) {
		must(t, "stage", func() {
			tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), map[string]any{
				"StageName":  "$default",
				"AutoDeploy": true,
				"AccessLogSettings": map[string]any{
					"DestinationArn": assertions.Match_AnyValue(),
					"Format":         assertions.Match_StringLikeRegexp(jsii.String(`"requestId":"\$context.requestId"`)),
				},
			})
		})
	})

	t.Run("origin is the API's execute-api host", func(t *testing.T) {
		_, props := s.only(t, "AWS::CloudFront::Distribution")
		origin := props["DistributionConfig"].(map[string]any)["Origins"].([]any)[0].(map[string]any)
		want := map[string]any{"Fn::Select": []any{2, map[string]any{"Fn::Split": []any{"/", getAtt(apiID, "ApiEndpoint")}}}}
		if !equalJSON(origin["DomainName"], want) {
			t.Errorf("origin domain: got %s, want %s", jsonString(origin["DomainName"]), jsonString(want))
		}
		if path, ok := origin["OriginPath"]; ok {
			t.Errorf("origin path: got %v, want none ($default stage)", path)
		}
	})

	checkDistribution(t, s, "X-Origin-Verify", secretID)
	checkIAM(t, s, secretID, distributionID)
	t.Run("cdk-nag", s.nag)
	t.Run("cfn-lint", s.lint)
}
