package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/originlock/originlock/internal/fingerprint"
	"github.com/originlock/originlock/internal/secretvalue"
)

// Staging labels.
const (
	stageCurrent  = "AWSCURRENT"
	stagePending  = "AWSPENDING"
	stagePrevious = "AWSPREVIOUS"
)

// What an origin's header matches (the JSON "matches" field).
const (
	matchCurrent  = "CURRENT"
	matchPending  = "PENDING"
	matchPrevious = "PREVIOUS"
	matchNone     = "none"      // a value no labelled version holds
	matchMissing  = "missing"   // the selected origin has no such header
	matchNoOrigin = "no-origin" // the distribution has no origin with that ID
)

// maxConcurrentReads bounds the GetDistribution calls in flight: 25
// distributions take four round trips, and CloudFront's read quota is not
// pressed.
const maxConcurrentReads = 8

// version is one labelled version of the secret. value never leaves the
// process: only its fingerprint is shown.
type version struct {
	ID      string
	Stages  []string
	Created time.Time
	// ValueStatus is "ok", "none" (a version without a value yet: the stub
	// RotateSecret makes before createSecret) or "malformed" (the secret
	// string does not hold a value in the configured format).
	ValueStatus string
	// Problem says what is malformed, never the value.
	Problem     string
	Fingerprint string
	value       string
}

func (v *version) has(stage string) bool { return slices.Contains(v.Stages, stage) }

// secretState is the secret as one read saw it.
type secretState struct {
	ARN, Name     string
	RotationOn    bool
	FunctionARN   string
	Schedule      string
	LastRotated   time.Time
	NextRotation  time.Time
	Versions      []*version
	current       *version
	pending       *version // AWSPENDING on a version that is not AWSCURRENT
	previous      *version
	pendingOnCurr bool // AWSPENDING left on the AWSCURRENT version (harmless)
}

// describeSecret is DescribeSecret with the command's error.
func describeSecret(ctx context.Context, sm SecretsAPI, id string) (*secretsmanager.DescribeSecretOutput, error) {
	d, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(id)})
	if err != nil {
		return nil, awsError("read secret "+id, err)
	}
	return d, nil
}

// readSecret reads each labelled version of the secret d describes, with its
// value (by version ID, so a concurrent rotation cannot mix stages up).
func readSecret(ctx context.Context, sm SecretsAPI, d *secretsmanager.DescribeSecretOutput, format secretvalue.Format) (*secretState, error) {
	id := aws.ToString(d.ARN)
	s := &secretState{
		ARN: aws.ToString(d.ARN), Name: aws.ToString(d.Name),
		RotationOn:   aws.ToBool(d.RotationEnabled),
		FunctionARN:  aws.ToString(d.RotationLambdaARN),
		Schedule:     schedule(d.RotationRules),
		LastRotated:  aws.ToTime(d.LastRotatedDate),
		NextRotation: aws.ToTime(d.NextRotationDate),
	}
	created := map[string]time.Time{}
	var token *string
	for {
		out, err := sm.ListSecretVersionIds(ctx, &secretsmanager.ListSecretVersionIdsInput{SecretId: aws.String(id), NextToken: token})
		if err != nil {
			return nil, awsError("list the versions of "+id, err)
		}
		for _, v := range out.Versions {
			created[aws.ToString(v.VersionId)] = aws.ToTime(v.CreatedDate)
		}
		if token = out.NextToken; aws.ToString(token) == "" {
			break
		}
	}
	for vid, stages := range d.VersionIdsToStages {
		if len(stages) == 0 {
			continue
		}
		v := &version{ID: vid, Stages: sortStages(stages), Created: created[vid]}
		if err := readValue(ctx, sm, id, v, format); err != nil {
			return nil, err
		}
		s.Versions = append(s.Versions, v)
	}
	slices.SortFunc(s.Versions, func(a, b *version) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return -c // newest first
		}
		if c := stageRank(a) - stageRank(b); c != 0 {
			return c // same second: the rotation's order, newest label first
		}
		return strings.Compare(a.ID, b.ID)
	})
	for _, v := range s.Versions {
		switch {
		case v.has(stageCurrent):
			s.current = v
			s.pendingOnCurr = v.has(stagePending)
		case v.has(stagePending):
			s.pending = v
		}
		if v.has(stagePrevious) {
			s.previous = v
		}
	}
	return s, nil
}

// stageRank orders versions created within one second: PENDING, CURRENT,
// PREVIOUS, others.
func stageRank(v *version) int {
	for i, s := range []string{stagePending, stageCurrent, stagePrevious} {
		if v.has(s) {
			return i
		}
	}
	return 3
}

func readValue(ctx context.Context, sm SecretsAPI, id string, v *version, format secretvalue.Format) error {
	out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id), VersionId: aws.String(v.ID)})
	var notFound *smtypes.ResourceNotFoundException
	switch {
	case errors.As(err, &notFound):
		v.ValueStatus = "none"
		return nil
	case err != nil:
		return awsError("read version "+v.ID+" of "+id, err)
	}
	if out.CreatedDate != nil {
		v.Created = *out.CreatedDate // the version's own date (moto's list reports the time of the call)
	}
	value, err := format.Extract(aws.ToString(out.SecretString))
	if err == nil {
		err = secretvalue.Check(value)
	}
	if err != nil {
		v.ValueStatus, v.Problem = "malformed", err.Error()
		return nil
	}
	v.ValueStatus, v.value, v.Fingerprint = "ok", value, fingerprint.Of(value)
	return nil
}

