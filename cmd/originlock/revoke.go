package main

import (
	"bufio"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/authorizer"
)

const revokeUsage = `Usage: originlock revoke --secret ID [--rest-api ID/STAGE]... [--http-api ID[/STAGE]]... [--authorizer-function NAME]... [--yes]

The runbook for a leaked header value, as one command:
  1. rotate, and wait until every distribution is Deployed with the new value;
  2. remove AWSPREVIOUS from the leaked version (with REVOKE_PREVIOUS=true
     on the rotation function, finishSecret already did: revoke checks it);
     authorizer containers that saw the rotation refuse the value within
     their REFRESH_COOLDOWN;
  3. recycle each --authorizer-function's containers (a configuration
     change: ORIGINLOCK_RECYCLED_AT), so that none still trusts a read from
     before the rotation, and wait until each update is Successful;
  4. flush the listed APIs' authorizer caches (REST API
     FlushStageAuthorizersCache, HTTP API ResetAuthorizersCache; an HTTP API
     without /STAGE means $default), no earlier than REFRESH_COOLDOWN + 5s
     after step 2;
  5. print each step's time and the worst-case exposure.
Without --authorizer-function, a warm container whose last read predates
the rotation may accept the old value until its next read, up to CACHE_TTL
(5m by default). Name the function API Gateway invokes, unqualified: a
published version or alias cannot be recycled this way.
Asks for confirmation unless --yes. Refuses while another rotation is in progress.

Examples:
  originlock revoke --secret originlock/header --rest-api a1b2c3d4e5/prod --authorizer-function originlock-authorizer
  originlock revoke --secret originlock/header --http-api f6g7h8i9j0 --authorizer-function originlock-authorizer --yes`

// flushMargin is how long after REFRESH_COOLDOWN, counted from the label's
// removal, revoke waits before flushing API Gateway's caches: a flush before
// every authorizer refuses the value would let API Gateway cache a new Allow.
const flushMargin = 5 * time.Second

// revokeWait bounds how long revoke waits for finishSecret to remove
// AWSPREVIOUS itself (REVOKE_PREVIOUS=true) before removing it.
const revokeWait = time.Minute

type apiStage struct{ id, stage string }

// revokePlan is what one revoke does after the rotation.
type revokePlan struct {
	rest, http  []apiStage
	authorizers []*functionConfig
	// cacheTTL and cooldown are the longest CACHE_TTL and REFRESH_COOLDOWN
	// of the authorizer functions (the defaults without any).
	cacheTTL, cooldown time.Duration
	// revokePrevious is the rotation function's REVOKE_PREVIOUS.
	revokePrevious bool
}

