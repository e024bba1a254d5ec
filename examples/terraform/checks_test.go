//go:build terraform

package terraform

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"

	"github.com/originlock/originlock/internal/motoserver"
)

// checkFunctions checks both functions against the configuration contract
// of examples/lambda/README.md and their invoke permissions, and returns
// their environments.
func (d *deployment) checkFunctions(t *testing.T) (rotation, authorizer map[string]string) {
	t.Helper()
	secret, distID := d.out["secret_arn"], d.out["cloudfront_distribution_id"]

	rot := d.function(t, d.name+"-rotation", d.pkgs.rotation)
	wantRot := map[string]string{
		"SECRET_ID":       secret,
		"DISTRIBUTIONS":   distID + ":api",
		"HEADER_NAME":     headerName,
		"SECRET_FORMAT":   "json",
		"SECRET_JSON_KEY": jsonKey,
		"VALUE_LENGTH":    "64",
		"SETTLE_DELAY":    "10s",
		"LOG_LEVEL":       "info",
		// The observability contract: metrics on, default namespace.
		"METRICS_NAMESPACE": "Originlock",
	}
	if got := rot.Environment.Variables; !maps.Equal(got, wantRot) {
		t.Errorf("rotation function environment = %v, want %v", got, wantRot)
	}
	if rot.Timeout != 900 {
		t.Errorf("rotation function timeout = %ds, want 900s", rot.Timeout)
	}

	auth := d.function(t, d.name+"-authorizer", d.pkgs.authorizer)
	wantAuth := map[string]string{
		"SECRET_ID":         secret,
		"AUTHORIZER_TYPE":   map[string]string{"rest": "rest-request", "http": "http-simple"}[d.api],
		"HEADER_NAME":       headerName,
		"SECRET_FORMAT":     "json",
		"SECRET_JSON_KEY":   jsonKey,
		"SETTLE_DELAY":      "10s",
		"LOG_LEVEL":         "info",
		"METRICS_NAMESPACE": "Originlock",
	}
	if got := auth.Environment.Variables; !maps.Equal(got, wantAuth) {
		t.Errorf("authorizer function environment = %v, want %v", got, wantAuth)
	}

	d.checkInvokePolicy(t, d.name+"-rotation", "secretsmanager.amazonaws.com", map[string]map[string]string{
		"StringEquals": {"AWS:SourceAccount": motoserver.AccountID},
		"ArnLike":      {"AWS:SourceArn": secret},
	})
	executeAPI := "arn:aws:execute-api:" + motoserver.Region + ":" + motoserver.AccountID + ":" + d.out["api_id"]
	d.checkInvokePolicy(t, d.name+"-authorizer", "apigateway.amazonaws.com", map[string]map[string]string{
		"ArnLike": {"AWS:SourceArn": executeAPI + "/authorizers/" + d.out["authorizer_id"]},
	})
	return rot.Environment.Variables, auth.Environment.Variables
}

// function reads a function's configuration and checks what every
// originlock function shares: the runtime, the architecture, and that it
// runs the package the test built.
func (d *deployment) function(t *testing.T, name, pkg string) functionConfig {
	t.Helper()
	var fn functionConfig
	d.cli.call(&fn, "lambda", "get-function-configuration", "--function-name", name)
	if fn.Runtime != "provided.al2023" || fn.Handler != "bootstrap" || !slices.Equal(fn.Architectures, []string{"arm64"}) {
		t.Errorf("%s: runtime %s, handler %s, architectures %v; want provided.al2023, bootstrap, [arm64]", name, fn.Runtime, fn.Handler, fn.Architectures)
	}
	if fn.CodeSha256 != codeSHA256(t, pkg) {
		t.Errorf("%s does not run the package scripts/build-lambdas built", name)
	}
	if want := "arn:aws:iam::" + motoserver.AccountID + ":role/" + name; fn.Role != want {
		t.Errorf("%s runs as %s, want %s", name, fn.Role, want)
	}
	return fn
}

// checkInvokePolicy checks that the function's resource policy lets only
// principal invoke it, under exactly the given conditions.
func (d *deployment) checkInvokePolicy(t *testing.T, fn, principal string, conditions map[string]map[string]string) {
	t.Helper()
	var out struct{ Policy string }
	d.cli.call(&out, "lambda", "get-policy", "--function-name", fn)
	var doc policyDocument
	if err := jsonUnmarshal(out.Policy, &doc); err != nil {
		t.Fatalf("%s resource policy: %v", fn, err)
	}
	if len(doc.Statement) != 1 {
		t.Fatalf("%s resource policy has %d statements, want 1", fn, len(doc.Statement))
	}
	s := doc.Statement[0]
	if s.Effect != "Allow" || !slices.Equal(s.Principal.Service, stringList{principal}) || !slices.Equal(s.Action, stringList{"lambda:InvokeFunction"}) {
		t.Errorf("%s resource policy: %s %v for %v, want Allow lambda:InvokeFunction for %s", fn, s.Effect, s.Action, s.Principal.Service, principal)
	}
	if !maps.EqualFunc(s.Condition, conditions, maps.Equal) {
		t.Errorf("%s resource policy conditions = %v, want %v", fn, s.Condition, conditions)
	}
}

