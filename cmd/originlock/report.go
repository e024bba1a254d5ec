package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/originlock/originlock/internal/secretvalue"
)

// Verdicts, from the most to the least urgent. Each has its exit code.
const (
	verdictError      = "error"
	verdictDrift      = "drift"
	verdictStale      = "stale-pending"
	verdictInProgress = "rotation-in-progress"
	verdictHealthy    = "healthy"
)

// defaultStaleAfter is how old an AWSPENDING version must be to count as
// left behind by a failed rotation rather than a rotation under way. A
// rotation's four steps each run within a Lambda timeout (at most 15
// minutes), and Secrets Manager retries a failed rotation a few times; two
// hours covers a slow deployment and its retries.
const defaultStaleAfter = 2 * time.Hour

// target says what to inspect, from the flags.
type target struct {
	secretID string
	// function overrides the secret's rotation function (--function).
	function string
	// distributions override the function's DISTRIBUTIONS (--distribution).
	distributions []distSpec
	// headerName and format override the function's HEADER_NAME and
	// SECRET_FORMAT/SECRET_JSON_KEY ("" and nil: from the function, else the
	// defaults).
	headerName string
	format     *secretvalue.Format
	staleAfter time.Duration
	// cfRole and cfExternalID override the function's CLOUDFRONT_ROLE_ARN
	// and CLOUDFRONT_EXTERNAL_ID.
	cfRole, cfExternalID string
}

// snapshot is everything one inspection read.
type snapshot struct {
	secret     *secretState
	function   *functionConfig
	functionEr error // why the rotation function could not be read
	header     string
	format     secretvalue.Format
	distsFrom  string
	dists      []*distState
	// cfRole is the role the distributions were read through ("": the
	// command's own credentials).
	cfRole string
	at     time.Time
}

// inspect reads the secret, its rotation function and its distributions.
// Only a failure to read the secret itself is an error; everything else is
// recorded in the snapshot for the verdict.
func inspect(ctx context.Context, c *clients, t target, now time.Time) (*snapshot, error) {
	d, err := describeSecret(ctx, c.sm, t.secretID)
	if err != nil {
		return nil, err
	}
	snap := &snapshot{at: now, header: defaultHeaderName}
	name := t.function
	if name == "" {
		name = aws.ToString(d.RotationLambdaARN)
	}
	if name != "" {
		snap.function, snap.functionEr = readFunction(ctx, c.fn, name)
		if snap.function != nil {
			snap.function.parseRotation()
			if snap.function.HeaderName != "" {
				snap.header = snap.function.HeaderName
			}
			snap.format = snap.function.Format
		}
	} else {
		snap.functionEr = errors.New("the secret has no rotation function")
	}
	if t.headerName != "" {
		snap.header = t.headerName
	}
	if t.format != nil {
		snap.format = *t.format
	}
	if snap.secret, err = readSecret(ctx, c.sm, d, snap.format); err != nil {
		return nil, err
	}
	specs := t.distributions
	snap.distsFrom = "flags"
	if len(specs) == 0 && snap.function != nil {
		specs, snap.distsFrom = snap.function.Distributions, "rotation-function"
	}
	if len(specs) == 0 {
		snap.distsFrom = ""
	}
	// The distributions are where the rotation function updates them: in
	// another account when it assumes CLOUDFRONT_ROLE_ARN.
	extID := t.cfExternalID
	if snap.cfRole = t.cfRole; snap.cfRole == "" && snap.function != nil {
		snap.cfRole, extID = snap.function.CloudFrontRole, snap.function.CloudFrontExternalID
	}
	snap.dists = readDistributions(ctx, c.cloudFrontAs(snap.cfRole, extID), specs, snap.header, snap.secret)
	return snap, nil
}

// readFix is what to do when a distribution cannot be read.
func (s *snapshot) readFix() string {
	if s.cfRole == "" {
		return "check your credentials' cloudfront:GetDistribution permission and retry"
	}
	return "the distributions are read through role " + s.cfRole + ": you need sts:AssumeRole on it (its trust policy names the rotation function's role: add yours, with the external ID condition if any, or pass --cloudfront-role-arn with a role you may assume in that account), and it needs cloudfront:GetDistribution"
}

// finding is one thing the verdict found wrong, with what to do about it.
type finding struct {
	Verdict string `json:"verdict"`
	Problem string `json:"problem"`
	Fix     string `json:"fix,omitempty"`
}