func runRevoke(ctx context.Context, a *app, args []string) error {
	f := newFlags(a, "revoke", revokeUsage)
	var tf targetFlags
	tf.register(f)
	var ff followFlags
	ff.register(f)
	var restAPIs, httpAPIs, authFns list
	f.Var(&restAPIs, "rest-api", "REST API `ID/STAGE` whose authorizer cache to flush (repeatable)")
	f.Var(&httpAPIs, "http-api", "HTTP API `ID[/STAGE]` whose authorizer cache to reset (repeatable)")
	f.Var(&authFns, "authorizer-function", "authorizer function `NAME` whose containers to recycle; its CACHE_TTL and REFRESH_COOLDOWN are read (repeatable)")
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
	var p revokePlan
	if p.rest, err = parseAPIs("revoke", "--rest-api", restAPIs, false); err != nil {
		return err
	}
	if p.http, err = parseAPIs("revoke", "--http-api", httpAPIs, true); err != nil {
		return err
	}
	c, err := a.connect(ctx, f.aws)
	if err != nil {
		return err
	}
	p.cacheTTL, p.cooldown = authorizer.DefaultCacheTTL, authorizer.DefaultRefreshCooldown
	for i, name := range authFns {
		fn, err := readFunction(ctx, c.fn, strings.TrimSpace(name))
		if err != nil {
			return err
		}
		fn.parseAuthorizer()
		if i == 0 || fn.CacheTTL > p.cacheTTL {
			p.cacheTTL = fn.CacheTTL
		}
		if i == 0 || fn.RefreshCooldown > p.cooldown {
			p.cooldown = fn.RefreshCooldown
		}
		p.authorizers = append(p.authorizers, fn)
	}
	before, err := inspect(ctx, c, t, a.clock.Now())
	if err != nil {
		return err
	}
	if err := canRotate(before, t); err != nil {
		return fmt.Errorf("cannot revoke now: %w", err)
	}
	if fn := before.function; fn != nil {
		p.revokePrevious, _ = strconv.ParseBool(strings.TrimSpace(fn.env["REVOKE_PREVIOUS"]))
	}
	leaked := before.secret.current
	p.describe(a, before, leaked)
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
	removed, err := removePrevious(ctx, a, c, t, before.secret.ARN, leaked.ID, p.revokePrevious, ff.interval)
	if err != nil {
		return err
	}
	var failed []string
	recycledAll, lastRecycle := len(p.authorizers) > 0, removed
	for _, fn := range p.authorizers {
		fmt.Fprintf(a.out, "%s recycling authorizer function %s: setting %s\n", stamp(a.clock.Now()), fn.Name, recycleEnv)
		at, err := recycle(ctx, a, c.fn, fn.Name)
		if err != nil {
			fmt.Fprintf(a.out, "%s authorizer function %s NOT recycled: %v\n", stamp(a.clock.Now()), fn.Name, err)
			failed = append(failed, fmt.Sprintf("recycle authorizer function %s (any configuration change does: aws lambda update-function-configuration --function-name %s --description \"recycled %s\")", fn.Name, fn.Name, stamp(a.clock.Now())))
			recycledAll = false
			continue
		}
		lastRecycle = at
		fmt.Fprintf(a.out, "%s authorizer function %s updated (Successful): new invocations run in new containers, which read the secret first\n", stamp(at), fn.Name)
	}
	flushedAt, flushFailed, err := p.flush(ctx, a, c, removed)
	if err != nil {
		return err
	}
	failed = append(failed, flushFailed...)
	p.exposure(a, leaked.Fingerprint, removed, recycledAll, lastRecycle, flushedAt, len(flushFailed) == 0)
	if len(failed) > 0 {
		return fmt.Errorf("the rotation and the label's removal are done, but these steps failed; do them by hand, in this order:\n  - %s", strings.Join(failed, "\n  - "))
	}
	return nil
}

// describe prints what revoke is about to do.
func (p *revokePlan) describe(a *app, s *snapshot, leaked *version) {
	fmt.Fprintf(a.out, "Revoking version %s (%s) of %s:\n", leaked.ID, leaked.Fingerprint, s.secret.ARN)
	fmt.Fprintf(a.out, "  1. rotate and wait until %d distribution(s) carry the new value\n", len(s.dists))
	if p.revokePrevious {
		fmt.Fprintf(a.out, "  2. check that finishSecret removed AWSPREVIOUS from version %s (REVOKE_PREVIOUS=true on %s)\n", leaked.ID, s.function.Name)
	} else {
		fmt.Fprintf(a.out, "  2. remove AWSPREVIOUS from version %s\n", leaked.ID)
	}
	if len(p.authorizers) > 0 {
		names := make([]string, len(p.authorizers))
		for i, fn := range p.authorizers {
			names[i] = fn.Name
		}
		fmt.Fprintf(a.out, "  3. recycle the containers of authorizer function(s) %s (set %s)\n", strings.Join(names, ", "), recycleEnv)
	} else {
		fmt.Fprintf(a.out, "  3. (no --authorizer-function: a warm authorizer container whose last read predates the rotation may accept the old value until its next read, up to CACHE_TTL %s)\n", p.cacheTTL)
	}
	fmt.Fprintf(a.out, "  4. flush the authorizer caches of %d REST and %d HTTP API stage(s), REFRESH_COOLDOWN %s + %s after step 2\n", len(p.rest), len(p.http), p.cooldown, flushMargin)
	if len(p.rest)+len(p.http) == 0 {
		fmt.Fprintln(a.out, "     (none listed: API Gateway may keep answering from cached Allows for the authorizer's result TTL)")
	}
}

