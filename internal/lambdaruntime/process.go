package lambdaruntime

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/originlock/originlock/internal/tailbuffer"
	"github.com/originlock/originlock/internal/uuid"
)

// Defaults of the standard Lambda environment Exec gives the function. Pass
// the variable in Exec's env to change one.
const (
	DefaultFunctionName = "test-function"
	DefaultRegion       = "us-east-1"
	DefaultMemorySize   = "128"
	// AccountID is the account in the function's ARN (moto's default).
	AccountID = "123456789012"
)

// maxLogs bounds the output kept from the function.
const maxLogs = 16 << 20

type process struct {
	cmd    *exec.Cmd
	exited chan struct{}
	// code is the exit status, -1 when a signal ended the process; set
	// before exited is closed.
	code int
}

// Exec starts the bootstrap binary at path as the function, and waits for
// its init phase to end, that is, for its first GET /invocation/next.
//
// The process runs in the binary's directory with the standard Lambda
// environment (AWS_LAMBDA_RUNTIME_API, AWS_LAMBDA_FUNCTION_NAME,
// AWS_LAMBDA_FUNCTION_VERSION, AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
// AWS_LAMBDA_LOG_GROUP_NAME, AWS_LAMBDA_LOG_STREAM_NAME, _HANDLER,
// AWS_REGION, LAMBDA_TASK_ROOT, TZ, ...), followed by env, whose entries win
// (AWS_LAMBDA_RUNTIME_API excepted). Like a Lambda function, it does not
// inherit the test's environment: credentials and endpoints must be in env.
// Its stdout and stderr are captured (Logs).
//
// If the runtime posts /init/error, Exec kills the process and returns an
// *InitError with that error; if the process exits before it asks for an
// invocation, the *InitError has type Runtime.ExitError and the exit status.
// Exec waits at most InitTimeout, and no longer than ctx allows; the process
// is then killed. A Runtime runs one process: Exec may be called once.
func (r *Runtime) Exec(ctx context.Context, path string, env []string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("lambdaruntime: Exec: %w", err)
	}
	full := append(standardEnv(filepath.Dir(abs)), env...)
	full = append(full, "AWS_LAMBDA_RUNTIME_API="+r.addr)

	cmd := exec.Command(abs) // #nosec G204 -- the test's own bootstrap binary is what this harness exists to run
	cmd.Env = full
	cmd.Dir = filepath.Dir(abs)
	cmd.Stdout = r.logs
	cmd.Stderr = r.logs
	configureProcess(cmd)

	r.mu.Lock()
	if r.proc != nil {
		r.mu.Unlock()
		return errors.New("lambdaruntime: Exec: the runtime already runs a function process")
	}
	select {
	case <-r.closed:
		r.mu.Unlock()
		return errClosed
	default:
	}
	if err := cmd.Start(); err != nil {
		r.mu.Unlock()
		return fmt.Errorf("lambdaruntime: Exec: %w", err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}
	r.proc = p
	r.functionARN = functionARN(lastValue(full, "AWS_REGION"), lastValue(full, "AWS_LAMBDA_FUNCTION_NAME"))
	r.mu.Unlock()
	go func() {
		_ = cmd.Wait()
		p.code = cmd.ProcessState.ExitCode()
		close(p.exited)
	}()

	ctx, cancel := context.WithTimeout(ctx, InitTimeout)
	defer cancel()
	select {
	case <-r.initDone:
		return nil
	case <-r.initFailed:
		r.kill()
		r.mu.Lock()
		r.initErr.ExitCode = p.code
		r.mu.Unlock()
		return r.initError()
	case <-p.exited:
		select {
		case <-r.initDone:
			return nil // it asked for an invocation, then exited: Invoke says so
		default:
		}
		r.mu.Lock()
		select {
		case <-r.initFailed: // it posted /init/error, then exited
			r.initErr.ExitCode = p.code
		default:
			r.initErr = &InitError{Type: "Runtime.ExitError", Message: fmt.Sprintf("the process exited with status %d before asking for an invocation", p.code), ExitCode: p.code}
			close(r.initFailed)
		}
		r.mu.Unlock()
		return r.initError()
	case <-ctx.Done():
		r.kill()
		return fmt.Errorf("lambdaruntime: the function's init did not finish: %w%s", context.Cause(ctx), logsSuffix(r.Logs()))
	case <-r.closed:
		return errClosed
	}
}