// checkAPI checks the API and its authorizer.
func (d *deployment) checkAPI(t *testing.T) {
	t.Helper()
	id, authID := d.out["api_id"], d.out["authorizer_id"]
	authorizerURI := ":function:" + d.name + "-authorizer/invocations"
	wantURIs := map[string]string{"/": backendURL, "/{proxy+}": backendURL + "/{proxy}"}

	if d.api == "rest" {
		var a restAuthorizer
		d.cli.call(&a, "apigateway", "get-authorizer", "--rest-api-id", id, "--authorizer-id", authID)
		if a.Type != "REQUEST" || a.IdentitySource != "method.request.header."+headerName || a.AuthorizerResultTTLInSeconds != resultTTL || !strings.HasSuffix(a.AuthorizerURI, authorizerURI) {
			t.Errorf("REST authorizer = %+v, want REQUEST, identity source the %s header, TTL %d, the authorizer function", a, headerName, resultTTL)
		}
		var resources struct {
			Items []struct {
				ID   string `json:"id"`
				Path string `json:"path"`
			} `json:"items"`
		}
		d.cli.call(&resources, "apigateway", "get-resources", "--rest-api-id", id)
		found := 0
		for _, r := range resources.Items {
			want, ok := wantURIs[r.Path]
			if !ok {
				continue
			}
			found++
			var m restMethod
			d.cli.call(&m, "apigateway", "get-method", "--rest-api-id", id, "--resource-id", r.ID, "--http-method", "ANY")
			if m.AuthorizationType != "CUSTOM" || m.AuthorizerID != authID || m.MethodIntegration.Type != "HTTP_PROXY" || m.MethodIntegration.URI != want {
				t.Errorf("ANY %s = %+v, want CUSTOM with authorizer %s, HTTP_PROXY to %s", r.Path, m, authID, want)
			}
			// The backend never sees the header: the integration overwrites it.
			if got := m.MethodIntegration.RequestParameters["integration.request.header."+headerName]; got != "'-'" {
				t.Errorf("ANY %s: the integration maps the %s header to %q, want the constant '-'", r.Path, headerName, got)
			}
		}
		if found != len(wantURIs) {
			t.Errorf("the REST API has %d of the resources / and /{proxy+}", found)
		}
		var stage struct {
			DeploymentID string `json:"deploymentId"`
		}
		d.cli.call(&stage, "apigateway", "get-stage", "--rest-api-id", id, "--stage-name", "prod")
		if stage.DeploymentID == "" {
			t.Error("stage prod has no deployment")
		}
		return
	}

	var a httpAuthorizer
	d.cli.call(&a, "apigatewayv2", "get-authorizer", "--api-id", id, "--authorizer-id", authID)
	if a.AuthorizerType != "REQUEST" || !slices.Equal(a.IdentitySource, []string{"$request.header." + headerName}) || a.AuthorizerResultTTLInSeconds != resultTTL ||
		a.AuthorizerPayloadFormatVersion != "2.0" || !a.EnableSimpleResponses || !strings.HasSuffix(a.AuthorizerURI, authorizerURI) {
		t.Errorf("HTTP API authorizer = %+v, want REQUEST, identity source the %s header, TTL %d, payload 2.0, simple responses, the authorizer function", a, headerName, resultTTL)
	}
	var routes struct{ Items []httpRoute }
	d.cli.call(&routes, "apigatewayv2", "get-routes", "--api-id", id)
	found := 0
	for _, r := range routes.Items {
		path, ok := strings.CutPrefix(r.RouteKey, "ANY ")
		want, known := wantURIs[path]
		if !ok || !known {
			continue
		}
		found++
		var integration struct {
			IntegrationType   string
			IntegrationURI    string `json:"IntegrationUri"`
			RequestParameters map[string]string
		}
		d.cli.call(&integration, "apigatewayv2", "get-integration", "--api-id", id, "--integration-id", strings.TrimPrefix(r.Target, "integrations/"))
		if r.AuthorizationType != "CUSTOM" || r.AuthorizerID != authID || integration.IntegrationType != "HTTP_PROXY" || integration.IntegrationURI != want {
			t.Errorf("route %s = %+v to %+v, want CUSTOM with authorizer %s, HTTP_PROXY to %s", r.RouteKey, r, integration, authID, want)
		}
		// The backend never sees the header: the integration removes it.
		if got := integration.RequestParameters; !maps.Equal(got, map[string]string{"remove:header." + headerName: "''"}) {
			t.Errorf("route %s: integration request parameters = %v, want the %s header removed", r.RouteKey, got, headerName)
		}
	}
	if found != len(wantURIs) {
		t.Errorf("the HTTP API has %d of the routes ANY / and ANY /{proxy+}", found)
	}
	var stages struct {
		Items []struct {
			StageName  string
			AutoDeploy bool
		}
	}
	d.cli.call(&stages, "apigatewayv2", "get-stages", "--api-id", id)
	if len(stages.Items) != 1 || stages.Items[0].StageName != "$default" || !stages.Items[0].AutoDeploy {
		t.Errorf("HTTP API stages = %+v, want only $default, auto-deployed", stages.Items)
	}
}

