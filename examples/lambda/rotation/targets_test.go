package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	apigwsdk "github.com/aws/aws-sdk-go-v2/service/apigateway"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	wafsdk "github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/originlock/originlock/apigateway"
	"github.com/originlock/originlock/internal/envconfig"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/motoserver"
	"github.com/originlock/originlock/rotation"
	"github.com/originlock/originlock/waf"
)

func TestMain(m *testing.M) { os.Exit(motoserver.Main(m)) }

func TestParseTargets(t *testing.T) {
	wafEnv := []string{"TARGETS", "cloudfront,waf", "WAF_WEB_ACL_NAME", "acl", "WAF_WEB_ACL_ID", "id-1", "WAF_RULE_NAME", "OriginVerify"}
	keyEnv := []string{"TARGETS", " CloudFront , apikey ", "HEADER_NAME", "x-api-key", "API_USAGE_PLAN_IDS", "p1, p2"}

	c, err := parseConfig(envconfig.Map(minimal))
	if err != nil || !isZero(c.targets) {
		t.Fatalf("default: targets %+v, err %v; want CloudFront alone", c.targets, err)
	}
	c, err = parseConfig(envconfig.Map(with(append(wafEnv, "WAF_PROPAGATION_DELAY", "90s", "WAF_SCOPE", "regional")...)))
	if err != nil {
		t.Fatal(err)
	}
	want := waf.Config{WebACLName: "acl", WebACLID: "id-1", RuleName: "OriginVerify", HeaderName: "X-Origin-Verify", Scope: waftypes.ScopeRegional}
	if c.targets.waf == nil || *c.targets.waf != want || c.targets.wafDelay.Seconds() != 90 || c.targets.apiKeys != nil {
		t.Errorf("waf: got %+v", c.targets)
	}
	c, err = parseConfig(envconfig.Map(with(keyEnv...)))
	if err != nil {
		t.Fatal(err)
	}
	if k := c.targets.apiKeys; k == nil || !slices.Equal(k.UsagePlanIDs, []string{"p1", "p2"}) || k.KeyNamePrefix != apigateway.DefaultKeyNamePrefix || c.targets.apiKeyGrace != apigateway.DefaultRetireGrace {
		t.Errorf("apikey: got %+v", c.targets)
	}

	for name, tc := range map[string]struct {
		env  []string
		vars []string // the variables the error must name
	}{
		"unknown target":          {[]string{"TARGETS", "cloudfront,alb"}, []string{"TARGETS"}},
		"without cloudfront":      {[]string{"TARGETS", "waf"}, []string{"TARGETS"}},
		"twice":                   {[]string{"TARGETS", "cloudfront,cloudfront"}, []string{"TARGETS"}},
		"waf without its vars":    {[]string{"TARGETS", "cloudfront,waf"}, []string{"WAF_WEB_ACL_NAME", "WAF_WEB_ACL_ID", "WAF_RULE_NAME"}},
		"apikey with X-Origin":    {[]string{"TARGETS", "cloudfront,apikey", "API_USAGE_PLAN_IDS", "p1"}, []string{"HEADER_NAME"}},
		"apikey without plans":    {[]string{"TARGETS", "cloudfront,apikey", "HEADER_NAME", "x-api-key"}, []string{"API_USAGE_PLAN_IDS"}},
		"plan listed twice":       {append(slices.Clone(keyEnv[:4]), "API_USAGE_PLAN_IDS", "p1,p1"), []string{"API_USAGE_PLAN_IDS"}},
		"external ID alone":       {[]string{"CLOUDFRONT_EXTERNAL_ID", "x"}, []string{"CLOUDFRONT_EXTERNAL_ID"}},
		"role that is not an ARN": {[]string{"CLOUDFRONT_ROLE_ARN", "cloudfront-role"}, []string{"CLOUDFRONT_ROLE_ARN"}},
		"bad waf scope":           {append(slices.Clone(wafEnv), "WAF_SCOPE", "GLOBAL"), []string{"WAF_SCOPE"}},
		// A CloudFront web ACL sees viewers' requests, without the header.
		"cloudfront waf scope":        {append(slices.Clone(wafEnv), "WAF_SCOPE", "CLOUDFRONT"), []string{"WAF_SCOPE"}},
		"value too long for waf":      {append(slices.Clone(wafEnv), "VALUE_LENGTH", "201"), []string{"VALUE_LENGTH"}},
		"value too long for api keys": {append(slices.Clone(keyEnv), "VALUE_LENGTH", "129"), []string{"VALUE_LENGTH"}},
	} {
		_, err := parseConfig(envconfig.Map(with(tc.env...)))
		for _, v := range tc.vars {
			var ve *envconfig.VarError
			if err == nil || !strings.Contains(err.Error(), v) || !errors.As(err, &ve) {
				t.Errorf("%s: err = %v, want one naming %s", name, err, v)
			}
		}
	}
}

