// Package simulation is test code: a propagation simulation of what the
// integration tests cannot run here — CloudFront edges switching to a new
// header value one by one, warm authorizer containers each with its own
// Verifier, and API Gateway's authorizer result cache — driven by the real
// rotation.Handler, cloudfront.OriginHeader and authorizer.Verifier on a
// simulated clock. Its tests (simulation_test.go) run 100 rotations back to
// back per seed and count legitimate requests refused and forged requests
// let in; counter-examples show that the same simulation reports refusals
// when the protections are switched off.
//
// What is modelled, and how:
//
//   - Time is a discrete-event World. The library's waits (the settle delay,
//     deployment polling, backoff) advance it, and requests keep arriving
//     meanwhile.
//   - Secrets Manager is internal/smdouble, the project's one Secrets
//     Manager double, which moves staging labels as AWS does (checked
//     against moto by its TestDoubleMatchesMoto) and stamps dates with the
//     World's clock; moto itself cannot be used because it stamps dates
//     with the wall clock.
//   - CloudFront's control plane is internal/cfdouble, the project's one
//     CloudFront model, reached through a real SDK client; on top of it the
//     CloudFront type models the edges: each update gives every edge its
//     own random switch moment within MaxLag; Deployed is reported when every
//     edge has switched, except optional stragglers that switch up to
//     MaxStraggle later (pessimistic: AWS documents Deployed as fully
//     propagated); GetDistribution may show the previous config for ReadLag.
//   - Viewers reach a random edge of a random distribution; the edge sends
//     the header value of the config it has switched to.
//   - API Gateway caches the authorizer's Allow or Deny per header value for
//     its TTL (0 disables the cache), answers a request without the header
//     with 401 when caching is on, and answers an authorizer error with 500,
//     not cached. Uncached requests go to a random warm container.
//   - Authorizer containers live for a random time and are replaced by cold
//     ones that read the secret at init; each has its own Verifier with its
//     own cache TTL and cooldown, drawn per container.
//   - Secrets Manager runs the four steps with a random latency between them
//     and retries the whole rotation after a random delay when a step fails;
//     testSecret's wait is bounded as a Lambda timeout would bound it.
//
// What is not modelled: network latency between the parts, concurrency inside
// one container (one request at a time), Lambda scaling with load, and
// CloudFront's own caching of responses. The library draws its jitter from
// the global math/rand/v2 source, which a test cannot seed, so a seed fixes
// everything the simulation draws itself but not the library's jitter.
package simulation
