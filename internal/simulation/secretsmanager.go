package simulation

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

// Staging labels.
const (
	Current  = "AWSCURRENT"
	Pending  = "AWSPENDING"
	Previous = "AWSPREVIOUS"
)

// SecretsManager is a test double of AWS Secrets Manager holding one secret,
// for simulations whose time must be controlled (moto stamps dates with the
// wall clock). It moves staging labels as Secrets Manager does — AWSCURRENT
// leaves AWSPREVIOUS behind, a repeated PutSecretValue with the same token and
// value is a no-op, UpdateSecretVersionStage insists on RemoveFromVersionId —
// and TestSecretsManagerDoubleMatchesMoto checks that against moto. It
// implements the Secrets Manager interfaces of the rotation and authorizer
// packages. It is not safe for concurrent use.
type SecretsManager struct {
	// Now stamps CreatedDate and LastChangedDate.
	Now func() time.Time
	// Fault, if set, is called at the start of every call; an error it
	// returns is the call's result, and nothing changes.
	Fault func(op string) error

	name, arn       string
	rotationEnabled bool
	versions        map[string]*secretVersion
	order           []string
	lastChanged     time.Time
	calls           map[string]int
}

type secretVersion struct {
	value   *string
	binary  []byte
	stages  []string
	created time.Time
}

// NewSecretsManager returns a double holding the secret name, whose
// AWSCURRENT version (ID currentID) holds secretString.
func NewSecretsManager(name, currentID, secretString string, now func() time.Time) *SecretsManager {
	s := &SecretsManager{
		Now:      now,
		name:     name,
		arn:      "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + name + "-AbCdEf",
		versions: map[string]*secretVersion{},
		calls:    map[string]int{},
	}
	s.versions[currentID] = &secretVersion{value: aws.String(secretString), created: now()}
	s.order = append(s.order, currentID)
	s.move(Current, currentID)
	return s
}

// ARN is the secret's ARN.
func (s *SecretsManager) ARN() string { return s.arn }

// Calls returns how many times op was called.
func (s *SecretsManager) Calls(op string) int { return s.calls[op] }

// Stages returns each labelled version's staging labels.
func (s *SecretsManager) Stages() map[string][]string {
	out := map[string][]string{}
	for id, v := range s.versions {
		if len(v.stages) > 0 {
			out[id] = slices.Clone(v.stages)
		}
	}
	return out
}

// ValueAt returns the secret string at a stage, if a version holds the stage
// and a value.
func (s *SecretsManager) ValueAt(stage string) (string, bool) {
	for _, id := range s.order {
		v := s.versions[id]
		if slices.Contains(v.stages, stage) && v.value != nil {
			return *v.value, true
		}
	}
	return "", false
}

// BeginRotation does what RotateSecret does before it invokes the rotation
// function: it enables rotation and puts AWSPENDING on a new version, token,
// without a value. Like Secrets Manager it refuses while another version
// holds AWSPENDING (a rotation that has not finished).
func (s *SecretsManager) BeginRotation(token string) error {
	for id, v := range s.versions {
		if slices.Contains(v.stages, Pending) && !slices.Contains(v.stages, Current) {
			return &types.InvalidRequestException{Message: aws.String(fmt.Sprintf("A previous rotation isn't complete (version %s holds AWSPENDING). That rotation will be reattempted.", id))}
		}
	}
	if _, ok := s.versions[token]; ok {
		return &types.ResourceExistsException{Message: aws.String("A version with this ClientRequestToken already exists.")}
	}
	s.rotationEnabled = true
	s.versions[token] = &secretVersion{created: s.Now()}
	s.order = append(s.order, token)
	s.move(Pending, token)
	s.lastChanged = s.Now()
	return nil
}

// begin counts a call and returns its injected fault.
func (s *SecretsManager) begin(op string, id *string) error {
	s.calls[op]++
	if s.Fault != nil {
		if err := s.Fault(op); err != nil {
			return err
		}
	}
	if sid := aws.ToString(id); sid != s.name && sid != s.arn {
		return &types.ResourceNotFoundException{Message: aws.String("Secrets Manager can't find the specified secret.")}
	}
	return nil
}

// move puts label on version id, taking it from any other version. Moving
// AWSCURRENT leaves AWSPREVIOUS on the version that held it.
func (s *SecretsManager) move(label, id string) {
	for other, v := range s.versions {
		if other == id || !slices.Contains(v.stages, label) {
			continue
		}
		v.stages = without(v.stages, label)
		if label == Current {
			for _, w := range s.versions {
				w.stages = without(w.stages, Previous)
			}
			v.stages = append(v.stages, Previous)
		}
	}
	if v := s.versions[id]; !slices.Contains(v.stages, label) {
		v.stages = append(v.stages, label)
	}
}

func without(labels []string, label string) []string {
	return slices.DeleteFunc(slices.Clone(labels), func(l string) bool { return l == label })
}