// removePrevious makes sure the leaked version no longer holds AWSPREVIOUS
// and returns when that was seen. With REVOKE_PREVIOUS finishSecret removes
// it: revoke waits for that up to revokeWait, then removes it itself. A
// label already gone is not an error, nor is a removal that fails because
// someone else removed it first.
func removePrevious(ctx context.Context, a *app, c *clients, t target, arn, leaked string, revokePrevious bool, interval time.Duration) (time.Time, error) {
	deadline := a.clock.Now().Add(revokeWait)
	for {
		held, err := holdsPrevious(ctx, c, arn, leaked)
		if err != nil {
			return time.Time{}, err
		}
		if !held {
			at := a.clock.Now()
			by := "someone else"
			if revokePrevious {
				by = "finishSecret (REVOKE_PREVIOUS=true)"
			}
			fmt.Fprintf(a.out, "%s AWSPREVIOUS already removed from version %s by %s\n", stamp(at), leaked, by)
			return at, nil
		}
		if !revokePrevious || !a.clock.Now().Before(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-a.clock.After(interval):
		}
	}
	_, err := c.sm.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
		SecretId: aws.String(arn), VersionStage: aws.String(stagePrevious), RemoveFromVersionId: aws.String(leaked),
	})
	if err != nil {
		if held, rerr := holdsPrevious(ctx, c, arn, leaked); rerr == nil && !held {
			at := a.clock.Now()
			fmt.Fprintf(a.out, "%s AWSPREVIOUS already removed from version %s\n", stamp(at), leaked)
			return at, nil
		}
		return time.Time{}, fmt.Errorf("%w\nthe rotation completed; remove the label by hand: aws secretsmanager update-secret-version-stage --secret-id %s --version-stage AWSPREVIOUS --remove-from-version-id %s",
			awsError("remove AWSPREVIOUS from version "+leaked, err), t.secretID, leaked)
	}
	at := a.clock.Now()
	fmt.Fprintf(a.out, "%s AWSPREVIOUS removed from version %s\n", stamp(at), leaked)
	return at, nil
}

func holdsPrevious(ctx context.Context, c *clients, arn, leaked string) (bool, error) {
	d, err := describeSecret(ctx, c.sm, arn)
	if err != nil {
		return false, err
	}
	return slices.Contains(d.VersionIdsToStages[leaked], stagePrevious), nil
}

// flush waits until REFRESH_COOLDOWN + flushMargin after removed, then
// flushes every listed API stage. It returns when the flushes ended and
// which failed; err only if it was stopped.
func (p *revokePlan) flush(ctx context.Context, a *app, c *clients, removed time.Time) (time.Time, []string, error) {
	if len(p.rest)+len(p.http) == 0 {
		return time.Time{}, nil, nil
	}
	if wait := removed.Add(p.cooldown + flushMargin).Sub(a.clock.Now()); wait > 0 {
		fmt.Fprintf(a.out, "%s waiting %s: API Gateway's caches are flushed REFRESH_COOLDOWN %s + %s after the removal, once every authorizer refuses the value\n", stamp(a.clock.Now()), wait.Round(time.Millisecond), p.cooldown, flushMargin)
		select {
		case <-ctx.Done():
			return time.Time{}, nil, fmt.Errorf("stopped before flushing API Gateway's caches (%w): flush them by hand", ctx.Err())
		case <-a.clock.After(wait):
		}
	}
	var failed []string
	for _, api := range p.rest {
		_, err := c.rest.FlushStageAuthorizersCache(ctx, &apigateway.FlushStageAuthorizersCacheInput{RestApiId: aws.String(api.id), StageName: aws.String(api.stage)})
		if flushed(a, "REST API "+api.id+"/"+api.stage, err) {
			failed = append(failed, "flush: aws apigateway flush-stage-authorizers-cache --rest-api-id "+api.id+" --stage-name "+api.stage)
		}
	}
	for _, api := range p.http {
		_, err := c.http.ResetAuthorizersCache(ctx, &apigatewayv2.ResetAuthorizersCacheInput{ApiId: aws.String(api.id), StageName: aws.String(api.stage)})
		if flushed(a, "HTTP API "+api.id+"/"+api.stage, err) {
			failed = append(failed, "flush: aws apigatewayv2 reset-authorizers-cache --api-id "+api.id+" --stage-name '"+api.stage+"'")
		}
	}
	return a.clock.Now(), failed, nil
}

