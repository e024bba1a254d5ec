//go:build terraform

package terraform

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/lambdaruntime"
	"github.com/originlock/originlock/rotation"
)

// rotate runs one whole rotation as Secrets Manager would: it starts the
// rotation (fixture.BeginRotation) and invokes the four steps on the rotation
// function's bootstrap, built from the same source as the deployed package
// for this machine, configured with the deployed function's environment. It
// checks the result and returns the new value.
func (d *deployment) rotate(t *testing.T, env map[string]string, initial string) string {
	t.Helper()
	ctx := t.Context()
	raw, err := fixture.RawDistributionConfig(ctx, d.moto.URL, d.out["cloudfront_distribution_id"])
	if err != nil {
		t.Fatal(err)
	}

	rt := lambdaruntime.ForTest(t)
	fnEnv := []string{
		"AWS_LAMBDA_FUNCTION_NAME=" + d.name + "-rotation",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + d.name + "-rotation",
	}
	for k, v := range env {
		fnEnv = append(fnEnv, k+"="+v)
	}
	fnEnv = append(fnEnv, motoEnv(d.moto)...)
	if err := rt.Exec(ctx, extractBootstrap(t, d.pkgs.rotationNative), fnEnv); err != nil {
		t.Fatalf("the rotation function does not start with the deployed configuration: %v", err)
	}
	invoke := func(ctx context.Context, ev events.SecretsManagerSecretRotationEvent) error {
		payload, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		_, err = rt.Invoke(ctx, payload, 900*time.Second)
		return err
	}
	token, err := fixture.Rotate(ctx, d.sm, d.out["secret_arn"], invoke)
	if err != nil {
		t.Fatalf("rotation: %v", err)
	}

	current := d.headerValue(t, rotation.StageCurrent)
	switch {
	case current == initial:
		t.Fatal("AWSCURRENT still holds the initial value after the rotation")
	case !isAlnum(current, valueLength):
		t.Errorf("the rotated value has %d characters, want %d letters and digits", len(current), valueLength)
	case d.headerValue(t, rotation.StagePrevious) != initial:
		t.Error("AWSPREVIOUS does not hold the initial value")
	}
	stages, err := fixture.Stages(ctx, d.sm, d.out["secret_arn"])
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(stages[token], rotation.StageCurrent) {
		t.Errorf("the rotation's version holds %v, want AWSCURRENT", stages[token])
	}
	d.checkDistribution(t, current)
	after, err := fixture.RawDistributionConfig(ctx, d.moto.URL, d.out["cloudfront_distribution_id"])
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != strings.ReplaceAll(string(raw), initial, current) {
		t.Error("the rotation changed the distribution config beyond the header value")
	}
	if rt.LogsContain(initial) || rt.LogsContain(current) {
		t.Error("the rotation function logged a header value")
	}
	return current
}

// checkPlanKeepsRotatedValue plans after the rotation and checks that
// Terraform would leave the rotated value on the distribution: the header
// value comes from AWSCURRENT, so rotation and Terraform agree. (moto fills
// in CloudFront defaults, so the plan is never empty; only the header is
// checked.) It also checks that the initial secret version is no drift.
func (d *deployment) checkPlanKeepsRotatedValue(t *testing.T, rotated string) {
	t.Helper()
	d.tf.run("plan", "-input=false", "-out=after-rotation.tfplan")
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions []string        `json:"actions"`
				Before  json.RawMessage `json:"before"`
				After   json.RawMessage `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(d.tf.runSecret("show", "-json", "after-rotation.tfplan"), &plan); err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	type distribution struct {
		Origin []struct {
			CustomHeader []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"custom_header"`
		} `json:"origin"`
	}
	seen := 0
	for _, rc := range plan.ResourceChanges {
		switch rc.Address {
		case "module.originlock.aws_cloudfront_distribution.this":
			seen++
			if !slices.Equal(rc.Change.Actions, []string{"no-op"}) && !slices.Equal(rc.Change.Actions, []string{"update"}) {
				t.Errorf("the plan would %v the distribution", rc.Change.Actions)
			}
			for when, state := range map[string]json.RawMessage{"before": rc.Change.Before, "after": rc.Change.After} {
				var dist distribution
				if err := json.Unmarshal(state, &dist); err != nil {
					t.Fatalf("the plan's distribution (%s): %v", when, err)
				}
				if len(dist.Origin) != 1 || len(dist.Origin[0].CustomHeader) != 1 || dist.Origin[0].CustomHeader[0].Name != headerName {
					t.Fatalf("the plan's distribution (%s): the origin does not carry exactly %s", when, headerName)
				}
				if dist.Origin[0].CustomHeader[0].Value != rotated {
					t.Errorf("the plan's distribution (%s): the header value is not the rotated AWSCURRENT, so Terraform would fight rotation", when)
				}
			}
		case "module.originlock.module.rotation.aws_secretsmanager_secret_version.initial[0]", "module.originlock.module.rotation.aws_secretsmanager_secret.this[0]":
			seen++
			if !slices.Equal(rc.Change.Actions, []string{"no-op"}) {
				t.Errorf("after a rotation, the plan would %v %s", rc.Change.Actions, rc.Address)
			}
		}
	}
	if seen != 3 {
		t.Errorf("the plan lists %d of the distribution, the secret and its initial version, want 3", seen)
	}
}