// checkRoles checks that each function's role has exactly the permissions
// of the contract, each on its own resource ARN: no wildcard resource, no
// managed policy.
func (d *deployment) checkRoles(t *testing.T) {
	t.Helper()
	dist, err := d.cf.GetDistribution(t.Context(), &cfsdk.GetDistributionInput{Id: aws.String(d.out["cloudfront_distribution_id"])})
	if err != nil {
		t.Fatal(err)
	}
	// The module builds the distribution's ARN from its ID, in AWS's form
	// (an empty region field); moto's own ARNs lack that field.
	secret, distARN := d.out["secret_arn"], "arn:aws:cloudfront::"+motoserver.AccountID+":distribution/"+aws.ToString(dist.Distribution.Id)
	logs := func(fn string) string {
		return "arn:aws:logs:" + motoserver.Region + ":" + motoserver.AccountID + ":log-group:/aws/lambda/" + fn + ":*"
	}
	writeLogs := []string{"logs:CreateLogStream", "logs:PutLogEvents"}
	d.checkRole(t, d.name+"-rotation", map[string][]string{
		secret:                     {"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"},
		distARN:                    {"cloudfront:GetDistribution", "cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution"},
		logs(d.name + "-rotation"): writeLogs,
	})
	d.checkRole(t, d.name+"-authorizer", map[string][]string{
		secret:                       {"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"},
		logs(d.name + "-authorizer"): writeLogs,
	})
}

// checkRole checks that role can be assumed by Lambda only and that its
// policies grant exactly want: actions by resource ARN.
func (d *deployment) checkRole(t *testing.T, role string, want map[string][]string) {
	t.Helper()
	var r struct {
		Role struct{ AssumeRolePolicyDocument policyDocument }
	}
	d.cli.call(&r, "iam", "get-role", "--role-name", role)
	trust := r.Role.AssumeRolePolicyDocument.Statement
	if len(trust) != 1 || !slices.Equal(trust[0].Principal.Service, stringList{"lambda.amazonaws.com"}) || !slices.Equal(trust[0].Action, stringList{"sts:AssumeRole"}) {
		t.Errorf("role %s trust policy = %+v, want lambda.amazonaws.com only", role, trust)
	}

	var attached struct{ AttachedPolicies []struct{ PolicyArn string } }
	d.cli.call(&attached, "iam", "list-attached-role-policies", "--role-name", role)
	if len(attached.AttachedPolicies) != 0 {
		t.Errorf("role %s has managed policies %v, want none", role, attached.AttachedPolicies)
	}
	var inline struct{ PolicyNames []string }
	d.cli.call(&inline, "iam", "list-role-policies", "--role-name", role)
	got := map[string][]string{}
	for _, name := range inline.PolicyNames {
		var p struct{ PolicyDocument policyDocument }
		d.cli.call(&p, "iam", "get-role-policy", "--role-name", role, "--policy-name", name)
		for _, s := range p.PolicyDocument.Statement {
			if s.Effect != "Allow" || len(s.Condition) != 0 {
				t.Errorf("role %s, statement %s: %s with conditions %v, want a plain Allow", role, s.Sid, s.Effect, s.Condition)
			}
			for _, res := range s.Resource {
				got[res] = append(got[res], s.Action...)
			}
		}
	}
	for _, actions := range got {
		slices.Sort(actions)
	}
	for _, actions := range want {
		slices.Sort(actions)
	}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("role %s grants %v, want %v", role, got, want)
	}
}

// checkLogGroups checks that both functions' log groups exist with the
// module's retention.
func (d *deployment) checkLogGroups(t *testing.T) {
	t.Helper()
	var groups struct {
		LogGroups []struct {
			LogGroupName    string `json:"logGroupName"`
			RetentionInDays int    `json:"retentionInDays"`
		} `json:"logGroups"`
	}
	d.cli.call(&groups, "logs", "describe-log-groups", "--log-group-name-prefix", "/aws/lambda/"+d.name+"-")
	got := map[string]int{}
	for _, g := range groups.LogGroups {
		got[g.LogGroupName] = g.RetentionInDays
	}
	want := map[string]int{
		"/aws/lambda/" + d.name + "-rotation":   logRetention,
		"/aws/lambda/" + d.name + "-authorizer": logRetention,
	}
	if !maps.Equal(got, want) {
		t.Errorf("log groups (retention in days) = %v, want %v", got, want)
	}
}
