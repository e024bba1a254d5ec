package authorizer

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/originlock/originlock/internal/headername"
)

// Principal IDs in the policies the REST and IAM adapters return.
const (
	PrincipalAllowed = "cloudfront"
	PrincipalDenied  = "unverified"
)

// AdapterOption configures an API Gateway adapter.
type AdapterOption func(*adapter)

type adapter struct {
	v          *Verifier
	header     string // as configured
	lower      string // lower-cased, as HTTP APIs deliver header names
	contextKey string
}

// WithContextKey adds the matched staging label (AWSCURRENT, AWSPENDING or
// AWSPREVIOUS) to the authorizer's context under key, so the integration can
// see how much traffic still uses an older value.
// ($context.authorizer.<key> in REST APIs, $context.authorizer.lambda.<key>
// in HTTP APIs.)
func WithContextKey(key string) AdapterOption {
	return func(a *adapter) { a.contextKey = key }
}

// mustHeaderName panics, naming caller, if header is not a valid header name.
func mustHeaderName(caller, header string) {
	if !headername.IsToken(header) {
		panic(fmt.Sprintf("authorizer: %s: %q is not a valid header name", caller, header))
	}
}

// newAdapter makes the adapter of caller; header is checked by the callers
// that take one (RESTToken does not).
func newAdapter(v *Verifier, header, caller string, opts []AdapterOption) *adapter {
	if v == nil {
		panic("authorizer: " + caller + ": nil Verifier")
	}
	a := &adapter{v: v, header: header, lower: strings.ToLower(header)}
	for _, opt := range opts {
		opt(a)
	}
	return a
}

func (a *adapter) context(d Decision) map[string]any {
	if a.contextKey == "" || !d.Allowed() {
		return nil
	}
	return map[string]any{a.contextKey: d.String()}
}

// RESTRequest returns the handler of a REST API REQUEST authorizer whose
// identity source is the header (method.request.header.<header>). Pass it to
// lambda.Start.
//
// A valid value gets an Allow policy for every method and path of the stage
// (so API Gateway's cached answer covers all routes), an invalid one a Deny
// (403). When the Verifier cannot decide, the handler returns its
// ErrUnavailable, which API Gateway answers with 500 and does not cache. A
// header sent more than once is denied. An event without a methodArn (an
// HTTP API payload 2.0 event, for one) or of type TOKEN gets an
// *EventError (ErrWrongEvent) that names the likely misconfiguration, never
// a policy. It panics if header is not a valid header name.
func RESTRequest(v *Verifier, header string, opts ...AdapterOption) func(context.Context, events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
	mustHeaderName("RESTRequest", header)
	a := newAdapter(v, header, "RESTRequest", opts)
	return func(ctx context.Context, e events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
		switch {
		case e.MethodArn == "":
			return events.APIGatewayCustomAuthorizerResponse{}, &EventError{Adapter: "RESTRequest", Problem: "no methodArn", Hint: hintREST}
		case e.Type == "TOKEN":
			return events.APIGatewayCustomAuthorizerResponse{}, &EventError{Adapter: "RESTRequest", Problem: "type TOKEN", Hint: "a REST API TOKEN authorizer needs AUTHORIZER_TYPE=rest-token (RESTToken)"}
		}
		value, _ := restHeader(e.Headers, e.MultiValueHeaders, a.header)
		return a.restResponse(ctx, value, e.MethodArn)
	}
}

// RESTToken returns the handler of a REST API TOKEN authorizer whose token
// source is the header. Responses are as for RESTRequest; an event without a
// methodArn or of type REQUEST gets an *EventError.
func RESTToken(v *Verifier, opts ...AdapterOption) func(context.Context, events.APIGatewayCustomAuthorizerRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
	a := newAdapter(v, "", "RESTToken", opts)
	return func(ctx context.Context, e events.APIGatewayCustomAuthorizerRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
		switch {
		case e.MethodArn == "":
			return events.APIGatewayCustomAuthorizerResponse{}, &EventError{Adapter: "RESTToken", Problem: "no methodArn", Hint: hintREST}
		case e.Type == "REQUEST":
			return events.APIGatewayCustomAuthorizerResponse{}, &EventError{Adapter: "RESTToken", Problem: "type REQUEST", Hint: "a REST API REQUEST authorizer needs AUTHORIZER_TYPE=rest-request (RESTRequest)"}
		}
		return a.restResponse(ctx, e.AuthorizationToken, e.MethodArn)
	}
}

