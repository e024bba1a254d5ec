package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/internal/headername"
)

const doctorUsage = `Usage: originlock doctor --secret ID [--authorizer-function NAME] [--function NAME]

Checks the setup and explains each finding, PASS, WARN or FAIL, with its fix:
rotation enabled and its function present; the rotation function's
configuration against the secret (SECRET_ID, SECRET_FORMAT, SECRET_JSON_KEY)
and against the authorizer's (same secret, format and header;
REFRESH_COOLDOWN plus the 3s read timeout and a 1s margin below the
SETTLE_DELAY the authorizer assumes, and the rotation's SETTLE_DELAY no
shorter; without --authorizer-function, the rotation's SETTLE_DELAY against
the authorizer's default); the function's timeout against SETTLE_DELAY, the
waits of its TARGETS (waf, apikey) and a CloudFront deployment; the current
value; the header name; every distribution (read through CLOUDFRONT_ROLE_ARN
if set) and its selected origins; room under the custom-header quota; a
stale AWSPENDING.

Exit codes: 0 no FAIL, 1 error, 6 at least one FAIL.

Examples:
  originlock doctor --secret originlock/header --authorizer-function originlock-authorizer`

// Check outcomes.
const (
	pass = "PASS"
	warn = "WARN"
	fail = "FAIL"
)

// customHeaderQuota is CloudFront's default limit on custom headers per
// origin (adjustable through Service Quotas).
const customHeaderQuota = 10

// minDeployWait is the least time testSecret should be able to wait for a
// CloudFront deployment within one invocation: deployments take minutes.
const minDeployWait = 5 * time.Minute

// minStrongValue is the shortest value doctor calls strong: the rotation
// generates 64 characters (at least 43, 256 bits).
const minStrongValue = 32

type check struct {
	outcome, what, fix string
}

type checks []check

func (c *checks) add(outcome, what, fix string) { *c = append(*c, check{outcome, what, fix}) }

func runDoctor(ctx context.Context, a *app, args []string) error {
	f := newFlags(a, "doctor", doctorUsage)
	var tf targetFlags
	tf.register(f)
	authFn := f.String("authorizer-function", "", "the API's authorizer function, to check it against the rotation function")
	if err := f.parse(args); err != nil {
		return err
	}
	t, c, s, err := tf.open(ctx, a, f)
	if err != nil {
		return err
	}
	var cs checks
	checkRotation(&cs, s, t)
	if *authFn != "" {
		auth, err := readFunction(ctx, c.fn, *authFn)
		checkAuthorizer(&cs, s, auth, err, *authFn)
	} else if fn := s.function; fn != nil && fn.Err == nil && fn.SettleDelay < authorizer.DefaultSettleDelay {
		cs.add(warn, fmt.Sprintf("rotation function %s waits SETTLE_DELAY %s, less than the %s an authorizer assumes by default: unless every authorizer's SETTLE_DELAY says so, it may deny a new value CloudFront already sends, and API Gateway caches that Deny", fn.Name, fn.SettleDelay, authorizer.DefaultSettleDelay),
			"check the authorizer: originlock doctor --secret "+t.secretID+" --authorizer-function NAME")
	}
	checkValue(&cs, s, t)
	checkDistributions(&cs, s, t)
	failed := cs.write(a.out)
	if failed > 0 {
		return &exitCodeError{code: exitFindings, err: fmt.Errorf("%d check(s) failed", failed)}
	}
	return nil
}

func (cs checks) write(w io.Writer) int {
	failed := 0
	for _, c := range cs {
		fmt.Fprintf(w, "%s  %s\n", c.outcome, c.what)
		if c.fix != "" && c.outcome != pass {
			fmt.Fprintf(w, "      fix: %s\n", c.fix)
		}
		if c.outcome == fail {
			failed++
		}
	}
	return failed
}

