package lambdaruntime_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/originlock/originlock/internal/lambdaruntime"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeFunctionEnv); mode != "" {
		runFakeFunction(mode)
	}
	os.Exit(m.Run())
}

// execFake starts the fake function in mode, returning Exec's error.
func execFake(t *testing.T, mode string, env ...string) (*lambdaruntime.Runtime, error) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rt := lambdaruntime.ForTest(t)
	return rt, rt.Exec(t.Context(), self, append([]string{fakeFunctionEnv + "=" + mode}, env...))
}

func startFake(t *testing.T, env ...string) *lambdaruntime.Runtime {
	t.Helper()
	rt, err := execFake(t, initOK, env...)
	if err != nil {
		t.Fatalf("Exec: %v", err)
	}
	return rt
}

func invokeFake(t *testing.T, rt *lambdaruntime.Runtime, ev fakeEvent, timeout time.Duration) (fakeReply, error) {
	t.Helper()
	payload, _ := json.Marshal(ev)
	resp, err := rt.Invoke(t.Context(), payload, timeout)
	if err != nil {
		return fakeReply{}, err
	}
	var reply fakeReply
	if err := json.Unmarshal(resp.Payload, &reply); err != nil {
		t.Fatalf("response %q is not the fake's reply: %v", resp.Payload, err)
	}
	if reply.RequestID != resp.RequestID {
		t.Errorf("the function saw request ID %q, Invoke reports %q", reply.RequestID, resp.RequestID)
	}
	return reply, nil
}

func TestExecInvokesRealRuntimeClient(t *testing.T) {
	rt := startFake(t)
	const timeout = 30 * time.Second
	for _, value := range []string{"one", "two", "three"} {
		before := time.Now()
		reply, err := invokeFake(t, rt, fakeEvent{Do: "echo", Value: value}, timeout)
		if err != nil {
			t.Fatalf("Invoke %s: %v", value, err)
		}
		if reply.Value != value {
			t.Errorf("got value %q, want %q", reply.Value, value)
		}
		if want := "arn:aws:lambda:us-east-1:123456789012:function:test-function"; reply.FunctionARN != want {
			t.Errorf("function ARN in the Lambda context: got %q, want %q", reply.FunctionARN, want)
		}
		if d := time.UnixMilli(reply.DeadlineMs); d.Before(before.Add(timeout).Add(-time.Second)) || d.After(time.Now().Add(timeout)) {
			t.Errorf("the handler's context deadline: got %v, want about %v from the invocation", d, timeout)
		}
	}
}

