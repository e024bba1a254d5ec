package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/originlock/originlock/clock"
)

// TestUsage: help and command-line mistakes, in the AWS CLI's and kubectl's
// style, with their exit codes; no AWS call is made.
func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, exitUsage, "Usage:\n  originlock <command> --secret ID [flags]"},
		{[]string{"--help"}, exitOK, "Commands:\n  status"},
		{[]string{"statsu"}, exitUsage, `originlock: error: unknown command "statsu"` + "\nRun 'originlock --help' for the commands."},
		{[]string{"status"}, exitUsage, "originlock status: error: the following arguments are required: --secret\nRun 'originlock status --help' for usage."},
		{[]string{"status", "--help"}, exitOK, "Usage: originlock status --secret ID"},
		{[]string{"doctor", "--secret", "s", "--bogus"}, exitUsage, "originlock doctor: error: unknown flag: --bogus"},
		{[]string{"status", "--secret", "s", "extra"}, exitUsage, `unexpected argument "extra"`},
		{[]string{"status", "--secret", "s", "--distribution", "e1abc"}, exitUsage, `--distribution: "e1abc" is not a distribution ID`},
		{[]string{"status", "--secret", "s", "--secret-format", "yaml"}, exitUsage, `--secret-format: want json or plain, got "yaml"`},
		{[]string{"status", "--secret", "s", "--secret-format", "plain", "--json-key", "k"}, exitUsage, "--json-key applies only to --secret-format json"},
		{[]string{"rotate", "--secret", "s", "--interval", "1ms"}, exitUsage, "--interval: want at least 100ms"},
		{[]string{"revoke", "--secret", "s", "--http-api", "a/b/c"}, exitUsage, `--http-api "a/b/c": want ID or ID/STAGE`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			a := &app{out: &out, errOut: &errOut, in: strings.NewReader(""), clock: clock.System(),
				connect: func(context.Context, awsOptions) (*clients, error) { return nil, errors.New("no AWS call expected") }}
			if code := a.run(t.Context(), tt.args); code != tt.code {
				t.Errorf("exit code %d, want %d\n%s", code, tt.code, errOut.String())
			}
			if !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("stderr:\n%s\nwant it to contain %q", errOut.String(), tt.want)
			}
		})
	}
}

func TestParseDistributions(t *testing.T) {
	got, err := parseDistributions(" E1ABC : api , api-2 ; E2DEF ")
	if err != nil || len(got) != 2 || got[0].ID != "E1ABC" || strings.Join(got[0].OriginIDs, ",") != "api,api-2" || got[1].ID != "E2DEF" || got[1].OriginIDs != nil {
		t.Errorf("got %+v, %v", got, err)
	}
	for _, bad := range []string{"E1ABC;;E2", "E1ABC;E1ABC", "E1ABC:a,a", "E1ABC:", "e1"} {
		if _, err := parseDistributions(bad); err == nil {
			t.Errorf("parseDistributions(%q) accepted it", bad)
		}
	}
}