// DescribeSecret implements the Secrets Manager call.
func (s *SecretsManager) DescribeSecret(_ context.Context, in *secretsmanager.DescribeSecretInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	if err := s.begin("DescribeSecret", in.SecretId); err != nil {
		return nil, err
	}
	out := &secretsmanager.DescribeSecretOutput{
		ARN: aws.String(s.arn), Name: aws.String(s.name),
		RotationEnabled:    aws.Bool(s.rotationEnabled),
		VersionIdsToStages: s.Stages(),
	}
	if !s.lastChanged.IsZero() {
		out.LastChangedDate = aws.Time(s.lastChanged)
	}
	return out, nil
}

// GetSecretValue implements the Secrets Manager call.
func (s *SecretsManager) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	if err := s.begin("GetSecretValue", in.SecretId); err != nil {
		return nil, err
	}
	notFound := &types.ResourceNotFoundException{Message: aws.String("Secrets Manager can't find the specified secret value.")}
	id, stage := aws.ToString(in.VersionId), aws.ToString(in.VersionStage)
	if id == "" {
		if stage == "" {
			stage = Current
		}
		for _, vid := range s.order {
			if slices.Contains(s.versions[vid].stages, stage) {
				id = vid
			}
		}
	}
	v, ok := s.versions[id]
	switch {
	case !ok || (v.value == nil && v.binary == nil):
		return nil, notFound
	case stage != "" && !slices.Contains(v.stages, stage):
		return nil, &types.InvalidRequestException{Message: aws.String("The VersionId and VersionStage you specified refer to different versions.")}
	}
	return &secretsmanager.GetSecretValueOutput{
		ARN: aws.String(s.arn), Name: aws.String(s.name), VersionId: aws.String(id),
		SecretString: v.value, SecretBinary: slices.Clone(v.binary),
		VersionStages: slices.Clone(v.stages), CreatedDate: aws.Time(v.created),
	}, nil
}

// PutSecretValue implements the Secrets Manager call.
func (s *SecretsManager) PutSecretValue(_ context.Context, in *secretsmanager.PutSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error) {
	if err := s.begin("PutSecretValue", in.SecretId); err != nil {
		return nil, err
	}
	id := aws.ToString(in.ClientRequestToken)
	if id == "" || (in.SecretString == nil) == (in.SecretBinary == nil) {
		return nil, &types.InvalidParameterException{Message: aws.String("You must provide a ClientRequestToken and either SecretString or SecretBinary.")}
	}
	stages := in.VersionStages
	if len(stages) == 0 {
		stages = []string{Current}
	}
	v, ok := s.versions[id]
	switch {
	case ok && (v.value != nil || v.binary != nil):
		if aws.ToString(v.value) != aws.ToString(in.SecretString) || !bytes.Equal(v.binary, in.SecretBinary) || (v.value == nil) != (in.SecretString == nil) {
			return nil, &types.ResourceExistsException{Message: aws.String("A resource with the ID you requested already exists.")}
		}
	case ok:
		v.value, v.binary = in.SecretString, slices.Clone(in.SecretBinary)
	default:
		v = &secretVersion{value: in.SecretString, binary: slices.Clone(in.SecretBinary), created: s.Now()}
		s.versions[id] = v
		s.order = append(s.order, id)
	}
	for _, label := range stages {
		s.move(label, id)
	}
	s.lastChanged = s.Now()
	return &secretsmanager.PutSecretValueOutput{ARN: aws.String(s.arn), Name: aws.String(s.name), VersionId: aws.String(id), VersionStages: slices.Clone(v.stages)}, nil
}

// UpdateSecretVersionStage implements the Secrets Manager call.
func (s *SecretsManager) UpdateSecretVersionStage(_ context.Context, in *secretsmanager.UpdateSecretVersionStageInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretVersionStageOutput, error) {
	if err := s.begin("UpdateSecretVersionStage", in.SecretId); err != nil {
		return nil, err
	}
	label, to, from := aws.ToString(in.VersionStage), aws.ToString(in.MoveToVersionId), aws.ToString(in.RemoveFromVersionId)
	invalid := func(msg string) error { return &types.InvalidParameterException{Message: aws.String(msg)} }
	if from != "" {
		v, ok := s.versions[from]
		if !ok || !slices.Contains(v.stages, label) {
			return nil, invalid("The staging label isn't attached to the version in RemoveFromVersionId.")
		}
	}
	if to != "" {
		if _, ok := s.versions[to]; !ok {
			return nil, &types.ResourceNotFoundException{Message: aws.String("Secrets Manager can't find the specified version.")}
		}
		for id, v := range s.versions {
			if id != to && id != from && slices.Contains(v.stages, label) {
				return nil, invalid("The staging label is attached to another version; name it in RemoveFromVersionId.")
			}
		}
		s.move(label, to)
	} else if from != "" {
		s.versions[from].stages = without(s.versions[from].stages, label)
	}
	s.lastChanged = s.Now()
	return &secretsmanager.UpdateSecretVersionStageOutput{ARN: aws.String(s.arn), Name: aws.String(s.name)}, nil
}
