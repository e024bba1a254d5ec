package originlock

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	"github.com/aws/jsii-runtime-go"
)

// authorizerName names the authorizer in API Gateway.
const authorizerName = "origin-header"

// mockAnswer is what the REST API's mock backend returns when no BackendURL
// is set.
const mockAnswer = `{"message": "reached the API through CloudFront"}`

// newAPI creates the API chosen by Props.APIType and returns the
// distribution origin for it, which carries the secret header.
func (l *Lock) newAPI() awscloudfront.IOrigin {
	if l.props.APIType == HTTPAPI {
		return l.newHTTPAPI()
	}
	return l.newRESTAPI()
}

// originHeaders is the origin custom header with the secret's current value
// as a CloudFormation dynamic reference ({{resolve:secretsmanager:...}}):
// CloudFormation resolves it when it creates or updates the distribution, so
// the value is never in the template. Rotation then changes the header
// behind CloudFormation's back; a later update of the distribution resolves
// AWSCURRENT again, a value the authorizer always accepts.
func (l *Lock) originHeaders() *map[string]*string {
	return &map[string]*string{
		l.props.HeaderName: l.secret.SecretValueFromJson(jsii.String(SecretJSONKey)).UnsafeUnwrap(),
	}
}

func (l *Lock) newRESTAPI() awscloudfront.IOrigin {
	p := l.props
	authorizer := l.newRESTAuthorizer()
	l.restAuthorizer = authorizer
	accessLogs := l.newLogGroup("ApiAccessLogs")
	api := awsapigateway.NewRestApi(l.Construct, jsii.String("RestApi"), &awsapigateway.RestApiProps{
		RestApiName: jsii.String(l.apiName()),
		Description: jsii.String("originlock: reachable only through CloudFront; requests need " + p.HeaderName),
		EndpointConfiguration: &awsapigateway.EndpointConfiguration{
			Types: &[]awsapigateway.EndpointType{awsapigateway.EndpointType_REGIONAL},
		},
		CloudWatchRole: jsii.Bool(p.CreateAPIGatewayAccountRole),
		DeployOptions: &awsapigateway.StageOptions{
			StageName:            jsii.String(p.StageName),
			AccessLogDestination: awsapigateway.NewLogGroupLogDestination(accessLogs),
			// Standard fields only: no request header, so never the secret.
			AccessLogFormat: awsapigateway.AccessLogFormat_JsonWithStandardFields(&awsapigateway.JsonWithStandardFieldProps{
				Caller: jsii.Bool(true), HttpMethod: jsii.Bool(true), Ip: jsii.Bool(true),
				Protocol: jsii.Bool(true), RequestTime: jsii.Bool(true), ResourcePath: jsii.Bool(true),
				ResponseLength: jsii.Bool(true), Status: jsii.Bool(true), User: jsii.Bool(true),
			}),
			LoggingLevel: awsapigateway.MethodLoggingLevel_ERROR,
			// Data trace logs full requests, headers included: it would
			// write the header value into CloudWatch Logs.
			DataTraceEnabled: jsii.Bool(false),
			MetricsEnabled:   jsii.Bool(true),
		},
		DefaultMethodOptions: &awsapigateway.MethodOptions{
			AuthorizationType: awsapigateway.AuthorizationType_CUSTOM,
			Authorizer:        authorizer,
		},
	})
	l.restAPI = api

	// The methods declare the header as required: API Gateway refuses a
	// request without it before any integration, and the authorizer decides
	// on its value. Bodies are validated only against request models, which
	// the proxy methods have none of: body validation stays the backend's.
	validator := api.AddRequestValidator(jsii.String("RequestValidator"), &awsapigateway.RequestValidatorOptions{
		ValidateRequestParameters: jsii.Bool(true),
		ValidateRequestBody:       jsii.Bool(true),
	})
	headerParam := "method.request.header." + p.HeaderName
	rootIntegration, proxyIntegration, methodResponses := l.restIntegrations()
	api.Root().AddMethod(jsii.String("ANY"), rootIntegration, &awsapigateway.MethodOptions{
		RequestValidator:  validator,
		RequestParameters: &map[string]*bool{headerParam: jsii.Bool(true)},
		MethodResponses:   methodResponses,
	})
	api.Root().AddResource(jsii.String("{proxy+}"), nil).AddMethod(jsii.String("ANY"), proxyIntegration, &awsapigateway.MethodOptions{
		RequestValidator: validator,
		RequestParameters: &map[string]*bool{
			headerParam:                 jsii.Bool(true),
			"method.request.path.proxy": jsii.Bool(true),
		},
		MethodResponses: methodResponses,
	})

	return awscloudfrontorigins.NewRestApiOrigin(api, &awscloudfrontorigins.RestApiOriginProps{
		OriginId:      jsii.String(OriginID),
		CustomHeaders: l.originHeaders(),
	})
}

