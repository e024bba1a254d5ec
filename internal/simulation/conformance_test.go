package simulation_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"

	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/motoserver"
	"github.com/originlock/originlock/internal/simulation"
)

func TestMain(m *testing.M) { os.Exit(motoserver.Main(m)) }

// smAPI is what the conformance script calls.
type smAPI interface {
	DescribeSecret(context.Context, *secretsmanager.DescribeSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
	GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
	PutSecretValue(context.Context, *secretsmanager.PutSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error)
	UpdateSecretVersionStage(context.Context, *secretsmanager.UpdateSecretVersionStageInput, ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretVersionStageOutput, error)
}

// conformanceScript runs the calls a rotation and an authorizer make, the
// right ones and the wrong ones, and returns one line per call: its error
// code or its result, with version IDs replaced by names.
func conformanceScript(ctx context.Context, sm smAPI, id string, begin func(token string) error) []string {
	var out []string
	names := map[string]string{}
	name := func(v string) string {
		if n, ok := names[v]; ok {
			return n
		}
		n := fmt.Sprintf("v%d", len(names))
		names[v] = n
		return n
	}
	result := func(what string, err error, ok string) {
		var apiErr smithy.APIError
		switch {
		case errors.As(err, &apiErr):
			out = append(out, what+": "+apiErr.ErrorCode())
		case err != nil:
			out = append(out, what+": "+err.Error())
		default:
			out = append(out, what+": "+ok)
		}
	}
	stages := func(what string) {
		d, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(id)})
		if err != nil {
			result(what, err, "")
			return
		}
		var parts []string
		for v, labels := range d.VersionIdsToStages {
			if len(labels) == 0 {
				continue // deprecated: AWS leaves it out, moto lists it without labels
			}
			labels = slices.Clone(labels)
			slices.Sort(labels)
			parts = append(parts, name(v)+"="+strings.Join(labels, "+"))
		}
		slices.Sort(parts)
		result(what, nil, fmt.Sprintf("rotation=%v %s", aws.ToBool(d.RotationEnabled), strings.Join(parts, " ")))
	}
	get := func(what string, version, stage string) {
		in := &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)}
		if version != "" {
			in.VersionId = aws.String(version)
		}
		if stage != "" {
			in.VersionStage = aws.String(stage)
		}
		o, err := sm.GetSecretValue(ctx, in)
		if err != nil {
			result(what, err, "")
			return
		}
		labels := slices.Clone(o.VersionStages)
		slices.Sort(labels)
		result(what, nil, fmt.Sprintf("%s %s %v created=%v", name(aws.ToString(o.VersionId)), aws.ToString(o.SecretString), labels, o.CreatedDate != nil))
	}
	put := func(what, token, value string, labels ...string) {
		_, err := sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(id), ClientRequestToken: aws.String(token), SecretString: aws.String(value), VersionStages: labels})
		result(what, err, "ok")
	}
	move := func(what, label, to, from string) {
		in := &secretsmanager.UpdateSecretVersionStageInput{SecretId: aws.String(id), VersionStage: aws.String(label)}
		if to != "" {
			in.MoveToVersionId = aws.String(to)
		}
		if from != "" {
			in.RemoveFromVersionId = aws.String(from)
		}
		_, err := sm.UpdateSecretVersionStage(ctx, in)
		result(what, err, "ok")
	}
	versionWith := func(label string) string {
		d, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(id)})
		if err != nil {
			return ""
		}
		for v, labels := range d.VersionIdsToStages {
			if slices.Contains(labels, label) {
				return v
			}
		}
		return ""
	}

	first := versionWith(simulation.Current)
	stages("initial")
	get("current", "", "")
	token1 := fixture.NewToken()
	result("begin rotation 1", begin(token1), "ok")
	stages("after RotateSecret")
	get("pending before createSecret", token1, simulation.Pending)
	put("createSecret", token1, "value-B", simulation.Pending)
	put("createSecret again, same value", token1, "value-B", simulation.Pending)
	get("pending by token and stage", token1, simulation.Pending)
	get("pending by stage", "", simulation.Pending)
	get("token asked as AWSCURRENT", token1, simulation.Current)
	get("unknown version", fixture.NewToken(), "")
	move("finish without RemoveFromVersionId", simulation.Current, token1, "")
	move("finish", simulation.Current, token1, first)
	stages("after finish")
	move("finish again", simulation.Current, token1, first)
	get("previous", "", simulation.Previous)
	get("current after finish", "", simulation.Current)
	move("remove AWSPENDING from the current version", simulation.Pending, "", token1)
	stages("after removing AWSPENDING")
	token2 := fixture.NewToken()
	result("begin rotation 2", begin(token2), "ok")
	put("createSecret 2", token2, "value-D", simulation.Pending)
	move("finish 2", simulation.Current, token2, token1)
	stages("after rotation 2")
	get("previous after rotation 2", "", simulation.Previous)
	move("remove a label the version lacks", simulation.Pending, "", first)
	return out
}

