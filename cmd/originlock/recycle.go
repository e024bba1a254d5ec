package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
)

// recycleEnv is the variable revoke merges into an authorizer function's
// environment to recycle its containers: after any configuration change
// Lambda runs the next invocations in new execution environments, and the
// authorizer function reads the secret during their init. Its value is the
// time of the change; nothing reads it.
const recycleEnv = "ORIGINLOCK_RECYCLED_AT"

const (
	// recyclePoll is how often recycle reads LastUpdateStatus.
	recyclePoll = 2 * time.Second
	// recycleTimeout bounds the wait for an update (a configuration update
	// takes seconds; one of a function in a VPC can take a minute or two).
	recycleTimeout = 3 * time.Minute
)

// recycle changes the configuration of the function name (name or ARN, the
// unqualified function: a published version cannot be changed) by merging
// recycleEnv into its environment, keeping every other variable, and waits
// until its LastUpdateStatus is Successful, polling on the app's clock for
// at most recycleTimeout. It returns when the update took effect.
//
// An update already in progress is waited for first (Lambda refuses a second
// one). The update is guarded by the RevisionId read just before, so a
// concurrent change of the configuration is never overwritten: the call
// fails instead. Twice, or after a crash, it simply recycles again. A
// function whose environment Lambda cannot show (Environment.Error: a KMS
// key it may not use) is refused before any change, since writing the
// environment back would erase it.
func recycle(ctx context.Context, a *app, fn LambdaAPI, name string) (time.Time, error) {
	deadline := a.clock.Now().Add(recycleTimeout)
	cfg, err := waitUpdate(ctx, a, fn, name, deadline, false)
	if err != nil {
		return time.Time{}, err
	}
	if cfg.Environment != nil && cfg.Environment.Error != nil {
		return time.Time{}, fmt.Errorf("recycle %s: Lambda cannot show its environment (%s), and writing it back would erase it: change its configuration by hand (any change recycles it)",
			name, aws.ToString(cfg.Environment.Error.ErrorCode))
	}
	vars := map[string]string{}
	if cfg.Environment != nil {
		maps.Copy(vars, cfg.Environment.Variables)
	}
	vars[recycleEnv] = a.clock.Now().UTC().Format(time.RFC3339Nano)
	_, err = fn.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String(name),
		Environment:  &lambdatypes.Environment{Variables: vars},
		RevisionId:   cfg.RevisionId,
	})
	if err != nil {
		return time.Time{}, updateError(name, err)
	}
	if _, err := waitUpdate(ctx, a, fn, name, deadline, true); err != nil {
		return time.Time{}, err
	}
	return a.clock.Now(), nil
}

// waitUpdate polls GetFunctionConfiguration until no update of the function
// is InProgress, or the deadline passes. ours says the update is the one
// recycle made: then Failed is an error; before it, a past failure does not
// stop a new update.
func waitUpdate(ctx context.Context, a *app, fn LambdaAPI, name string, deadline time.Time, ours bool) (*lambda.GetFunctionConfigurationOutput, error) {
	for {
		out, err := fn.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(name)})
		if err != nil {
			return nil, awsError("read Lambda function "+name, err)
		}
		switch out.LastUpdateStatus {
		case lambdatypes.LastUpdateStatusInProgress:
		case lambdatypes.LastUpdateStatusFailed:
			if ours {
				return nil, fmt.Errorf("the configuration update of %s failed (%s): %s", name, out.LastUpdateStatusReasonCode, aws.ToString(out.LastUpdateStatusReason))
			}
			return out, nil
		default: // Successful; or none shown (a function never updated)
			return out, nil
		}
		if !a.clock.Now().Before(deadline) {
			return nil, fmt.Errorf("the configuration update of %s is still InProgress after %s: check it with aws lambda get-function-configuration --function-name %s", name, recycleTimeout, name)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the configuration update of %s: %w", name, ctx.Err())
		case <-a.clock.After(recyclePoll):
		}
	}
}

// updateError reports a failed UpdateFunctionConfiguration by its error code
// only: Lambda's messages may quote the environment it was sent (the 4 KB
// limit's "String measured: ..."), which the command never prints.
func updateError(name string, err error) error {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return fmt.Errorf("update the configuration of %s: %w", name, err)
	}
	hint := ""
	switch api.ErrorCode() {
	case "PreconditionFailedException":
		hint = ": its configuration changed meanwhile; retry"
	case "ResourceConflictException":
		hint = ": another update is in progress; retry"
	case "InvalidParameterValueException":
		hint = ": Lambda refused the environment (with " + recycleEnv + " it may exceed 4 KB); change the function's configuration by hand instead"
	}
	return fmt.Errorf("update the configuration of %s: an error occurred (%s)%s", name, api.ErrorCode(), hint)
}