// standardEnv is what Lambda's provided.al2023 runtime sets, with dir as
// the task root.
func standardEnv(dir string) []string {
	now := time.Now().UTC()
	return []string{
		"AWS_LAMBDA_FUNCTION_NAME=" + DefaultFunctionName,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + DefaultMemorySize,
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + DefaultFunctionName,
		"AWS_LAMBDA_LOG_STREAM_NAME=" + now.Format("2006/01/02") + "/[$LATEST]" + strings.ReplaceAll(uuid.New(), "-", ""),
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_REGION=" + DefaultRegion,
		"AWS_DEFAULT_REGION=" + DefaultRegion,
		"_HANDLER=bootstrap",
		"LAMBDA_TASK_ROOT=" + dir,
		"LAMBDA_RUNTIME_DIR=" + dir,
		"LANG=en_US.UTF-8",
		"TZ=:UTC",
		"PATH=/usr/local/bin:/usr/bin/:/bin:/opt/bin",
		"LD_LIBRARY_PATH=/lib64:/usr/lib64:" + dir + ":" + dir + "/lib:/opt/lib",
	}
}

// lastValue is the value env gives key, the last one winning as in exec.Cmd.
func lastValue(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}

func functionARN(region, name string) string {
	return "arn:aws:lambda:" + region + ":" + AccountID + ":function:" + name
}

// exited is closed when the process exits; nil (never ready) when there is
// no process.
func (r *Runtime) exited() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.proc == nil {
		return nil
	}
	return r.proc.exited
}

// kill ends the process, if any, and waits until it has exited and its
// output is captured.
func (r *Runtime) kill() {
	r.mu.Lock()
	p := r.proc
	r.mu.Unlock()
	if p == nil {
		return
	}
	select {
	case <-p.exited:
		return
	default:
	}
	killProcess(p.cmd)
	<-p.exited
}

func (r *Runtime) exitError(requestID string) *ExitError {
	r.mu.Lock()
	p := r.proc
	r.mu.Unlock()
	return &ExitError{RequestID: requestID, ExitCode: p.code, Logs: r.Logs()}
}

// PID is the function process's ID, or 0 before Exec.
func (r *Runtime) PID() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.proc == nil {
		return 0
	}
	return r.proc.cmd.Process.Pid
}

// Logs returns what the function process wrote to stdout and stderr so far
// (the last 16 MiB), with the strings given to Redact replaced.
func (r *Runtime) Logs() string { return r.logs.String() }

// LogsContain reports whether the function's output contains s, before any
// redaction: a test's check that a secret was never logged.
func (r *Runtime) LogsContain(s string) bool { return r.logs.Contains(s) }

// Redact makes Logs, and the output the errors carry, show "[REDACTED]" in
// place of each value, so that a failing test does not print a secret the
// function logged.
func (r *Runtime) Redact(values ...string) { r.logs.redact(values) }

// logBuffer keeps the end of the function's output and the values to show
// as "[REDACTED]" in it.
type logBuffer struct {
	*tailbuffer.Buffer
	mu      sync.Mutex
	secrets []string
}

// String returns the output kept, with the values redacted.
func (b *logBuffer) String() string {
	s := b.Buffer.String()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, v := range b.secrets {
		s = strings.ReplaceAll(s, v, "[REDACTED]")
	}
	return s
}

func (b *logBuffer) redact(values []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, v := range values {
		if v != "" {
			b.secrets = append(b.secrets, v)
		}
	}
}
