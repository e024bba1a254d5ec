package faultmatrix_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/rotation"
)

// panicky is a test double that panics in one operation, with a value
// carrying the call's input — which holds the header value for
// PutSecretValue and UpdateDistribution — and the AWSCURRENT value.
type panicky struct {
	op      string
	current func() string
	fired   bool
}

func (p *panicky) maybe(op string, in any) {
	if op == p.op && !p.fired {
		p.fired = true
		panic(fmt.Errorf("test double panics in %s with %+v and %s", op, in, p.current()))
	}
}

type panicSM struct {
	rotation.SecretsManagerAPI
	p *panicky
}

func (s panicSM) DescribeSecret(ctx context.Context, in *secretsmanager.DescribeSecretInput, o ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	s.p.maybe("DescribeSecret", in)
	return s.SecretsManagerAPI.DescribeSecret(ctx, in, o...)
}

func (s panicSM) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, o ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	s.p.maybe("GetSecretValue", in)
	return s.SecretsManagerAPI.GetSecretValue(ctx, in, o...)
}

func (s panicSM) PutSecretValue(ctx context.Context, in *secretsmanager.PutSecretValueInput, o ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error) {
	s.p.maybe("PutSecretValue", in)
	return s.SecretsManagerAPI.PutSecretValue(ctx, in, o...)
}

func (s panicSM) UpdateSecretVersionStage(ctx context.Context, in *secretsmanager.UpdateSecretVersionStageInput, o ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretVersionStageOutput, error) {
	s.p.maybe("UpdateSecretVersionStage", in)
	return s.SecretsManagerAPI.UpdateSecretVersionStage(ctx, in, o...)
}

type panicCF struct {
	cloudfront.API
	p *panicky
}

func (f panicCF) GetDistribution(ctx context.Context, in *cfsdk.GetDistributionInput, o ...func(*cfsdk.Options)) (*cfsdk.GetDistributionOutput, error) {
	f.p.maybe("GetDistribution", in)
	return f.API.GetDistribution(ctx, in, o...)
}

func (f panicCF) GetDistributionConfig(ctx context.Context, in *cfsdk.GetDistributionConfigInput, o ...func(*cfsdk.Options)) (*cfsdk.GetDistributionConfigOutput, error) {
	f.p.maybe("GetDistributionConfig", in)
	return f.API.GetDistributionConfig(ctx, in, o...)
}

func (f panicCF) UpdateDistribution(ctx context.Context, in *cfsdk.UpdateDistributionInput, o ...func(*cfsdk.Options)) (*cfsdk.UpdateDistributionOutput, error) {
	f.p.maybe("UpdateDistribution", in)
	return f.API.UpdateDistribution(ctx, in, o...)
}

// TestRecoveredPanicsDoNotLeak makes each AWS call a rotation makes panic
// once, with a panic value that carries the call's input and the AWSCURRENT
// value. The handler must recover, report ErrPanic, log no value and no
// RotationToken, and the retried rotation must complete with every invariant
// intact. (The success path, every error path and every adapter are leak
// checked by the other tests of this package and by the rotation and
// authorizer packages' own leak tests.)
func TestRecoveredPanicsDoNotLeak(t *testing.T) {
	for _, op := range []string{"DescribeSecret", "GetSecretValue", "PutSecretValue", "GetDistributionConfig", "UpdateDistribution", "GetDistribution", "UpdateSecretVersionStage"} {
		t.Run(op, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, unsafeName.ReplaceAllString(t.Name(), "-"))
			p := &panicky{op: op, current: w.current}
			target, err := cloudfront.NewOriginHeader(panicCF{API: w.cf, p: p}, cloudfront.Config{HeaderName: header, Distributions: w.dists},
				cloudfront.WithLogger(w.logger), cloudfront.WithClock(clocktest.New(time.Now())))
			if err != nil {
				t.Fatal(err)
			}
			if w.handler, err = rotation.NewHandler(panicSM{SecretsManagerAPI: w.sm, p: p}, w.arn, target, rotation.WithLogger(w.logger), rotation.WithClock(clocktest.New(time.Now()))); err != nil {
				t.Fatal(err)
			}
			token, err := fixture.BeginRotation(context.Background(), w.dsm, w.arn, true)
			if err != nil {
				t.Fatal(err)
			}
			err = w.runSteps(context.Background(), token)
			if !p.fired || !errors.Is(err, rotation.ErrPanic) {
				t.Fatalf("panic fired %v; got %v, want ErrPanic", p.fired, err)
			}
			if err := w.runSteps(context.Background(), token); err != nil {
				t.Fatalf("the retried rotation failed: %v", err)
			}
			w.finalCheck(outcome{token: token, attempts: 2})
			for _, l := range w.leaks() {
				w.violate("leak: %s appears in logs or errors", l)
			}
			for _, prob := range w.problems() {
				t.Error(prob)
			}
		})
	}
}

// TestLeakCheckCatchesALeak is the leak check's own counter-example: a value
// or the RotationToken written into the captured logs must be found.
func TestLeakCheckCatchesALeak(t *testing.T) {
	w := newWorld(t, "leak-check")
	if got := w.leaks(); len(got) != 0 {
		t.Fatalf("leaks before anything was logged: %v", got)
	}
	w.logger.Info("careless", "value", w.current(), "token", rotationToken)
	if got := w.leaks(); len(got) != 2 {
		t.Fatalf("leaks() = %v, want the header value and the RotationToken", got)
	}
}
