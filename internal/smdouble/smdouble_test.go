package smdouble_test

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
	"github.com/originlock/originlock/internal/smdouble"
	"github.com/originlock/originlock/rotation"
)

func TestMain(m *testing.M) { os.Exit(motoserver.Main(m)) }

// The double serves wherever the real client does.
var _ rotation.SecretsManagerAPI = (*smdouble.SecretsManager)(nil)

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
func conformanceScript(ctx context.Context, sm smAPI, id string, begin func(token string, immediately bool) error) []string {
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

	first := versionWith(smdouble.Current)
	stages("initial")
	get("current", "", "")
	token1 := fixture.NewToken()
	result("begin rotation 1", begin(token1, true), "ok")
	stages("after RotateSecret")
	get("pending before createSecret", token1, smdouble.Pending)
	put("createSecret", token1, "value-B", smdouble.Pending)
	put("createSecret again, same value", token1, "value-B", smdouble.Pending)
	get("pending by token and stage", token1, smdouble.Pending)
	get("pending by stage", "", smdouble.Pending)
	get("token asked as AWSCURRENT", token1, smdouble.Current)
	get("unknown version", fixture.NewToken(), "")
	move("finish without RemoveFromVersionId", smdouble.Current, token1, "")
	move("finish", smdouble.Current, token1, first)
	stages("after finish")
	move("finish again", smdouble.Current, token1, first)
	get("previous", "", smdouble.Previous)
	get("current after finish", "", smdouble.Current)
	move("remove AWSPENDING from the current version", smdouble.Pending, "", token1)
	stages("after removing AWSPENDING")
	token2 := fixture.NewToken()
	result("begin rotation 2", begin(token2, true), "ok")
	put("createSecret 2", token2, "value-D", smdouble.Pending)
	move("finish 2", smdouble.Current, token2, token1)
	stages("after rotation 2")
	get("previous after rotation 2", "", smdouble.Previous)
	move("remove a label the version lacks", smdouble.Pending, "", first)
	move("revoke AWSPREVIOUS", smdouble.Previous, "", token1)
	stages("after revoking AWSPREVIOUS")
	get("previous after revoking", "", smdouble.Previous)
	move("revoke AWSPREVIOUS again", smdouble.Previous, "", token1)
	move("remove AWSPENDING from the current version 2", smdouble.Pending, "", token2)
	token3 := fixture.NewToken()
	result("begin a test-only rotation", begin(token3, false), "ok")
	stages("after the test-only RotateSecret")
	return out
}

