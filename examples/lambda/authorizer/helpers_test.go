package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// nilSM is a Secrets Manager test double that fails every call; the tests
// that use it make none.
type nilSM struct{}

var errNoCalls = errors.New("nilSM: no call expected")

func (nilSM) DescribeSecret(context.Context, *secretsmanager.DescribeSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	return nil, errNoCalls
}

func (nilSM) GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	return nil, errNoCalls
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }

// staticSM is a Secrets Manager test double holding one secret whose
// AWSCURRENT is {"HEADERVALUE": value}.
type staticSM struct{ value string }

const staticARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:origin-verify-AbCdEf"

func (staticSM) DescribeSecret(context.Context, *secretsmanager.DescribeSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	return &secretsmanager.DescribeSecretOutput{ARN: aws.String(staticARN), VersionIdsToStages: map[string][]string{"v1": {"AWSCURRENT"}}}, nil
}

func (s staticSM) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	return &secretsmanager.GetSecretValueOutput{ARN: aws.String(staticARN), VersionId: aws.String("v1"), VersionStages: []string{"AWSCURRENT"},
		SecretString: aws.String(`{"HEADERVALUE":"` + s.value + `"}`)}, nil
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
