// Package cfnlint runs the CloudFormation linter, cfn-lint, on synthesized
// templates for this module's tests, and parses what it reports.
//
// cfn-lint must be on PATH (pip install cfn-lint); without it Lint fails
// rather than letting a test pass unchecked. No rule is ignored here: the one
// finding the CDK's own output draws (W3005, a DependsOn its GetAtt already
// implies) is silenced in the template, on the resources concerned, by the
// originlock construct. See https://github.com/aws-cloudformation/cfn-lint.
package cfnlint

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// Regions the templates are linted for: the default region and one where
// CloudFront's us-east-1 specifics do not apply.
var Regions = []string{"us-east-1", "eu-central-1"}

// Finding is one problem cfn-lint reports.
type Finding struct {
	Template string
	Line     string
	Rule     string // E..., W... or I...
	Message  string
}

// Serious reports whether f is an error or a warning, not informational.
func (f Finding) Serious() bool {
	return strings.HasPrefix(f.Rule, "E") || strings.HasPrefix(f.Rule, "W")
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%s: %s %s", f.Template, f.Line, f.Rule, f.Message)
}

// ErrNotInstalled is returned when cfn-lint is not on PATH.
var ErrNotInstalled = errors.New("cfnlint: cfn-lint not found on PATH (install it: pip install cfn-lint)")

// Lint runs cfn-lint on the templates and returns every finding. The error
// is about running cfn-lint, not about the findings.
func Lint(templates ...string) ([]Finding, error) {
	if len(templates) == 0 {
		return nil, errors.New("cfnlint: no template to lint")
	}
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		return nil, ErrNotInstalled
	}
	args := append([]string{"--format", "parseable", "--regions"}, Regions...)
	args = append(append(args, "--"), templates...)
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	// Exit status is a bit mask: 2 errors, 4 warnings, 8 informational
	// findings; anything else (1, 32) means cfn-lint itself failed.
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if code := exit.ExitCode(); code&^(2|4|8) != 0 {
			return nil, fmt.Errorf("cfnlint: cfn-lint exited %d: %s%s", code, stderr.String(), stdout.String())
		}
	} else if err != nil {
		return nil, fmt.Errorf("cfnlint: %w", err)
	}
	findings, err := parse(stdout.String())
	if err != nil {
		return nil, err
	}
	if exit != nil && len(findings) == 0 {
		return nil, fmt.Errorf("cfnlint: cfn-lint exited %d without a finding: %s", exit.ExitCode(), stderr.String())
	}
	return findings, nil
}

// parse reads cfn-lint's parseable format:
// template:line:column:endline:endcolumn:rule:message.
func parse(out string) ([]Finding, error) {
	var findings []Finding
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		// The message may hold colons, so split into at most seven fields
		// (the tests' template paths hold none).
		fields := strings.SplitN(line, ":", 7)
		if len(fields) != 7 {
			return nil, fmt.Errorf("cfnlint: unexpected output line %q", line)
		}
		findings = append(findings, Finding{Template: fields[0], Line: fields[1], Rule: fields[5], Message: fields[6]})
	}
	return findings, nil
}