// sortStages puts the AWS labels first, in rotation order.
func sortStages(stages []string) []string {
	rank := map[string]int{stageCurrent: 0, stagePending: 1, stagePrevious: 2}
	out := slices.Clone(stages)
	slices.SortFunc(out, func(a, b string) int {
		ra, oka := rank[a]
		rb, okb := rank[b]
		switch {
		case oka && okb:
			return ra - rb
		case oka:
			return -1
		case okb:
			return 1
		}
		return strings.Compare(a, b)
	})
	return out
}

func schedule(r *smtypes.RotationRulesType) string {
	if r == nil {
		return ""
	}
	var parts []string
	if e := aws.ToString(r.ScheduleExpression); e != "" {
		parts = append(parts, e)
	} else if n := aws.ToInt64(r.AutomaticallyAfterDays); n > 0 {
		parts = append(parts, fmt.Sprintf("every %d days", n))
	}
	if w := aws.ToString(r.Duration); w != "" {
		parts = append(parts, "window "+w)
	}
	return strings.Join(parts, ", ")
}

// match names the labelled version whose value equals value, comparing in
// constant time: CURRENT before PENDING before PREVIOUS.
func (s *secretState) match(value string) string {
	for _, c := range []struct {
		v    *version
		name string
	}{{s.current, matchCurrent}, {s.pending, matchPending}, {s.previous, matchPrevious}} {
		if c.v != nil && c.v.ValueStatus == "ok" && subtle.ConstantTimeCompare([]byte(c.v.value), []byte(value)) == 1 {
			return c.name
		}
	}
	return matchNone
}

// byMatch returns the version a match names, or nil.
func (s *secretState) byMatch(m string) *version {
	switch m {
	case matchCurrent:
		return s.current
	case matchPending:
		return s.pending
	case matchPrevious:
		return s.previous
	}
	return nil
}

// distSpec is a distribution and the origins the rotation keeps in step (no
// origin IDs: every origin that carries the header).
type distSpec struct {
	ID        string
	OriginIDs []string
}

// originState is one selected origin as CloudFront holds it.
type originState struct {
	ID          string
	Matches     string
	Fingerprint string
	// Headers is how many custom headers the origin has (for the quota).
	Headers int
	value   string
}

// distState is one distribution as GetDistribution saw it.
type distState struct {
	ID      string
	Status  string
	Err     error
	Missing bool
	Origins []*originState
	// Staging is set on a continuous-deployment primary: its staging
	// distribution carries headers of its own.
	Staging bool
}

// readDistributions reads every distribution concurrently, at most
// maxConcurrentReads at a time, and places each selected origin's header
// value against the secret's versions.
func readDistributions(ctx context.Context, cf CloudFrontAPI, specs []distSpec, header string, s *secretState) []*distState {
	out := make([]*distState, len(specs))
	sem := make(chan struct{}, maxConcurrentReads)
	var wg sync.WaitGroup
	for i, spec := range specs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i] = readDistribution(ctx, cf, spec, header, s)
		}()
	}
	wg.Wait()
	return out
}

func readDistribution(ctx context.Context, cf CloudFrontAPI, spec distSpec, header string, s *secretState) *distState {
	d := &distState{ID: spec.ID}
	got, err := cf.GetDistribution(ctx, &cfsdk.GetDistributionInput{Id: aws.String(spec.ID)})
	var missing *cftypes.NoSuchDistribution
	switch {
	case errors.As(err, &missing):
		d.Missing = true
		return d
	case err != nil:
		d.Err = awsError("read distribution "+spec.ID, err)
		return d
	case got.Distribution == nil || got.Distribution.DistributionConfig == nil:
		d.Err = fmt.Errorf("read distribution %s: CloudFront returned no configuration", spec.ID)
		return d
	}
	d.Status = aws.ToString(got.Distribution.Status)
	cfg := got.Distribution.DistributionConfig
	d.Staging = aws.ToString(cfg.ContinuousDeploymentPolicyId) != ""
	var origins []cftypes.Origin
	if cfg.Origins != nil {
		origins = cfg.Origins.Items
	}
	if len(spec.OriginIDs) == 0 {
		for _, o := range origins {
			if _, ok := headerValue(o, header); ok {
				d.Origins = append(d.Origins, placeOrigin(o, header, s))
			}
		}
		return d
	}
	for _, id := range spec.OriginIDs {
		i := slices.IndexFunc(origins, func(o cftypes.Origin) bool { return aws.ToString(o.Id) == id })
		if i < 0 {
			d.Origins = append(d.Origins, &originState{ID: id, Matches: matchNoOrigin})
			continue
		}
		d.Origins = append(d.Origins, placeOrigin(origins[i], header, s))
	}
	return d
}

func placeOrigin(o cftypes.Origin, header string, s *secretState) *originState {
	st := &originState{ID: aws.ToString(o.Id)}
	if o.CustomHeaders != nil {
		st.Headers = len(o.CustomHeaders.Items)
	}
	v, ok := headerValue(o, header)
	if !ok {
		st.Matches = matchMissing
		return st
	}
	st.value, st.Matches = v, s.match(v)
	if known := s.byMatch(st.Matches); known != nil {
		st.Fingerprint = known.Fingerprint // equal values: no second PBKDF2
	} else {
		st.Fingerprint = fingerprint.Of(v)
	}
	return st
}

// headerValue returns the origin's value for header; names compare without
// regard to case, as CloudFront's do.
func headerValue(o cftypes.Origin, header string) (string, bool) {
	if o.CustomHeaders == nil {
		return "", false
	}
	for _, h := range o.CustomHeaders.Items {
		if strings.EqualFold(aws.ToString(h.HeaderName), header) {
			return aws.ToString(h.HeaderValue), true
		}
	}
	return "", false
}
