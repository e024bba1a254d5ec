package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/emf"
	"github.com/originlock/originlock/rotation"
)

func TestObserverMetrics(t *testing.T) {
	var out bytes.Buffer
	l, err := emf.New(&out, "Originlock", emf.WithDimensions(emf.Dimension{Name: "FunctionName", Value: "rotation"}))
	if err != nil {
		t.Fatal(err)
	}
	o := observer{l}
	const token = "c2a6c1f4-7d1e-4b8f-9a3e-2f6d8b1c0e57"
	handle := withMetrics(l, func(ctx context.Context, e events.SecretsManagerSecretRotationEvent) error {
		o.ObserveStepStart(ctx, rotation.StepStartEvent{Step: e.Step})
		o.ObserveCall(ctx, cloudfront.CallEvent{Operation: "GetDistributionConfig", DistributionID: "E1ABC", Result: cloudfront.CallOK, Duration: time.Millisecond})
		o.ObserveCall(ctx, cloudfront.CallEvent{Operation: "UpdateDistribution", DistributionID: "E1ABC", Result: cloudfront.CallPreconditionFailed})
		o.ObserveCall(ctx, cloudfront.CallEvent{Operation: "UpdateDistribution", DistributionID: "E1ABC", Result: cloudfront.CallThrottled})
		o.ObserveCall(ctx, cloudfront.CallEvent{Operation: "UpdateDistribution", DistributionID: "E1ABC", Result: cloudfront.CallOK})
		o.ObserveDeploymentWait(ctx, cloudfront.DeploymentWaitEvent{Duration: 90 * time.Second, Deployed: true})
		err := errors.New("step failed for version " + e.ClientRequestToken)
		o.ObserveStepEnd(ctx, rotation.StepEndEvent{Step: e.Step, Outcome: "failed", Duration: 1500 * time.Millisecond, Err: err})
		// A bug passing the version ID as an outcome must not make it a
		// dimension.
		o.ObserveStepEnd(ctx, rotation.StepEndEvent{Step: e.Step, Outcome: e.ClientRequestToken, Duration: time.Millisecond})
		return err
	})
	err = handle(context.Background(), events.SecretsManagerSecretRotationEvent{Step: "setSecret", SecretID: "arn:aws:secretsmanager:us-east-1:123456789012:secret:s", ClientRequestToken: token, RotationToken: "rotation-token-0123456789abcdef"})
	if err == nil {
		t.Fatal("the handler's error was lost")
	}
	got := map[string]float64{}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	for _, line := range lines {
		doc, err := emf.Parse([]byte(line))
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		for _, m := range doc.Metrics() {
			k := m.Name
			for _, d := range m.Dimensions[1:] { // FunctionName first
				k += " " + d.Name + "=" + d.Value
			}
			got[k] += m.Sum()
		}
	}
	want := map[string]float64{
		"RotationSteps Step=setSecret Outcome=failed": 1, "RotationSteps Step=setSecret Outcome=other": 1,
		"RotationStepFailures Step=setSecret": 1, "RotationStepDuration Step=setSecret": 1501,
		"CloudFrontCalls Operation=GetDistributionConfig Result=ok": 1, "CloudFrontCalls Operation=UpdateDistribution Result=ok": 1,
		"CloudFrontCalls Operation=UpdateDistribution Result=precondition_failed": 1, "CloudFrontCalls Operation=UpdateDistribution Result=throttled": 1,
		"CloudFrontThrottles": 1, "CloudFrontPreconditionFailed": 1, "DeploymentWait": 90000,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	for _, leak := range []string{token, "rotation-token", "E1ABC", "step failed"} {
		if strings.Contains(out.String(), leak) {
			t.Errorf("the metrics hold %q", leak)
		}
	}
	t.Logf("%d documents for one invocation (dimension values differ)", len(lines))
}