// exposure prints how long the leaked value may still be accepted, step by
// step, and the worst case.
func (p *revokePlan) exposure(a *app, fp string, removed time.Time, recycledAll bool, lastRecycle, flushedAt time.Time, flushOK bool) {
	w := a.out
	listed := len(p.rest)+len(p.http) > 0
	fmt.Fprintf(w, "Exposure of the leaked value %s:\n", fp)
	fmt.Fprintf(w, "  - authorizer containers that saw the rotation refuse it from %s (AWSPREVIOUS removed at %s, plus REFRESH_COOLDOWN %s)\n", stamp(removed.Add(p.cooldown)), stamp(removed), p.cooldown)
	ttlEnd := removed.Add(p.cacheTTL)
	if recycledAll {
		fmt.Fprintf(w, "  - the authorizer functions' containers were replaced by %s: none still trusts a read from before the rotation\n", stamp(lastRecycle))
	} else {
		fmt.Fprintf(w, "  - a warm authorizer container whose last read predates the rotation may accept it as its AWSCURRENT until its next read: up to CACHE_TTL %s after the removal, until %s (longer only while Secrets Manager fails for it); --authorizer-function recycles them\n", p.cacheTTL, stamp(ttlEnd))
	}
	switch {
	case listed && flushOK && recycledAll:
		fmt.Fprintf(w, "  - API Gateway's authorizer caches were flushed at %s\n", stamp(flushedAt))
		fmt.Fprintf(w, "Worst case: the leaked value %s is refused everywhere from %s.\n", fp, stamp(flushedAt))
	case recycledAll:
		from := maxTime(lastRecycle, removed.Add(p.cooldown))
		fmt.Fprintf(w, "  - API Gateway may answer from an Allow it cached before then for the authorizer's result TTL (300s by default, up to 1h): flush its caches (--rest-api, --http-api)\n")
		fmt.Fprintf(w, "Worst case: every authorizer refuses %s from %s; API Gateway from then plus the authorizer's result TTL.\n", fp, stamp(from))
	default:
		if listed && flushOK {
			fmt.Fprintf(w, "  - API Gateway's authorizer caches were flushed at %s, but an Allow it caches from such a container can outlive %s by the authorizer's result TTL: flush again after %s\n", stamp(flushedAt), stamp(ttlEnd), stamp(ttlEnd))
		}
		fmt.Fprintf(w, "Worst case: every authorizer refuses %s from %s; API Gateway from then plus the authorizer's result TTL (300s by default, up to 1h) unless its caches are flushed after %s.\n", fp, stamp(ttlEnd), stamp(ttlEnd))
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// flushed prints a flush's outcome and reports whether it failed.
func flushed(a *app, what string, err error) bool {
	if err != nil {
		fmt.Fprintf(a.out, "%s flush %s: %v\n", stamp(a.clock.Now()), what, awsError("flush", err))
		return true
	}
	fmt.Fprintf(a.out, "%s authorizer cache of %s flushed\n", stamp(a.clock.Now()), what)
	return false
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