func (a *adapter) restResponse(ctx context.Context, value, methodARN string) (events.APIGatewayCustomAuthorizerResponse, error) {
	d, err := a.v.Verify(ctx, value)
	if err != nil {
		return events.APIGatewayCustomAuthorizerResponse{}, err
	}
	principal, doc := policy(d, methodARN)
	return events.APIGatewayCustomAuthorizerResponse{PrincipalID: principal, PolicyDocument: doc, Context: a.context(d)}, nil
}

// HTTPAPI returns the handler of an HTTP API Lambda authorizer with payload
// format 2.0 and simple responses ({"isAuthorized": ...}), whose identity
// source is the header ($request.header.<header>). When the Verifier cannot
// decide, it returns ErrUnavailable (500, not cached). A header sent more
// than once arrives comma-joined and is denied without a read. It panics if
// header is not a valid header name.
func HTTPAPI(v *Verifier, header string, opts ...AdapterOption) func(context.Context, events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
	mustHeaderName("HTTPAPI", header)
	a := newAdapter(v, header, "HTTPAPI", opts)
	return func(ctx context.Context, e events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
		d, err := a.v.Verify(ctx, a.httpHeader(e.Headers))
		if err != nil {
			return events.APIGatewayV2CustomAuthorizerSimpleResponse{}, err
		}
		return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: d.Allowed(), Context: a.context(d)}, nil
	}
}

// HTTPAPIIAM is HTTPAPI for authorizers configured for IAM policy responses:
// the policy covers every route of the stage, derived from routeArn. An event
// without a routeArn (a REST API event, or HTTP API payload format 1.0) gets
// an *EventError (ErrWrongEvent) that names the likely misconfiguration.
func HTTPAPIIAM(v *Verifier, header string, opts ...AdapterOption) func(context.Context, events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerIAMPolicyResponse, error) {
	mustHeaderName("HTTPAPIIAM", header)
	a := newAdapter(v, header, "HTTPAPIIAM", opts)
	return func(ctx context.Context, e events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerIAMPolicyResponse, error) {
		if e.RouteArn == "" {
			return events.APIGatewayV2CustomAuthorizerIAMPolicyResponse{}, &EventError{Adapter: "HTTPAPIIAM", Problem: "no routeArn", Hint: hintHTTP}
		}
		d, err := a.v.Verify(ctx, a.httpHeader(e.Headers))
		if err != nil {
			return events.APIGatewayV2CustomAuthorizerIAMPolicyResponse{}, err
		}
		principal, doc := policy(d, e.RouteArn)
		return events.APIGatewayV2CustomAuthorizerIAMPolicyResponse{PrincipalID: principal, PolicyDocument: doc, Context: a.context(d)}, nil
	}
}

// policy is the IAM policy for d over every route of the stage in arn.
func policy(d Decision, arn string) (string, events.APIGatewayCustomAuthorizerPolicy) {
	principal, effect := PrincipalDenied, "Deny"
	if d.Allowed() {
		principal, effect = PrincipalAllowed, "Allow"
	}
	return principal, events.APIGatewayCustomAuthorizerPolicy{
		Version: "2012-10-17",
		Statement: []events.IAMPolicyStatement{{
			Action:   []string{"execute-api:Invoke"},
			Effect:   effect,
			Resource: []string{StageResource(arn)},
		}},
	}
}

// StageResource turns a method or route ARN
// (arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH) into the ARN of
// every method and path of its stage (arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/*/*).
// An ARN of any other shape is returned unchanged, which keeps a policy
// exactly as narrow as the request.
func StageResource(arn string) string {
	api := strings.IndexByte(arn, '/')
	if api < 0 || !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn[:api], ":execute-api:") {
		return arn
	}
	stage := strings.IndexByte(arn[api+1:], '/')
	if stage <= 0 {
		return arn
	}
	return arn[:api+1+stage] + "/*/*"
}
