package faultmatrix_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/internal/faultproxy"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/motoserver"
	"github.com/originlock/originlock/rotation"
)

func TestMain(m *testing.M) { os.Exit(motoserver.Main(m)) }

const (
	header = "X-Origin-Verify"
	// initial is the header value before the first rotation.
	initial = "initial-origin-verify-0123456789abcdefghijklmnopqrstuvwxyzABCD"
	// rotationToken is a canary passed as the event's RotationToken: it must
	// reach PutSecretValue and nothing else.
	rotationToken = "ROTATION-TOKEN-CANARY-7c1e9b2a5d"
	placeholder   = "{HEADER-VALUE}"
)

// world is one secret and two distributions in the shared moto server, a
// fault proxy in front of moto, and a rotation handler whose clients go
// through the proxy. Checks read moto directly. Logs of every component are
// captured for the leak check.
type world struct {
	t     testing.TB
	moto  *motoserver.Server
	proxy *faultproxy.Proxy
	// dsm and dcf talk to moto directly: Secrets Manager's own actions and
	// the checks.
	dsm *secretsmanager.Client
	dcf *cfsdk.Client
	// sm and cf go through the proxy, with the SDK's retryer minus its waits.
	sm      *secretsmanager.Client
	cf      *cfsdk.Client
	arn     string
	others  []string // other secrets a test created
	d1, d2  string
	dists   []cloudfront.Distribution
	logs    *syncBuffer
	logger  *slog.Logger
	crash   *crasher
	handler *rotation.Handler

	mu         sync.Mutex
	step       string
	steps      map[int]string    // call sequence number -> step that made it
	expected   map[string][]byte // normalized raw config each distribution must keep
	values     map[string]bool   // every header value the secret has held
	violations []string
	errs       []string
	checks     int
	held       map[string][]string // values the selected origins carry, per distribution
	// verifier is the authorizer the checks ask, with its own fake clock.
	verifier *authorizer.Verifier
	vclock   *clocktest.Clock
}

