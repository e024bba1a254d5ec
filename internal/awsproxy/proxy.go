// Package awsproxy is an HTTP proxy in front of moto_server for the
// benchmarks and the demo. It counts every AWS request by operation (SDK
// retries included, as AWS counts them), and can play parts of CloudFront
// that moto does not: a latency on every CloudFront call, throttled updates,
// and a deployment that stays InProgress after each UpdateDistribution, for a
// set time or until the caller says it is Deployed. It is test tooling, never
// production code.
package awsproxy

import (
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/originlock/originlock/internal/awsop"
)

// Options shape the proxy's CloudFront behaviour. The zero value forwards
// every request at once and leaves moto's answers alone.
type Options struct {
	// CloudFrontLatency is added before every CloudFront request is forwarded.
	CloudFrontLatency time.Duration
	// Sleep spends the latency; time.Sleep when nil. A simulation passes a
	// fake clock's Advance, so that the latency costs no real time.
	Sleep func(time.Duration)
	// DeployTime is how long, on Now's clock, GetDistribution reports a
	// distribution InProgress after its last UpdateDistribution (moto reports
	// Deployed at once). Zero keeps moto's answer.
	DeployTime time.Duration
	// Now is the clock DeployTime, UpdatesPerMinute and UpdateTimes are on;
	// time.Now when nil.
	Now func() time.Time
	// UpdatesPerMinute, when positive, throttles UpdateDistribution: a call
	// that arrives when that many were accepted in the last minute is
	// answered 400 Throttling ("Rate exceeded") without reaching moto. This
	// models what users report of CloudFront; AWS publishes no such rate.
	UpdatesPerMinute int
	// HoldDeployment makes GetDistribution report a distribution InProgress
	// from each UpdateDistribution until Deployed is called for it: the
	// demo's edges decide when a deployment ends.
	HoldDeployment bool
	// OnUpdate, if set, is told of every UpdateDistribution moto accepted,
	// before the response goes back to the caller.
	OnUpdate func(distributionID string)
}

// Proxy is a running proxy. Its methods are safe for concurrent use.
type Proxy struct {
	// URL is the base URL to point an SDK at (AWS_ENDPOINT_URL).
	URL string

	opts Options
	srv  *http.Server
	rp   *httputil.ReverseProxy

	mu        sync.Mutex
	calls     map[string]int
	updated   map[string]time.Time // distribution → when its last update was applied (Now's clock)
	held      map[string]bool      // distributions InProgress until Deployed (HoldDeployment)
	inFlight  int                  // CloudFront requests being handled
	maxCF     int                  // most CloudFront requests ever in flight at once
	updates   []time.Time          // arrival of every UpdateDistribution, on Now's clock
	accepted  []time.Time          // UpdateDistribution calls let through, on Now's clock
	throttled int
}

// Start serves a proxy to target (moto's URL) on a loopback port.
func Start(target string, opts Options) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("awsproxy: %w", err)
	}
	if opts.Sleep == nil {
		opts.Sleep = time.Sleep
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("awsproxy: %w", err)
	}
	p := &Proxy{URL: "http://" + ln.Addr().String(), opts: opts, calls: map[string]int{}, updated: map[string]time.Time{}, held: map[string]bool{}}
	p.rp = httputil.NewSingleHostReverseProxy(u)
	p.rp.ModifyResponse = p.modify
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// Close stops the proxy.
func (p *Proxy) Close() { _ = p.srv.Close() }

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	op := awsop.Name(r)
	cf := strings.HasPrefix(op, "cloudfront:")
	p.mu.Lock()
	p.calls[op]++
	if op == "cloudfront:UpdateDistribution" {
		p.updates = append(p.updates, p.opts.Now())
	}
	if cf {
		p.inFlight++
		p.maxCF = max(p.maxCF, p.inFlight)
	}
	p.mu.Unlock()
	if cf {
		defer func() { p.mu.Lock(); p.inFlight--; p.mu.Unlock() }()
		if p.opts.CloudFrontLatency > 0 {
			p.opts.Sleep(p.opts.CloudFrontLatency)
		}
	}
	if op == "cloudfront:UpdateDistribution" && !p.admitUpdate() {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, throttlingBody)
		return
	}
	p.rp.ServeHTTP(w, r)
}

