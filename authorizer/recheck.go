package authorizer

import (
	"context"
	"errors"
	"time"
)

// verifyMiss reads the secret again for a value that matched nothing, and
// decides against that read. The read runs in a goroutine of its own: every
// request waiting for it, the one that started it included, may give up when
// its own context ends, and the read still serves the others.
func (v *Verifier) verifyMiss(ctx context.Context, value string, now time.Time) (Decision, string, error) {
	if v.opts.hookBeforeMiss != nil {
		v.opts.hookBeforeMiss()
	}
	v.mu.Lock()
	f := v.miss
	if f == nil {
		// A shared read may have published a newer snapshot since this
		// request loaded its own; a flight clears v.miss only after it
		// published, so the snapshot loaded here is at least that new.
		latest := v.snap.Load()
		if latest.deleted {
			v.mu.Unlock()
			return Deny, ReasonDeleted, nil
		}
		if d := latest.match(value, now); d != Deny {
			v.mu.Unlock()
			return d, "", nil
		}
		if v.inCooldown(now) {
			v.mu.Unlock()
			if v.recentEnoughToDeny(latest, now) {
				return Deny, ReasonCooldown, nil
			}
			return Deny, ReasonCooldown, &UnavailableError{Reason: ReasonCooldown}
		}
		f = v.startRead(ctx, now)
	}
	v.mu.Unlock()
	if err := v.wait(ctx, f); err != nil {
		return Deny, reasonOf(err), err
	}
	return v.decideFresh(f.s, value, now)
}

// needsFreshRead reports whether d, matched in s, may only be given against
// a read younger than the refresh cooldown: a value that matches only
// AWSPREVIOUS, whose label an operator removes to revoke it, and AWSCURRENT
// while a rotation is under way (s holds a pending value), since the
// rotation's end makes it AWSPREVIOUS.
func (v *Verifier) needsFreshRead(s *snapshot, d Decision, now time.Time) bool {
	switch {
	case d == AllowPrevious:
	case d == AllowCurrent && s.pending != "" && s.pendingID != s.currentID:
	default:
		return false
	}
	return now.Sub(s.readAt) >= v.opts.cooldown
}

// verifyFresh decides a value that needsFreshRead against a read younger
// than the cooldown: the newest published one if it is, or a new read shared
// with misses (and bounded by the same cooldown). When no such read can be
// had, AWSCURRENT is still allowed from the last good read (stale if error),
// and AWSPREVIOUS gets ErrUnavailable.
func (v *Verifier) verifyFresh(ctx context.Context, value string, now time.Time, stale Decision) (Decision, string, error) {
	v.mu.Lock()
	f := v.miss
	if f == nil {
		if latest := v.snap.Load(); now.Sub(latest.readAt) < v.opts.cooldown {
			v.mu.Unlock()
			return v.decideFresh(latest, value, now)
		}
		if v.inCooldown(now) {
			// The read made within the cooldown failed.
			v.mu.Unlock()
			return v.unverified(stale, nil)
		}
		f = v.startRead(ctx, now)
	}
	v.mu.Unlock()
	if err := v.wait(ctx, f); err != nil {
		var ue *UnavailableError
		if errors.As(err, &ue) && ue.Reason == ReasonReadFailed {
			return v.unverified(stale, ue.Err)
		}
		return Deny, reasonOf(err), err
	}
	return v.decideFresh(f.s, value, now)
}

// decideFresh decides value against s, a read made for it.
func (v *Verifier) decideFresh(s *snapshot, value string, now time.Time) (Decision, string, error) {
	if s.deleted {
		return Deny, ReasonDeleted, nil
	}
	if d := s.match(value, now); d != Deny {
		return d, "", nil
	}
	return Deny, ReasonUnknown, nil
}

// unverified answers a value that needed a fresh read when none could be
// made: stale if error for AWSCURRENT, ErrUnavailable for AWSPREVIOUS.
func (v *Verifier) unverified(stale Decision, cause error) (Decision, string, error) {
	if stale == AllowCurrent {
		return stale, "", nil
	}
	return Deny, ReasonReadFailed, &UnavailableError{Reason: ReasonReadFailed, Err: cause}
}

// inCooldown reports whether a shared read started less than the refresh
// cooldown before now. The caller holds v.mu.
func (v *Verifier) inCooldown(now time.Time) bool {
	return !v.lastMiss.IsZero() && now.Sub(v.lastMiss) < v.opts.cooldown
}

// startRead starts the shared read. The caller holds v.mu.
func (v *Verifier) startRead(ctx context.Context, now time.Time) *flight {
	f := &flight{done: make(chan struct{})}
	v.miss, v.lastMiss = f, now
	go v.missRead(ctx, f)
	return f
}

// wait waits for f, or for ctx to end.
func (v *Verifier) wait(ctx context.Context, f *flight) error {
	select {
	case <-f.done:
	case <-ctx.Done():
		return &UnavailableError{Reason: ReasonCanceled, Err: ctx.Err()}
	}
	if f.err != nil {
		return &UnavailableError{Reason: ReasonReadFailed, Err: f.err}
	}
	return nil
}

// recentEnoughToDeny reports whether s, the last good read, started so
// recently that it has seen every value CloudFront may send by now: less
// than the refresh cooldown plus the read timeout before now, which NewVerifier
// checked is at least ConsistencyMargin shorter than the settle delay. Never
// with WithSettleDelay(0).
func (v *Verifier) recentEnoughToDeny(s *snapshot, now time.Time) bool {
	return v.opts.settle > 0 && now.Sub(s.readAt) < v.opts.cooldown+v.opts.readTimeout
}

// missRead makes the read f stands for and releases its waiters.
func (v *Verifier) missRead(ctx context.Context, f *flight) {
	v.readMu.Lock()
	f.s, f.err = v.read(ctx, ReadMiss)
	v.readMu.Unlock()
	v.mu.Lock()
	v.miss = nil
	v.mu.Unlock()
	close(f.done)
}

// reasonOf returns the Reason of an *UnavailableError.
func reasonOf(err error) string {
	var ue *UnavailableError
	if errors.As(err, &ue) {
		return ue.Reason
	}
	return ReasonReadFailed
}
