package cloudfront_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/cfdouble"
	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/rotation"
)

const (
	header   = "X-Origin-Verify"
	oldValue = "old-value-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH"
	newValue = "new-value-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH"
)

// doubleEnv is an OriginHeader whose SDK client talks to the CloudFront
// test double (cfdouble), which holds distribution E1, with origins api
// (header set), static (another header only) and extra (header set,
// lower-case name), and E2 with one origin api.
type doubleEnv struct {
	t      *testing.T
	api    *cfdouble.Server
	client *cfsdk.Client
	clock  *clocktest.Clock
	target *cloudfront.OriginHeader
	logs   *bytes.Buffer
}

func newFixture(t *testing.T, dists []cloudfront.Distribution, opts ...cloudfront.Option) *doubleEnv {
	t.Helper()
	f := &doubleEnv{t: t, api: cfdouble.New(), clock: clocktest.New(time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)), logs: &bytes.Buffer{}}
	f.add("E1", distConfig(map[string][][2]string{
		"api":    {{"X-Other", "keep"}, {header, oldValue}},
		"static": {{"X-Other", "keep"}},
		"extra":  {{strings.ToLower(header), oldValue}},
	}, "api", "static", "extra"))
	f.add("E2", distConfig(map[string][][2]string{"api": {{header, oldValue}}}, "api"))
	f.client = f.api.Start(t)
	opts = append([]cloudfront.Option{cloudfront.WithClock(f.clock), cloudfront.WithLogger(slog.New(slog.NewTextHandler(f.logs, nil)))}, opts...)
	target, err := cloudfront.NewOriginHeader(f.client, cloudfront.Config{HeaderName: header, Distributions: dists}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	f.target = target
	return f
}

func (f *doubleEnv) add(id string, cfg *types.DistributionConfig) {
	f.t.Helper()
	if err := f.api.PutConfig(id, cfg); err != nil {
		f.t.Fatal(err)
	}
}

func (f *doubleEnv) config(id string) *types.DistributionConfig {
	f.t.Helper()
	cfg, err := f.api.Config(id)
	if err != nil {
		f.t.Fatal(err)
	}
	return cfg
}

func (f *doubleEnv) set(ctx context.Context) error {
	_, err := f.target.SetSecret(ctx, rotation.SetSecretRequest{SecretARN: "arn:s", VersionID: "v", Pending: newValue, Current: oldValue})
	return err
}

func (f *doubleEnv) test(ctx context.Context) error {
	_, err := f.target.TestSecret(ctx, rotation.TestSecretRequest{SecretARN: "arn:s", VersionID: "v", Pending: newValue, Current: oldValue})
	return err
}

// headerValues lists origin/name=value for every custom header of a distribution.
func headerValues(cfg *types.DistributionConfig) map[string]string {
	out := map[string]string{}
	for _, o := range cfg.Origins.Items {
		for _, h := range o.CustomHeaders.Items {
			out[aws.ToString(o.Id)+"/"+aws.ToString(h.HeaderName)] = aws.ToString(h.HeaderValue)
		}
	}
	return out
}

func TestSetSecretChangesOnlyTheHeader(t *testing.T) {
	f := newFixture(t, []cloudfront.Distribution{{ID: "E1", OriginIDs: []string{"api", "static"}}})
	before := f.config("E1")
	if err := f.set(t.Context()); err != nil {
		t.Fatal(err)
	}
	after := f.config("E1")
	want := map[string]string{
		"api/X-Other": "keep", "api/" + header: newValue,
		"static/X-Other": "keep", "static/" + header: newValue, // added
		"extra/" + strings.ToLower(header): oldValue, // not selected
	}
	if got := headerValues(after); !reflect.DeepEqual(got, want) {
		t.Errorf("headers = %v\nwant %v", got, want)
	}
	// Everything but the origins' headers comes back as read.
	for i := range before.Origins.Items {
		before.Origins.Items[i].CustomHeaders, after.Origins.Items[i].CustomHeaders = nil, nil
	}
	if !reflect.DeepEqual(before, after) {
		t.Error("SetSecret changed the distribution config beyond the header")
	}
	if got := *f.config("E1").Origins.Items[1].CustomHeaders.Quantity; got != 2 {
		t.Errorf("static origin header Quantity = %d, want 2", got)
	}
}