func TestExecEnvironment(t *testing.T) {
	t.Setenv("LAMBDARUNTIME_HOST_ONLY", "leaked")
	rt := startFake(t, "AWS_LAMBDA_FUNCTION_NAME=custom-name", "EXTRA=1", "AWS_LAMBDA_RUNTIME_API=203.0.113.1:9")
	names := []string{
		"AWS_LAMBDA_RUNTIME_API", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME", "_HANDLER", "AWS_REGION",
		"LAMBDA_TASK_ROOT", "TZ", "EXTRA", "LAMBDARUNTIME_HOST_ONLY",
	}
	reply, err := invokeFake(t, rt, fakeEvent{Do: "env", Names: names}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	self, _ := os.Executable()
	dir, _ := filepath.Abs(filepath.Dir(self))
	want := map[string]string{
		"AWS_LAMBDA_RUNTIME_API":          rt.Addr(),
		"AWS_LAMBDA_FUNCTION_NAME":        "custom-name",
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/test-function",
		"_HANDLER":                        "bootstrap",
		"AWS_REGION":                      "us-east-1",
		"LAMBDA_TASK_ROOT":                dir,
		"TZ":                              ":UTC",
		"EXTRA":                           "1",
	}
	for _, name := range names {
		if got, want := reply.Env[name], want[name]; got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
	if reply.Dir != dir {
		t.Errorf("working directory: got %q, want the binary's directory %q", reply.Dir, dir)
	}
	if want := "arn:aws:lambda:us-east-1:123456789012:function:custom-name"; reply.FunctionARN != want {
		t.Errorf("function ARN: got %q, want %q", reply.FunctionARN, want)
	}
}

func TestExecFunctionErrorKeepsProcess(t *testing.T) {
	rt := startFake(t)
	_, err := invokeFake(t, rt, fakeEvent{Do: "error", Value: "step failed"}, time.Minute)
	var fe *lambdaruntime.FunctionError
	if !errors.As(err, &fe) || fe.Type != "fakeError" || fe.Message != "step failed" {
		t.Fatalf("got %v, want a *FunctionError fakeError: step failed", err)
	}
	if _, err := invokeFake(t, rt, fakeEvent{Do: "echo"}, time.Minute); err != nil {
		t.Errorf("Invoke after a function error: %v", err)
	}
}

func TestExecPanicThenExit(t *testing.T) {
	rt := startFake(t)
	_, err := invokeFake(t, rt, fakeEvent{Do: "panic", Value: "bug"}, time.Minute)
	var fe *lambdaruntime.FunctionError
	if !errors.As(err, &fe) || !strings.Contains(fe.Message, "fake function: bug") {
		t.Fatalf("got %v, want a *FunctionError about the panic", err)
	}
	// aws-lambda-go exits after reporting a panic.
	_, err = invokeFake(t, rt, fakeEvent{Do: "echo"}, time.Minute)
	var ee *lambdaruntime.ExitError
	if !errors.As(err, &ee) || ee.RequestID != "" || ee.ExitCode != 1 {
		t.Errorf("Invoke after the panic: got %v, want an *ExitError between invocations with status 1", err)
	}
}

func TestExecExitDuringInvocation(t *testing.T) {
	rt := startFake(t)
	_, err := invokeFake(t, rt, fakeEvent{Do: "exit"}, time.Minute)
	var ee *lambdaruntime.ExitError
	if !errors.As(err, &ee) || ee.RequestID == "" || ee.ExitCode != 3 {
		t.Fatalf("got %v, want an *ExitError during the invocation with status 3", err)
	}
	if !strings.Contains(ee.Logs, "fake function: exiting on request") || !strings.Contains(err.Error(), "exiting on request") {
		t.Errorf("the error does not carry the function's output: %v", err)
	}
	_, err = invokeFake(t, rt, fakeEvent{Do: "echo"}, time.Minute)
	if !errors.Is(err, lambdaruntime.ErrNotRunning) || !errors.As(err, &ee) {
		t.Errorf("Invoke after the exit: got %v, want ErrNotRunning wrapping the *ExitError", err)
	}
}

func TestExecInitExit(t *testing.T) {
	rt, err := execFake(t, initExit)
	var ie *lambdaruntime.InitError
	if !errors.As(err, &ie) || ie.Type != "Runtime.ExitError" || ie.ExitCode != 2 {
		t.Fatalf("Exec: got %v, want an *InitError Runtime.ExitError with status 2", err)
	}
	if !strings.Contains(ie.Logs, "init failed on purpose") || !strings.Contains(err.Error(), "init failed on purpose") {
		t.Errorf("the error does not carry the function's output: %v", err)
	}
	if _, err := rt.Invoke(t.Context(), []byte(`{}`), time.Minute); !errors.As(err, &ie) {
		t.Errorf("Invoke after a failed init: got %v, want the *InitError", err)
	}
}

func TestExecInitErrorPosted(t *testing.T) {
	rt, err := execFake(t, initPostError)
	var ie *lambdaruntime.InitError
	if !errors.As(err, &ie) || ie.Type != "Fake.InitError" || ie.Message != "fake function: no config" || ie.ExitCode != -1 {
		t.Fatalf("Exec: got %v, want the posted *InitError, with the process killed", err)
	}
	if processAlive(rt.PID()) {
		t.Error("the process still runs after a posted init error")
	}
}

func TestExecTimeoutKillsProcess(t *testing.T) {
	rt := startFake(t)
	_, err := invokeFake(t, rt, fakeEvent{Do: "hang"}, 100*time.Millisecond)
	if !errors.Is(err, lambdaruntime.ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	if processAlive(rt.PID()) {
		t.Error("the process still runs after the timeout")
	}
	if _, err := invokeFake(t, rt, fakeEvent{Do: "echo"}, time.Minute); !errors.Is(err, lambdaruntime.ErrNotRunning) {
		t.Errorf("Invoke after a timeout: got %v, want ErrNotRunning", err)
	}
}

func TestCloseKillsProcess(t *testing.T) {
	rt := startFake(t)
	pid := rt.PID()
	if !processAlive(pid) {
		t.Fatal("the process does not run after Exec")
	}
	rt.Close()
	if processAlive(pid) {
		t.Error("the process still runs after Close")
	}
}

func TestExecTwiceRefused(t *testing.T) {
	rt := startFake(t)
	self, _ := os.Executable()
	if err := rt.Exec(t.Context(), self, []string{fakeFunctionEnv + "=" + initOK}); err == nil {
		t.Error("second Exec: got nil error, want one")
	}
}

func TestExecMissingBinary(t *testing.T) {
	rt := lambdaruntime.ForTest(t)
	if err := rt.Exec(t.Context(), filepath.Join(t.TempDir(), "bootstrap"), nil); err == nil {
		t.Error("Exec of a missing file: got nil error, want one")
	}
}

func TestLogsRedacted(t *testing.T) {
	rt := startFake(t)
	const secret = "s3cr3t-value-for-the-redaction-test"
	if _, err := invokeFake(t, rt, fakeEvent{Do: "log", Value: "value=" + secret}, time.Minute); err != nil {
		t.Fatal(err)
	}
	rt.Close() // the output is complete once the process has exited
	rt.Redact(secret)
	if !rt.LogsContain(secret) {
		t.Error("LogsContain: got false for a value the function printed, want true")
	}
	if logs := rt.Logs(); strings.Contains(logs, secret) || !strings.Contains(logs, "value=[REDACTED]") {
		t.Error("Logs shows a redacted value, or lost the line around it")
	}
}
