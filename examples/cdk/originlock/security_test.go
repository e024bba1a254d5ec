package originlock

import (
	"encoding/json"
	"strings"
	"testing"
)

// CloudFront's managed policies the default behaviour uses.
const (
	cachingDisabledPolicyID           = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
	allViewerExceptHostHeaderPolicyID = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
)

// dynamicReference is how the template must carry the header value: a
// reference CloudFormation resolves at deploy time, never the value.
func dynamicReference(secretID string) map[string]any {
	return map[string]any{"Fn::Join": []any{"", []any{
		"{{resolve:secretsmanager:", ref(secretID), ":SecretString:HEADERVALUE::}}",
	}}}
}

// checkDistribution checks the origin, its custom header and the default
// behaviour, and that the header value is nowhere in the template.
func checkDistribution(t *testing.T, s *synthesized, header, secretID string) {
	t.Run("distribution sends the header from the secret", func(t *testing.T) {
		_, props := s.only(t, "AWS::CloudFront::Distribution")
		config := props["DistributionConfig"].(map[string]any)
		origins := config["Origins"].([]any)
		if len(origins) != 1 {
			t.Fatalf("got %d origins, want 1: %s", len(origins), jsonString(origins))
		}
		origin := origins[0].(map[string]any)
		if origin["Id"] != OriginID {
			t.Errorf("origin Id: got %v, want %q (the rotation function's DISTRIBUTIONS names it)", origin["Id"], OriginID)
		}
		wantHeaders := []any{map[string]any{"HeaderName": header, "HeaderValue": dynamicReference(secretID)}}
		if got := origin["OriginCustomHeaders"]; !equalJSON(got, wantHeaders) {
			t.Errorf("origin custom headers: got %s, want %s", jsonString(got), jsonString(wantHeaders))
		}
		wantTLS := map[string]any{"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": []any{"TLSv1.2"}}
		if got := origin["CustomOriginConfig"]; !equalJSON(got, wantTLS) {
			t.Errorf("origin protocol: got %s, want %s", jsonString(got), jsonString(wantTLS))
		}
		behaviour := config["DefaultCacheBehavior"].(map[string]any)
		for k, want := range map[string]any{
			"TargetOriginId":        OriginID,
			"ViewerProtocolPolicy":  "https-only",
			"CachePolicyId":         cachingDisabledPolicyID,
			"OriginRequestPolicyId": allViewerExceptHostHeaderPolicyID,
		} {
			if !equalJSON(behaviour[k], want) {
				t.Errorf("default behaviour %s: got %v, want %v", k, behaviour[k], want)
			}
		}
	})

	t.Run("no header value in the template", func(t *testing.T) {
		raw, err := json.Marshal(s.json)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(raw), "{{resolve:secretsmanager:"); n != 1 {
			t.Errorf("got %d secretsmanager dynamic references, want 1 (the origin header)", n)
		}
		walk(s.json, "", func(path string, key string, v any) {
			switch key {
			case "HeaderValue":
				if _, literal := v.(string); literal {
					t.Errorf("%s is a literal string; it must be the secret's dynamic reference", path)
				}
			case "SecretString":
				t.Errorf("%s sets a secret value in the template", path)
			}
		})
	})
}

// walk calls visit for every object member under v, with its JSON path.
func walk(v any, path string, visit func(path, key string, v any)) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			p := path + "/" + k
			visit(p, k, child)
			walk(child, p, visit)
		}
	case []any:
		for i, child := range v {
			walk(child, path+"/"+jsonString(i), visit)
		}
	}
}

// checkIAM checks that the two execution roles carry exactly the
// statements their functions need, each naming its resource by ARN, and that
// no IAM statement anywhere in the template uses a wildcard. managedOK lists
// roles allowed a managed policy (the API Gateway account role).
func checkIAM(t *testing.T, s *synthesized, secretID, distributionID string, managedOK ...string) {
	t.Run("IAM scoped to ARNs", func(t *testing.T) {
		fns := s.resources("AWS::Lambda::Function")
		rotationID, _ := s.only(t, "AWS::Lambda::Function", `"DISTRIBUTIONS"`)
		authorizerID, _ := s.only(t, "AWS::Lambda::Function", `"AUTHORIZER_TYPE"`)
		roleAndLogs := func(fnID string) (string, string) {
			props := fns[fnID]["Properties"].(map[string]any)
			role := props["Role"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
			logs := props["LoggingConfig"].(map[string]any)["LogGroup"].(map[string]any)["Ref"].(string)
			return role, logs
		}
		logsStatement := func(logGroupID string) map[string]any {
			return map[string]any{
				"Sid": "WriteOwnLogs", "Effect": "Allow",
				"Action":   []any{"logs:CreateLogStream", "logs:PutLogEvents"},
				"Resource": getAtt(logGroupID, "Arn"),
			}
		}
		distributionARN := map[string]any{"Fn::Join": []any{"", []any{
			"arn:", ref("AWS::Partition"), ":cloudfront::", ref("AWS::AccountId"), ":distribution/", ref(distributionID),
		}}}

		rotationRole, rotationLogs := roleAndLogs(rotationID)
		authorizerRole, authorizerLogs := roleAndLogs(authorizerID)
		want := map[string][]any{
			rotationRole: {
				logsStatement(rotationLogs),
				map[string]any{"Sid": "RotateHeaderSecret", "Effect": "Allow", "Resource": ref(secretID), "Action": []any{
					"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue",
					"secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage",
				}},
				map[string]any{"Sid": "UpdateOriginHeader", "Effect": "Allow", "Resource": distributionARN, "Action": []any{
					"cloudfront:GetDistribution", "cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution",
				}},
			},
			authorizerRole: {
				logsStatement(authorizerLogs),
				map[string]any{"Sid": "ReadHeaderSecret", "Effect": "Allow", "Resource": ref(secretID), "Action": []any{
					"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue",
				}},
			},
		}
		roles := s.resources("AWS::IAM::Role")
		for roleID, statements := range want {
			props := roles[roleID]["Properties"].(map[string]any)
			policies, _ := props["Policies"].([]any)
			if len(policies) != 1 {
				t.Errorf("role %s: got %d inline policies, want 1", roleID, len(policies))
				continue
			}
			got := policies[0].(map[string]any)["PolicyDocument"].(map[string]any)["Statement"]
			if !equalJSON(got, statements) {
				t.Errorf("role %s statements:\n got %s\nwant %s", roleID, jsonString(got), jsonString(statements))
			}
		}

		for id, r := range roles {
			if _, managed := r["Properties"].(map[string]any)["ManagedPolicyArns"]; managed && !contains(managedOK, id) {
				t.Errorf("role %s has managed policies; want inline statements scoped to ARNs", id)
			}
		}
		// No wildcard in any statement of any IAM resource, not even in
		// ones added by someone else later.
		for _, typ := range []string{"AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"} {
			for id, r := range s.resources(typ) {
				walk(r, id, func(path, key string, v any) {
					if key != "Action" && key != "Resource" && key != "NotResource" && key != "NotAction" {
						return
					}
					if strings.Contains(jsonString(v), "*") {
						t.Errorf("%s: wildcard in %s", path, jsonString(v))
					}
				})
			}
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