func checkRotation(cs *checks, s *snapshot, t target) {
	sec := s.secret
	if sec.RotationOn {
		cs.add(pass, "rotation is enabled ("+dash(sec.Schedule)+")", "")
	} else {
		cs.add(fail, "rotation is not enabled", "aws secretsmanager rotate-secret --secret-id "+t.secretID+" --rotation-lambda-arn FUNCTION_ARN --rotation-rules AutomaticallyAfterDays=30")
	}
	fn := s.function
	switch {
	case fn == nil && errors.Is(s.functionEr, errFunctionNotFound):
		cs.add(fail, "the rotation function does not exist: "+s.functionEr.Error(), "deploy examples/lambda/rotation and point the secret at it with aws secretsmanager rotate-secret --rotation-lambda-arn")
		return
	case fn == nil:
		cs.add(fail, "the rotation function cannot be read: "+s.functionEr.Error(), "check that the secret has a rotation function and that you may call lambda:GetFunctionConfiguration")
		return
	}
	cs.add(pass, "rotation function "+fn.Name+" exists", "")
	if fn.Err != nil {
		cs.add(fail, "rotation function "+fn.Name+" refuses its configuration: "+strings.ReplaceAll(fn.Err.Error(), "\n", "; "), "fix those environment variables (examples/lambda/README.md)")
		return
	}
	if fn.SecretID == sec.Name || fn.SecretID == sec.ARN {
		cs.add(pass, "its SECRET_ID names this secret", "")
	} else {
		cs.add(fail, "its SECRET_ID ("+fn.SecretID+") does not name this secret: it refuses every rotation event of "+sec.Name, "set SECRET_ID="+sec.Name+" on "+fn.Name)
	}
	// setSecret sleeps SETTLE_DELAY, then updates every distribution;
	// testSecret polls until the deadline minus DEADLINE_MARGIN.
	// With TARGETS=...,waf or apikey, setSecret also waits for those
	// targets before it updates CloudFront.
	setNeeds := fn.SettleDelay + fn.TargetDelay + time.Duration(max(len(fn.Distributions)-1, 0))*fn.UpdateInterval + 30*time.Second
	targets := ""
	if fn.TargetDelay > 0 {
		targets = fmt.Sprintf(", the %s wait of TARGETS=%s", fn.TargetDelay, strings.Join(fn.Targets, ","))
	}
	switch wait := fn.Timeout - fn.DeadlineMargin; {
	case fn.Timeout <= setNeeds:
		cs.add(fail, fmt.Sprintf("its timeout %s leaves setSecret no time: SETTLE_DELAY %s%s, UPDATE_INTERVAL pacing and the updates need about %s", fn.Timeout, fn.SettleDelay, targets, setNeeds),
			fmt.Sprintf("raise the function's timeout to 15m (aws lambda update-function-configuration --function-name %s --timeout 900)", fn.Name))
	case wait < minDeployWait:
		cs.add(warn, fmt.Sprintf("its timeout %s lets testSecret wait only %s for a CloudFront deployment (they take minutes): rotations will need Secrets Manager's retries", fn.Timeout, wait),
			fmt.Sprintf("aws lambda update-function-configuration --function-name %s --timeout 900", fn.Name))
	default:
		cs.add(pass, fmt.Sprintf("its timeout %s fits SETTLE_DELAY %s%s and a deployment wait of %s", fn.Timeout, fn.SettleDelay, targets, wait), "")
	}
	if err := headername.Check(s.header); err != nil {
		cs.add(fail, "header name "+s.header+": "+err.Error(), "set HEADER_NAME to a name CloudFront may send, such as X-Origin-Verify")
	} else {
		cs.add(pass, "header name "+s.header+" is one CloudFront can send", "")
	}
}