// TestDoubleMatchesMoto runs the same script against moto and against the
// double, and requires the same answers: the double moves labels the way
// moto (and AWS) do.
func TestDoubleMatchesMoto(t *testing.T) {
	ctx := t.Context()
	moto := motoserver.Shared(t)
	sm := secretsmanager.NewFromConfig(moto.AWSConfigForTest(t))
	arn, err := fixture.CreateSecret(ctx, sm, "smdouble/"+t.Name()+"-"+fixture.NewToken()[:8], "value-A")
	if err != nil {
		t.Fatal(err)
	}
	fromMoto := conformanceScript(ctx, sm, arn, func(token string, immediately bool) error { return rotateSecret(ctx, sm, arn, token, immediately) })

	double := smdouble.New("conformance", fixture.NewToken(), "value-A", time.Now)
	fromDouble := conformanceScript(ctx, double, double.ARN(), func(token string, immediately bool) error {
		if immediately {
			return double.BeginRotation(token)
		}
		return double.BeginTestRotation(token)
	})

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

// TestWhereMotoDepartsFromAWS: where moto departs from AWS's documentation,
// the double follows AWS.
//   - PutSecretValue with an existing token and other data fails with
//     ResourceExistsException ("you can't modify an existing version"); moto
//     overwrites the value.
//   - PutSecretValue without VersionStages moves AWSCURRENT to the new
//     version and leaves AWSPREVIOUS on the old one; moto leaves AWSCURRENT
//     on both.
//   - DescribeSecret lists only versions with a label; moto lists deprecated
//     versions with none (ListSecretVersionIds with IncludeDeprecated lists
//     them on both).
//   - RotateSecret while another version holds AWSPENDING fails ("a previous
//     rotation request is still in progress"); moto starts another.
//
// And where AWS documents nothing, the double does what the rotation code
// must cope with: the test-only rotation (RotateImmediately=false) puts
// AWSPENDING on a copy of AWSCURRENT (moto copies a stale string: the value
// the secret was created with or last given as AWSCURRENT by PutSecretValue).
func TestWhereMotoDepartsFromAWS(t *testing.T) {
	ctx := t.Context()
	double := smdouble.New("departures", fixture.NewToken(), "value-A", time.Now)
	token := fixture.NewToken()
	if err := double.BeginRotation(token); err != nil {
		t.Fatal(err)
	}
	var invalid *smtypes.InvalidRequestException
	if err := double.BeginRotation(fixture.NewToken()); !errors.As(err, &invalid) {
		t.Errorf("RotateSecret while a rotation is pending: got %v, want InvalidRequestException", err)
	}
	first := token
	put := func(value string, labels ...string) error {
		_, err := double.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(double.ARN()), ClientRequestToken: aws.String(token), SecretString: aws.String(value), VersionStages: labels})
		return err
	}
	var exists *smtypes.ResourceExistsException
	if err := put("value-X", smdouble.Pending); err != nil {
		t.Fatal(err)
	}
	if err := put("value-Y", smdouble.Pending); !errors.As(err, &exists) {
		t.Errorf("PutSecretValue with an existing token and other data: got %v, want ResourceExistsException", err)
	}
	token = fixture.NewToken()
	if err := put("value-Z"); err != nil {
		t.Fatal(err)
	}
	currents := 0
	for _, labels := range double.Stages() {
		if slices.Contains(labels, smdouble.Current) {
			currents++
		}
	}
	if v, _ := double.ValueAt(smdouble.Current); currents != 1 || v != "value-Z" {
		t.Errorf("PutSecretValue without stages: %d versions hold AWSCURRENT, want 1 with the new value", currents)
	}
	if _, err := double.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{SecretId: aws.String(double.ARN()), VersionStage: aws.String(smdouble.Pending), RemoveFromVersionId: aws.String(first)}); err != nil {
		t.Fatal(err)
	}
	testOnly := fixture.NewToken()
	if err := double.BeginTestRotation(testOnly); err != nil {
		t.Fatal(err)
	}
	if v, _ := double.ValueAt(smdouble.Pending); v != "value-Z" {
		t.Errorf("the test-only rotation's pending version holds %q, want a copy of AWSCURRENT", v)
	}
	list, err := double.ListSecretVersionIds(ctx, &secretsmanager.ListSecretVersionIdsInput{SecretId: aws.String(double.Name()), IncludeDeprecated: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if got, labelled := len(list.Versions), len(double.Stages()); got != 4 || labelled != 3 {
		t.Errorf("ListSecretVersionIds lists %d versions, DescribeSecret %d; want 4 and 3", got, labelled)
	}
}

// TestFaultsAndCalls: an injected fault is the call's result and changes
// nothing; every call is counted; a partial ARN names the secret.
func TestFaultsAndCalls(t *testing.T) {
	ctx := t.Context()
	double := smdouble.New("faults", fixture.NewToken(), "value-A", time.Now)
	injected := errors.New("injected")
	double.SetFault(func(op string) error {
		if op == smdouble.OpUpdateSecretVersionStage {
			return injected
		}
		return nil
	})
	token := fixture.NewToken()
	if err := double.BeginRotation(token); err != nil {
		t.Fatal(err)
	}
	before := double.Stages()
	_, err := double.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{SecretId: aws.String(double.ARN()), VersionStage: aws.String(smdouble.Pending), RemoveFromVersionId: aws.String(token)})
	if !errors.Is(err, injected) || !slices.Contains(double.Stages()[token], smdouble.Pending) || len(double.Stages()) != len(before) {
		t.Errorf("faulted call: got %v and stages %v, want the fault and nothing changed", err, double.Stages())
	}
	double.SetFault(nil)
	partial := strings.TrimSuffix(double.ARN(), "-AbCdEf")
	if _, err := double.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(partial)}); err != nil {
		t.Errorf("DescribeSecret by partial ARN: %v", err)
	}
	var notFound *smtypes.ResourceNotFoundException
	if _, err := double.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("other")}); !errors.As(err, &notFound) {
		t.Errorf("DescribeSecret of another secret: got %v, want ResourceNotFoundException", err)
	}
	if got := double.Calls(smdouble.OpDescribeSecret); got != 2 {
		t.Errorf("Calls(DescribeSecret) = %d, want 2", got)
	}
	if got := double.Calls(smdouble.OpUpdateSecretVersionStage); got != 1 {
		t.Errorf("Calls(UpdateSecretVersionStage) = %d, want 1", got)
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
func rotateSecret(ctx context.Context, sm *secretsmanager.Client, arn, token string, immediately bool) error {
	_, err := sm.RotateSecret(ctx, &secretsmanager.RotateSecretInput{
		SecretId: aws.String(arn), ClientRequestToken: aws.String(token),
		RotationLambdaARN: aws.String(fixture.RotationLambdaARN),
		RotationRules:     &smtypes.RotationRulesType{AutomaticallyAfterDays: aws.Int64(30)},
		RotateImmediately: aws.Bool(immediately),
	})
	var notFound *smtypes.ResourceNotFoundException
	if errors.As(err, &notFound) && strings.Contains(err.Error(), fixture.RotationLambdaARN) {
		return nil // moto cannot invoke the function; the rotation has begun
	}
	return err
}

// TestFaultMayHoldACall: a fault that blocks holds its call without
// blocking the others, as a test of concurrent readers needs.
func TestFaultMayHoldACall(t *testing.T) {
	ctx := t.Context()
	double := smdouble.New("hold", fixture.NewToken(), "value-A", time.Now)
	entered, release := make(chan struct{}), make(chan struct{})
	double.SetFault(func(op string) error {
		if op == smdouble.OpDescribeSecret {
			close(entered)
			<-release
		}
		return nil
	})
	done := make(chan error)
	go func() {
		_, err := double.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(double.Name())})
		done <- err
	}()
	<-entered
	if _, err := double.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(double.Name())}); err != nil {
		t.Fatalf("GetSecretValue while DescribeSecret is held: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
