package cfdouble_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/originlock/originlock/internal/cfdouble"
)

func config(headers int) *types.DistributionConfig {
	hs := make([]types.OriginCustomHeader, headers)
	for i := range hs {
		hs[i] = types.OriginCustomHeader{HeaderName: aws.String("X-H" + strings.Repeat("i", i)), HeaderValue: aws.String("v")}
	}
	return &types.DistributionConfig{
		CallerReference: aws.String("ref"), Comment: aws.String("c"), Enabled: aws.Bool(true),
		Origins: &types.Origins{Quantity: aws.Int32(1), Items: []types.Origin{{Id: aws.String("api"), DomainName: aws.String("a.example.com"),
			CustomHeaders: &types.CustomHeaders{Quantity: aws.Int32(int32(headers)), Items: hs}}}},
		DefaultCacheBehavior: &types.DefaultCacheBehavior{TargetOriginId: aws.String("api"), ViewerProtocolPolicy: types.ViewerProtocolPolicyHttpsOnly},
	}
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// TestWhatMotoLacks: the ETag moves and If-Match is checked, configs come
// back byte for byte, quotas are enforced, and faults behave as documented.
func TestWhatMotoLacks(t *testing.T) {
	ctx := t.Context()
	s := cfdouble.New()
	raw := []byte(cfdouble.Declaration + `<DistributionConfig xmlns="` + cfdouble.Namespace + `"><Future a="1">é &amp;</Future><Origins><Quantity>0</Quantity></Origins></DistributionConfig>`)
	if err := s.Put("E1", raw); err != nil {
		t.Fatal(err)
	}
	cf := s.Start(t)
	got, err := cf.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String("E1")})
	if err != nil || aws.ToString(got.ETag) != "E1" {
		t.Fatalf("read: %v, ETag %q", err, aws.ToString(got.ETag))
	}
	if r := s.Requests()[0]; !bytes.Equal(r.ResponseBody, raw) {
		t.Errorf("served %s, want the stored bytes", r.ResponseBody)
	}
	update := func(ifMatch string, cfg *types.DistributionConfig) error {
		_, err := cf.UpdateDistribution(ctx, &cfsdk.UpdateDistributionInput{Id: aws.String("E1"), IfMatch: aws.String(ifMatch), DistributionConfig: cfg})
		return err
	}
	if err := update("E0", config(1)); code(err) != "PreconditionFailed" {
		t.Errorf("stale If-Match: %v, want PreconditionFailed", err)
	}
	if err := update("", config(1)); code(err) != "InvalidIfMatchVersion" {
		t.Errorf("no If-Match: %v, want InvalidIfMatchVersion", err)
	}
	if err := update("E1", config(11)); code(err) != "TooManyOriginCustomHeaders" {
		t.Errorf("11 headers: %v, want TooManyOriginCustomHeaders", err)
	}
	if err := update("E1", config(2)); err != nil {
		t.Fatal(err)
	}
	if s.ETag("E1") != "E2" || !bytes.Equal(s.Updates()[3].Body, s.Raw("E1")) {
		t.Errorf("after an update: ETag %s, stored body equal to the one sent: %v", s.ETag("E1"), bytes.Equal(s.Updates()[3].Body, s.Raw("E1")))
	}
	s.Fail(cfdouble.OpUpdateDistribution, cfdouble.LostResponse)
	if err := update("E2", config(3)); err == nil {
		t.Error("a lost response reached the client as a success")
	}
	if cfg, err := s.Config("E1"); err != nil || len(cfg.Origins.Items[0].CustomHeaders.Items) != 3 || s.ETag("E1") != "E3" {
		t.Errorf("a lost response was not applied (ETag %s, %v)", s.ETag("E1"), err)
	}
	for f, want := range map[cfdouble.Fault]string{cfdouble.Throttle: "Throttling", cfdouble.Unavailable: "ServiceUnavailable", cfdouble.AccessDenied: "AccessDenied", cfdouble.Stale: "PreconditionFailed"} {
		s.Fail(cfdouble.OpUpdateDistribution, f)
		if err := update("E3", config(4)); code(err) != want {
			t.Errorf("fault %d: %v, want %s", f, err, want)
		}
	}
	if s.ETag("E1") != "E3" {
		t.Error("a refused update changed the distribution")
	}
	s.SetDeployment(2, 1)
	if err := update("E3", config(5)); err != nil {
		t.Fatal(err)
	}
	var seen []string
	for range 4 {
		d, err := cf.GetDistribution(ctx, &cfsdk.GetDistributionInput{Id: aws.String("E1")})
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, aws.ToString(d.Distribution.Status)+"/"+string(rune('0'+len(d.Distribution.DistributionConfig.Origins.Items[0].CustomHeaders.Items))))
	}
	if want := []string{"Deployed/3", "InProgress/5", "InProgress/5", "Deployed/5"}; strings.Join(seen, " ") != strings.Join(want, " ") {
		t.Errorf("GetDistribution after an update: %v, want %v (one stale read, two InProgress)", seen, want)
	}
}

// TestSignatureCoversTheBody: a body changed after the SDK signed the
// request is refused, so tests that pass through the double prove that a
// body replaced earlier in the stack was the one signed.
func TestSignatureCoversTheBody(t *testing.T) {
	s := cfdouble.New()
	if err := s.PutConfig("E1", config(1)); err != nil {
		t.Fatal(err)
	}
	afterSigning := func(o *cfsdk.Options) {
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
			return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("tamper", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				req := in.Request.(*smithyhttp.Request)
				raw, err := cfdouble.Marshal(config(2))
				if err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, err
				}
				if in.Request, err = req.SetStream(bytes.NewReader(raw)); err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, err
				}
				in.Request.(*smithyhttp.Request).ContentLength = int64(len(raw))
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
		})
	}
	cf := s.Start(t)
	_, err := cf.UpdateDistribution(t.Context(), &cfsdk.UpdateDistributionInput{Id: aws.String("E1"), IfMatch: aws.String("E1"), DistributionConfig: config(3)}, afterSigning)
	if code(err) != "SignatureDoesNotMatch" {
		t.Fatalf("a body changed after signing: %v, want SignatureDoesNotMatch", err)
	}
	if s.ETag("E1") != "E1" {
		t.Error("the refused update was applied")
	}
	if _, err := cf.UpdateDistribution(t.Context(), &cfsdk.UpdateDistributionInput{Id: aws.String("E1"), IfMatch: aws.String("E1"), DistributionConfig: config(3)}); err != nil {
		t.Errorf("a correctly signed update: %v", err)
	}
}
