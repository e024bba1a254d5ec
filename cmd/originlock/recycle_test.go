package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/originlock/originlock/internal/clocktest"
)

// slowLambda is a test double for what moto cannot do: a configuration
// update that stays InProgress for a while (moto's is Successful at once),
// or fails, and an environment Lambda cannot decrypt.
type slowLambda struct {
	env       map[string]string
	envErr    bool
	busyReads int // reads that show InProgress after an update
	final     lambdatypes.LastUpdateStatus
	updates   []*lambda.UpdateFunctionConfigurationInput
	reads     int
	status    lambdatypes.LastUpdateStatus
	updateErr error
}

func (f *slowLambda) GetFunctionConfiguration(_ context.Context, in *lambda.GetFunctionConfigurationInput, _ ...func(*lambda.Options)) (*lambda.GetFunctionConfigurationOutput, error) {
	f.reads++
	out := &lambda.GetFunctionConfigurationOutput{FunctionName: in.FunctionName, RevisionId: aws.String("rev-1"), LastUpdateStatus: f.status,
		Environment: &lambdatypes.EnvironmentResponse{Variables: f.env}}
	if f.envErr {
		out.Environment = &lambdatypes.EnvironmentResponse{Error: &lambdatypes.EnvironmentError{ErrorCode: aws.String("KMSAccessDeniedException")}}
	}
	if f.status == lambdatypes.LastUpdateStatusInProgress {
		if f.busyReads--; f.busyReads <= 0 {
			f.status = f.final
		}
	}
	if f.status == lambdatypes.LastUpdateStatusFailed {
		out.LastUpdateStatusReason = aws.String("the update failed")
	}
	return out, nil
}

func (f *slowLambda) UpdateFunctionConfiguration(_ context.Context, in *lambda.UpdateFunctionConfigurationInput, _ ...func(*lambda.Options)) (*lambda.UpdateFunctionConfigurationOutput, error) {
	f.updates = append(f.updates, in)
	if f.updateErr != nil {
		return nil, f.updateErr
	}
	f.status = lambdatypes.LastUpdateStatusInProgress
	return &lambda.UpdateFunctionConfigurationOutput{}, nil
}

func testApp(clk *clocktest.Clock) *app {
	return &app{out: &bytes.Buffer{}, errOut: &bytes.Buffer{}, in: strings.NewReader(""), clock: clk}
}

func TestRecycleWaitsOnTheClockAndKeepsTheEnvironment(t *testing.T) {
	clk := clocktest.New(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	fn := &slowLambda{env: map[string]string{"SECRET_ID": "s", "CACHE_TTL": "1m"}, busyReads: 3, final: lambdatypes.LastUpdateStatusSuccessful, status: lambdatypes.LastUpdateStatusSuccessful}
	at, err := recycle(t.Context(), testApp(clk), fn, "auth")
	if err != nil {
		t.Fatal(err)
	}
	if len(fn.updates) != 1 {
		t.Fatalf("%d updates, want 1", len(fn.updates))
	}
	u := fn.updates[0]
	vars := u.Environment.Variables
	if vars["SECRET_ID"] != "s" || vars["CACHE_TTL"] != "1m" || vars[recycleEnv] != "2026-11-23T12:00:00Z" || len(vars) != 3 {
		t.Errorf("updated environment %v", vars)
	}
	if aws.ToString(u.RevisionId) != "rev-1" {
		t.Errorf("the update is not guarded by the RevisionId read: %q", aws.ToString(u.RevisionId))
	}
	// Three reads show InProgress: three waits of recyclePoll, then done.
	if waits := clk.Waits(); len(waits) != 3 || waits[0] != recyclePoll {
		t.Errorf("waits %v, want 3 of %s", waits, recyclePoll)
	}
	if want := time.Date(2026, 11, 23, 12, 0, 6, 0, time.UTC); !at.Equal(want) {
		t.Errorf("recycled at %s, want %s", at, want)
	}
}

func TestRecycleWaitsForAnUpdateInProgressFirst(t *testing.T) {
	clk := clocktest.New(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	fn := &slowLambda{status: lambdatypes.LastUpdateStatusInProgress, busyReads: 2, final: lambdatypes.LastUpdateStatusSuccessful}
	if _, err := recycle(t.Context(), testApp(clk), fn, "auth"); err != nil {
		t.Fatal(err)
	}
	if len(fn.updates) != 1 || fn.reads < 3 {
		t.Errorf("%d updates after %d reads: want the update after the one in progress ended", len(fn.updates), fn.reads)
	}
}

func TestRecycleFailures(t *testing.T) {
	tests := map[string]struct {
		fn      *slowLambda
		updates int
		want    string
	}{
		"update never ends": {&slowLambda{busyReads: 1 << 30, final: lambdatypes.LastUpdateStatusSuccessful, status: lambdatypes.LastUpdateStatusSuccessful}, 1,
			"the configuration update of auth is still InProgress after 3m0s"},
		"update fails": {&slowLambda{busyReads: 1, final: lambdatypes.LastUpdateStatusFailed, status: lambdatypes.LastUpdateStatusSuccessful}, 1,
			"the configuration update of auth failed"},
		"update refused": {&slowLambda{status: lambdatypes.LastUpdateStatusSuccessful, updateErr: &smithy.GenericAPIError{Code: "InvalidParameterValueException",
			Message: `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {"OTHER":"do-not-print-me"}`}}, 1,
			"an error occurred (InvalidParameterValueException): Lambda refused the environment"},
		"environment unreadable": {&slowLambda{envErr: true, status: lambdatypes.LastUpdateStatusSuccessful}, 0,
			"Lambda cannot show its environment (KMSAccessDeniedException), and writing it back would erase it"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			clk := clocktest.New(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
			_, err := recycle(t.Context(), testApp(clk), tt.fn, "auth")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "do-not-print-me") {
				t.Errorf("the error quotes the environment: %v", err)
			}
			if len(tt.fn.updates) != tt.updates {
				t.Errorf("%d updates, want %d", len(tt.fn.updates), tt.updates)
			}
			if waited := clk.Now().Sub(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)); waited > recycleTimeout+recyclePoll {
				t.Errorf("waited %s on the clock, more than the bound %s", waited, recycleTimeout)
			}
		})
	}
}
