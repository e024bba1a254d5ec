package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// invoker runs one authorizer invocation: an event in, the function's JSON
// response out, or the function's error.
type invoker func(ctx context.Context, event []byte) ([]byte, error)

// apiGateway plays the parts of API Gateway that matter to the lock: a REST
// API REQUEST authorizer whose identity source is the header, with the
// authorizer result cache keyed by the header's value for ttl (Allow and
// Deny alike; an authorizer error answers 500 and is not cached), and several
// warm authorizer containers taking invocations in turn. A request without
// the header gets 401 without an invocation, as API Gateway answers a
// missing identity source.
type apiGateway struct {
	header     string
	methodARN  string
	ttl        time.Duration
	containers []invoker

	mu    sync.Mutex
	cache map[string]cached

	next        atomic.Uint64
	invocations atomic.Int64
	cacheHits   atomic.Int64
}

type cached struct {
	allow bool
	until time.Time
}

func newAPIGateway(header string, ttl time.Duration, containers []invoker) *apiGateway {
	return &apiGateway{
		header:     header,
		methodARN:  "arn:aws:execute-api:us-east-1:123456789012:demoapi/prod/GET/pets",
		ttl:        ttl,
		containers: containers,
		cache:      map[string]cached{},
	}
}

// serve answers one request that carries value in the header ("" for none).
func (g *apiGateway) serve(ctx context.Context, value string) int {
	if value == "" {
		return http.StatusUnauthorized
	}
	now := time.Now()
	g.mu.Lock()
	c, ok := g.cache[value]
	g.mu.Unlock()
	if ok && now.Before(c.until) {
		g.cacheHits.Add(1)
		return status(c.allow)
	}

	event, _ := json.Marshal(events.APIGatewayCustomAuthorizerRequestTypeRequest{
		Type: "REQUEST", MethodArn: g.methodARN, Resource: "/pets", Path: "/pets", HTTPMethod: http.MethodGet,
		Headers:           map[string]string{g.header: value, "Host": "demoapi.execute-api.us-east-1.amazonaws.com"},
		MultiValueHeaders: map[string][]string{g.header: {value}},
	})
	g.invocations.Add(1)
	container := g.containers[g.next.Add(1)%uint64(len(g.containers))]
	out, err := container(ctx, event)
	if err != nil {
		return http.StatusInternalServerError // not cached
	}
	allow, err := allowed(out, g.methodARN)
	if err != nil {
		return http.StatusInternalServerError
	}
	g.mu.Lock()
	g.cache[value] = cached{allow: allow, until: now.Add(g.ttl)}
	g.mu.Unlock()
	return status(allow)
}

func status(allow bool) int {
	if allow {
		return http.StatusOK
	}
	return http.StatusForbidden
}

// allowed evaluates the returned policy for the method ARN as API Gateway
// does: allowed when an Allow statement's resource matches and no Deny does.
func allowed(out []byte, methodARN string) (bool, error) {
	var resp events.APIGatewayCustomAuthorizerResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		return false, err
	}
	if len(resp.PolicyDocument.Statement) == 0 {
		return false, errors.New("policy without statements")
	}
	allow := false
	for _, st := range resp.PolicyDocument.Statement {
		matches := false
		for _, r := range st.Resource {
			matches = matches || glob(r, methodARN)
		}
		switch {
		case !matches:
		case st.Effect == "Deny":
			return false, nil
		case st.Effect == "Allow":
			allow = true
		default:
			return false, fmt.Errorf("unexpected effect %q", st.Effect)
		}
	}
	return allow, nil
}

// glob matches s against an IAM resource pattern, where * matches any run of
// characters (slashes included) and ? one character.
func glob(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if glob(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && glob(pattern[1:], s[1:])
	}
	return s != "" && s[0] == pattern[0] && glob(pattern[1:], s[1:])
}
