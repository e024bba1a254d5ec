package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aws/smithy-go"

	"github.com/originlock/originlock/clock"
	"github.com/originlock/originlock/internal/secretvalue"
)

// Exit codes (documented in README.md and the package doc).
const (
	exitOK         = 0 // healthy; or the command did what it was asked
	exitError      = 1 // an AWS call failed, a check could not run, or the command refused
	exitUsage      = 2 // bad flags or arguments
	exitInProgress = 3 // status: a rotation is under way (AWSPENDING, or a distribution InProgress)
	exitDrift      = 4 // status: an origin sends a value the secret does not hold as CURRENT/PENDING
	exitStale      = 5 // status: an AWSPENDING version left behind by a failed rotation
	exitFindings   = 6 // doctor: at least one FAIL
)

var verdictExit = map[string]int{
	verdictHealthy: exitOK, verdictInProgress: exitInProgress, verdictDrift: exitDrift,
	verdictStale: exitStale, verdictError: exitError,
}

// app is one run of the command: its streams, clock and AWS clients.
type app struct {
	out, errOut io.Writer
	in          io.Reader
	clock       clock.Clock
	// terminal says whether out is a terminal (live progress display).
	terminal bool
	// connect makes the AWS clients from the common flags.
	connect func(context.Context, awsOptions) (*clients, error)
}

// usageError is a mistake in the command line: exit 2, with a hint to --help.
type usageError struct{ msg, command string }

func (e *usageError) Error() string { return e.msg }

func usagef(command, format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...), command: command}
}

// exitError carries an exit code other than 1 out of a command.
type exitCodeError struct {
	code int
	err  error
}

func (e *exitCodeError) Error() string { return e.err.Error() }
func (e *exitCodeError) Unwrap() error { return e.err }

var errNoRegion = errors.New("you must specify a region: use --region, AWS_REGION, or a profile with a region")

// awsError phrases an SDK error as the AWS CLI does: "An error occurred
// (Code) when calling ..."; no request ever carries a secret value, so no
// service message can echo one.
func awsError(what string, err error) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		return fmt.Errorf("%s: an error occurred (%s): %s", what, api.ErrorCode(), api.ErrorMessage())
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", what, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

type command struct {
	name, summary string
	run           func(context.Context, *app, []string) error
}

var commands = []command{
	{"status", "show the secret's versions, the distributions' headers and the drift verdict", runStatus},
	{"rotate", "start a rotation and follow it until every distribution carries the new value", runRotate},
	{"revoke", "retire a leaked value: rotate, drop AWSPREVIOUS, recycle authorizers, flush their caches", runRevoke},
	{"doctor", "check the secret, the functions and the distributions, with the fix for each finding", runDoctor},
	{"clear-pending", "remove an AWSPENDING label a failed rotation left behind, when it is safe", runClearPending},
}

const mainUsage = `originlock: operate a CloudFront origin header rotated by Secrets Manager.
Values are never shown: a version or a header is named by its fingerprint.

Usage:
  originlock <command> --secret ID [flags]

Commands:
%s
Common flags:
  --profile NAME   use a profile from your shared AWS configuration
  --region REGION  the secret's Region (default: from the environment or profile)
  --help           help for a command

Exit codes: 0 healthy/done, 1 error, 2 usage, 3 rotation in progress,
4 drift, 5 stale AWSPENDING, 6 doctor found a FAIL.

Run 'originlock <command> --help' for a command's flags.
`

func (a *app) usage() {
	var b strings.Builder
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(a.errOut, mainUsage, b.String())
}

// run executes one command line and returns the exit code.
func (a *app) run(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		a.usage()
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, a, args[1:])
		return a.report(err)
	}
	fmt.Fprintf(a.errOut, "originlock: error: unknown command %q\nRun 'originlock --help' for the commands.\n", args[0])
	return exitUsage
}

func (a *app) report(err error) int {
	var ue *usageError
	var ce *exitCodeError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(a.errOut, "originlock %s: error: %s\nRun 'originlock %s --help' for usage.\n", ue.command, ue.msg, ue.command)
		return exitUsage
	case errors.As(err, &ce):
		if ce.err != nil && ce.err.Error() != "" {
			fmt.Fprintf(a.errOut, "originlock: %s\n", ce.err)
		}
		return ce.code
	}
	fmt.Fprintf(a.errOut, "originlock: error: %s\n", err)
	return exitError
}

// flags is a command's flag set with the common flags.
type flags struct {
	*flag.FlagSet
	command string
	help    func()
	aws     awsOptions
	secret  string
}

