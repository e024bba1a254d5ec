package smdouble

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

// DescribeSecret implements the Secrets Manager call.
func (s *SecretsManager) DescribeSecret(_ context.Context, in *secretsmanager.DescribeSecretInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	if err := s.enter(OpDescribeSecret, in.SecretId); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := &secretsmanager.DescribeSecretOutput{
		ARN: aws.String(s.arn), Name: aws.String(s.name),
		RotationEnabled:    aws.Bool(s.rotationEnabled),
		VersionIdsToStages: s.stages(),
	}
	if !s.lastChanged.IsZero() {
		out.LastChangedDate = aws.Time(s.lastChanged)
	}
	return out, nil
}

// ListSecretVersionIds implements the Secrets Manager call, without paging:
// every version in one page, the unlabelled ones only with
// IncludeDeprecated.
func (s *SecretsManager) ListSecretVersionIds(_ context.Context, in *secretsmanager.ListSecretVersionIdsInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.ListSecretVersionIdsOutput, error) {
	if err := s.enter(OpListSecretVersionIDs, in.SecretId); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := &secretsmanager.ListSecretVersionIdsOutput{ARN: aws.String(s.arn), Name: aws.String(s.name)}
	for _, id := range s.order {
		v := s.versions[id]
		if len(v.stages) == 0 && !aws.ToBool(in.IncludeDeprecated) {
			continue
		}
		out.Versions = append(out.Versions, types.SecretVersionsListEntry{VersionId: aws.String(id), VersionStages: slices.Clone(v.stages), CreatedDate: aws.Time(v.created)})
	}
	return out, nil
}

// GetSecretValue implements the Secrets Manager call.
func (s *SecretsManager) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	if err := s.enter(OpGetSecretValue, in.SecretId); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
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
	if err := s.enter(OpPutSecretValue, in.SecretId); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	id := aws.ToString(in.ClientRequestToken)
	if id == "" {
		// The SDK's idempotency middleware fills in a token the caller left
		// out; calls to the double do not pass through it.
		id = newToken()
	}
	if (in.SecretString == nil) == (in.SecretBinary == nil) {
		return nil, &types.InvalidParameterException{Message: aws.String("You must provide either SecretString or SecretBinary.")}
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
		v = &version{value: in.SecretString, binary: slices.Clone(in.SecretBinary), created: s.now()}
		s.versions[id] = v
		s.order = append(s.order, id)
	}
	for _, label := range stages {
		s.move(label, id)
	}
	s.lastChanged = s.now()
	return &secretsmanager.PutSecretValueOutput{ARN: aws.String(s.arn), Name: aws.String(s.name), VersionId: aws.String(id), VersionStages: slices.Clone(v.stages)}, nil
}

// UpdateSecretVersionStage implements the Secrets Manager call.
func (s *SecretsManager) UpdateSecretVersionStage(_ context.Context, in *secretsmanager.UpdateSecretVersionStageInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretVersionStageOutput, error) {
	if err := s.enter(OpUpdateSecretVersionStage, in.SecretId); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
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
	s.lastChanged = s.now()
	return &secretsmanager.UpdateSecretVersionStageOutput{ARN: aws.String(s.arn), Name: aws.String(s.name)}, nil
}

// newToken returns a random version ID shaped like the SDK's idempotency
// tokens (UUID version 4).
func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
