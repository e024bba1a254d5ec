package faultproxy_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/smithy-go"

	"github.com/originlock/originlock/internal/faultproxy"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/motoserver"
)

func TestMain(m *testing.M) { os.Exit(motoserver.Main(m)) }

type env struct {
	proxy *faultproxy.Proxy
	sm    *secretsmanager.Client
	cf    *cfsdk.Client
	arn   string
	dist  string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	moto := motoserver.Shared(t)
	p, err := faultproxy.New(moto.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	direct := moto.AWSConfigForTest(t)
	arn, err := fixture.CreateSecret(t.Context(), secretsmanager.NewFromConfig(direct), "faultproxy/"+t.Name(), `{"HEADERVALUE":"x"}`)
	if err != nil {
		t.Fatal(err)
	}
	dist, err := fixture.CreateDistribution(t.Context(), cfsdk.NewFromConfig(direct), t.Name(), fixture.Origin{ID: "api", Headers: [][2]string{{"X-Origin-Verify", "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := moto.AWSConfig(t.Context(), config.WithBaseEndpoint(p.URL), config.WithRetryer(faultproxy.Retryer))
	if err != nil {
		t.Fatal(err)
	}
	return &env{proxy: p, sm: secretsmanager.NewFromConfig(cfg), cf: cfsdk.NewFromConfig(cfg), arn: arn, dist: dist}
}

func (e *env) describe(ctx context.Context) error {
	_, err := e.sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(e.arn)})
	return err
}

func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

func lastCall(t *testing.T, p *faultproxy.Proxy) faultproxy.Call {
	t.Helper()
	calls := p.Calls()
	if len(calls) == 0 {
		t.Fatal("no calls recorded")
	}
	return calls[len(calls)-1]
}

func TestFaultOnOneAttemptIsAbsorbedBySDK(t *testing.T) {
	for _, fault := range []faultproxy.Fault{faultproxy.Throttle, faultproxy.ServerError, faultproxy.LostResponse} {
		t.Run(fault.String(), func(t *testing.T) {
			e := newEnv(t)
			e.proxy.Inject(faultproxy.Rule{Op: "DescribeSecret", Fault: fault, Attempts: 1})
			if err := e.describe(t.Context()); err != nil {
				t.Fatalf("DescribeSecret: %v, want the SDK to retry past one faulted attempt", err)
			}
			c := lastCall(t, e.proxy)
			if c.Op != "DescribeSecret" || c.Attempts != 2 || c.Faulted != 1 || c.Fault != fault {
				t.Errorf("call = %+v, want DescribeSecret with 2 attempts, 1 faulted", c)
			}
		})
	}
}

func TestFaultOnEveryAttemptReachesCaller(t *testing.T) {
	cases := map[faultproxy.Fault]string{faultproxy.Throttle: "ThrottlingException", faultproxy.ServerError: "InternalServiceError"}
	for fault, code := range cases {
		t.Run(fault.String(), func(t *testing.T) {
			e := newEnv(t)
			e.proxy.Inject(faultproxy.Rule{Op: "DescribeSecret", Fault: fault})
			err := e.describe(t.Context())
			if got := errorCode(err); got != code {
				t.Fatalf("error code %q (%v), want %s", got, err, code)
			}
			if c := lastCall(t, e.proxy); c.Attempts != faultproxy.SDKAttempts || c.Forwarded != 0 {
				t.Errorf("call = %+v, want %d attempts, none forwarded", c, faultproxy.SDKAttempts)
			}
			if err := e.describe(t.Context()); err != nil {
				t.Errorf("the next call failed too: %v", err)
			}
		})
	}
	t.Run("lost response", func(t *testing.T) {
		e := newEnv(t)
		e.proxy.Inject(faultproxy.Rule{Op: "DescribeSecret", Fault: faultproxy.LostResponse})
		if err := e.describe(t.Context()); err == nil {
			t.Fatal("DescribeSecret succeeded, want a connection error")
		}
		if c := lastCall(t, e.proxy); c.Applied != c.Attempts || c.Attempts < faultproxy.SDKAttempts || c.Status != 0 {
			t.Errorf("call = %+v, want every attempt applied by the backend and none answered", c)
		}
	})
}

func TestDeadlineCancelsTheCallerAfterTheBackendApplied(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	e.proxy.SetDeadline(cancel)
	e.proxy.Inject(faultproxy.Rule{Op: "DescribeSecret", Fault: faultproxy.Deadline})
	err := e.describe(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if c := lastCall(t, e.proxy); c.Attempts != 1 || c.Applied != 1 {
		t.Errorf("call = %+v, want one attempt, applied", c)
	}
}

func TestCloudFrontIfMatch(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	get := func() *cfsdk.GetDistributionConfigOutput {
		t.Helper()
		out, err := e.cf.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(e.dist)})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	update := func(out *cfsdk.GetDistributionConfigOutput, etag *string) error {
		_, err := e.cf.UpdateDistribution(ctx, &cfsdk.UpdateDistributionInput{Id: aws.String(e.dist), IfMatch: etag, DistributionConfig: out.DistributionConfig})
		return err
	}
	var stale *cftypes.PreconditionFailed
	var badETag *cftypes.InvalidIfMatchVersion

	first := get()
	if err := update(first, first.ETag); err != nil {
		t.Fatalf("update with a fresh ETag: %v", err)
	}
	if err := update(first, first.ETag); !errors.As(err, &stale) {
		t.Fatalf("update with a used ETag: got %v, want PreconditionFailed", err)
	}
	if err := update(first, nil); !errors.As(err, &badETag) {
		t.Fatalf("update without If-Match: got %v, want InvalidIfMatchVersion", err)
	}
	second := get()
	if aws.ToString(second.ETag) == aws.ToString(first.ETag) {
		t.Fatal("the ETag did not move with the update")
	}
	e.proxy.Touch(e.dist)
	if err := update(second, second.ETag); !errors.As(err, &stale) {
		t.Fatalf("update after Touch: got %v, want PreconditionFailed", err)
	}
	third := get()
	e.proxy.Inject(faultproxy.Rule{Op: "UpdateDistribution", Fault: faultproxy.PreconditionFailed})
	if err := update(third, third.ETag); !errors.As(err, &stale) {
		t.Fatalf("injected 412: got %v, want PreconditionFailed", err)
	}
	if err := update(third, third.ETag); !errors.As(err, &stale) {
		t.Fatalf("an injected 412 must move the ETag: got %v", err)
	}
	if _, applied := e.proxy.Count("UpdateDistribution"); applied != 1 {
		t.Errorf("UpdateDistribution applied %d times, want 1", applied)
	}
}

func TestCloudFrontFaultCodes(t *testing.T) {
	for fault, code := range map[faultproxy.Fault]string{faultproxy.Throttle: "Throttling", faultproxy.ServerError: "ServiceUnavailable"} {
		t.Run(fault.String(), func(t *testing.T) {
			e := newEnv(t)
			e.proxy.Inject(faultproxy.Rule{Op: "GetDistribution", Fault: fault})
			_, err := e.cf.GetDistribution(t.Context(), &cfsdk.GetDistributionInput{Id: aws.String(e.dist)})
			if got := errorCode(err); got != code {
				t.Fatalf("error code %q (%v), want %s", got, err, code)
			}
		})
	}
}
