package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

const statusUsage = `Usage: originlock status --secret ID [--distribution ID[:ORIGIN,...]]... [--function NAME] [--json]

Shows the secret's labelled versions (stages, creation date, fingerprint), its
rotation settings, and for each distribution the rotation keeps in step (the
rotation function's DISTRIBUTIONS and HEADER_NAME, or --distribution) its
status and which stage each origin's header matches. Ends with a verdict.

Exit codes: 0 healthy, 1 error, 3 rotation in progress, 4 drift, 5 stale AWSPENDING.

Examples:
  originlock status --secret originlock/header
  originlock status --secret originlock/header --distribution E1A2B3C4D5E6F7:api --json`

func runStatus(ctx context.Context, a *app, args []string) error {
	f := newFlags(a, "status", statusUsage)
	var tf targetFlags
	tf.register(f)
	asJSON := f.Bool("json", false, "print the report as JSON (schema in README.md)")
	if err := f.parse(args); err != nil {
		return err
	}
	t, _, snap, err := tf.open(ctx, a, f)
	if err != nil {
		return err
	}
	rep := snap.report(t)
	if *asJSON {
		enc := json.NewEncoder(a.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		rep.writeText(a.out)
	}
	if rep.ExitCode != exitOK {
		return &exitCodeError{code: rep.ExitCode, err: nil}
	}
	return nil
}

// statusReport is "status --json" (schemaVersion 1, README.md).
type statusReport struct {
	SchemaVersion  int              `json:"schemaVersion"`
	Secret         secretJSON       `json:"secret"`
	Verdict        string           `json:"verdict"`
	ExitCode       int              `json:"exitCode"`
	CheckedAt      string           `json:"checkedAt"`
	Rotation       rotationJSON     `json:"rotation"`
	Function       *functionSummary `json:"rotationFunction"`
	HeaderName     string           `json:"headerName"`
	SecretFormat   string           `json:"secretFormat"`
	Versions       []versionJSON    `json:"versions"`
	DistsFrom      string           `json:"distributionsFrom"`
	CloudFrontRole string           `json:"cloudFrontRole,omitempty"`
	Distributions  []distJSON       `json:"distributions"`
	Findings       []finding        `json:"findings"`
}

type secretJSON struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
}

type rotationJSON struct {
	Enabled      bool   `json:"enabled"`
	Schedule     string `json:"schedule,omitempty"`
	LastRotated  string `json:"lastRotated,omitempty"`
	NextRotation string `json:"nextRotation,omitempty"`
	Function     string `json:"function,omitempty"`
}

type functionSummary struct {
	Name  string `json:"name,omitempty"`
	Error string `json:"error,omitempty"`
}

type versionJSON struct {
	ID          string   `json:"id"`
	Stages      []string `json:"stages"`
	Created     string   `json:"created,omitempty"`
	Value       string   `json:"value"` // ok | none | malformed
	Fingerprint string   `json:"fingerprint,omitempty"`
}

type distJSON struct {
	ID      string       `json:"id"`
	Status  string       `json:"status"` // Deployed | InProgress | missing | error
	Error   string       `json:"error,omitempty"`
	Origins []originJSON `json:"origins"`
}

type originJSON struct {
	ID          string `json:"id"`
	Matches     string `json:"matches"`
	Fingerprint string `json:"fingerprint,omitempty"`
}

