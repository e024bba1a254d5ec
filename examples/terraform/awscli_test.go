//go:build terraform

package terraform

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/originlock/originlock/internal/motoserver"
)

// awsCLI runs the AWS CLI against one moto server. The test reads Lambda,
// IAM, API Gateway and CloudWatch Logs through it (the module has SDK clients
// for Secrets Manager and CloudFront only); none of those answers holds a
// secret value.
type awsCLI struct {
	t   *testing.T
	env []string
}

func newAWSCLI(t *testing.T, moto *motoserver.Server) awsCLI {
	return awsCLI{t: t, env: append(cleanEnv(), motoEnv(moto)...)}
}

// call runs "aws args... --output json" and decodes its answer into v
// (unless v is nil); it fails the test if the command fails.
func (a awsCLI) call(v any, args ...string) {
	a.t.Helper()
	stdout, stderr, err := a.exec(args)
	if err != nil {
		a.t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, tail(stderr))
	}
	if v != nil {
		if err := json.Unmarshal(stdout, v); err != nil {
			a.t.Fatalf("aws %s: decode the answer: %v", strings.Join(args, " "), err)
		}
	}
}

func (a awsCLI) exec(args []string) (stdout, stderr []byte, err error) {
	ctx, cancel := commandContext(a.t, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "aws", append(args, "--output", "json")...)
	cmd.Env = a.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.Bytes(), errOut.Bytes(), err
}

// The shapes of the CLI answers the test reads.
type (
	functionConfig struct {
		FunctionName  string
		Runtime       string
		Handler       string
		Role          string
		Timeout       int
		Architectures []string
		CodeSha256    string
		Environment   struct{ Variables map[string]string }
	}

	// policyDocument is an IAM or resource policy; Action and Resource may
	// be a string or a list.
	policyDocument struct {
		Statement []struct {
			Sid       string
			Effect    string
			Principal struct{ Service stringList }
			Action    stringList
			Resource  stringList
			Condition map[string]map[string]string
		}
	}

	restAuthorizer struct {
		Type                         string `json:"type"`
		IdentitySource               string `json:"identitySource"`
		AuthorizerURI                string `json:"authorizerUri"`
		AuthorizerResultTTLInSeconds int    `json:"authorizerResultTtlInSeconds"`
	}

	restMethod struct {
		AuthorizationType string `json:"authorizationType"`
		AuthorizerID      string `json:"authorizerId"`
		MethodIntegration struct {
			Type              string            `json:"type"`
			URI               string            `json:"uri"`
			RequestParameters map[string]string `json:"requestParameters"`
		} `json:"methodIntegration"`
	}

	httpAuthorizer struct {
		AuthorizerType                 string
		IdentitySource                 []string
		AuthorizerURI                  string `json:"AuthorizerUri"`
		AuthorizerResultTTLInSeconds   int    `json:"AuthorizerResultTtlInSeconds"`
		AuthorizerPayloadFormatVersion string
		EnableSimpleResponses          bool
	}

	httpRoute struct {
		RouteKey          string
		AuthorizationType string
		AuthorizerID      string `json:"AuthorizerId"`
		Target            string
	}
)

// stringList decodes a JSON string or list of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = stringList{one}
		return nil
	}
	var many []string
	err := json.Unmarshal(b, &many)
	*l = many
	return err
}
