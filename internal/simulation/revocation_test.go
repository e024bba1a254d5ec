package simulation_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/originlock/originlock/internal/smdouble"
)

// exposure is what one play of the leak runbook measured; -1 means never.
type exposure struct {
	rotation time.Duration // from the start of the rotation to finishSecret
	// After AWSPREVIOUS was removed from the leaked version, the latest time
	// a warm container allowed the value, and API Gateway (cache included).
	verifier, gateway time.Duration
	// afterFlush is the latest time API Gateway allowed it after the flush.
	afterFlush time.Duration
}

// playRunbook plays the "a value leaked" runbook on one simulated
// deployment: an attacker replays the leaked AWSCURRENT value five times a
// second, through API Gateway (whose result cache has a 5-minute TTL) and
// straight to random warm authorizer containers; the operator rotates,
// removes AWSPREVIOUS from the leaked version the moment the rotation
// finishes (what REVOKE_PREVIOUS does), if recycle replaces every warm
// container at once (aws lambda update-function-configuration), and, if
// flushAfter > 0, flushes API Gateway's authorizer cache that long after.
func playRunbook(t *testing.T, seed uint64, recycle bool, flushAfter time.Duration) (params, exposure) {
	p := randomParams(seed)
	p.Rotations, p.Gap = 1, [2]time.Duration{}
	p.GatewayTTL = 5 * time.Minute
	s := newSim(p)
	for range s.p.Containers {
		s.containers = append(s.containers, s.startContainer())
	}
	s.schedule(s.p.LegitPerSecond, s.legit)
	s.w.Advance(s.p.Warmup)

	leaked := s.stage(smdouble.Current)
	var leakedID string
	for id, stages := range s.sm.Stages() {
		for _, l := range stages {
			if l == smdouble.Current {
				leakedID = id
			}
		}
	}
	r := rand.New(rand.NewPCG(seed, 99))
	var removed, flushed time.Time
	x := exposure{verifier: -1, gateway: -1, afterFlush: -1}
	s.schedule(5, func() {
		now := s.w.Now()
		direct := s.containers[r.IntN(len(s.containers))].decide(leaked) == allowed
		viaGateway, _ := s.request(leaked)
		if removed.IsZero() {
			return
		}
		if direct {
			x.verifier = max(x.verifier, now.Sub(removed))
		}
		if viaGateway == allowed {
			x.gateway = max(x.gateway, now.Sub(removed))
			if !flushed.IsZero() {
				x.afterFlush = max(x.afterFlush, now.Sub(flushed))
			}
		}
	})
	s.w.Advance(time.Minute)

	start := s.w.Now()
	s.rotate()
	x.rotation = s.w.Now().Sub(start)
	if s.stage(smdouble.Current) == leaked || s.c.Rotations != 1 {
		t.Fatalf("the rotation did not complete\n%s", s.c.firstBroken)
	}
	if _, err := s.sm.UpdateSecretVersionStage(context.Background(), &secretsmanager.UpdateSecretVersionStageInput{
		SecretId: aws.String(s.sm.ARN()), VersionStage: aws.String(smdouble.Previous), RemoveFromVersionId: aws.String(leakedID),
	}); err != nil {
		t.Fatal(err)
	}
	removed = s.w.Now()
	if recycle {
		for i := range s.containers {
			s.containers[i] = s.startContainer()
		}
	}
	if flushAfter > 0 {
		s.w.Advance(flushAfter)
		s.cache = map[string]cached{} // flush-stage-authorizers-cache / reset-authorizers-cache
		flushed = s.w.Now()
	}
	s.w.Advance(p.GatewayTTL + time.Minute)
	return p, x
}

