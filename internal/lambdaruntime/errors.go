package lambdaruntime

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrTimeout is what a *TimeoutError reports with errors.Is.
var ErrTimeout = errors.New("lambdaruntime: invocation timed out")

// ErrNotRunning reports an Invoke after the function process has gone: the
// process-level error that ended it was returned before.
var ErrNotRunning = errors.New("lambdaruntime: the function process is not running")

// FunctionError is an error the function reported for one invocation, by
// POST /runtime/invocation/{id}/error (or by an error trailer on its
// response). Lambda would return it with X-Amz-Function-Error: Unhandled.
// The function process keeps running.
type FunctionError struct {
	RequestID string
	// Type is the body's errorType, or else the
	// Lambda-Runtime-Function-Error-Type header. aws-lambda-go puts the Go
	// type name of the handler's error here (for example "StepError").
	Type string
	// Message is the body's errorMessage.
	Message string
	// Payload is the error body as the runtime sent it.
	Payload []byte
}

func (e *FunctionError) Error() string {
	return fmt.Sprintf("lambdaruntime: invocation %s failed: %s: %s", e.RequestID, e.Type, e.Message)
}

// InitError reports that the function did not finish its init phase: the
// runtime posted to /runtime/init/error, or the process exited before it
// asked for its first invocation.
type InitError struct {
	// Type is the errorType the runtime posted, or "Runtime.ExitError" when
	// the process exited.
	Type    string
	Message string
	// ExitCode is the process's exit status, or -1 when it did not exit by
	// itself (it posted an init error and was killed, as Lambda does).
	ExitCode int
	// Logs is everything the process wrote to stdout and stderr.
	Logs string
}

func (e *InitError) Error() string {
	return fmt.Sprintf("lambdaruntime: function init failed: %s: %s%s", e.Type, e.Message, logsSuffix(e.Logs))
}

// ExitError reports that the function process exited while it was running
// an invocation (RequestID set) or waiting for one (RequestID empty). Lambda
// reports this as Runtime.ExitError.
type ExitError struct {
	RequestID string
	// ExitCode is the process's exit status, or -1 when a signal ended it.
	ExitCode int
	Logs     string
}

func (e *ExitError) Error() string {
	during := "between invocations"
	if e.RequestID != "" {
		during = "during invocation " + e.RequestID
	}
	return fmt.Sprintf("lambdaruntime: Runtime.ExitError: the function process exited %s with status %d%s", during, e.ExitCode, logsSuffix(e.Logs))
}

// TimeoutError reports an invocation the function did not answer within its
// timeout. As Lambda does, the harness then ends the execution environment:
// the process is killed, and later Invokes return ErrNotRunning.
type TimeoutError struct {
	RequestID string
	Timeout   time.Duration
	Logs      string
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("lambdaruntime: invocation %s timed out after %v; the function process was killed%s", e.RequestID, e.Timeout, logsSuffix(e.Logs))
}

// Is makes errors.Is(err, ErrTimeout) true.
func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout }

// maxLogsInError bounds the output an error message repeats.
const maxLogsInError = 8 << 10

func logsSuffix(logs string) string {
	logs = strings.TrimSpace(logs)
	if logs == "" {
		return " (the process wrote nothing)"
	}
	if len(logs) > maxLogsInError {
		logs = "..." + logs[len(logs)-maxLogsInError:]
	}
	return "\n--- function output:\n" + logs
}
