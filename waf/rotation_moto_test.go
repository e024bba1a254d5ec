package waf_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	"github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/motoserver"
	"github.com/originlock/originlock/rotation"
	"github.com/originlock/originlock/waf"
)

// requestWorld is a test double for the data planes of a WAF + CloudFront
// rotation, which moto does not model. It watches every UpdateWebACL and
// UpdateDistribution that reaches moto and keeps, on the test's clock:
//   - what the WAF enforces: the rule as updated, but only wafLag after the
//     update (AWS documents propagation of seconds to minutes), and
//   - what CloudFront's edges send: the header value of the distribution.
//
// Before and after every AWS call and around every wait, it evaluates
// requests against the enforced rule as WAF does (EXACTLY, no text
// transformation): every value CloudFront may send must be allowed, and
// forged values (never valid, or near misses of a valid one) refused.
type requestWorld struct {
	t      *testing.T
	clock  *clocktest.Clock
	wafLag time.Duration

	mu        sync.Mutex
	wafHist   []wafVersion // rule values by time of update, oldest first
	sending   string
	checks    int
	refused   int // legitimate requests refused
	allowed   int // forged requests allowed
	firstFail string
}

type wafVersion struct {
	at     time.Time
	values []string
}

func (w *requestWorld) enforced(now time.Time) []string {
	var values []string
	for _, v := range w.wafHist {
		if !v.at.Add(w.wafLag).After(now) {
			values = v.values
		}
	}
	return values
}

// check evaluates requests now.
func (w *requestWorld) check(when string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.clock.Now()
	rule := w.enforced(now)
	allow := func(header string) bool { return slices.Contains(rule, header) }
	w.checks++
	if !allow(w.sending) {
		w.refused++
		w.note(fmt.Sprintf("%s: WAF refused the value CloudFront sends", when))
	}
	for i, forged := range []string{"", fixture.RandomValue(), strings.ToLower(w.sending), strings.ToUpper(w.sending), w.sending + " ", w.sending[:len(w.sending)-1], "x" + w.sending} {
		if forged == w.sending {
			continue
		}
		if allow(forged) {
			w.allowed++
			w.note(fmt.Sprintf("%s: WAF allowed forged request %d", when, i))
		}
	}
}

func (w *requestWorld) note(s string) {
	if w.firstFail == "" {
		w.firstFail = s
	}
}

// wafWatch passes WAF calls to moto and records the rule each update sets.
type wafWatch struct {
	waf.API
	w *requestWorld
}

func (d *wafWatch) UpdateWebACL(ctx context.Context, in *wafv2.UpdateWebACLInput, o ...func(*wafv2.Options)) (*wafv2.UpdateWebACLOutput, error) {
	d.w.check("before UpdateWebACL")
	out, err := d.API.UpdateWebACL(ctx, in, o...)
	if err == nil {
		d.w.mu.Lock()
		d.w.wafHist = append(d.w.wafHist, wafVersion{at: d.w.clock.Now(), values: ruleValues(in.Rules)})
		d.w.mu.Unlock()
	}
	d.w.check("after UpdateWebACL")
	return out, err
}

func ruleValues(rules []types.Rule) []string {
	for _, r := range rules {
		if aws.ToString(r.Name) != ruleName {
			continue
		}
		if b := r.Statement.ByteMatchStatement; b != nil {
			return []string{string(b.SearchString)}
		}
		var vs []string
		for _, s := range r.Statement.OrStatement.Statements {
			vs = append(vs, string(s.ByteMatchStatement.SearchString))
		}
		return vs
	}
	return nil
}

// cfWatch passes CloudFront calls to moto and records the value sent, as
// CloudFront holds it after the update: OriginHeader sends the raw XML it
// read, patched, so the typed input carries no configuration to look at.
type cfWatch struct {
	cloudfront.API
	moto *cfsdk.Client // to read what CloudFront holds
	w    *requestWorld
}

func (d *cfWatch) UpdateDistribution(ctx context.Context, in *cfsdk.UpdateDistributionInput, o ...func(*cfsdk.Options)) (*cfsdk.UpdateDistributionOutput, error) {
	d.w.check("before UpdateDistribution")
	out, err := d.API.UpdateDistribution(ctx, in, o...)
	if err == nil {
		cfg, gerr := fixture.DistributionConfig(ctx, d.moto, aws.ToString(in.Id))
		if gerr != nil {
			return out, gerr
		}
		d.w.mu.Lock()
		d.w.sending = fixture.HeaderValue(cfg, "api", "X-Origin-Verify")
		d.w.mu.Unlock()
	}
	d.w.check("after UpdateDistribution")
	return out, err
}

