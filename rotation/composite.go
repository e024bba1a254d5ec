package rotation

import (
	"context"
	"errors"
	"fmt"
)

// Member is one Target of a Composite, with the name its errors carry
// ("waf", "cloudfront").
type Member struct {
	Name   string
	Target Target
}

// CompositeConfig lists a Composite's members by side.
type CompositeConfig struct {
	// Accepting are the origin-side targets: they make the origin accept a
	// value (an AWS WAF rule, an API Gateway API key). They must accept the
	// pending value before anything sends it.
	Accepting []Member
	// Sending are the targets that send the value to the origin (CloudFront
	// origin custom headers). They start sending the pending value only once
	// every accepting target has it in effect.
	Sending []Member
}

// Composite is a Target made of several: origin-side targets that accept the
// value, and targets that send it. A rotation that protects an origin with
// both an AWS WAF rule and CloudFront origin headers uses one Composite.
//
// Order, and why:
//
//   - SetSecret calls SetSecret on every accepting member, in order, then a
//     full TestSecret on every accepting member, in order, and only then
//     SetSecret on every sending member, in order. So no request carries the
//     pending value before every origin-side check accepts it, and the
//     accepting members' propagation waits overlap instead of adding up (a
//     WAF rule's and an API key's both run from their own update). An
//     accepting member that is not yet in effect stops SetSecret with its
//     error before any sending member changes.
//   - TestSecret asks every member, accepting ones first; it succeeds only if
//     all do. A configuration test (ConfigOnly) asks every member too.
//   - FinishSecret calls FinishSecret on every member that is a Finisher,
//     sending members first, then accepting ones, so an origin-side target
//     drops an old value only after the senders have been told to stop.
//     Every member is called even if an earlier one fails; the errors are
//     joined, so one member's failure does not hold back the others'
//     clean-up.
//
// State semantics: Composite keeps no state of its own, and every member is
// idempotent (the Target contract), so the whole is too. Called twice, the
// second call finds nothing left to do in any member. After a crash between
// two members (one updated, the next not), the next call runs the same
// sequence from the start: members already done change nothing, the rest
// catch up, and no sending member is updated before the accepting members
// report the value in effect. Out of order (a late SetSecret after
// FinishSecret), each member's own contract applies.
//
// Errors are *MemberError, naming the member and the method; errors.Is and
// errors.As see through to the member's error.
type Composite struct {
	accepting []Member
	sending   []Member
}

var (
	_ Target   = (*Composite)(nil)
	_ Finisher = (*Composite)(nil)
)

// NewComposite checks cfg: at least one member, every member with a Target
// and a name, no name used twice.
func NewComposite(cfg CompositeConfig) (*Composite, error) {
	var errs []error
	seen := map[string]bool{}
	all := append(append([]Member(nil), cfg.Accepting...), cfg.Sending...)
	if len(all) == 0 {
		errs = append(errs, errors.New("no members"))
	}
	for i, m := range all {
		switch {
		case m.Name == "":
			errs = append(errs, fmt.Errorf("member %d has no name", i+1))
		case seen[m.Name]:
			errs = append(errs, fmt.Errorf("member name %q is used twice", m.Name))
		}
		seen[m.Name] = true
		if m.Target == nil {
			errs = append(errs, fmt.Errorf("member %q has no Target", m.Name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("rotation: composite: %w: %w", ErrInvalidComposite, err)
	}
	return &Composite{
		accepting: append([]Member(nil), cfg.Accepting...),
		sending:   append([]Member(nil), cfg.Sending...),
	}, nil
}

// ErrInvalidComposite: NewComposite was given an unusable CompositeConfig.
var ErrInvalidComposite = errors.New("invalid composite target")

// MemberError reports which member of a Composite failed, in which method.
type MemberError struct {
	Member string
	// Method is "SetSecret", "TestSecret" or "FinishSecret".
	Method string
	Err    error
}

func (e *MemberError) Error() string {
	return fmt.Sprintf("rotation: target %s: %s: %v", e.Member, e.Method, e.Err)
}

func (e *MemberError) Unwrap() error { return e.Err }

// SetSecret makes every accepting member accept req.Pending and confirms it is
// in effect there, then makes every sending member send it. See Composite for
// the order and what a retry does.
func (c *Composite) SetSecret(ctx context.Context, req SetSecretRequest) (SetSecretResponse, error) {
	test := TestSecretRequest{SecretARN: req.SecretARN, VersionID: req.VersionID, Pending: req.Pending, Current: req.Current, Previous: req.Previous}
	for _, m := range c.accepting {
		if _, err := m.Target.SetSecret(ctx, req); err != nil {
			return SetSecretResponse{}, &MemberError{Member: m.Name, Method: "SetSecret", Err: err}
		}
	}
	for _, m := range c.accepting {
		if _, err := m.Target.TestSecret(ctx, test); err != nil {
			return SetSecretResponse{}, &MemberError{Member: m.Name, Method: "TestSecret", Err: err}
		}
	}
	for _, m := range c.sending {
		if _, err := m.Target.SetSecret(ctx, req); err != nil {
			return SetSecretResponse{}, &MemberError{Member: m.Name, Method: "SetSecret", Err: err}
		}
	}
	return SetSecretResponse{}, nil
}

// TestSecret returns nil once every member reports req.Pending in effect (or,
// for ConfigOnly, every member's configuration check passes). It stops at the
// first member that fails and changes nothing.
func (c *Composite) TestSecret(ctx context.Context, req TestSecretRequest) (TestSecretResponse, error) {
	for _, m := range c.members(c.accepting, c.sending) {
		if _, err := m.Target.TestSecret(ctx, req); err != nil {
			return TestSecretResponse{}, &MemberError{Member: m.Name, Method: "TestSecret", Err: err}
		}
	}
	return TestSecretResponse{}, nil
}

// FinishSecret tells every member that is a Finisher, sending members first.
// All are called even when one fails; the result joins their errors.
func (c *Composite) FinishSecret(ctx context.Context, req FinishSecretRequest) (FinishSecretResponse, error) {
	var errs []error
	for _, m := range c.members(c.sending, c.accepting) {
		f, ok := m.Target.(Finisher)
		if !ok {
			continue
		}
		if _, err := f.FinishSecret(ctx, req); err != nil {
			errs = append(errs, &MemberError{Member: m.Name, Method: "FinishSecret", Err: err})
		}
	}
	return FinishSecretResponse{}, errors.Join(errs...)
}

func (c *Composite) members(first, then []Member) []Member {
	return append(append(make([]Member, 0, len(first)+len(then)), first...), then...)
}