// TestSecretsManagerDoubleMatchesMoto runs the same script against moto and
// against the double the simulation uses, and requires the same answers:
// the simulation's Secrets Manager moves labels the way moto (and AWS) do.
func TestSecretsManagerDoubleMatchesMoto(t *testing.T) {
	ctx := t.Context()
	moto := motoserver.Shared(t)
	sm := secretsmanager.NewFromConfig(moto.AWSConfigForTest(t))
	arn, err := fixture.CreateSecret(ctx, sm, "simulation/"+t.Name(), "value-A")
	if err != nil {
		t.Fatal(err)
	}
	fromMoto := conformanceScript(ctx, sm, arn, func(token string) error { return rotateSecret(ctx, sm, arn, token) })

	double := simulation.NewSecretsManager("conformance", fixture.NewToken(), "value-A", time.Now)
	fromDouble := conformanceScript(ctx, double, double.ARN(), double.BeginRotation)

	// Where moto departs from AWS's documentation, the double follows AWS:
	//   - PutSecretValue with an existing token and other data fails with
	//     ResourceExistsException ("you can't modify an existing version");
	//     moto overwrites the value.
	//   - PutSecretValue without VersionStages moves AWSCURRENT to the new
	//     version and leaves AWSPREVIOUS on the old one; moto leaves
	//     AWSCURRENT on both.
	token := fixture.NewToken()
	if err := double.BeginRotation(token); err != nil {
		t.Fatal(err)
	}
	put := func(value string, labels ...string) error {
		_, err := double.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(double.ARN()), ClientRequestToken: aws.String(token), SecretString: aws.String(value), VersionStages: labels})
		return err
	}
	var exists *smtypes.ResourceExistsException
	if err := put("value-X", simulation.Pending); err != nil {
		t.Fatal(err)
	}
	if err := put("value-Y", simulation.Pending); !errors.As(err, &exists) {
		t.Errorf("double: PutSecretValue with an existing token and other data: got %v, want ResourceExistsException", err)
	}
	token = fixture.NewToken()
	if err := put("value-Z"); err != nil {
		t.Fatal(err)
	}
	currents := 0
	for _, labels := range double.Stages() {
		if slices.Contains(labels, simulation.Current) {
			currents++
		}
	}
	if v, _ := double.ValueAt(simulation.Current); currents != 1 || v != "value-Z" {
		t.Errorf("double: PutSecretValue without stages: %d versions hold AWSCURRENT, want 1 with the new value", currents)
	}

	if !slices.Equal(fromMoto, fromDouble) {
		var b strings.Builder
		for i := range max(len(fromMoto), len(fromDouble)) {
			m, d := at(fromMoto, i), at(fromDouble, i)
			mark := "  "
			if m != d {
				mark = "≠ "
			}
			fmt.Fprintf(&b, "%s moto:   %s\n   double: %s\n", mark, m, d)
		}
		t.Errorf("the double and moto disagree:\n%s", b.String())
	}
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(nothing)"
}

// rotateSecret starts a rotation in moto with a chosen token, as
// fixture.BeginRotation does with a random one.
func rotateSecret(ctx context.Context, sm *secretsmanager.Client, arn, token string) error {
	_, err := sm.RotateSecret(ctx, &secretsmanager.RotateSecretInput{
		SecretId: aws.String(arn), ClientRequestToken: aws.String(token),
		RotationLambdaARN: aws.String(fixture.RotationLambdaARN),
		RotationRules:     &smtypes.RotationRulesType{AutomaticallyAfterDays: aws.Int64(30)},
		RotateImmediately: aws.Bool(true),
	})
	var notFound *smtypes.ResourceNotFoundException
	if errors.As(err, &notFound) && strings.Contains(err.Error(), fixture.RotationLambdaARN) {
		return nil // moto cannot invoke the function; the rotation has begun
	}
	return err
}
