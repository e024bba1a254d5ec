package main

import (
	"context"
	"errors"
	"fmt"

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
