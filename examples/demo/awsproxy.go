package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/originlock/originlock/internal/awsop"
)

// awsProxy stands between the Lambda functions and moto_server, one listener
// per caller so that calls are counted per function. It also plays the part
// of CloudFront that moto does not: after an UpdateDistribution, moto reports
// Deployed at once, while CloudFront reports InProgress until every edge has
// the new configuration. The proxy rewrites GetDistribution's Status until
// the demo's edges say they have all switched.
type awsProxy struct {
	target *url.URL

	mu    sync.Mutex
	calls map[string]map[string]int // caller → operation → count
	// inProgress holds the distributions whose latest update has not reached
	// every edge yet.
	inProgress map[string]bool
	// onUpdate is told about every successful UpdateDistribution.
	onUpdate func(distributionID string)

	servers []*http.Server
}

func newAWSProxy(target string, onUpdate func(string)) (*awsProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	return &awsProxy{target: u, calls: map[string]map[string]int{}, inProgress: map[string]bool{}, onUpdate: onUpdate}, nil
}

// listen starts a listener for caller and returns its base URL.
func (p *awsProxy) listen(caller string) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	rp := httputil.NewSingleHostReverseProxy(p.target)
	rp.ModifyResponse = p.modify
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.count(caller, awsop.Name(r))
		rp.ServeHTTP(w, r)
	})}
	p.mu.Lock()
	p.servers = append(p.servers, srv)
	p.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

func (p *awsProxy) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.servers {
		_ = s.Close()
	}
}

func (p *awsProxy) count(caller, op string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.calls[caller] == nil {
		p.calls[caller] = map[string]int{}
	}
	p.calls[caller][op]++
}

// total returns how many calls caller made to the service ("secretsmanager"
// or "cloudfront"), and a summary such as "DescribeSecret 2, GetSecretValue 3".
func (p *awsProxy) total(caller, service string) (int, string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	var parts []string
	for op, c := range p.calls[caller] {
		if name, ok := strings.CutPrefix(op, service+":"); ok {
			n += c
			parts = append(parts, fmt.Sprintf("%s %d", name, c))
		}
	}
	sort.Strings(parts)
	return n, strings.Join(parts, ", ")
}

// deployed marks distributionID as fully propagated.
func (p *awsProxy) deployed(distributionID string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.inProgress, distributionID)
}

func (p *awsProxy) modify(resp *http.Response) error {
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	_, op, id := awsop.Identify(resp.Request)
	switch op {
	case "UpdateDistribution":
		p.mu.Lock()
		p.inProgress[id] = true
		p.mu.Unlock()
		p.onUpdate(id)
	case "GetDistribution":
		p.mu.Lock()
		inProgress := p.inProgress[id]
		p.mu.Unlock()
		if inProgress {
			return awsop.ReportInProgress(resp)
		}
	}
	return nil
}
