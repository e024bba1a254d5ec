package authorizer_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"
)

// smDouble is a test double of Secrets Manager holding one secret: versions
// with values and staging labels, moved the way a rotation moves them. It
// counts calls and can fail or hold them, which moto cannot.
type smDouble struct {
	mu          sync.Mutex
	arn         string
	versions    map[string]*version
	lastChanged time.Time
	lastRotated time.Time
	next        int
	calls       map[string]int
	// fail, when set, is returned by every call.
	fail error
	// now stamps LastChangedDate when labels move.
	now func() time.Time
	// hold, when set, makes DescribeSecret wait until it is closed, after
	// signalling entered.
	hold, entered chan struct{}
	// deletedAt, when set, is the DeletedDate DescribeSecret reports (a
	// deletion scheduled with a recovery window), and GetSecretValue fails
	// as Secrets Manager does then.
	deletedAt time.Time
}

type version struct {
	value   *string // nil: no value yet
	stages  []string
	created time.Time
}

const doubleARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:origin-verify-AbCdEf"

// newSMDouble returns a secret whose AWSCURRENT holds {"HEADERVALUE": current}.
func newSMDouble(current string, now func() time.Time) *smDouble {
	d := &smDouble{arn: doubleARN, versions: map[string]*version{}, calls: map[string]int{}, now: now}
	d.put(jsonValue(current), "AWSCURRENT")
	return d
}

func jsonValue(v string) string {
	b, _ := json.Marshal(map[string]string{"HEADERVALUE": v, "owner": "team-api"})
	return string(b)
}

// put adds a version with secretString (nil-able via putEmpty) and moves the
// given labels onto it; AWSCURRENT leaves AWSPREVIOUS behind, as Secrets
// Manager does. It returns the version ID.
func (d *smDouble) put(secretString string, stages ...string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.next++
	id := fmt.Sprintf("v%02d-0000-0000-0000-000000000000", d.next)
	d.versions[id] = &version{value: &secretString, created: d.now()}
	d.move(id, stages...)
	return id
}

// putEmpty adds a version without a value holding AWSPENDING, as RotateSecret
// does before createSecret runs.
func (d *smDouble) putEmpty() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.next++
	id := fmt.Sprintf("v%02d-0000-0000-0000-000000000000", d.next)
	d.versions[id] = &version{created: d.now()}
	d.move(id, "AWSPENDING")
	return id
}

// finish makes version id AWSCURRENT, as finishSecret does, and records
// the rotation's completion in LastRotatedDate, as Secrets Manager does.
func (d *smDouble) finish(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.move(id, "AWSCURRENT")
	d.lastRotated = d.now()
}

func (d *smDouble) move(id string, stages ...string) {
	for _, stage := range stages {
		for other, v := range d.versions {
			if other == id || !slices.Contains(v.stages, stage) {
				continue
			}
			v.stages = slices.DeleteFunc(v.stages, func(s string) bool { return s == stage })
			if stage == "AWSCURRENT" {
				for _, w := range d.versions {
					w.stages = slices.DeleteFunc(w.stages, func(s string) bool { return s == "AWSPREVIOUS" })
				}
				v.stages = append(v.stages, "AWSPREVIOUS")
			}
		}
		d.versions[id].stages = append(d.versions[id].stages, stage)
	}
	d.lastChanged = d.now()
}

func (d *smDouble) count(op string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.calls[op]
}

func (d *smDouble) total() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.calls["DescribeSecret"] + d.calls["GetSecretValue"]
}

func (d *smDouble) setFail(err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fail = err
}

var errThrottled = &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}

func (d *smDouble) DescribeSecret(ctx context.Context, in *secretsmanager.DescribeSecretInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	d.mu.Lock()
	hold, entered := d.hold, d.entered
	d.mu.Unlock()
	if hold != nil {
		select {
		case entered <- struct{}{}:
		default:
		}
		select {
		case <-hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls["DescribeSecret"]++
	if d.fail != nil {
		return nil, d.fail
	}
	stages := map[string][]string{}
	for id, v := range d.versions {
		if len(v.stages) > 0 {
			stages[id] = slices.Clone(v.stages)
		}
	}
	out := &secretsmanager.DescribeSecretOutput{ARN: aws.String(d.arn), Name: aws.String("origin-verify"), VersionIdsToStages: stages, LastChangedDate: aws.Time(d.lastChanged)}
	if !d.lastRotated.IsZero() {
		out.LastRotatedDate = aws.Time(d.lastRotated)
	}
	if !d.deletedAt.IsZero() {
		out.DeletedDate = aws.Time(d.deletedAt)
	}
	return out, nil
}

func (d *smDouble) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls["GetSecretValue"]++
	if d.fail != nil {
		return nil, d.fail
	}
	if !d.deletedAt.IsZero() {
		return nil, &smtypes.InvalidRequestException{Message: aws.String("You can't perform this operation on the secret because it was marked for deletion.")}
	}
	id := aws.ToString(in.VersionId)
	if id == "" {
		for vid, v := range d.versions {
			if slices.Contains(v.stages, aws.ToString(in.VersionStage)) {
				id = vid
			}
		}
	}
	v, ok := d.versions[id]
	if !ok || v.value == nil {
		return nil, &smtypes.ResourceNotFoundException{Message: aws.String("Secrets Manager can't find the specified secret value")}
	}
	return &secretsmanager.GetSecretValueOutput{ARN: aws.String(d.arn), VersionId: aws.String(id), SecretString: v.value, VersionStages: slices.Clone(v.stages), CreatedDate: aws.Time(v.created)}, nil
}

var errInjected = errors.New("sm double: injected failure")

// removeStage takes stage off version id, as UpdateSecretVersionStage with
// only RemoveFromVersionId does.
func (d *smDouble) removeStage(id, stage string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	v := d.versions[id]
	v.stages = slices.DeleteFunc(v.stages, func(s string) bool { return s == stage })
	d.lastChanged = d.now()
}

// versionOf returns the ID of the version holding stage, or "".
func (d *smDouble) versionOf(stage string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	for id, v := range d.versions {
		if slices.Contains(v.stages, stage) {
			return id
		}
	}
	return ""
}

// scheduleDeletion sets or clears (zero) the secret's DeletedDate.
func (d *smDouble) scheduleDeletion(at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.deletedAt = at
}

var (
	errNotFound     = &smtypes.ResourceNotFoundException{Message: aws.String("Secrets Manager can't find the specified secret.")}
	errAccessDenied = &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized to perform secretsmanager:DescribeSecret"}
)
