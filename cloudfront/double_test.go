package cloudfront_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/originlock/originlock/internal/fixture"
)

// apiDouble is a test double of the CloudFront API with what moto lacks: an
// ETag that changes on every update and is checked against If-Match, a
// deployment that stays InProgress for a number of status polls, and faults
// injected per operation.
type apiDouble struct {
	mu    sync.Mutex
	dists map[string]*distState
	// deployPolls is how many GetDistribution calls after an update still
	// report InProgress.
	deployPolls int
	// staleReads is how many GetDistribution calls after an update still
	// return the old config (CloudFront's control plane is eventually
	// consistent).
	staleReads int
	faults     map[string][]error
	calls      map[string]int
}

type distState struct {
	cfg, old     *types.DistributionConfig
	etag         int
	pollsLeft    int
	staleLeft    int
	etagBumpsTil int // on GetDistributionConfig, bump the ETag this many more times (someone else edits)
}

func newAPIDouble() *apiDouble {
	return &apiDouble{dists: map[string]*distState{}, faults: map[string][]error{}, calls: map[string]int{}}
}

func (d *apiDouble) add(id string, cfg *types.DistributionConfig) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dists[id] = &distState{cfg: fixture.CloneConfig(cfg), etag: 1}
}

// fail queues errors that the next calls of op return, one per call.
func (d *apiDouble) fail(op string, errs ...error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.faults[op] = append(d.faults[op], errs...)
}

func (d *apiDouble) count(op string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.calls[op]
}

func (d *apiDouble) config(id string) *types.DistributionConfig {
	d.mu.Lock()
	defer d.mu.Unlock()
	return fixture.CloneConfig(d.dists[id].cfg)
}

// begin counts a call and returns its injected fault, if any.
func (d *apiDouble) begin(op string) error {
	d.calls[op]++
	if q := d.faults[op]; len(q) > 0 {
		d.faults[op] = q[1:]
		return &smithy.OperationError{ServiceID: "CloudFront", OperationName: op, Err: q[0]}
	}
	return nil
}

func (d *apiDouble) lookup(id *string) (*distState, error) {
	s, ok := d.dists[aws.ToString(id)]
	if !ok {
		return nil, &types.NoSuchDistribution{Message: aws.String("The specified distribution does not exist.")}
	}
	return s, nil
}

func (d *apiDouble) GetDistributionConfig(_ context.Context, in *cloudfront.GetDistributionConfigInput, _ ...func(*cloudfront.Options)) (*cloudfront.GetDistributionConfigOutput, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.begin("GetDistributionConfig"); err != nil {
		return nil, err
	}
	s, err := d.lookup(in.Id)
	if err != nil {
		return nil, err
	}
	out := &cloudfront.GetDistributionConfigOutput{DistributionConfig: fixture.CloneConfig(s.cfg), ETag: aws.String(fmt.Sprintf("E%d", s.etag))}
	if s.etagBumpsTil > 0 {
		s.etagBumpsTil--
		s.etag++ // a concurrent editor changes the distribution right after our read
	}
	return out, nil
}

func (d *apiDouble) UpdateDistribution(_ context.Context, in *cloudfront.UpdateDistributionInput, _ ...func(*cloudfront.Options)) (*cloudfront.UpdateDistributionOutput, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.begin("UpdateDistribution"); err != nil {
		return nil, err
	}
	s, err := d.lookup(in.Id)
	if err != nil {
		return nil, err
	}
	if aws.ToString(in.IfMatch) == "" {
		return nil, &types.InvalidIfMatchVersion{Message: aws.String("The If-Match version is missing or not valid.")}
	}
	if aws.ToString(in.IfMatch) != fmt.Sprintf("E%d", s.etag) {
		return nil, &types.PreconditionFailed{Message: aws.String("The precondition given in one or more of the request header fields evaluated to false.")}
	}
	s.old, s.cfg = s.cfg, fixture.CloneConfig(in.DistributionConfig)
	s.etag++
	s.pollsLeft, s.staleLeft = d.deployPolls, d.staleReads
	return &cloudfront.UpdateDistributionOutput{ETag: aws.String(fmt.Sprintf("E%d", s.etag))}, nil
}

func (d *apiDouble) GetDistribution(_ context.Context, in *cloudfront.GetDistributionInput, _ ...func(*cloudfront.Options)) (*cloudfront.GetDistributionOutput, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.begin("GetDistribution"); err != nil {
		return nil, err
	}
	s, err := d.lookup(in.Id)
	if err != nil {
		return nil, err
	}
	status, cfg := "Deployed", s.cfg
	if s.staleLeft > 0 {
		s.staleLeft--
		status, cfg = "Deployed", s.old
	} else if s.pollsLeft > 0 {
		s.pollsLeft--
		status = "InProgress"
	}
	return &cloudfront.GetDistributionOutput{Distribution: &types.Distribution{Id: in.Id, Status: aws.String(status), DistributionConfig: fixture.CloneConfig(cfg)}}, nil
}

// Faults as the SDK reports them.
var (
	errThrottled   = &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}
	errUnavailable = &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: http.StatusServiceUnavailable}}, Err: errors.New("service unavailable")}
	errDenied      = &smithy.GenericAPIError{Code: "AccessDenied", Message: "User is not authorized to perform: cloudfront:UpdateDistribution"}
	errStale       = &types.PreconditionFailed{Message: aws.String("The precondition given in one or more of the request header fields evaluated to false.")}
)

// distConfig builds a distribution config whose origins carry the given
// headers (name/value pairs), plus settings that must survive an update.
func distConfig(origins map[string][][2]string, order ...string) *types.DistributionConfig {
	items := make([]types.Origin, 0, len(order))
	for _, id := range order {
		hs := make([]types.OriginCustomHeader, 0, len(origins[id]))
		for _, h := range origins[id] {
			hs = append(hs, types.OriginCustomHeader{HeaderName: aws.String(h[0]), HeaderValue: aws.String(h[1])})
		}
		items = append(items, types.Origin{
			Id: aws.String(id), DomainName: aws.String(id + ".example.com"),
			ConnectionAttempts: aws.Int32(3), ConnectionTimeout: aws.Int32(10),
			CustomHeaders:      &types.CustomHeaders{Quantity: aws.Int32(int32(len(hs))), Items: hs},
			CustomOriginConfig: &types.CustomOriginConfig{HTTPPort: aws.Int32(80), HTTPSPort: aws.Int32(443), OriginProtocolPolicy: types.OriginProtocolPolicyHttpsOnly},
		})
	}
	return &types.DistributionConfig{
		CallerReference: aws.String("ref"), Comment: aws.String("keep me"), Enabled: aws.Bool(true),
		Aliases: &types.Aliases{Quantity: aws.Int32(1), Items: []string{"api.example.com"}},
		Origins: &types.Origins{Quantity: aws.Int32(int32(len(items))), Items: items},
		DefaultCacheBehavior: &types.DefaultCacheBehavior{
			TargetOriginId: aws.String(order[0]), ViewerProtocolPolicy: types.ViewerProtocolPolicyHttpsOnly,
			CachePolicyId: aws.String("4135ea2d-6df8-44a3-9df3-4b5a84be39ad"),
		},
		WebACLId: aws.String("arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1"),
	}
}