func timeString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func (s *snapshot) report(t target) *statusReport {
	verdict, fs := s.judge(t)
	r := &statusReport{
		SchemaVersion: 1,
		Secret:        secretJSON{ARN: s.secret.ARN, Name: s.secret.Name},
		Verdict:       verdict, ExitCode: verdictExit[verdict],
		Rotation: rotationJSON{
			Enabled: s.secret.RotationOn, Schedule: s.secret.Schedule,
			LastRotated: timeString(s.secret.LastRotated), NextRotation: timeString(s.secret.NextRotation),
			Function: s.secret.FunctionARN,
		},
		HeaderName: s.header, SecretFormat: s.format.String(), DistsFrom: s.distsFrom, CloudFrontRole: s.cfRole,
		Findings: fs, CheckedAt: timeString(s.at),
		Versions: []versionJSON{}, Distributions: []distJSON{},
	}
	if r.Findings == nil {
		r.Findings = []finding{}
	}
	if s.function != nil || s.functionEr != nil {
		r.Function = &functionSummary{}
		if s.function != nil {
			r.Function.Name = s.function.Name
			if s.function.Err != nil {
				r.Function.Error = s.function.Err.Error()
			}
		} else {
			r.Function.Error = s.functionEr.Error()
		}
	}
	for _, v := range s.secret.Versions {
		r.Versions = append(r.Versions, versionJSON{ID: v.ID, Stages: v.Stages, Created: timeString(v.Created), Value: v.ValueStatus, Fingerprint: v.Fingerprint})
	}
	for _, d := range s.dists {
		dj := distJSON{ID: d.ID, Status: d.Status, Origins: []originJSON{}}
		switch {
		case d.Missing:
			dj.Status = "missing"
		case d.Err != nil:
			dj.Status, dj.Error = "error", d.Err.Error()
		}
		for _, o := range d.Origins {
			dj.Origins = append(dj.Origins, originJSON{ID: o.ID, Matches: o.Matches, Fingerprint: o.Fingerprint})
		}
		r.Distributions = append(r.Distributions, dj)
	}
	return r
}

var verdictText = map[string]string{
	verdictHealthy:    "healthy: every origin sends the AWSCURRENT value and every distribution is Deployed",
	verdictInProgress: "rotation in progress",
	verdictDrift:      "DRIFT: CloudFront and the secret disagree",
	verdictStale:      "STALE AWSPENDING: a failed rotation blocks the next one",
	verdictError:      "ERROR: the state could not be checked completely",
}

func (r *statusReport) writeText(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Secret:\t%s\n", r.Secret.ARN)
	rot := "disabled"
	if r.Rotation.Enabled {
		rot = "enabled"
	}
	if r.Rotation.Schedule != "" {
		rot += ", " + r.Rotation.Schedule
	}
	fmt.Fprintf(tw, "Rotation:\t%s\n", rot)
	if r.Rotation.LastRotated != "" || r.Rotation.NextRotation != "" {
		fmt.Fprintf(tw, "Last / next rotation:\t%s / %s\n", dash(r.Rotation.LastRotated), dash(r.Rotation.NextRotation))
	}
	fn := dash(r.Rotation.Function)
	if r.Function != nil && r.Function.Name != "" && r.Rotation.Function == "" {
		fn = r.Function.Name + " (--function)"
	}
	if r.Function != nil && r.Function.Error != "" {
		if strings.HasPrefix(r.Function.Error, "no Lambda function ") {
			fn += " (no such Lambda function)"
		} else {
			fn += " (" + r.Function.Error + ")"
		}
	}
	fmt.Fprintf(tw, "Rotation function:\t%s\n", fn)
	fmt.Fprintf(tw, "Header:\t%s, value at %s\n", r.HeaderName, r.SecretFormat)
	if r.CloudFrontRole != "" {
		fmt.Fprintf(tw, "CloudFront read as:\t%s (assumed)\n", r.CloudFrontRole)
	}
	_ = tw.Flush()

	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tSTAGES\tCREATED\tVALUE")
	for _, v := range r.Versions {
		val := v.Fingerprint
		if v.Value != "ok" {
			val = "(" + v.Value + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.ID, strings.Join(v.Stages, ","), dash(v.Created), val)
	}
	_ = tw.Flush()

	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "DISTRIBUTION\tSTATUS\tORIGIN\tHEADER\tMATCHES")
	for _, d := range r.Distributions {
		if len(d.Origins) == 0 {
			fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\n", d.ID, d.Status)
		}
		for _, o := range d.Origins {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.ID, d.Status, o.ID, dash(o.Fingerprint), o.Matches)
		}
	}
	if len(r.Distributions) == 0 {
		fmt.Fprintln(tw, "(none)\t\t\t\t")
	}
	_ = tw.Flush()

	fmt.Fprintf(w, "\nVerdict: %s\n", verdictText[r.Verdict])
	for _, f := range r.Findings {
		fmt.Fprintf(w, "  - %s\n", f.Problem)
		if f.Fix != "" {
			fmt.Fprintf(w, "    fix: %s\n", f.Fix)
		}
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