// judge returns the verdict and the findings behind it.
func (s *snapshot) judge(t target) (string, []finding) {
	var fs []finding
	add := func(v, problem, fix string) { fs = append(fs, finding{v, problem, fix}) }
	sec := s.secret
	pending := sec.pending != nil
	if sec.current == nil {
		add(verdictError, "no version of the secret is labelled AWSCURRENT", "restore it: aws secretsmanager update-secret-version-stage --secret-id "+t.secretID+" --version-stage AWSCURRENT --move-to-version-id VERSION")
	} else if sec.current.ValueStatus != "ok" {
		add(verdictDrift, "the AWSCURRENT version does not hold a header value in the configured format ("+s.format.String()+"): "+problemOf(sec.current), "run: originlock doctor --secret "+t.secretID)
	}
	if s.distsFrom == "" {
		why := "no distributions to check"
		if s.functionEr != nil {
			why += ": " + s.functionEr.Error()
		} else if s.function != nil && s.function.Err != nil {
			why += ": the rotation function's configuration is invalid"
		}
		add(verdictError, why, "name them with --distribution ID[:ORIGIN,...], or run: originlock doctor --secret "+t.secretID)
	}
	for _, d := range s.dists {
		switch {
		case d.Missing:
			add(verdictDrift, "distribution "+d.ID+" does not exist", "remove it from the rotation function's DISTRIBUTIONS, or restore it")
			continue
		case d.Err != nil:
			add(verdictError, d.Err.Error(), s.readFix())
			continue
		}
		if d.Status != "Deployed" {
			add(verdictInProgress, "distribution "+d.ID+" is "+d.Status, "wait: CloudFront deploys in minutes")
		}
		if len(d.Origins) == 0 {
			add(verdictDrift, "distribution "+d.ID+" has no origin carrying "+s.header, "add the header to the origin the rotation keeps in step, or name the origins in DISTRIBUTIONS ("+d.ID+":ORIGIN)")
		}
		for _, o := range d.Origins {
			where := "distribution " + d.ID + " origin " + o.ID
			switch o.Matches {
			case matchCurrent, matchPending:
				// PENDING exists only during a rotation, reported below.
			case matchPrevious:
				add(verdictDrift, where+" still sends the AWSPREVIOUS value: the authorizer accepts it only for its grace window", "rotate again so that the function writes AWSCURRENT: originlock rotate --secret "+t.secretID+" --wait")
			case matchNone:
				add(verdictDrift, where+" sends a value that no version of the secret holds (changed outside the rotation)", "rotate so that the function writes a known value: originlock rotate --secret "+t.secretID+" --wait")
			case matchMissing:
				add(verdictDrift, where+" has no "+s.header+" header", "add the header (any value), then: originlock rotate --secret "+t.secretID+" --wait")
			case matchNoOrigin:
				add(verdictDrift, "distribution "+d.ID+" has no origin "+o.ID, "fix the origin IDs in the rotation function's DISTRIBUTIONS")
			}
		}
	}
	if pending {
		p := sec.pending
		age := s.at.Sub(p.Created)
		if !p.Created.IsZero() && age > t.staleAfter {
			add(verdictStale, fmt.Sprintf("version %s has held AWSPENDING for %s without becoming AWSCURRENT: a rotation failed, and Secrets Manager refuses new rotations until the label goes", p.ID, roundAge(age)),
				"read the rotation function's logs for the failed step; then clear it: originlock clear-pending --secret "+t.secretID+" (it refuses while CloudFront may send that version's value)")
		} else {
			add(verdictInProgress, "version "+p.ID+" is AWSPENDING: a rotation is under way", "follow it: originlock status --secret "+t.secretID)
		}
	}
	verdict := verdictHealthy
	for _, v := range []string{verdictError, verdictDrift, verdictStale, verdictInProgress} {
		for _, f := range fs {
			if f.Verdict == v && verdict == verdictHealthy {
				verdict = v
			}
		}
	}
	return verdict, fs
}

func problemOf(v *version) string {
	if v.ValueStatus == "none" {
		return "it has no value"
	}
	return v.Problem
}

func roundAge(d time.Duration) string {
	switch {
	case d >= time.Hour:
		return d.Round(time.Minute).String()
	case d >= time.Minute:
		return d.Round(time.Second).String()
	}
	return d.Round(100 * time.Millisecond).String()
}
