package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/authorizer"
)

const revokeUsage = `Usage: originlock revoke --secret ID [--rest-api ID/STAGE]... [--http-api ID[/STAGE]]... [--authorizer-function NAME] [--yes]

The runbook for a leaked header value, as one command:
  1. rotate, and wait until every distribution is Deployed with the new value;
  2. remove AWSPREVIOUS from the leaked version, so that no authorizer
     accepts it after its next read of the secret;
  3. flush the listed APIs' authorizer caches (REST API
     FlushStageAuthorizersCache, HTTP API ResetAuthorizersCache; an HTTP API
     without /STAGE means $default);
  4. print when the old value stopped being accepted.
Asks for confirmation unless --yes. Refuses while another rotation is in progress.

Examples:
  originlock revoke --secret originlock/header --rest-api a1b2c3d4e5/prod
  originlock revoke --secret originlock/header --http-api f6g7h8i9j0 --yes`

type apiStage struct{ id, stage string }

func runRevoke(ctx context.Context, a *app, args []string) error {
	f := newFlags(a, "revoke", revokeUsage)
	var tf targetFlags
	tf.register(f)
	var ff followFlags
	ff.register(f)
	var restAPIs, httpAPIs list
	f.Var(&restAPIs, "rest-api", "REST API `ID/STAGE` whose authorizer cache to flush (repeatable)")
	f.Var(&httpAPIs, "http-api", "HTTP API `ID[/STAGE]` whose authorizer cache to reset (repeatable)")
	authFn := f.String("authorizer-function", "", "authorizer function, to read its CACHE_TTL (default 5m)")
	yes := f.Bool("yes", false, "do not ask for confirmation")
	if err := f.parse(args); err != nil {
		return err
	}
	if err := ff.check("revoke"); err != nil {
		return err
	}
	t, err := tf.target(f)
	if err != nil {
		return err
	}
	rest, err := parseAPIs("revoke", "--rest-api", restAPIs, false)
	if err != nil {
		return err
	}
	httpList, err := parseAPIs("revoke", "--http-api", httpAPIs, true)
	if err != nil {
		return err
	}
	c, err := a.connect(ctx, f.aws)
	if err != nil {
		return err
	}
	cacheTTL := authorizer.DefaultCacheTTL
	if *authFn != "" {
		fn, err := readFunction(ctx, c.fn, *authFn)
		if err != nil {
			return err
		}
		fn.parseAuthorizer()
		cacheTTL = fn.CacheTTL
	}
	before, err := inspect(ctx, c, t, a.clock.Now())
	if err != nil {
		return err
	}
	if err := canRotate(before, t); err != nil {
		return fmt.Errorf("cannot revoke now: %w", err)
	}
	leaked := before.secret.current
	fmt.Fprintf(a.out, "Revoking version %s (%s) of %s:\n", leaked.ID, leaked.Fingerprint, before.secret.ARN)
	fmt.Fprintf(a.out, "  1. rotate and wait until %d distribution(s) carry the new value\n", len(before.dists))
	fmt.Fprintf(a.out, "  2. remove AWSPREVIOUS from version %s\n", leaked.ID)
	fmt.Fprintf(a.out, "  3. flush the authorizer caches of %d REST and %d HTTP API stage(s)\n", len(rest), len(httpList))
	if len(rest)+len(httpList) == 0 {
		fmt.Fprintln(a.out, "     (none listed: API Gateway may keep answering from cached Allows for the authorizer's TTL)")
	}
	if !*yes && !confirm(a) {
		return errAborted
	}

	start := a.clock.Now()
	token, err := startRotation(ctx, c, t, before)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.out, "rotation started: version %s is AWSPENDING\n", token)
	if _, err := follow(ctx, a, c, t, token, start, ff); err != nil {
		return fmt.Errorf("%w\nthe leaked value is still accepted: once the rotation completes, rerun originlock revoke", err)
	}
	_, err = c.sm.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
		SecretId: aws.String(before.secret.ARN), VersionStage: aws.String(stagePrevious), RemoveFromVersionId: aws.String(leaked.ID),
	})
	if err != nil {
		return fmt.Errorf("%w\nthe rotation completed; remove the label by hand: aws secretsmanager update-secret-version-stage --secret-id %s --version-stage AWSPREVIOUS --remove-from-version-id %s",
			awsError("remove AWSPREVIOUS from version "+leaked.ID, err), t.secretID, leaked.ID)
	}
	unlabelled := a.clock.Now()
	fmt.Fprintf(a.out, "%s AWSPREVIOUS removed from version %s\n", stamp(unlabelled), leaked.ID)
	var failed []string
	for _, api := range rest {
		_, err := c.rest.FlushStageAuthorizersCache(ctx, &apigateway.FlushStageAuthorizersCacheInput{RestApiId: aws.String(api.id), StageName: aws.String(api.stage)})
		failed = flushed(a, "REST API "+api.id+"/"+api.stage, err, failed)
	}
	for _, api := range httpList {
		_, err := c.http.ResetAuthorizersCache(ctx, &apigatewayv2.ResetAuthorizersCacheInput{ApiId: aws.String(api.id), StageName: aws.String(api.stage)})
		failed = flushed(a, "HTTP API "+api.id+"/"+api.stage, err, failed)
	}
	flushedAt := a.clock.Now()
	until := unlabelled.Add(cacheTTL)
	if flushedAt.After(until) {
		until = flushedAt
	}
	fmt.Fprintf(a.out, "The leaked value %s is refused by every authorizer from %s at the latest (AWSPREVIOUS removed at %s, plus CACHE_TTL %s, the longest an authorizer trusts an earlier read).\n",
		leaked.Fingerprint, stamp(until), stamp(unlabelled), cacheTTL)
	if len(failed) > 0 {
		return fmt.Errorf("could not flush %s: API Gateway may allow the leaked value from its cache until the authorizer TTL runs out; retry the flush", strings.Join(failed, ", "))
	}
	return nil
}

func flushed(a *app, what string, err error, failed []string) []string {
	if err != nil {
		fmt.Fprintf(a.out, "%s flush %s: %v\n", stamp(a.clock.Now()), what, awsError("flush", err))
		return append(failed, what)
	}
	fmt.Fprintf(a.out, "%s authorizer cache of %s flushed\n", stamp(a.clock.Now()), what)
	return failed
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func parseAPIs(command, flag string, values []string, stageOptional bool) ([]apiStage, error) {
	var out []apiStage
	for _, v := range values {
		id, stage, ok := strings.Cut(strings.TrimSpace(v), "/")
		if !ok && stageOptional {
			stage, ok = "$default", true
		}
		if id == "" || !ok || stage == "" || strings.Contains(stage, "/") {
			want := "ID/STAGE"
			if stageOptional {
				want = "ID or ID/STAGE"
			}
			return nil, usagef(command, "%s %q: want %s", flag, v, want)
		}
		out = append(out, apiStage{id, stage})
	}
	return out, nil
}

// confirm asks on the terminal, as kubectl delete does without --yes.
func confirm(a *app) bool {
	fmt.Fprint(a.out, "Type yes to continue: ")
	line, _ := bufio.NewReader(a.in).ReadString('\n')
	if !a.terminal {
		fmt.Fprintln(a.out) // the answer was not echoed
	}
	return strings.TrimSpace(line) == "yes"
}