// checkingClock is the test clock, evaluating requests around every wait.
type checkingClock struct{ w *requestWorld }

func (c checkingClock) Now() time.Time { return c.w.clock.Now() }
func (c checkingClock) After(d time.Duration) <-chan time.Time {
	c.w.check("before a wait")
	ch := c.w.clock.After(d)
	c.w.check("after a wait")
	return ch
}

// TestWAFAndCloudFrontRotation rotates a secret three times with a
// Composite of a WAF HeaderRule (accepting) and CloudFront (sending),
// against moto, with requests evaluated at every step: no legitimate request
// is refused and no forged one allowed. With the propagation wait switched
// off, the same world must catch refused requests: the check can fail.
func TestWAFAndCloudFrontRotation(t *testing.T) {
	const wafLag = 100 * time.Second // less than DefaultPropagationDelay
	t.Run("default propagation delay", func(t *testing.T) {
		w := rotateWAFAndCloudFront(t, wafLag, waf.DefaultPropagationDelay, 3)
		if w.refused != 0 || w.allowed != 0 {
			t.Errorf("%d legitimate requests refused, %d forged allowed, in %d checks; first: %s", w.refused, w.allowed, w.checks, w.firstFail)
		}
		if w.checks < 3*8 {
			t.Errorf("only %d checks", w.checks)
		}
		t.Logf("%d checks: 0 legitimate requests refused, 0 forged allowed", w.checks)
	})
	t.Run("control: no propagation wait", func(t *testing.T) {
		w := rotateWAFAndCloudFront(t, wafLag, 0, 1)
		if w.refused == 0 {
			t.Error("CloudFront switched before WAF enforced the value, yet no refused request was seen: the check cannot fail")
		}
	})
}

func rotateWAFAndCloudFront(t *testing.T, wafLag, delay time.Duration, rotations int) *requestWorld {
	t.Helper()
	moto := motoserver.Shared(t)
	cfg := moto.AWSConfigForTest(t)
	sm, cf := secretsmanager.NewFromConfig(cfg), cfsdk.NewFromConfig(cfg)
	initial := fixture.RandomValue()
	acl := newWebACL(t, initial)
	ref := fixture.NewToken()
	arn, err := fixture.CreateSecret(t.Context(), sm, "originlock/waf-"+ref, `{"HEADERVALUE":"`+initial+`"}`)
	if err != nil {
		t.Fatal(err)
	}
	dist, err := fixture.CreateDistribution(t.Context(), cf, ref, fixture.Origin{ID: "api", Headers: [][2]string{{"X-Origin-Verify", initial}}})
	if err != nil {
		t.Fatal(err)
	}

	w := &requestWorld{t: t, clock: clocktest.New(time.Unix(1_800_000_000, 0)), wafLag: wafLag, sending: initial}
	w.wafHist = []wafVersion{{at: w.clock.Now().Add(-wafLag), values: []string{initial}}}
	clk := checkingClock{w}
	quiet := slog.New(slog.DiscardHandler)
	rule, err := waf.NewHeaderRule(&wafWatch{API: acl.api, w: w}, acl.config(), waf.WithClock(clk), waf.WithLogger(quiet), waf.WithPropagationDelay(delay))
	if err != nil {
		t.Fatal(err)
	}
	origin, err := cloudfront.NewOriginHeader(&cfWatch{API: cf, moto: cf, w: w}, cloudfront.Config{HeaderName: "X-Origin-Verify", Distributions: []cloudfront.Distribution{{ID: dist}}},
		cloudfront.WithClock(clk), cloudfront.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	target, err := rotation.NewComposite(rotation.CompositeConfig{
		Accepting: []rotation.Member{{Name: "waf", Target: rule}},
		Sending:   []rotation.Member{{Name: "cloudfront", Target: origin}},
	})
	if err != nil {
		t.Fatal(err)
	}
	h, err := rotation.NewHandler(sm, arn, target, rotation.WithClock(clk), rotation.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	handle := func(ctx context.Context, ev events.SecretsManagerSecretRotationEvent) error {
		w.check("before " + ev.Step)
		err := h.Handle(ctx, ev)
		w.check("after " + ev.Step)
		return err
	}
	for range rotations {
		if _, err := fixture.Rotate(t.Context(), sm, arn, handle); err != nil {
			t.Fatal(err)
		}
		w.clock.Advance(time.Hour)
		w.check("an hour after the rotation")
	}
	// The value two rotations back is no longer accepted.
	if rotations >= 2 && slices.Contains(w.enforced(w.clock.Now()), initial) {
		t.Error("WAF still accepts the initial value after two rotations")
	}
	return w
}
