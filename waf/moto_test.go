package waf_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	"github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/motoserver"
	"github.com/originlock/originlock/rotation"
	"github.com/originlock/originlock/rotation/rotationtest"
	"github.com/originlock/originlock/waf"
)

func TestMain(m *testing.M) { os.Exit(motoserver.Main(m)) }

const (
	ruleName = "OriginVerify"
	header   = "x-origin-verify"
)

// webACL is a regional web ACL in moto shaped like the AWS sample's, with
// other rules and settings around the origin-verify rule.
type webACL struct {
	api      *wafv2.Client
	name, id string
}

func newWebACL(t testing.TB, initial string) *webACL {
	t.Helper()
	moto := motoserver.Shared(t)
	api := wafv2.NewFromConfig(moto.AWSConfigForTest(t))
	name := "originlock-" + fixture.NewToken()[:8]
	vis := func(n string) *types.VisibilityConfig {
		return &types.VisibilityConfig{CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: aws.String(n)}
	}
	out, err := api.CreateWebACL(t.Context(), &wafv2.CreateWebACLInput{
		Name:             aws.String(name),
		Scope:            types.ScopeRegional,
		DefaultAction:    &types.DefaultAction{Block: &types.BlockAction{}},
		Description:      aws.String("origin verify for the API"),
		VisibilityConfig: vis(name),
		TokenDomains:     []string{"api.example.com"},
		Rules: []types.Rule{
			{
				Name: aws.String("GeoBlock"), Priority: 0,
				Action:           &types.RuleAction{Block: &types.BlockAction{}},
				Statement:        &types.Statement{GeoMatchStatement: &types.GeoMatchStatement{CountryCodes: []types.CountryCode{types.CountryCodeKp}}},
				VisibilityConfig: vis("GeoBlock"),
			},
			{
				Name: aws.String(ruleName), Priority: 1,
				Action:           &types.RuleAction{Allow: &types.AllowAction{}},
				Statement:        matchStatement(initial),
				VisibilityConfig: vis(ruleName),
			},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &webACL{api: api, name: name, id: aws.ToString(out.Summary.Id)}
}

func matchStatement(v string) *types.Statement {
	return &types.Statement{ByteMatchStatement: &types.ByteMatchStatement{
		FieldToMatch:         &types.FieldToMatch{SingleHeader: &types.SingleHeader{Name: aws.String(header)}},
		PositionalConstraint: types.PositionalConstraintExactly,
		SearchString:         []byte(v),
		TextTransformations:  []types.TextTransformation{{Priority: 0, Type: types.TextTransformationTypeNone}},
	}}
}

func (w *webACL) get(t testing.TB) *wafv2.GetWebACLOutput {
	t.Helper()
	out, err := w.api.GetWebACL(context.Background(), &wafv2.GetWebACLInput{Name: aws.String(w.name), Id: aws.String(w.id), Scope: types.ScopeRegional})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// accepted returns the values the origin-verify rule matches, read directly.
func (w *webACL) accepted(t testing.TB) []string {
	t.Helper()
	for _, r := range w.get(t).WebACL.Rules {
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
	t.Fatal("the origin-verify rule is gone")
	return nil
}

func (w *webACL) config() waf.Config {
	return waf.Config{WebACLName: w.name, WebACLID: w.id, RuleName: ruleName, HeaderName: "X-Origin-Verify"}
}

func (w *webACL) target(t testing.TB, api waf.API, opts ...waf.Option) *waf.HeaderRule {
	t.Helper()
	if api == nil {
		api = w.api
	}
	h, err := waf.NewHeaderRule(api, w.config(), append([]waf.Option{waf.WithLogger(slog.New(slog.DiscardHandler)), waf.WithClock(clocktest.New(time.Now()))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHeaderRuleConforms(t *testing.T) {
	rotationtest.Run(t, func(t *testing.T) rotationtest.Backend {
		initial := fixture.RandomValue()
		w := newWebACL(t, initial)
		return rotationtest.Backend{
			Role:    rotationtest.Accepts,
			Initial: initial,
			NewTarget: func(t testing.TB, env rotationtest.Env) rotation.Target {
				return w.target(t, nil, waf.WithClock(env.Clock), waf.WithLogger(env.Logger))
			},
			Uses: func(t testing.TB) []string { return w.accepted(t) },
		}
	})
}

// TestEverythingElseUnchanged compares the whole web ACL before and after a
// rotation: only the origin-verify rule's statement may differ.
func TestEverythingElseUnchanged(t *testing.T) {
	initial, pending := fixture.RandomValue(), fixture.RandomValue()
	w := newWebACL(t, initial)
	before := w.get(t).WebACL
	h := w.target(t, nil)
	if _, err := h.SetSecret(t.Context(), rotation.SetSecretRequest{Pending: rotation.Value(pending), Current: rotation.Value(initial)}); err != nil {
		t.Fatal(err)
	}
	after := w.get(t).WebACL
	if got := w.accepted(t); len(got) != 2 || got[0] != initial || got[1] != pending {
		t.Fatalf("the rule accepts %d values, want AWSCURRENT then AWSPENDING", len(got))
	}
	if len(after.Rules) != 2 || aws.ToString(after.Rules[1].Name) != ruleName || after.Rules[1].Statement.OrStatement == nil {
		t.Fatal("the rules changed shape")
	}
	after.Rules[1].Statement = before.Rules[1].Statement
	if !reflect.DeepEqual(before, after) {
		t.Errorf("the web ACL changed beyond the rule's statement:\nbefore %+v\n after %+v", before, after)
	}
}

// lockConflictDouble is a test double in front of moto that changes the web
// ACL (its description) right before the first n UpdateWebACL calls, as
// another writer would, so that moto answers WAFOptimisticLockException.
type lockConflictDouble struct {
	waf.API
	w       *webACL
	mu      sync.Mutex
	n       int
	updates int
}

func (d *lockConflictDouble) UpdateWebACL(ctx context.Context, in *wafv2.UpdateWebACLInput, o ...func(*wafv2.Options)) (*wafv2.UpdateWebACLOutput, error) {
	d.mu.Lock()
	d.updates++
	interfere := d.updates <= d.n
	d.mu.Unlock()
	if interfere {
		cur, err := d.w.api.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: in.Name, Id: in.Id, Scope: in.Scope})
		if err != nil {
			return nil, err
		}
		other := updateFrom(cur)
		other.Description = aws.String("changed by another writer")
		if _, err := d.w.api.UpdateWebACL(ctx, other); err != nil {
			return nil, err
		}
	}
	return d.API.UpdateWebACL(ctx, in, o...)
}

func updateFrom(out *wafv2.GetWebACLOutput) *wafv2.UpdateWebACLInput {
	a := out.WebACL
	return &wafv2.UpdateWebACLInput{Name: a.Name, Id: a.Id, Scope: types.ScopeRegional, LockToken: out.LockToken,
		DefaultAction: a.DefaultAction, VisibilityConfig: a.VisibilityConfig, Rules: a.Rules, Description: a.Description, TokenDomains: a.TokenDomains}
}

func TestLockTokenConflict(t *testing.T) {
	initial, pending := fixture.RandomValue(), fixture.RandomValue()
	req := rotation.SetSecretRequest{Pending: rotation.Value(pending), Current: rotation.Value(initial)}

	t.Run("re-read and keep the other writer's change", func(t *testing.T) {
		w := newWebACL(t, initial)
		d := &lockConflictDouble{API: w.api, w: w, n: 2}
		if _, err := w.target(t, d).SetSecret(t.Context(), req); err != nil {
			t.Fatal(err)
		}
		if d.updates != 3 {
			t.Errorf("UpdateWebACL called %d times, want 3 (two stale tokens, then success)", d.updates)
		}
		if got := aws.ToString(w.get(t).WebACL.Description); got != "changed by another writer" {
			t.Errorf("description = %q: the other writer's change was lost", got)
		}
		if got := w.accepted(t); len(got) != 2 {
			t.Errorf("the rule accepts %d values, want 2", len(got))
		}
	})
	t.Run("bounded", func(t *testing.T) {
		w := newWebACL(t, initial)
		d := &lockConflictDouble{API: w.api, w: w, n: 100}
		_, err := w.target(t, d, waf.WithMaxAttempts(3)).SetSecret(t.Context(), req)
		var we *waf.WebACLError
		if !errors.Is(err, waf.ErrConflict) || !errors.As(err, &we) || we.WebACL != w.name {
			t.Fatalf("err = %v, want ErrConflict in a *WebACLError", err)
		}
		if d.updates != 3 {
			t.Errorf("UpdateWebACL called %d times, want 3", d.updates)
		}
		if got := w.accepted(t); len(got) != 1 || got[0] != initial {
			t.Error("a failed SetSecret changed the rule")
		}
		if strings.Contains(err.Error(), pending) || strings.Contains(err.Error(), initial) {
			t.Error("the error contains a value")
		}
	})
}