// restIntegrations returns the integrations of ANY / and ANY /{proxy+}:
// HTTP proxies to BackendURL, or a mock answering 200 without one.
func (l *Lock) restIntegrations() (root, proxy awsapigateway.Integration, methodResponses *[]*awsapigateway.MethodResponse) {
	if url := l.props.BackendURL; url != "" {
		// The backend never sees the header: each integration overwrites it.
		strip := l.RESTIntegrationParameters()
		root = awsapigateway.NewHttpIntegration(jsii.String(url), &awsapigateway.HttpIntegrationProps{
			HttpMethod: jsii.String("ANY"),
			Proxy:      jsii.Bool(true),
			Options:    &awsapigateway.IntegrationOptions{RequestParameters: &strip},
		})
		proxyParams := map[string]*string{"integration.request.path.proxy": jsii.String("method.request.path.proxy")}
		for k, v := range strip {
			proxyParams[k] = v
		}
		proxy = awsapigateway.NewHttpIntegration(jsii.String(strings.TrimSuffix(url, "/")+"/{proxy}"), &awsapigateway.HttpIntegrationProps{
			HttpMethod: jsii.String("ANY"),
			Proxy:      jsii.Bool(true),
			Options:    &awsapigateway.IntegrationOptions{RequestParameters: &proxyParams},
		})
		return root, proxy, nil
	}
	mock := awsapigateway.NewMockIntegration(&awsapigateway.IntegrationOptions{
		RequestTemplates: &map[string]*string{"application/json": jsii.String(`{"statusCode": 200}`)},
		IntegrationResponses: &[]*awsapigateway.IntegrationResponse{{
			StatusCode:        jsii.String("200"),
			ResponseTemplates: &map[string]*string{"application/json": jsii.String(mockAnswer)},
		}},
	})
	return mock, mock, &[]*awsapigateway.MethodResponse{{StatusCode: jsii.String("200")}}
}

func (l *Lock) newHTTPAPI() awscloudfront.IOrigin {
	p := l.props
	authorizer := l.newHTTPAuthorizer()
	l.httpAuthorizer = authorizer
	api := awsapigatewayv2.NewHttpApi(l.Construct, jsii.String("HttpApi"), &awsapigatewayv2.HttpApiProps{
		ApiName:            jsii.String(l.apiName()),
		Description:        jsii.String("originlock: reachable only through CloudFront; requests need " + p.HeaderName),
		DefaultAuthorizer:  authorizer,
		CreateDefaultStage: jsii.Bool(false),
	})
	l.httpAPI = api

	stage := awsapigatewayv2.NewHttpStage(l.Construct, jsii.String("HttpStage"), &awsapigatewayv2.HttpStageProps{
		HttpApi:    api,
		StageName:  jsii.String("$default"),
		AutoDeploy: jsii.Bool(true),
	})
	// HttpStage has no L2 access log setting that takes a format without an
	// interface implementation; set the L1 property. HTTP APIs write access
	// logs through a service-linked role, no account setting needed.
	accessLogs := l.newLogGroup("ApiAccessLogs")
	stage.Node().DefaultChild().(awsapigatewayv2.CfnStage).SetAccessLogSettings(&awsapigatewayv2.CfnStage_AccessLogSettingsProperty{
		DestinationArn: accessLogs.LogGroupArn(),
		Format: awsapigateway.AccessLogFormat_JsonWithStandardFields(&awsapigateway.JsonWithStandardFieldProps{
			Caller: jsii.Bool(false), HttpMethod: jsii.Bool(true), Ip: jsii.Bool(true),
			Protocol: jsii.Bool(true), RequestTime: jsii.Bool(true), ResourcePath: jsii.Bool(true),
			ResponseLength: jsii.Bool(true), Status: jsii.Bool(true), User: jsii.Bool(false),
		}).ToString(),
	})

	url := p.BackendURL
	api.AddRoutes(&awsapigatewayv2.AddRoutesOptions{
		Path:    jsii.String("/"),
		Methods: &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod_ANY},
		Integration: awsapigatewayv2integrations.NewHttpUrlIntegration(jsii.String("Backend"), jsii.String(url),
			&awsapigatewayv2integrations.HttpUrlIntegrationProps{Method: awsapigatewayv2.HttpMethod_ANY, ParameterMapping: l.HTTPParameterMapping()}),
	})
	api.AddRoutes(&awsapigatewayv2.AddRoutesOptions{
		Path:    jsii.String("/{proxy+}"),
		Methods: &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod_ANY},
		Integration: awsapigatewayv2integrations.NewHttpUrlIntegration(jsii.String("BackendProxy"), jsii.String(strings.TrimSuffix(url, "/")+"/{proxy}"),
			&awsapigatewayv2integrations.HttpUrlIntegrationProps{Method: awsapigatewayv2.HttpMethod_ANY, ParameterMapping: l.HTTPParameterMapping()}),
	})

	// https://<id>.execute-api.<region>.amazonaws.com -> the host name.
	domain := awscdk.Fn_Select(jsii.Number(2), awscdk.Fn_Split(jsii.String("/"), api.ApiEndpoint(), nil))
	return awscloudfrontorigins.NewHttpOrigin(domain, &awscloudfrontorigins.HttpOriginProps{
		OriginId:           jsii.String(OriginID),
		CustomHeaders:      l.originHeaders(),
		ProtocolPolicy:     awscloudfront.OriginProtocolPolicy_HTTPS_ONLY,
		OriginSslProtocols: &[]awscloudfront.OriginSslPolicy{awscloudfront.OriginSslPolicy_TLS_V1_2},
	})
}

// apiName names the API after its stack and construct path, so that two
// locks in one account are told apart in the console.
func (l *Lock) apiName() string {
	return *awscdk.Names_UniqueResourceName(l.Construct, &awscdk.UniqueResourceNameOptions{MaxLength: jsii.Number(128)})
}

// authorizerCacheTTL is API Gateway's authorizer result cache TTL.
func (l *Lock) authorizerCacheTTL() awscdk.Duration {
	if l.props.DisableAuthorizerCache {
		return awscdk.Duration_Seconds(jsii.Number(0))
	}
	return awscdk.Duration_Seconds(jsii.Number(l.props.AuthorizerCacheTTL.Seconds()))
}