// newWorld builds a world. Distribution 1 has origins api and api-2
// (selected, with other headers around the rotated one) and static (not
// selected); distribution 2 has one origin whose header name is lower case
// and is selected by the header's presence.
func newWorld(t testing.TB, name string, opts ...cloudfront.Option) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{t: t, moto: motoserver.Shared(t), logs: &syncBuffer{}, crash: &crasher{},
		steps: map[int]string{}, expected: map[string][]byte{}, values: map[string]bool{initial: true},
		held: map[string][]string{}, vclock: clocktest.New(time.Now())}
	w.logger = slog.New(slog.NewJSONHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p, err := faultproxy.New(w.moto.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	w.proxy = p
	direct := w.moto.AWSConfigForTest(t)
	w.dsm, w.dcf = secretsmanager.NewFromConfig(direct), cfsdk.NewFromConfig(direct)
	proxied, err := w.moto.AWSConfig(ctx, config.WithBaseEndpoint(p.URL), config.WithRetryer(faultproxy.Retryer))
	if err != nil {
		t.Fatal(err)
	}
	w.sm, w.cf = secretsmanager.NewFromConfig(proxied), cfsdk.NewFromConfig(proxied)

	ref := "faultmatrix-" + name
	if w.arn, err = fixture.CreateSecret(ctx, w.dsm, ref, `{"HEADERVALUE":"`+initial+`","owner":"team-api"}`); err != nil {
		t.Fatal(err)
	}
	if w.d1, err = fixture.CreateDistribution(ctx, w.dcf, ref+"-1",
		fixture.Origin{ID: "api", Headers: [][2]string{{"X-Before", "b"}, {header, initial}, {"X-After", "a"}}},
		fixture.Origin{ID: "api-2", Headers: [][2]string{{header, initial}}},
		fixture.Origin{ID: "static", Headers: [][2]string{{"X-Static", "s"}}},
	); err != nil {
		t.Fatal(err)
	}
	if w.d2, err = fixture.CreateDistribution(ctx, w.dcf, ref+"-2",
		fixture.Origin{ID: "api", Headers: [][2]string{{strings.ToLower(header), initial}}},
	); err != nil {
		t.Fatal(err)
	}
	w.dists = []cloudfront.Distribution{{ID: w.d1, OriginIDs: []string{"api", "api-2"}}, {ID: w.d2}}
	raws := map[string][]byte{}
	for _, id := range []string{w.d1, w.d2} {
		raws[id] = w.raw(ctx, id)
		w.expected[id] = w.normalize(raws[id])
		if !bytes.Contains(w.expected[id], []byte(placeholder)) {
			t.Fatalf("distribution %s: the raw config does not show the header value", id)
		}
	}
	if w.verifier, err = authorizer.NewVerifier(w.dsm, w.arn, authorizer.WithPreviousGrace(0),
		authorizer.WithClock(w.vclock), authorizer.WithLogger(w.logger)); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{w.d1, w.d2} {
		w.checkRaw("before the rotation", id, raws[id])
	}
	if p := w.problems(); len(p) > 0 {
		t.Fatalf("the world is broken before the rotation: %v", p)
	}
	w.checks = 0

	target, err := cloudfront.NewOriginHeader(&crashCF{API: w.cf, c: w.crash},
		cloudfront.Config{HeaderName: header, Distributions: w.dists},
		append([]cloudfront.Option{cloudfront.WithLogger(w.logger), cloudfront.WithClock(clocktest.New(time.Now()))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	if w.handler, err = rotation.NewHandler(&crashSM{SecretsManagerAPI: w.sm, c: w.crash}, w.arn, target,
		rotation.WithLogger(w.logger), rotation.WithClock(clocktest.New(time.Now()))); err != nil {
		t.Fatal(err)
	}
	p.OnCall(w.onCall)
	p.OnApplied(w.onApplied)
	return w
}

func (w *world) onCall(c faultproxy.Call) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.steps[c.Seq] = w.step
}

// onApplied runs the invariant checks after every change moto applied, while
// the caller still waits for the answer: the checks see every state the
// secret and the distributions pass through.
func (w *world) onApplied(c faultproxy.Call) {
	when := fmt.Sprintf("after call %d (%s %s)", c.Seq, w.stepOf(c.Seq), c.Op)
	switch c.Op {
	case "PutSecretValue":
		w.learnPending(context.Background())
		w.checkSecret(when)
	case "UpdateSecretVersionStage":
		w.checkSecret(when)
	case "UpdateDistribution":
		w.checkDistribution(when, c.Resource)
	}
}

func (w *world) stepOf(seq int) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.steps[seq]
}

func (w *world) violate(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.violations = append(w.violations, fmt.Sprintf(format, args...))
}

func (w *world) raw(ctx context.Context, id string) []byte {
	b, err := fixture.RawDistributionConfig(ctx, w.moto.URL, id)
	if err != nil {
		w.violate("read distribution %s: %v", id, err)
	}
	return b
}

// normalize replaces every header value the secret has held with a
// placeholder, so that configs compare equal when only the value differs.
func (w *world) normalize(raw []byte) []byte {
	w.mu.Lock()
	values := make([]string, 0, len(w.values))
	for v := range w.values {
		values = append(values, v)
	}
	w.mu.Unlock()
	for _, v := range values {
		raw = bytes.ReplaceAll(raw, []byte(v), []byte(placeholder))
	}
	return raw
}

// learnPending records the AWSPENDING header value.
func (w *world) learnPending(ctx context.Context) {
	s, err := fixture.SecretString(ctx, w.dsm, w.arn, rotation.StagePending)
	if err != nil {
		w.violate("read AWSPENDING: %v", err)
		return
	}
	if value := headerValue(s); value != "" {
		w.mu.Lock()
		w.values[value] = true
		w.mu.Unlock()
	}
}

// learnValues records the header value of every version of the secret.
func (w *world) learnValues(ctx context.Context) {
	out, err := w.dsm.ListSecretVersionIds(ctx, &secretsmanager.ListSecretVersionIdsInput{SecretId: aws.String(w.arn), IncludeDeprecated: aws.Bool(true)})
	if err != nil {
		w.violate("ListSecretVersionIds: %v", err)
		return
	}
	for _, v := range out.Versions {
		got, err := w.dsm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(w.arn), VersionId: v.VersionId})
		if err != nil {
			continue // a version without a value yet
		}
		if value := headerValue(aws.ToString(got.SecretString)); value != "" {
			w.mu.Lock()
			w.values[value] = true
			w.mu.Unlock()
		}
	}
}

func headerValue(secretString string) string {
	var s struct{ HEADERVALUE string }
	_ = json.Unmarshal([]byte(secretString), &s)
	return s.HEADERVALUE
}

// checkSecret checks, after the secret changed, that exactly one version
// holds AWSCURRENT and can be read, that at most one holds AWSPENDING, and
// that the authorizer still accepts every value CloudFront holds.
func (w *world) checkSecret(when string) {
	ctx := context.Background()
	w.count()
	desc, err := w.dsm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(w.arn)})
	if err != nil {
		w.violate("%s: DescribeSecret: %v", when, err)
		return
	}
	counts := map[string]int{}
	for _, labels := range desc.VersionIdsToStages {
		for _, l := range labels {
			counts[l]++
		}
	}
	if counts[rotation.StageCurrent] != 1 || counts[rotation.StagePending] > 1 {
		w.violate("%s: stages %v", when, desc.VersionIdsToStages)
	}
	if _, err := fixture.SecretString(ctx, w.dsm, w.arn, rotation.StageCurrent); err != nil {
		w.violate("%s: AWSCURRENT unreadable: %v", when, err)
	}
	w.verifyHeld(when, "")
}

