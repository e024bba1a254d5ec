package main

import (
	"context"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// edge is one simulated CloudFront edge location: it sends the header value
// of the distribution configuration it has picked up.
type edge struct {
	value atomic.Pointer[string]
}

func (e *edge) load() string   { return *e.value.Load() }
func (e *edge) store(v string) { e.value.Store(&v) }

// propagation plays a CloudFront deployment in real time. After an update,
// each edge picks up the new configuration at its own moment within window
// (the first no earlier than minDelay); until the last has, the proxy
// reports the distribution InProgress. This is a simulation: moto has no
// edges and deploys at once.
type propagation struct {
	edges    []*edge
	minDelay time.Duration
	window   time.Duration
	rng      *rand.Rand
	// fetch reads the header value the distribution's config now holds.
	fetch func(ctx context.Context) (string, error)
	// deployed is called once every edge has switched.
	deployed func()
	// log reports progress for the timeline.
	log func(format string, args ...any)

	mu sync.Mutex // guards rng
	wg sync.WaitGroup
}

// begin starts a deployment of the distribution's current config in the
// background. It counts for wait at once, so that a wait right after cannot
// miss it.
func (p *propagation) begin(ctx context.Context) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.start(ctx)
	}()
}

// start deploys the distribution's current config to the edges.
func (p *propagation) start(ctx context.Context) {
	p.mu.Lock()
	delays := make([]time.Duration, len(p.edges))
	for i := range delays {
		delays[i] = p.minDelay + time.Duration(p.rng.Int64N(int64(p.window-p.minDelay)))
	}
	delays[len(delays)-1] = p.window // the slowest edge takes the whole window
	p.mu.Unlock()
	sort.Slice(delays, func(i, j int) bool { return delays[i] < delays[j] })

	value, err := p.fetch(ctx)
	if err != nil {
		p.log("propagation: cannot read the distribution: %v", err)
		return
	}
	var switched atomic.Int32
	p.log("propagation  CloudFront deploys the new header: %d edges switch over %v, each at its own moment", len(p.edges), p.window)
	for i, e := range p.edges {
		p.wg.Add(1)
		time.AfterFunc(delays[i], func() {
			defer p.wg.Done()
			e.store(value)
			if n := int(switched.Add(1)); n == 1 || n == len(p.edges) {
				p.log("propagation  %d/%d edges send the new value", n, len(p.edges))
				if n == len(p.edges) {
					p.deployed()
				}
			}
		})
	}
}

// wait blocks until every started edge switch has happened.
func (p *propagation) wait() { p.wg.Wait() }
