package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

const clearPendingUsage = `Usage: originlock clear-pending --secret ID [--stale-after 2h] [--yes]

Removes the AWSPENDING label a failed rotation left on a version, which
otherwise blocks every later rotation. Refuses when that version's value may
already be sent by CloudFront (an origin carries it, or a distribution is
still InProgress or could not be read): the authorizers accept it only while
it is AWSPENDING. Refuses too while the label is younger than --stale-after
(the rotation may still be running).

Examples:
  originlock clear-pending --secret originlock/header
  originlock clear-pending --secret originlock/header --yes`

func runClearPending(ctx context.Context, a *app, args []string) error {
	f := newFlags(a, "clear-pending", clearPendingUsage)
	var tf targetFlags
	tf.register(f)
	yes := f.Bool("yes", false, "do not ask for confirmation")
	if err := f.parse(args); err != nil {
		return err
	}
	t, c, s, err := tf.open(ctx, a, f)
	if err != nil {
		return err
	}
	p := s.secret.pending
	if p == nil {
		fmt.Fprintf(a.out, "nothing to clear: no version other than AWSCURRENT is AWSPENDING\n")
		return nil
	}
	if err := safeToClear(s, t); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "Version %s (%s) has been AWSPENDING since %s; no distribution sends its value.\n", p.ID, valueName(p), dash(timeString(p.Created)))
	fmt.Fprintf(a.out, "This removes its AWSPENDING label; the version itself stays, without labels.\n")
	if !*yes && !confirm(a) {
		return errAborted
	}
	_, err = c.sm.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
		SecretId: aws.String(s.secret.ARN), VersionStage: aws.String(stagePending), RemoveFromVersionId: aws.String(p.ID),
	})
	if err != nil {
		return awsError("remove AWSPENDING from version "+p.ID, err)
	}
	fmt.Fprintf(a.out, "AWSPENDING removed from version %s. Rotate again: originlock rotate --secret %s --wait\n", p.ID, t.secretID)
	return nil
}

func valueName(v *version) string {
	if v.ValueStatus == "ok" {
		return v.Fingerprint
	}
	return "no value"
}

// safeToClear refuses when CloudFront may send the pending value.
func safeToClear(s *snapshot, t target) error {
	p := s.secret.pending
	if age := s.at.Sub(p.Created); p.Created.IsZero() || age < t.staleAfter {
		return fmt.Errorf("refusing: version %s has been AWSPENDING for %s, less than --stale-after %s: the rotation may still be running (originlock status --secret %s)", p.ID, roundAge(age), t.staleAfter, t.secretID)
	}
	if p.ValueStatus != "ok" {
		return nil // no value: nothing CloudFront could send
	}
	if s.distsFrom == "" {
		return fmt.Errorf("refusing: the distributions cannot be checked (%v); name them with --distribution", s.functionEr)
	}
	for _, d := range s.dists {
		switch {
		case d.Missing:
			continue
		case d.Err != nil:
			return fmt.Errorf("refusing: %v: cannot tell whether it sends version %s's value", d.Err, p.ID)
		case d.Status != "Deployed":
			return fmt.Errorf("refusing: distribution %s is %s: its edges may send version %s's value; retry once it is Deployed", d.ID, d.Status, p.ID)
		}
		for _, o := range d.Origins {
			if o.Matches == matchPending {
				return fmt.Errorf("refusing: distribution %s origin %s sends version %s's value (%s); removing the label would make the authorizers refuse it.\n"+
					"Finish the rotation instead: fix the failing step (the rotation function's logs say which) and let Secrets Manager retry, or put the AWSCURRENT value back on the origin first", d.ID, o.ID, p.ID, p.Fingerprint)
			}
		}
	}
	return nil
}
