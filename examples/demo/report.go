package main

import (
	"fmt"

	"github.com/originlock/originlock/internal/awsproxy"
)

// report prints the summary and returns what the run proves.
func (d *demo) report(arn string) summary {
	s := summary{
		legitimate: d.count.legitimate.Load(), legitimateDenied: d.count.legitimateDenied.Load(),
		direct: d.count.direct.Load(), directAllowed: d.count.directAllowed.Load(),
	}
	rotN, rotOps := calls(d.rotProxy, "secretsmanager")
	cfN, cfOps := calls(d.rotProxy, "cloudfront")
	authN, authOps := calls(d.authProxy, "secretsmanager")
	fmt.Fprintln(d.out, "\nsummary")
	fmt.Fprintf(d.out, "  legitimate requests (through the edges): %d, denied: %d\n", s.legitimate, s.legitimateDenied)
	fmt.Fprintf(d.out, "  direct requests (no header or a guessed value): %d, allowed: %d (401: %d, 403: %d, 500: %d)\n",
		s.direct, s.directAllowed, d.count.directStatus[401].Load(), d.count.directStatus[403].Load(), d.count.directStatus[500].Load())
	fmt.Fprintf(d.out, "  API Gateway: %d authorizer invocations, %d answers from its cache\n", d.api.invocations.Load(), d.api.cacheHits.Load())
	fmt.Fprintf(d.out, "  rotation function: %d Secrets Manager calls (%s); %d CloudFront calls (%s)\n", rotN, rotOps, cfN, cfOps)
	fmt.Fprintf(d.out, "  authorizers: %d Secrets Manager calls (%s)\n", authN, authOps)
	d.reportDecisions()
	s.decisions, s.invocations = d.decisions, d.invocations
	verdict := "PASS"
	if !s.ok() {
		verdict = "FAIL"
	}
	fmt.Fprintf(d.out, "%s: legitimate requests denied = %d, direct requests allowed = %d\n", verdict, s.legitimateDenied, s.directAllowed)
	return s
}

// calls returns how many calls went through p to service ("secretsmanager"
// or "cloudfront"), and a summary such as "DescribeSecret 2, GetSecretValue 3".
func calls(p *awsproxy.Proxy, service string) (int, string) {
	c := p.Counts().Only(service)
	return c.Service(service), c.String()
}
