package simulation

import (
	"container/heap"
	"time"
)

// World is a discrete-event clock. Time moves only when the simulation
// advances it, and as it moves, the events scheduled on the way run in time
// order. It implements the Clock interfaces of the rotation, cloudfront and
// authorizer packages: a library that waits with After makes the world run
// forward by that much, so requests keep arriving while a rotation polls or
// backs off. A World is not safe for concurrent use: a simulation runs on one
// goroutine, which is what makes it reproducible.
type World struct {
	now     time.Time
	queue   events
	seq     uint64
	running bool
}

// NewWorld returns a world whose clock reads start.
func NewWorld(start time.Time) *World { return &World{now: start} }

// Now returns the simulated time.
func (w *World) Now() time.Time { return w.now }

// At schedules fn to run when the clock reaches t (at once, on the next
// advance, if t is not after now). Events at the same time run in the order
// they were scheduled.
func (w *World) At(t time.Time, fn func()) {
	w.seq++
	heap.Push(&w.queue, event{at: t, seq: w.seq, fn: fn})
}

// Advance runs every event due within d, in order, and leaves the clock d
// later. An event may schedule more events; those due within d run too.
func (w *World) Advance(d time.Duration) {
	if w.running {
		panic("simulation: the world was advanced from inside one of its events")
	}
	w.running = true
	defer func() { w.running = false }()
	until := w.now.Add(d)
	for len(w.queue) > 0 && !w.queue[0].at.After(until) {
		e := heap.Pop(&w.queue).(event)
		if e.at.After(w.now) {
			w.now = e.at
		}
		e.fn()
	}
	if until.After(w.now) {
		w.now = until
	}
}

// After advances the world by d and returns a channel that holds the new
// time: the library's wait is over at once, and the world has lived through
// it.
func (w *World) After(d time.Duration) <-chan time.Time {
	w.Advance(d)
	ch := make(chan time.Time, 1)
	ch <- w.now
	return ch
}

type event struct {
	at  time.Time
	seq uint64
	fn  func()
}

type events []event

func (e events) Len() int { return len(e) }
func (e events) Less(i, j int) bool {
	if e[i].at.Equal(e[j].at) {
		return e[i].seq < e[j].seq
	}
	return e[i].at.Before(e[j].at)
}
func (e events) Swap(i, j int) { e[i], e[j] = e[j], e[i] }
func (e *events) Push(x any)   { *e = append(*e, x.(event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}
