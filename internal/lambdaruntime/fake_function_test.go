package lambdaruntime_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/signal"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// The test binary doubles as a fake Lambda function: run with
// fakeFunctionEnv set, TestMain hands over to runFakeFunction instead of
// running tests. Exec then starts it like any bootstrap binary.
const fakeFunctionEnv = "LAMBDARUNTIME_FAKE_FUNCTION"

// Modes of the fake function's init phase.
const (
	initOK        = "ok"         // start the runtime loop
	initExit      = "init-exit"  // print a message and exit 2
	initPostError = "init-error" // POST /runtime/init/error, then hang
)

// fakeEvent tells the fake function what to do with one invocation.
type fakeEvent struct {
	// Do is echo, env, log, error, panic, exit or hang.
	Do    string   `json:"do"`
	Value string   `json:"value,omitempty"`
	Names []string `json:"names,omitempty"`
}

type fakeReply struct {
	Value       string            `json:"value"`
	RequestID   string            `json:"requestId"`
	FunctionARN string            `json:"functionArn"`
	DeadlineMs  int64             `json:"deadlineMs"`
	Env         map[string]string `json:"env,omitempty"`
	Dir         string            `json:"dir,omitempty"`
}

// fakeError is the fake function's error; aws-lambda-go reports its type
// name as errorType.
type fakeError struct{ msg string }

func (e *fakeError) Error() string { return e.msg }

func runFakeFunction(mode string) {
	switch mode {
	case initOK:
		lambda.Start(fakeHandler)
	case initExit:
		fmt.Fprintln(os.Stderr, "fake function: init failed on purpose")
		os.Exit(2)
	case initPostError:
		url := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/init/error"
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(`{"errorMessage":"fake function: no config","errorType":"Fake.InitError"}`)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Fprintln(os.Stderr, "fake function:", err)
			os.Exit(1)
		}
		resp.Body.Close()
		hang()
	}
	fmt.Fprintf(os.Stderr, "fake function: unknown mode %q\n", mode)
	os.Exit(1)
}

func fakeHandler(ctx context.Context, ev fakeEvent) (*fakeReply, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	deadline, _ := ctx.Deadline()
	reply := &fakeReply{Value: ev.Value, RequestID: lc.AwsRequestID, FunctionARN: lc.InvokedFunctionArn, DeadlineMs: deadline.UnixMilli()}
	switch ev.Do {
	case "echo":
	case "env":
		reply.Env = map[string]string{}
		for _, name := range ev.Names {
			if v, ok := os.LookupEnv(name); ok {
				reply.Env[name] = v
			}
		}
		reply.Dir, _ = os.Getwd()
	case "log":
		fmt.Println(ev.Value)
	case "error":
		return nil, &fakeError{msg: ev.Value}
	case "panic":
		panic("fake function: " + ev.Value)
	case "exit":
		fmt.Fprintln(os.Stderr, "fake function: exiting on request")
		os.Exit(3)
	case "hang":
		hang()
	default:
		return nil, &fakeError{msg: "unknown action " + ev.Do}
	}
	return reply, nil
}

// hang blocks until the process is killed.
func hang() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	for range c {
	}
}
