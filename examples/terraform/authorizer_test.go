//go:build terraform

package terraform

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/originlock/originlock/internal/lambdaruntime"
	"github.com/originlock/originlock/internal/motoserver"
)

// authorizerFunction is the authorizer's bootstrap, built from the same
// source as the deployed package for this machine, running with the deployed
// function's environment against moto: it answers the events API Gateway
// would send for the deployed API flavour.
type authorizerFunction struct {
	d  *deployment
	rt *lambdaruntime.Runtime
}

// startAuthorizer starts a new execution environment of the authorizer.
func (d *deployment) startAuthorizer(t *testing.T, env map[string]string) *authorizerFunction {
	t.Helper()
	rt := lambdaruntime.ForTest(t)
	fnEnv := []string{
		"AWS_LAMBDA_FUNCTION_NAME=" + d.name + "-authorizer",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + d.name + "-authorizer",
	}
	for k, v := range env {
		fnEnv = append(fnEnv, k+"="+v)
	}
	fnEnv = append(fnEnv, motoEnv(d.moto)...)
	if err := rt.Exec(t.Context(), extractBootstrap(t, d.pkgs.authorizerNative), fnEnv); err != nil {
		t.Fatalf("the authorizer function does not start with the deployed configuration: %v", err)
	}
	return &authorizerFunction{d: d, rt: rt}
}

// expect sends the event API Gateway sends for a request whose header
// carries value, and checks the answer. what names the value in messages.
func (a *authorizerFunction) expect(t *testing.T, what, value string, allow bool) {
	t.Helper()
	allowed, err := a.allows(t, value)
	if err != nil {
		t.Fatalf("authorizer, %s: %v", what, err)
	}
	if allowed != allow {
		t.Errorf("authorizer, %s: allowed %v, want %v", what, allowed, allow)
	}
}

func (a *authorizerFunction) allows(t *testing.T, value string) (bool, error) {
	t.Helper()
	arn := "arn:aws:execute-api:" + motoserver.Region + ":" + motoserver.AccountID + ":" + a.d.out["api_id"]
	var payload any
	if a.d.api == "rest" {
		payload = events.APIGatewayCustomAuthorizerRequestTypeRequest{
			Type:       "REQUEST",
			MethodArn:  arn + "/prod/GET/orders",
			Resource:   "/{proxy+}",
			Path:       "/orders",
			HTTPMethod: "GET",
			Headers:    map[string]string{headerName: value},
		}
	} else {
		// HTTP APIs deliver header names in lower case.
		payload = events.APIGatewayV2CustomAuthorizerV2Request{
			Version:        "2.0",
			Type:           "REQUEST",
			RouteArn:       arn + "/$default/GET/orders",
			IdentitySource: []string{value},
			RouteKey:       "ANY /{proxy+}",
			RawPath:        "/orders",
			Headers:        map[string]string{strings.ToLower(headerName): value},
		}
	}
	b, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := a.rt.Invoke(t.Context(), b, 10*time.Second)
	if err != nil {
		return false, err
	}
	if a.d.api == "rest" {
		var out events.APIGatewayCustomAuthorizerResponse
		if err := json.Unmarshal(resp.Payload, &out); err != nil || len(out.PolicyDocument.Statement) != 1 {
			t.Fatalf("the authorizer's answer is not a REST authorizer policy with one statement (%v)", err)
		}
		st := out.PolicyDocument.Statement[0]
		if want := arn + "/prod/*/*"; len(st.Resource) != 1 || st.Resource[0] != want {
			t.Errorf("policy resource = %v, want [%s]", st.Resource, want)
		}
		return st.Effect == "Allow", nil
	}
	var out events.APIGatewayV2CustomAuthorizerSimpleResponse
	if err := json.Unmarshal(resp.Payload, &out); err != nil {
		t.Fatalf("the authorizer's answer is not a simple response: %v", err)
	}
	return out.IsAuthorized, nil
}