// checkDistribution checks, after a distribution changed, that its config is
// byte for byte what it was apart from the header value, and that the
// authorizer accepts every value its selected origins now carry.
func (w *world) checkDistribution(when, id string) {
	w.checkRaw(when, id, w.raw(context.Background(), id))
}

// checkRaw is checkDistribution on a raw config already read.
func (w *world) checkRaw(when, id string, raw []byte) {
	w.count()
	w.mu.Lock()
	want := w.expected[id]
	w.mu.Unlock()
	if got := w.normalize(raw); !bytes.Equal(got, want) {
		w.violate("%s: distribution %s config changed beyond the header value:\n got %s\nwant %s", when, id, got, want)
	}
	var cfg rawConfig
	if err := xml.Unmarshal(raw, &cfg); err != nil {
		w.violate("%s: distribution %s: %v", when, id, err)
		return
	}
	var held []string
	for _, d := range w.dists {
		if d.ID != id {
			continue
		}
		for _, o := range cfg.Origins {
			values := o.values()
			if slices.Contains(d.OriginIDs, o.ID) || (len(d.OriginIDs) == 0 && len(values) > 0) {
				held = append(held, values...)
			}
		}
	}
	w.mu.Lock()
	w.held[id] = held
	w.mu.Unlock()
	w.verifyHeld(when, id)
}

func (w *world) count() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.checks++
}

// verifyHeld asks an authorizer, which re-reads the secret first and has no
// AWSPREVIOUS grace window, about every value the selected origins of
// distribution id ("" for all) carry: each must be AWSCURRENT or AWSPENDING.
func (w *world) verifyHeld(when, id string) {
	w.vclock.Advance(2 * authorizer.DefaultCacheTTL) // the next Verify reads the secret again
	for _, d := range w.dists {
		if id != "" && d.ID != id {
			continue
		}
		w.mu.Lock()
		held := slices.Clone(w.held[d.ID])
		w.mu.Unlock()
		if len(held) == 0 {
			w.violate("%s: distribution %s: no selected origin carries the header", when, d.ID)
		}
		for _, value := range held {
			if dec, err := w.verifier.Verify(context.Background(), value); err != nil || !dec.Allowed() {
				w.violate("%s: distribution %s carries a value the authorizer refuses (decision %v, error %v)", when, d.ID, dec, err)
			}
		}
	}
}

// rawConfig is the part of a distribution config's XML the checks read.
type rawConfig struct {
	Origins []rawOrigin `xml:"Origins>Items>Origin"`
}

type rawOrigin struct {
	ID      string `xml:"Id"`
	Headers []struct {
		Name  string `xml:"HeaderName"`
		Value string `xml:"HeaderValue"`
	} `xml:"CustomHeaders>Items>OriginCustomHeader"`
}

// values returns the values of the rotated header on the origin.
func (o rawOrigin) values() []string {
	var out []string
	for _, h := range o.Headers {
		if strings.EqualFold(h.Name, header) {
			out = append(out, h.Value)
		}
	}
	return out
}

// current returns the AWSCURRENT header value.
func (w *world) current() string {
	s, err := fixture.SecretString(context.Background(), w.dsm, w.arn, rotation.StageCurrent)
	if err != nil {
		w.t.Fatal(err)
	}
	return headerValue(s)
}

