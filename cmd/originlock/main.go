// Command originlock operates an origin header that Secrets Manager rotates
// into CloudFront: it shows whether CloudFront and the secret agree, starts
// and follows a rotation, retires a leaked value, checks the whole setup,
// and clears an AWSPENDING label a failed rotation left behind.
//
//	go install github.com/originlock/originlock/cmd/originlock@latest
//	originlock status --secret originlock/header
//
// It uses the standard AWS configuration (environment, shared files,
// --profile, --region, AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>). It
// never prints a header value, only fingerprints (package
// internal/fingerprint explains why they cannot give a value away).
//
// Exit codes: 0 healthy or done; 1 error; 2 usage; 3 a rotation in progress;
// 4 drift; 5 a stale AWSPENDING; 6 doctor found a FAIL. The JSON of
// "status --json" is documented in README.md next to this file.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/originlock/originlock/clock"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	a := &app{out: os.Stdout, errOut: os.Stderr, in: os.Stdin, clock: clock.System(), terminal: isTerminal(os.Stdout), connect: newClients}
	code := a.run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