func isZero(c targetsConfig) bool {
	return c.roleARN == "" && c.externalID == "" && c.waf == nil && c.apiKeys == nil
}

// recordingTransport is a test double HTTP transport that records the
// requests it passes on.
type recordingTransport struct {
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	host, auth string
	form       url.Values
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	form, _ := url.ParseQuery(string(body))
	r.mu.Lock()
	r.reqs = append(r.reqs, recorded{host: req.URL.Path, auth: req.Header.Get("Authorization"), form: form})
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// TestCrossAccountCloudFront assumes a CloudFront role through moto's STS,
// with an external ID, and reads a distribution with those credentials.
func TestCrossAccountCloudFront(t *testing.T) {
	moto := motoserver.Shared(t)
	rec := &recordingTransport{}
	awsCfg := moto.AWSConfigForTest(t)
	awsCfg.HTTPClient = &http.Client{Transport: rec}
	const role = "arn:aws:iam::111122223333:role/originlock-cloudfront"
	assumed := assumeRoleConfig(awsCfg, role, "originlock-external-id")

	creds, err := assumed.Credentials.Retrieve(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID == "test" || creds.SessionToken == "" || !strings.Contains(creds.Source, "AssumeRole") {
		t.Fatalf("credentials from %q with a session token %v: not the assumed role's", creds.Source, creds.SessionToken != "")
	}
	id, err := sts.NewFromConfig(assumed).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if arn := aws.ToString(id.Arn); !strings.Contains(arn, "111122223333") || !strings.Contains(arn, "assumed-role/originlock-cloudfront/originlock-rotation") {
		t.Errorf("caller identity %s, want the assumed role's session in account 111122223333", arn)
	}

	// moto keeps each account's resources apart, as AWS does: the
	// distribution lives in the role's account, invisible to the function's.
	other := cfsdk.NewFromConfig(assumed)
	dist, err := fixture.CreateDistribution(t.Context(), other, fixture.NewToken(), fixture.Origin{ID: "api", Headers: [][2]string{{"X-Origin-Verify", fixture.RandomValue()}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: aws.String(dist)}); err != nil {
		t.Fatal(err)
	}
	if _, err := cfsdk.NewFromConfig(awsCfg).GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: aws.String(dist)}); err == nil {
		t.Fatal("the function's own account sees the other account's distribution: the test proves nothing")
	}

	var assumeCalls int
	var cloudFrontSigned bool
	for _, r := range rec.reqs {
		if r.form.Get("Action") == "AssumeRole" {
			assumeCalls++
			if r.form.Get("RoleArn") != role || r.form.Get("ExternalId") != "originlock-external-id" || r.form.Get("RoleSessionName") != "originlock-rotation" {
				t.Errorf("AssumeRole with %v, want the role, its external ID and the session name", r.form)
			}
		}
		if strings.Contains(r.host, "/distribution/"+dist) && strings.Contains(r.auth, "Credential="+creds.AccessKeyID+"/") {
			cloudFrontSigned = true
		}
	}
	if assumeCalls != 1 {
		t.Errorf("AssumeRole called %d times, want 1 (credentials are cached)", assumeCalls)
	}
	if !cloudFrontSigned {
		t.Error("the CloudFront request was not signed with the assumed role's credentials")
	}
}

// TestFunctionRotatesEveryTarget builds the function's handler from its
// environment with TARGETS=cloudfront,waf,apikey and rotates against moto,
// normally and in the REVOKE_PREVIOUS emergency mode, where no target may
// still accept the old value after finishSecret.
func TestFunctionRotatesEveryTarget(t *testing.T) {
	for _, revoke := range []bool{false, true} {
		t.Run(fmt.Sprintf("REVOKE_PREVIOUS=%t", revoke), func(t *testing.T) { rotateEveryTarget(t, revoke) })
	}
}

func rotateEveryTarget(t *testing.T, revoke bool) {
	moto := motoserver.Shared(t)
	for _, kv := range moto.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	ctx := t.Context()
	awsCfg := moto.AWSConfigForTest(t)
	sm, cf, wafAPI, apigw := secretsmanager.NewFromConfig(awsCfg), cfsdk.NewFromConfig(awsCfg), wafsdk.NewFromConfig(awsCfg), apigwsdk.NewFromConfig(awsCfg)
	initial, ref := fixture.RandomValue(), fixture.NewToken()

	arn, err := fixture.CreateSecret(ctx, sm, "originlock/fn-"+ref, `{"HEADERVALUE":"`+initial+`"}`)
	if err != nil {
		t.Fatal(err)
	}
	dist, err := fixture.CreateDistribution(ctx, cf, ref, fixture.Origin{ID: "api", Headers: [][2]string{{"x-api-key", initial}}})
	if err != nil {
		t.Fatal(err)
	}
	vis := &waftypes.VisibilityConfig{MetricName: aws.String("ov"), CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true}
	acl, err := wafAPI.CreateWebACL(ctx, &wafsdk.CreateWebACLInput{
		Name: aws.String("fn-" + ref[:8]), Scope: waftypes.ScopeRegional, VisibilityConfig: vis,
		DefaultAction: &waftypes.DefaultAction{Block: &waftypes.BlockAction{}},
		Rules: []waftypes.Rule{{Name: aws.String("OriginVerify"), Priority: 0, VisibilityConfig: vis, Action: &waftypes.RuleAction{Allow: &waftypes.AllowAction{}},
			Statement: &waftypes.Statement{ByteMatchStatement: &waftypes.ByteMatchStatement{
				FieldToMatch: &waftypes.FieldToMatch{SingleHeader: &waftypes.SingleHeader{Name: aws.String("x-api-key")}}, PositionalConstraint: waftypes.PositionalConstraintExactly,
				SearchString: []byte(initial), TextTransformations: []waftypes.TextTransformation{{Type: waftypes.TextTransformationTypeNone}}}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := apigw.CreateUsagePlan(ctx, &apigwsdk.CreateUsagePlanInput{Name: aws.String("fn-" + ref)})
	if err != nil {
		t.Fatal(err)
	}
	prefix := "fn-" + ref[:8] + "-"

	cfg, err := parseConfig(envconfig.Map(map[string]string{
		"SECRET_ID": arn, "DISTRIBUTIONS": dist, "HEADER_NAME": "x-api-key", "SETTLE_DELAY": "0", "POLL_INTERVAL": "1s",
		"TARGETS": "cloudfront,waf,apikey", "WAF_WEB_ACL_NAME": "fn-" + ref[:8], "WAF_WEB_ACL_ID": aws.ToString(acl.Summary.Id), "WAF_RULE_NAME": "OriginVerify",
		"WAF_PROPAGATION_DELAY": "0", "API_USAGE_PLAN_IDS": aws.ToString(plan.Id), "API_KEY_NAME_PREFIX": prefix, "API_KEY_DELAY": "0",
		"METRICS": "off", "REVOKE_PREVIOUS": fmt.Sprint(revoke),
	}))
	if err != nil {
		t.Fatal(err)
	}
	h, err := newHandler(ctx, cfg, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fixture.Rotate(ctx, sm, arn, h.Handle); err != nil {
		t.Fatal(err)
	}
	s, err := fixture.SecretString(ctx, sm, arn, rotation.StageCurrent)
	if err != nil {
		t.Fatal(err)
	}
	current := strings.TrimSuffix(strings.TrimPrefix(s, `{"HEADERVALUE":"`), `"}`)
	if current == initial || len(current) != rotation.DefaultValueLength {
		t.Fatal("the secret did not rotate")
	}
	dc, err := fixture.DistributionConfig(ctx, cf, dist)
	if err != nil {
		t.Fatal(err)
	}
	if fixture.HeaderValue(dc, "api", "x-api-key") != current {
		t.Error("CloudFront does not send AWSCURRENT")
	}
	got, err := wafAPI.GetWebACL(ctx, &wafsdk.GetWebACLInput{Name: aws.String("fn-" + ref[:8]), Id: acl.Summary.Id, Scope: waftypes.ScopeRegional})
	if err != nil {
		t.Fatal(err)
	}
	st := got.WebACL.Rules[0].Statement
	if revoke {
		if st.ByteMatchStatement == nil || string(st.ByteMatchStatement.SearchString) != current {
			t.Error("REVOKE_PREVIOUS: the WAF rule does not accept exactly AWSCURRENT")
		}
	} else if st.OrStatement == nil || len(st.OrStatement.Statements) != 2 || string(st.OrStatement.Statements[1].ByteMatchStatement.SearchString) != current {
		t.Error("the WAF rule does not accept AWSCURRENT and AWSPREVIOUS")
	}
	keys, err := apigw.GetApiKeys(ctx, &apigwsdk.GetApiKeysInput{IncludeValues: aws.Bool(true), NameQuery: aws.String(prefix)})
	if err != nil {
		t.Fatal(err)
	}
	var enabled int
	for _, k := range keys.Items {
		if k.Enabled && (aws.ToString(k.Value) == current || aws.ToString(k.Value) == initial) {
			enabled++
		}
	}
	want := 2 // AWSPREVIOUS's key stays enabled for API_KEY_RETIRE_GRACE
	if revoke {
		want = 1
	}
	if enabled != want {
		t.Errorf("%d enabled API keys hold AWSCURRENT or AWSPREVIOUS, want %d", enabled, want)
	}
}

// TestFunctionRotatesCrossAccount runs the function's handler with
// CLOUDFRONT_ROLE_ARN against a distribution in another account of moto.
func TestFunctionRotatesCrossAccount(t *testing.T) {
	moto := motoserver.Shared(t)
	for _, kv := range moto.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	ctx := t.Context()
	awsCfg := moto.AWSConfigForTest(t)
	sm := secretsmanager.NewFromConfig(awsCfg)
	const role = "arn:aws:iam::444455556666:role/originlock-cloudfront"
	other := cfsdk.NewFromConfig(assumeRoleConfig(awsCfg, role, "ext"))
	initial, ref := fixture.RandomValue(), fixture.NewToken()
	arn, err := fixture.CreateSecret(ctx, sm, "originlock/xacct-"+ref, `{"HEADERVALUE":"`+initial+`"}`)
	if err != nil {
		t.Fatal(err)
	}
	dist, err := fixture.CreateDistribution(ctx, other, ref, fixture.Origin{ID: "api", Headers: [][2]string{{"X-Origin-Verify", initial}}})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"SECRET_ID": arn, "DISTRIBUTIONS": dist, "SETTLE_DELAY": "0", "POLL_INTERVAL": "1s", "CLOUDFRONT_ROLE_ARN": role, "CLOUDFRONT_EXTERNAL_ID": "ext", "METRICS": "off"}
	cfg, err := parseConfig(envconfig.Map(env))
	if err != nil {
		t.Fatal(err)
	}
	h, err := newHandler(ctx, cfg, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fixture.Rotate(ctx, sm, arn, h.Handle); err != nil {
		t.Fatal(err)
	}
	dc, err := fixture.DistributionConfig(ctx, other, dist)
	if err != nil {
		t.Fatal(err)
	}
	s, err := fixture.SecretString(ctx, sm, arn, rotation.StageCurrent)
	if err != nil {
		t.Fatal(err)
	}
	if got := fixture.HeaderValue(dc, "api", "X-Origin-Verify"); got == initial || !strings.Contains(s, got) {
		t.Error("the other account's distribution does not send the new AWSCURRENT")
	}

	// Without the role, the same configuration cannot find the distribution.
	delete(env, "CLOUDFRONT_ROLE_ARN")
	delete(env, "CLOUDFRONT_EXTERNAL_ID")
	cfg, _ = parseConfig(envconfig.Map(env))
	h, err = newHandler(ctx, cfg, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fixture.Rotate(ctx, sm, arn, h.Handle); err == nil || !strings.Contains(err.Error(), dist) {
		t.Errorf("without the role: err = %v, want a failure naming the distribution", err)
	}
}