func checkAuthorizer(cs *checks, s *snapshot, auth *functionConfig, err error, name string) {
	if err != nil {
		cs.add(fail, "authorizer function: "+err.Error(), "pass the name of the API's authorizer function")
		return
	}
	auth.parseAuthorizer()
	if auth.Err != nil {
		cs.add(fail, "authorizer function "+auth.Name+" refuses its configuration: "+strings.ReplaceAll(auth.Err.Error(), "\n", "; "), "fix those environment variables (examples/lambda/README.md)")
		return
	}
	sec := s.secret
	if auth.SecretID == sec.Name || auth.SecretID == sec.ARN {
		cs.add(pass, "authorizer "+auth.Name+" reads this secret", "")
	} else {
		cs.add(fail, "authorizer "+auth.Name+" reads "+auth.SecretID+", not this secret", "set SECRET_ID="+sec.Name+" on "+auth.Name)
	}
	if auth.Format.String() == s.format.String() {
		cs.add(pass, "authorizer and rotation function agree on the format ("+s.format.String()+")", "")
	} else {
		cs.add(fail, "authorizer reads the value at "+auth.Format.String()+", the rotation function writes it at "+s.format.String(), "set the same SECRET_FORMAT and SECRET_JSON_KEY on both functions")
	}
	if _, set := auth.env["HEADER_NAME"]; set && !strings.EqualFold(auth.HeaderName, s.header) {
		cs.add(fail, "authorizer checks header "+auth.HeaderName+", the rotation function writes "+s.header, "set the same HEADER_NAME on both functions")
	}
	if s.function != nil && s.function.Err == nil {
		checkSettle(cs, auth, s.function)
	}
}

// checkSettle checks the invariant the authorizer's Verifier relies on
// (authorizer.WithSettleDelay): its REFRESH_COOLDOWN plus its read timeout
// (authorizer.DefaultReadTimeout: the function has no variable for it) plus
// authorizer.ConsistencyMargin below the settle delay it assumes (its
// SETTLE_DELAY), and the rotation function's SETTLE_DELAY no shorter than
// that assumption.
func checkSettle(cs *checks, auth, rot *functionConfig) {
	assumed := auth.SettleDelay
	horizon := auth.RefreshCooldown + authorizer.DefaultReadTimeout + authorizer.ConsistencyMargin
	sum := fmt.Sprintf("REFRESH_COOLDOWN %s + read timeout %s + consistency margin %s = %s", auth.RefreshCooldown, authorizer.DefaultReadTimeout, authorizer.ConsistencyMargin, horizon)
	if assumed == 0 {
		cs.add(warn, "authorizer "+auth.Name+" assumes no settle delay (SETTLE_DELAY=0): it answers an unknown value within REFRESH_COOLDOWN with an error (a 500 from API Gateway) rather than a cacheable 403, so anyone can drive your 5XX rate",
			fmt.Sprintf("set SETTLE_DELAY=%s on %s (the rotation function's), if it stays above %s", rot.SettleDelay, auth.Name, horizon))
		return
	}
	ok := true
	if horizon >= assumed {
		ok = false
		cs.add(fail, fmt.Sprintf("authorizer %s refuses to start: %s is not below the settle delay it assumes (SETTLE_DELAY %s)", auth.Name, sum, assumed),
			fmt.Sprintf("lower REFRESH_COOLDOWN on %s below %s, or set SETTLE_DELAY to at least %s on both %s and %s", auth.Name, assumed-authorizer.DefaultReadTimeout-authorizer.ConsistencyMargin, horizon+time.Second, auth.Name, rot.Name))
	}
	if rot.SettleDelay < assumed {
		ok = false
		cs.add(fail, fmt.Sprintf("rotation function %s waits SETTLE_DELAY %s, less than the %s authorizer %s assumes: the authorizer may deny a new value CloudFront already sends, and API Gateway caches that Deny (an outage during every rotation)", rot.Name, rot.SettleDelay, assumed, auth.Name),
			fmt.Sprintf("set SETTLE_DELAY=%s on %s, or give both functions the same SETTLE_DELAY above %s", assumed, rot.Name, horizon))
	}
	if ok {
		cs.add(pass, fmt.Sprintf("authorizer %s: %s is below the settle delay it assumes (%s), and the rotation waits SETTLE_DELAY %s", auth.Name, sum, assumed, rot.SettleDelay), "")
	}
}

