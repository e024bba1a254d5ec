// Command cdk is the originlock example CDK app: one stack, OriginLock,
// holding an origin lock (package originlock) in front of a REST or HTTP
// API. Configure it with context values (cdk.json or -c key=value):
//
//	apiType                      rest (default) or http
//	backendUrl                   https:// URL to proxy to; required for http
//	headerName                   origin header name (default X-Origin-Verify)
//	stageName                    REST API stage (default prod)
//	rotationInterval             Go duration: 720h (default), 24h, 12h, ...
//	authorizerCacheTtl           Go duration up to 1h (default 5m); 0s disables the cache
//	webAclId                     WAF web ACL ARN (CLOUDFRONT scope)
//	createApiGatewayAccountRole  true to create API Gateway's account logging role
//	moduleDir                    originlock checkout to build the functions from
//	                             (default: the one this app is in)
//
// Deploy with `cdk deploy` from this directory (see README.md).
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

func main() {
	err := run()
	jsii.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run() error {
	app := awscdk.NewApp(nil)
	props, err := propsFromContext(app)
	if err != nil {
		return err
	}
	if _, err := newStack(app, stackName, props); err != nil {
		return err
	}
	app.Synth(nil)
	return nil
}