func newFlags(a *app, command, usage string) *flags {
	f := &flags{FlagSet: flag.NewFlagSet(command, flag.ContinueOnError), command: command}
	f.SetOutput(io.Discard)
	f.StringVar(&f.secret, "secret", "", "name or ARN of the secret (required)")
	f.StringVar(&f.aws.profile, "profile", "", "use a profile from your shared AWS configuration")
	f.StringVar(&f.aws.region, "region", "", "the secret's Region")
	f.Usage = func() {} // parse prints help itself, once
	f.help = func() {
		fmt.Fprintf(a.errOut, "%s\n\nFlags:\n", strings.TrimSpace(usage))
		f.VisitAll(func(fl *flag.Flag) {
			name, text := flag.UnquoteUsage(fl)
			line := "  --" + fl.Name
			if name != "" {
				line += " " + name
			}
			if fl.DefValue != "" && fl.DefValue != "false" && fl.DefValue != "[]" && fl.DefValue != "0s" {
				text += " (default " + fl.DefValue + ")"
			}
			fmt.Fprintf(a.errOut, "%s\n      %s\n", line, text)
		})
	}
	return f
}

// parse parses args and checks --secret; help is flag.ErrHelp.
func (f *flags) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			f.help()
			return err
		}
		msg := err.Error()
		if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
			msg = "unknown flag: -" + name
		}
		return usagef(f.command, "%s", msg)
	}
	if f.NArg() > 0 {
		return usagef(f.command, "unexpected argument %q (flags start with --)", f.Arg(0))
	}
	if strings.TrimSpace(f.secret) == "" {
		return usagef(f.command, "the following arguments are required: --secret")
	}
	return nil
}

// list is a repeatable string flag.
type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(s string) error { *l = append(*l, s); return nil }

// targetFlags are the flags that say what to inspect.
type targetFlags struct {
	function, header, format, jsonKey string
	cfRole, cfExternalID              string
	distributions                     list
	staleAfter                        time.Duration
}

func (t *targetFlags) register(f *flags) {
	f.StringVar(&t.function, "function", "", "rotation function name or ARN (default: the secret's rotation function)")
	f.Var(&t.distributions, "distribution", "distribution `ID[:ORIGIN,...]` to check instead of the function's DISTRIBUTIONS (repeatable)")
	f.StringVar(&t.header, "header-name", "", "origin custom header (default: the function's HEADER_NAME, else X-Origin-Verify)")
	f.StringVar(&t.format, "secret-format", "", "json or plain (default: the function's SECRET_FORMAT, else json)")
	f.StringVar(&t.jsonKey, "json-key", "", "JSON key of the value (default: the function's SECRET_JSON_KEY, else HEADERVALUE)")
	f.StringVar(&t.cfRole, "cloudfront-role-arn", "", "role to assume to read the distributions (default: the rotation function's CLOUDFRONT_ROLE_ARN)")
	f.StringVar(&t.cfExternalID, "cloudfront-external-id", "", "external ID for --cloudfront-role-arn (default: the rotation function's CLOUDFRONT_EXTERNAL_ID)")
	f.DurationVar(&t.staleAfter, "stale-after", defaultStaleAfter, "age after which an AWSPENDING version counts as left by a failed rotation")
}

// open is how every command starts once its flags are parsed: it checks the
// target the flags name, makes the AWS clients and reads the state.
func (t *targetFlags) open(ctx context.Context, a *app, f *flags) (target, *clients, *snapshot, error) {
	tg, err := t.target(f)
	if err != nil {
		return tg, nil, nil, err
	}
	c, err := a.connect(ctx, f.aws)
	if err != nil {
		return tg, nil, nil, err
	}
	s, err := inspect(ctx, c, tg, a.clock.Now())
	return tg, c, s, err
}

func (t *targetFlags) target(f *flags) (target, error) {
	tg := target{secretID: strings.TrimSpace(f.secret), function: t.function, headerName: t.header, staleAfter: t.staleAfter,
		cfRole: strings.TrimSpace(t.cfRole), cfExternalID: strings.TrimSpace(t.cfExternalID)}
	if tg.cfRole != "" && !strings.HasPrefix(tg.cfRole, "arn:") {
		return tg, usagef(f.command, "--cloudfront-role-arn: want an IAM role ARN, like arn:aws:iam::111122223333:role/originlock-cloudfront")
	}
	if tg.cfExternalID != "" && tg.cfRole == "" {
		return tg, usagef(f.command, "--cloudfront-external-id applies only with --cloudfront-role-arn")
	}
	for _, d := range t.distributions {
		spec, err := parseDistribution(strings.TrimSpace(d))
		if err != nil {
			return tg, usagef(f.command, "--distribution: %v", err)
		}
		tg.distributions = append(tg.distributions, spec)
	}
	switch t.format {
	case "":
		if t.jsonKey != "" {
			fm := secretvalue.JSON(t.jsonKey)
			tg.format = &fm
		}
	case "json":
		fm := secretvalue.JSON(t.jsonKey)
		tg.format = &fm
	case "plain":
		if t.jsonKey != "" {
			return tg, usagef(f.command, "--json-key applies only to --secret-format json")
		}
		fm := secretvalue.Plain()
		tg.format = &fm
	default:
		return tg, usagef(f.command, "--secret-format: want json or plain, got %q", t.format)
	}
	if t.staleAfter <= 0 {
		return tg, usagef(f.command, "--stale-after: want a positive duration")
	}
	return tg, nil
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