const throttlingBody = `<?xml version="1.0"?>
<ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>awsproxy-throttled</RequestId></ErrorResponse>`

// admitUpdate applies UpdatesPerMinute to an UpdateDistribution.
func (p *Proxy) admitUpdate() bool {
	if p.opts.UpdatesPerMinute <= 0 {
		return true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.opts.Now()
	recent := p.accepted[:0]
	for _, t := range p.accepted {
		if now.Sub(t) < time.Minute {
			recent = append(recent, t)
		}
	}
	p.accepted = recent
	if len(recent) >= p.opts.UpdatesPerMinute {
		p.throttled++
		return false
	}
	p.accepted = append(p.accepted, now)
	return true
}

// Throttled is how many UpdateDistribution calls UpdatesPerMinute refused.
func (p *Proxy) Throttled() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.throttled
}

// Counts returns the requests so far by operation ("secretsmanager:GetSecretValue").
func (p *Proxy) Counts() Counts {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.calls)
}

// MaxCloudFrontInFlight is the largest number of CloudFront requests the
// proxy was handling at one time.
func (p *Proxy) MaxCloudFrontInFlight() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.maxCF
}

// UpdateTimes returns when each UpdateDistribution arrived, on Options.Now's
// clock.
func (p *Proxy) UpdateTimes() []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Time(nil), p.updates...)
}

// Counts are requests by operation.
type Counts map[string]int

// Sub returns c minus before, per operation, without zero entries.
func (c Counts) Sub(before Counts) Counts {
	d := Counts{}
	for op, n := range c {
		if n -= before[op]; n != 0 {
			d[op] = n
		}
	}
	return d
}

// Service returns the total of the operations of service ("secretsmanager",
// "cloudfront").
func (c Counts) Service(service string) int {
	n := 0
	for op, k := range c {
		if strings.HasPrefix(op, service+":") {
			n += k
		}
	}
	return n
}

// Only returns the operations of service ("secretsmanager", "cloudfront").
func (c Counts) Only(service string) Counts {
	o := Counts{}
	for op, n := range c {
		if strings.HasPrefix(op, service+":") {
			o[op] = n
		}
	}
	return o
}

// Op returns the count of service:name.
func (c Counts) Op(service, name string) int { return c[service+":"+name] }

// String lists the operations, "DescribeSecret 1, GetSecretValue 2", or "none".
func (c Counts) String() string {
	var parts []string
	for op, n := range c {
		_, name, _ := strings.Cut(op, ":")
		parts = append(parts, name+" "+strconv.Itoa(n))
	}
	if len(parts) == 0 {
		return "none"
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// Deployed ends the deployment HoldDeployment holds for distributionID.
func (p *Proxy) Deployed(distributionID string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.held, distributionID)
}

// modify records applied updates and reports a distribution InProgress while
// its deployment lasts (DeployTime, HoldDeployment).
func (p *Proxy) modify(resp *http.Response) error {
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	_, op, id := awsop.Identify(resp.Request)
	switch op {
	case "UpdateDistribution":
		p.mu.Lock()
		p.updated[id] = p.opts.Now()
		if p.opts.HoldDeployment {
			p.held[id] = true
		}
		p.mu.Unlock()
		if p.opts.OnUpdate != nil {
			p.opts.OnUpdate(id)
		}
	case "GetDistribution":
		p.mu.Lock()
		at, updated := p.updated[id]
		held := p.held[id]
		p.mu.Unlock()
		deploying := updated && p.opts.DeployTime > 0 && p.opts.Now().Before(at.Add(p.opts.DeployTime))
		if held || deploying {
			return awsop.ReportInProgress(resp)
		}
	}
	return nil
}