func TestSetSecretSelectsOriginsCarryingTheHeader(t *testing.T) {
	f := newFixture(t, []cloudfront.Distribution{{ID: "E1"}})
	if err := f.set(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := headerValues(f.config("E1"))
	if got["api/"+header] != newValue || got["extra/"+strings.ToLower(header)] != newValue {
		t.Error("origins that carried the header (any case) were not updated")
	}
	if _, ok := got["static/"+header]; ok {
		t.Error("an origin without the header got it, but it was not selected")
	}
}

func TestSetSecretIsIdempotent(t *testing.T) {
	f := newFixture(t, []cloudfront.Distribution{{ID: "E1", OriginIDs: []string{"api"}}, {ID: "E2"}})
	for range 3 {
		if err := f.set(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.api.Count(opUpdate); got != 2 {
		t.Errorf("UpdateDistribution calls = %d, want 2 (one per distribution, none on repeats)", got)
	}
}

func TestSetSecretRefusesBeforeAnyCall(t *testing.T) {
	noSuchDistribution := func(err error) bool {
		var nsd *types.NoSuchDistribution
		return errors.As(err, &nsd)
	}
	stripHeaders := func(f *doubleEnv) {
		cfg := f.config("E1")
		for i := range cfg.Origins.Items {
			cfg.Origins.Items[i].CustomHeaders = nil
		}
		f.add("E1", cfg)
	}
	cases := map[string]struct {
		dists   []cloudfront.Distribution
		pending rotation.Value
		setup   func(*doubleEnv)
		want    func(error) bool
		origin  string // the origin the error must name, if any
	}{
		"unknown origin":       {pending: newValue, dists: []cloudfront.Distribution{{ID: "E1", OriginIDs: []string{"api", "nope"}}}, want: is(cloudfront.ErrOriginNotFound), origin: "nope"},
		"no origin has it":     {pending: newValue, dists: []cloudfront.Distribution{{ID: "E1"}}, setup: stripHeaders, want: is(cloudfront.ErrNoOriginWithHeader)},
		"unknown distribution": {pending: newValue, dists: []cloudfront.Distribution{{ID: "E404"}}, want: noSuchDistribution},
		// The first distribution could be updated, but the second cannot take
		// the value: nothing may change.
		"unknown second distribution":  {pending: newValue, dists: []cloudfront.Distribution{{ID: "E1"}, {ID: "E404"}}, want: noSuchDistribution},
		"unknown origin in the second": {pending: newValue, dists: []cloudfront.Distribution{{ID: "E1"}, {ID: "E2", OriginIDs: []string{"nope"}}}, want: is(cloudfront.ErrOriginNotFound), origin: "nope"},
		"empty value":                  {dists: []cloudfront.Distribution{{ID: "E1"}}, pending: "", want: is(cloudfront.ErrInvalidHeaderValue)},
		"value too long":               {dists: []cloudfront.Distribution{{ID: "E1"}}, pending: rotation.Value(strings.Repeat("v", 1784)), want: is(cloudfront.ErrInvalidHeaderValue)},
		"value with newline":           {dists: []cloudfront.Distribution{{ID: "E1"}}, pending: "line1\r\nX-Injected: 1", want: is(cloudfront.ErrInvalidHeaderValue)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, tc.dists)
			if tc.setup != nil {
				tc.setup(f)
			}
			_, err := f.target.SetSecret(t.Context(), rotation.SetSecretRequest{Pending: tc.pending})
			if err == nil || !tc.want(err) {
				t.Fatalf("got %v", err)
			}
			var de *cloudfront.DistributionError
			if tc.origin != "" && (!errors.As(err, &de) || de.OriginID != tc.origin) {
				t.Errorf("error %v does not name origin %s", err, tc.origin)
			}
			if tc.pending != "" && strings.Contains(err.Error(), string(tc.pending)) {
				t.Error("the error contains the value")
			}
			if f.api.Count(opUpdate) != 0 {
				t.Errorf("UpdateDistribution was called; err=%v logs=%s", err, f.logs)
			}
		})
	}
}

const (
	throttle    = cfdouble.Throttle
	unavailable = cfdouble.Unavailable
)

// is returns a matcher for errors.Is(err, target).
func is(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

func TestTestSecretWaitsForDeployment(t *testing.T) {
	f := newFixture(t, []cloudfront.Distribution{{ID: "E1"}, {ID: "E2"}}, cloudfront.WithPollInterval(20*time.Second))
	f.api.SetDeployment(4, 2)
	if err := f.set(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Minute)
	defer cancel()
	if err := f.test(ctx); err != nil {
		t.Fatalf("TestSecret: %v", err)
	}
	// Each distribution: 2 stale reads, 4 InProgress, then Deployed = 7 polls.
	if got := f.api.Count(opGet); got != 14 {
		t.Errorf("GetDistribution calls = %d, want 14", got)
	}
	if got := len(f.clock.Waits()); got != 6 {
		t.Errorf("poll waits = %d, want 6", got)
	}
}

func TestTestSecretGivesUpBeforeTheDeadline(t *testing.T) {
	f := newFixture(t, []cloudfront.Distribution{{ID: "E1"}}, cloudfront.WithPollInterval(time.Minute), cloudfront.WithDeadlineMargin(30*time.Second))
	f.api.SetDeployment(1000, 0)
	if err := f.set(t.Context()); err != nil {
		t.Fatal(err)
	}
	start := f.clock.Now()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	err := f.test(ctx)
	var nd *cloudfront.NotDeployedError
	if !errors.As(err, &nd) || !errors.Is(err, cloudfront.ErrNotDeployed) {
		t.Fatalf("got %v, want a NotDeployedError", err)
	}
	if len(nd.Distributions) != 1 || nd.Distributions[0].ID != "E1" || nd.Distributions[0].Status != "InProgress" {
		t.Errorf("NotDeployedError lists %+v, want E1 InProgress", nd.Distributions)
	}
	if waited := f.clock.Now().Sub(start); waited > 5*time.Minute-30*time.Second || waited < 3*time.Minute {
		t.Errorf("waited %v of fake time, want between 3m and the deadline minus the margin (4m30s)", waited)
	}
	// The retry Secrets Manager makes later finds it deployed.
	f.api.Deploy("E1")
	if err := f.test(ctx); err != nil {
		t.Errorf("TestSecret after deployment: %v", err)
	}
}

func TestTestSecretToleratesThrottledPolls(t *testing.T) {
	f := newFixture(t, []cloudfront.Distribution{{ID: "E1"}})
	if err := f.set(t.Context()); err != nil {
		t.Fatal(err)
	}
	f.api.Fail(opGet, throttle, unavailable)
	if err := f.test(t.Context()); err != nil {
		t.Fatalf("TestSecret: %v", err)
	}
	f.api.Fail(opGet, cfdouble.AccessDenied)
	if err := f.test(t.Context()); !apiCode("AccessDenied")(err) {
		t.Fatalf("got %v, want the AccessDenied error at once", err)
	}
}

func TestTestSecretConfigOnly(t *testing.T) {
	f := newFixture(t, []cloudfront.Distribution{{ID: "E1", OriginIDs: []string{"api", "static"}}})
	f.api.SetDeployment(1000, 0)
	_, err := f.target.TestSecret(t.Context(), rotation.TestSecretRequest{Current: oldValue, Pending: oldValue, ConfigOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if f.api.Count(opGet) != 0 || len(f.clock.Waits()) != 0 {
		t.Error("a configuration test waited for deployment")
	}
	if !strings.Contains(f.logs.String(), "origin=static") {
		t.Errorf("no warning for the origin that does not send the current value; logs:\n%s", f.logs)
	}
	f = newFixture(t, []cloudfront.Distribution{{ID: "E1", OriginIDs: []string{"missing"}}})
	_, err = f.target.TestSecret(t.Context(), rotation.TestSecretRequest{Current: oldValue, Pending: oldValue, ConfigOnly: true})
	if !errors.Is(err, cloudfront.ErrOriginNotFound) {
		t.Fatalf("got %v, want ErrOriginNotFound", err)
	}
}

func TestContinuousDeploymentWarning(t *testing.T) {
	f := newFixture(t, []cloudfront.Distribution{{ID: "E1"}})
	cfg := f.config("E1")
	cfg.ContinuousDeploymentPolicyId = aws.String("cdp-1")
	f.add("E1", cfg)
	if err := f.set(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.logs.String(), "continuous deployment policy") {
		t.Error("no warning about the unlisted staging distribution")
	}

	f = newFixture(t, []cloudfront.Distribution{{ID: "E1"}, {ID: "E2"}})
	f.add("E1", cfg)
	staging := f.config("E2")
	staging.Staging = aws.Bool(true)
	f.add("E2", staging)
	if err := f.set(t.Context()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(f.logs.String(), "continuous deployment policy") {
		t.Error("warned although the staging distribution is listed")
	}
	if headerValues(f.config("E2"))["api/"+header] != newValue {
		t.Error("the staging distribution was not updated")
	}
}

func TestNewOriginHeaderRefusesBadConfig(t *testing.T) {
	ok := []cloudfront.Distribution{{ID: "E1"}}
	cases := map[string]struct {
		cfg  cloudfront.Config
		opts []cloudfront.Option
	}{
		"forbidden header":   {cfg: cloudfront.Config{HeaderName: "Host", Distributions: ok}},
		"no distributions":   {cfg: cloudfront.Config{HeaderName: header}},
		"empty ID":           {cfg: cloudfront.Config{HeaderName: header, Distributions: []cloudfront.Distribution{{}}}},
		"duplicate ID":       {cfg: cloudfront.Config{HeaderName: header, Distributions: []cloudfront.Distribution{{ID: "E1"}, {ID: "E1"}}}},
		"empty origin":       {cfg: cloudfront.Config{HeaderName: header, Distributions: []cloudfront.Distribution{{ID: "E1", OriginIDs: []string{""}}}}},
		"duplicate origin":   {cfg: cloudfront.Config{HeaderName: header, Distributions: []cloudfront.Distribution{{ID: "E1", OriginIDs: []string{"a", "a"}}}}},
		"zero poll interval": {cfg: cloudfront.Config{HeaderName: header, Distributions: ok}, opts: []cloudfront.Option{cloudfront.WithPollInterval(0)}},
		"zero attempts":      {cfg: cloudfront.Config{HeaderName: header, Distributions: ok}, opts: []cloudfront.Option{cloudfront.WithMaxAttempts(0)}},
		"inverted backoff":   {cfg: cloudfront.Config{HeaderName: header, Distributions: ok}, opts: []cloudfront.Option{cloudfront.WithBackoff(time.Minute, time.Second)}},
		"nil clock":          {cfg: cloudfront.Config{HeaderName: header, Distributions: ok}, opts: []cloudfront.Option{cloudfront.WithClock(nil)}},
	}
	for name, tc := range cases {
		if _, err := cloudfront.NewOriginHeader(cfdouble.NewClient("http://127.0.0.1:1", nil), tc.cfg, tc.opts...); err == nil {
			t.Errorf("%s: NewOriginHeader succeeded, want an error", name)
		}
	}
	if _, err := cloudfront.NewOriginHeader(nil, cloudfront.Config{HeaderName: header, Distributions: ok}); err == nil {
		t.Error("nil client: NewOriginHeader succeeded, want an error")
	}
}

func TestConfigIsCopied(t *testing.T) {
	dists := []cloudfront.Distribution{{ID: "E1", OriginIDs: []string{"api"}}}
	f := newFixture(t, dists)
	dists[0].OriginIDs[0] = "static"
	if err := f.set(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, ok := headerValues(f.config("E1"))["static/"+header]; ok {
		t.Error("changing the caller's slice after NewOriginHeader changed the target")
	}
}
