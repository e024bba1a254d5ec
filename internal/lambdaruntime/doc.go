// Package lambdaruntime is a fake AWS Lambda execution environment for tests:
// it serves the documented Lambda Runtime API (version 2018-06-01) on
// loopback, runs a function's bootstrap binary against it as Lambda's
// provided.al2023 runtime would, and lets a test invoke the function and read
// its answer. It stands in for AWS's Runtime Interface Emulator, so that tests
// run the real binaries with nothing but Go.
//
// A Runtime holds one execution environment: one Runtime API server and at
// most one function process, which handles one invocation at a time. Exec
// starts the process with the standard Lambda environment and waits for its
// init phase; Invoke queues an event and returns the function's response, or
// a typed error: *FunctionError (the function reported an error),
// *InitError, *ExitError (the process exited) or *TimeoutError. The process's
// stdout and stderr are captured, as CloudWatch Logs would capture them, and
// the process-level errors carry them.
//
// Runtime API reference: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
package lambdaruntime