// TestLeakRunbook measures each runbook step's exposure over several
// simulated deployments. Once AWSPREVIOUS is gone, a container that has
// seen the rotation refuses the leaked value within its cooldown; one whose
// last read predates createSecret (API Gateway's cache can keep the new
// value from ever reaching it) holds the value as AWSCURRENT until its next
// TTL read, which recycling the containers cuts short. With recycling no
// container allows the value for more than 30 s (the goal), and after a
// flush made then, nothing allows it; without a flush, API Gateway's cache
// allows it up to its TTL.
func TestLeakRunbook(t *testing.T) {
	const flushAfter = 10 * time.Second
	worst, worstRecycled := exposure{verifier: -1, gateway: -1}, exposure{verifier: -1}
	for _, seed := range seeds(t, 31, 32, 33, 34, 35, 36, 37, 38) {
		t.Run(fmt.Sprint("seed-", seed), func(t *testing.T) {
			p, plain := playRunbook(t, seed, false, 0)
			_, recycled := playRunbook(t, seed, true, flushAfter)
			t.Logf("%s\n  rotation kept the value valid %v; after the label went: warm containers allowed it %v at most (%v when recycled); API Gateway %v without a flush, %v after recycling and a flush %v later",
				p, plain.rotation.Round(time.Second), plain.verifier, recycled.verifier, plain.gateway, recycled.afterFlush, flushAfter)
			if plain.verifier > p.VerifierTTL[1] {
				t.Errorf("a warm container allowed the leaked value %v after its label was removed, more than its cache TTL (at most %v)", plain.verifier, p.VerifierTTL[1])
			}
			if recycled.verifier > 30*time.Second {
				t.Errorf("with recycled containers, one allowed the leaked value %v after its label was removed, want at most 30 s", recycled.verifier)
			}
			if recycled.afterFlush >= 0 {
				t.Errorf("API Gateway allowed the leaked value %v after the flush", recycled.afterFlush)
			}
			if plain.gateway < 0 {
				t.Error("API Gateway's cache never allowed the leaked value after the removal: the attacker's traffic did not reach the cache")
			}
			worst.rotation = max(worst.rotation, plain.rotation)
			worst.verifier = max(worst.verifier, plain.verifier)
			worst.gateway = max(worst.gateway, plain.gateway)
			worstRecycled.verifier = max(worstRecycled.verifier, recycled.verifier)
		})
	}
	t.Logf("worst case: rotation %v; after the label was removed, warm containers %v (recycled: %v); API Gateway's cache %v without a flush (TTL 5m), nothing after a flush %v after the removal",
		worst.rotation.Round(time.Second), worst.verifier, worstRecycled.verifier, worst.gateway, flushAfter)
}

// TestKillSwitch deletes the secret (ForceDeleteWithoutRecovery: every call
// answers ResourceNotFoundException) while legitimate traffic and an
// attacker holding AWSCURRENT keep arriving, and measures how long warm
// containers still allow the value: until each one's next read (bounded by
// its cache TTL), or not at all once the containers are recycled. It is
// never stale if error.
func TestKillSwitch(t *testing.T) {
	worst, worstRecycled := time.Duration(-1), time.Duration(-1)
	for _, seed := range seeds(t, 41, 42, 43, 44, 45) {
		for _, recycle := range []bool{false, true} {
			p := randomParams(seed)
			s := newSim(p)
			for range s.p.Containers {
				s.containers = append(s.containers, s.startContainer())
			}
			s.schedule(s.p.LegitPerSecond, s.legit)
			s.w.Advance(s.p.Warmup)
			value := s.stage(smdouble.Current)
			r := rand.New(rand.NewPCG(seed, 7))
			var deleted time.Time
			late := time.Duration(-1)
			s.schedule(5, func() {
				if s.containers[r.IntN(len(s.containers))].decide(value) == allowed && !deleted.IsZero() {
					late = max(late, s.w.Now().Sub(deleted))
				}
			})
			s.w.Advance(time.Minute)
			gone := &types.ResourceNotFoundException{Message: aws.String("Secrets Manager can't find the specified secret.")}
			s.setSMFault(func(string) error { return gone })
			deleted = s.w.Now()
			if recycle {
				for i := range s.containers {
					s.containers[i] = s.startContainer()
				}
			}
			s.w.Advance(p.VerifierTTL[1] + time.Minute)
			t.Logf("seed %d, recycled %v: warm containers allowed the value %v after the deletion (cache TTL up to %v)", seed, recycle, late, p.VerifierTTL[1])
			if late > p.VerifierTTL[1] {
				t.Errorf("seed %d: a container allowed the value %v after the deletion, beyond its cache TTL (at most %v)", seed, late, p.VerifierTTL[1])
			}
			if recycle && late >= 0 {
				t.Errorf("seed %d: a recycled container allowed the value %v after the deletion", seed, late)
			}
			if recycle {
				worstRecycled = max(worstRecycled, late)
			} else {
				worst = max(worst, late)
			}
		}
	}
	t.Logf("worst case after DeleteSecret: %v (recycled containers: %v)", worst, worstRecycled)
}
