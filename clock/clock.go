// Package clock is the time source shared by originlock's packages.
//
// Every package that waits or keeps time (rotation's settle delay,
// cloudfront's polling and back-off, authorizer's cache, cooldown and grace
// window) takes a Clock through its WithClock option, so that one clock can
// drive all of them and tests move time instead of sleeping. The package has
// no dependencies beyond the standard library, so importing it costs a
// binary nothing.
package clock

import "time"

// Clock tells time and waits. Implementations must be safe for concurrent
// use. A test clock may move its time forward when After is called, as if
// the wait had passed (internal/clocktest does).
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// After returns a channel that receives the time once d has passed, as
	// time.After does. Callers select on it together with ctx.Done().
	After(d time.Duration) <-chan time.Time
}

// System returns the real clock: time.Now and time.After.
func System() Clock { return system{} }

type system struct{}

func (system) Now() time.Time                         { return time.Now() }
func (system) After(d time.Duration) <-chan time.Time { return time.After(d) }
