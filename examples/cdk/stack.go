package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/originlock/originlock/examples/cdk/originlock"
)

// stackName is the app's one stack.
const stackName = "OriginLock"

// newStack creates the stack: the origin lock and outputs to try it with.
func newStack(scope constructs.Construct, id string, props *originlock.Props) (awscdk.Stack, error) {
	stack := awscdk.NewStack(scope, jsii.String(id), &awscdk.StackProps{
		Description: jsii.String("originlock example: an API reachable only through CloudFront, its origin header rotated by Secrets Manager"),
	})
	lock, err := originlock.New(stack, "OriginLock", props)
	if err != nil {
		return nil, err
	}
	output := func(id, description string, value *string) {
		awscdk.NewCfnOutput(stack, jsii.String(id), &awscdk.CfnOutputProps{Description: jsii.String(description), Value: value})
	}
	output("DistributionURL", "Call the API here: requests get the origin header on the way",
		jsii.String("https://"+*lock.Distribution().DistributionDomainName()+"/"))
	if api := lock.RESTAPI(); api != nil {
		output("DirectAPIURL", "The API's own URL: refused without the header", api.Url())
	} else {
		output("DirectAPIURL", "The API's own URL: refused without the header", jsii.String(*lock.HTTPAPI().ApiEndpoint()+"/"))
	}
	output("SecretARN", "The secret holding the header value (JSON key HEADERVALUE)", lock.Secret().SecretArn())
	output("RotationFunctionName", "Its logs tell how each rotation went", lock.RotationFunction().FunctionName())
	return stack, nil
}

// propsFromContext reads the app's context values into construct props.
func propsFromContext(scope constructs.Construct) (*originlock.Props, error) {
	node := scope.Node()
	str := func(key string) (string, error) {
		switch v := node.TryGetContext(jsii.String(key)).(type) {
		case nil:
			return "", nil
		case string:
			return v, nil
		case bool:
			return strconv.FormatBool(v), nil
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64), nil
		default:
			return "", fmt.Errorf("context %s: got %T, want a string", key, v)
		}
	}
	var p originlock.Props
	var err error
	textKeys := map[string]*string{
		"apiType":    (*string)(&p.APIType),
		"backendUrl": &p.BackendURL,
		"headerName": &p.HeaderName,
		"stageName":  &p.StageName,
		"webAclId":   &p.WebACLID,
		"moduleDir":  &p.ModuleDir,
	}
	for key, dst := range textKeys {
		if *dst, err = str(key); err != nil {
			return nil, err
		}
	}
	if s, err := str("rotationInterval"); err != nil {
		return nil, err
	} else if s != "" {
		if p.RotationInterval, err = time.ParseDuration(s); err != nil {
			return nil, fmt.Errorf("context rotationInterval: %w", err)
		}
	}
	if s, err := str("authorizerCacheTtl"); err != nil {
		return nil, err
	} else if s != "" {
		if p.AuthorizerCacheTTL, err = time.ParseDuration(s); err != nil {
			return nil, fmt.Errorf("context authorizerCacheTtl: %w", err)
		}
		p.DisableAuthorizerCache = p.AuthorizerCacheTTL == 0
	}
	if s, err := str("createApiGatewayAccountRole"); err != nil {
		return nil, err
	} else if s != "" {
		if p.CreateAPIGatewayAccountRole, err = strconv.ParseBool(s); err != nil {
			return nil, fmt.Errorf("context createApiGatewayAccountRole: %w", err)
		}
	}
	return &p, nil
}