func (w *world) stages() map[string][]string {
	s, err := fixture.Stages(context.Background(), w.dsm, w.arn)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// event is a step's event, with the RotationToken canary.
func (w *world) event(step, token string) rotationEvent {
	ev := fixture.Event(step, w.arn, token)
	ev.RotationToken = rotationToken
	return ev
}

// runSteps invokes the four steps in order, as one attempt of Secrets
// Manager's, and stops at the first error.
func (w *world) runSteps(ctx context.Context, token string) error {
	for _, step := range fixture.Steps {
		w.mu.Lock()
		w.step = step
		w.mu.Unlock()
		if err := w.handler.Handle(ctx, w.event(step, token)); err != nil {
			w.mu.Lock()
			w.errs = append(w.errs, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
			w.mu.Unlock()
			return err
		}
	}
	return nil
}

// outcome is what a scenario's rotation did.
type outcome struct {
	token string
	// attempts is the number of attempts (Secrets Manager's retries plus
	// one) until the rotation completed; 0 if it never did.
	attempts int
	// first is the first attempt's error, nil if it succeeded.
	first error
}

// maxAttempts bounds the replay of Secrets Manager's retries.
const maxAttempts = 4

// rotate starts a rotation as RotateSecret does and plays Secrets Manager:
// it runs the four steps, and after a failure runs them all again, until they
// succeed. If crashAfter > 0, the first attempt's context is cancelled right
// after the crashAfter-th AWS call returns (the Lambda dies there); later
// attempts run healthy.
func (w *world) rotate(crashAfter int) outcome {
	token, err := fixture.BeginRotation(context.Background(), w.dsm, w.arn, true)
	if err != nil {
		w.t.Fatal(err)
	}
	o := outcome{token: token}
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		ctx, cancel := context.WithCancel(context.Background())
		w.proxy.SetDeadline(cancel)
		if attempt == 1 {
			w.crash.arm(crashAfter, cancel)
		}
		err := w.runSteps(ctx, token)
		w.crash.arm(0, nil)
		cancel()
		if attempt == 1 {
			o.first = err
		}
		if err == nil && (attempt > 1 || crashAfter == 0 || !w.crash.fired()) {
			o.attempts = attempt
			return o
		}
		// A crash after the last call ends the invocation without an error,
		// but Secrets Manager never heard back: it retries all the same.
	}
	return o
}

// lateRetry runs every step again after the rotation completed, as a retry
// whose first attempt had in fact succeeded, and checks that it changes
// nothing.
func (w *world) lateRetry(token string) {
	before := w.stages()
	_, updatesBefore := w.proxy.Count("UpdateDistribution")
	if err := w.runSteps(context.Background(), token); err != nil {
		w.violate("late retry failed: %v", err)
	}
	if got := w.stages(); !equalStages(got, before) {
		w.violate("late retry changed the stages: %v -> %v", before, got)
	}
	if _, after := w.proxy.Count("UpdateDistribution"); after != updatesBefore {
		w.violate("late retry updated a distribution")
	}
}

func equalStages(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for id, la := range a {
		lb := slices.Clone(b[id])
		la = slices.Clone(la)
		slices.Sort(la)
		slices.Sort(lb)
		if !slices.Equal(la, lb) {
			return false
		}
	}
	return true
}

// finalCheck verifies the end state of a completed rotation.
func (w *world) finalCheck(o outcome) {
	for _, d := range w.dists {
		w.checkDistribution("at the end", d.ID)
	}
	w.checkSecret("at the end")
	stages := w.stages()
	if !slices.Contains(stages[o.token], rotation.StageCurrent) {
		w.violate("the rotation's version holds %v, want AWSCURRENT", stages[o.token])
	}
	s, err := fixture.SecretString(context.Background(), w.dsm, w.arn, rotation.StagePrevious)
	if err != nil || headerValue(s) != initial {
		w.violate("AWSPREVIOUS does not hold the initial value (%v)", err)
	}
	current := w.current()
	if current == initial || len(current) != rotation.DefaultValueLength {
		w.violate("AWSCURRENT holds no new value")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, d := range w.dists {
		for _, v := range w.held[d.ID] {
			if v != current {
				w.violations = append(w.violations, fmt.Sprintf("distribution %s does not carry the new AWSCURRENT value on every selected origin", d.ID))
				break
			}
		}
	}
}

// leaks returns a description of every secret value or RotationToken found
// in the captured logs and errors.
func (w *world) leaks() []string {
	w.learnValues(context.Background())
	w.mu.Lock()
	defer w.mu.Unlock()
	haystack := w.logs.String() + "\n" + strings.Join(w.errs, "\n") + "\n" + strings.Join(w.violations, "\n")
	var found []string
	for v := range w.values {
		if strings.Contains(haystack, v) {
			found = append(found, fmt.Sprintf("a header value (%d characters)", len(v)))
		}
	}
	if strings.Contains(haystack, rotationToken) {
		found = append(found, "the RotationToken")
	}
	return found
}

func (w *world) problems() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.violations)
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// errSummary names what the library saw, for the table: the step and the
// AWS error code, or the kind of failure.
func errSummary(err error) string {
	if err == nil {
		return "-"
	}
	step := ""
	var se *rotation.StepError
	if errors.As(err, &se) {
		step = se.Step + ": "
	}
	var apiErr interface{ ErrorCode() string }
	switch {
	case errors.Is(err, context.Canceled):
		return step + "context canceled"
	case errors.As(err, &apiErr):
		return step + apiErr.ErrorCode()
	case errors.Is(err, cloudfront.ErrNotDeployed):
		return step + "not deployed"
	case strings.Contains(err.Error(), "EOF"), strings.Contains(err.Error(), "connection reset"):
		return step + "connection lost"
	}
	msg := err.Error()
	if len(msg) > 60 {
		msg = msg[:60] + "..."
	}
	return step + msg
}