func checkValue(cs *checks, s *snapshot, t target) {
	cur := s.secret.current
	switch {
	case cur == nil:
		cs.add(fail, "no version is AWSCURRENT", "aws secretsmanager update-secret-version-stage --secret-id "+t.secretID+" --version-stage AWSCURRENT --move-to-version-id VERSION")
	case cur.ValueStatus != "ok":
		cs.add(fail, "the AWSCURRENT value is not well formed for "+s.format.String()+": "+problemOf(cur), "store the value as the functions expect it, or fix SECRET_FORMAT/SECRET_JSON_KEY; then rotate")
	case len(cur.value) < minStrongValue:
		cs.add(warn, fmt.Sprintf("the AWSCURRENT value (%s) has only %d characters: a guessable value defeats the lock", cur.Fingerprint, len(cur.value)), "originlock rotate --secret "+t.secretID+" --wait (generated values have 64)")
	default:
		cs.add(pass, "the AWSCURRENT value ("+cur.Fingerprint+") is well formed", "")
	}
	if p := s.secret.pending; p != nil {
		age := s.at.Sub(p.Created)
		if age > t.staleAfter {
			cs.add(fail, fmt.Sprintf("version %s has been AWSPENDING for %s: a failed rotation blocks the next ones", p.ID, roundAge(age)), "read the rotation function's logs, then: originlock clear-pending --secret "+t.secretID)
		} else {
			cs.add(warn, "a rotation is in progress (version "+p.ID+" is AWSPENDING)", "follow it: originlock status --secret "+t.secretID)
		}
	} else {
		cs.add(pass, "no stale AWSPENDING", "")
	}
}

func checkDistributions(cs *checks, s *snapshot, t target) {
	if s.distsFrom == "" {
		cs.add(fail, "no distributions to check", "set DISTRIBUTIONS on the rotation function, or pass --distribution")
		return
	}
	if s.cfRole != "" {
		cs.add(pass, "distributions are read through role "+s.cfRole+" (the rotation function's CLOUDFRONT_ROLE_ARN, or --cloudfront-role-arn)", "")
	}
	for _, d := range s.dists {
		switch {
		case d.Missing:
			cs.add(fail, "distribution "+d.ID+" does not exist", "remove it from DISTRIBUTIONS or create it")
			continue
		case d.Err != nil:
			cs.add(fail, d.Err.Error(), s.readFix())
			continue
		}
		cs.add(pass, "distribution "+d.ID+" exists ("+d.Status+")", "")
		if len(d.Origins) == 0 {
			cs.add(fail, "distribution "+d.ID+": no origin carries "+s.header, "name the origin in DISTRIBUTIONS ("+d.ID+":ORIGIN); the rotation adds the header")
		}
		if d.Staging {
			cs.add(warn, "distribution "+d.ID+" has a continuous-deployment policy: its staging distribution carries headers of its own", "list the staging distribution in DISTRIBUTIONS too, or its promotion brings back an old value")
		}
		for _, o := range d.Origins {
			where := "distribution " + d.ID + " origin " + o.ID
			switch o.Matches {
			case matchNoOrigin:
				cs.add(fail, where+" does not exist", "fix the origin IDs in DISTRIBUTIONS")
				continue
			case matchMissing:
				if o.Headers >= customHeaderQuota {
					cs.add(fail, fmt.Sprintf("%s lacks %s and already has %d custom headers: the rotation cannot add it", where, s.header, o.Headers), "remove a custom header or raise the quota (Service Quotas: custom headers per origin)")
				} else {
					cs.add(warn, where+" does not carry "+s.header+" yet: the next setSecret adds it", "originlock rotate --secret "+t.secretID+" --wait")
				}
				continue
			case matchCurrent, matchPending:
				cs.add(pass, where+" carries the "+o.Matches+" value", "")
			default:
				cs.add(fail, where+" carries a value the secret holds as "+o.Matches+" (drift)", "originlock rotate --secret "+t.secretID+" --wait")
			}
			if o.Headers >= customHeaderQuota-1 {
				cs.add(warn, fmt.Sprintf("%s has %d of %d custom headers", where, o.Headers, customHeaderQuota), "keep a free slot for other headers, or raise the quota")
			} else {
				cs.add(pass, fmt.Sprintf("%s has %d of %d custom headers", where, o.Headers, customHeaderQuota), "")
			}
		}
	}
}
