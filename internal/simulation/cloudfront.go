package simulation

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/originlock/originlock/internal/fixture"
)

// CloudFront is a test double of the CloudFront control plane with a model
// of its edges, for simulations. Every distribution is served by Edges edge
// locations. An update gives each edge its own moment to switch to the new
// config, uniformly within MaxLag, and the distribution reports Deployed once
// every edge has switched — except stragglers (a StragglerShare of edges per
// update), which switch up to MaxStraggle after Deployed is reported: a
// pessimistic assumption, as AWS documents Deployed as "fully propagated".
// An edge never goes back to an older config. For ReadLag after an update,
// GetDistribution still returns the config before it (the control plane is
// eventually consistent).
//
// UpdateDistribution enforces If-Match and moves the ETag, as CloudFront does
// and moto does not. It implements the cloudfront package's API interface.
// It is not safe for concurrent use.
type CloudFront struct {
	Now            func() time.Time
	Rand           *rand.Rand
	Edges          int
	MaxLag         time.Duration
	StragglerShare float64
	MaxStraggle    time.Duration
	ReadLag        time.Duration
	// Fault, if set, is called at the start of every call; an error it
	// returns is the call's result, and nothing changes.
	Fault func(op string) error
	// OnUpdate, if set, is called with every config UpdateDistribution
	// accepts, before it returns.
	OnUpdate func(id string, cfg *types.DistributionConfig)

	dists map[string]*simDistribution
	calls map[string]int
}

type simDistribution struct {
	etag     int
	versions []*configVersion // the initial config first
}

type configVersion struct {
	cfg        *types.DistributionConfig
	at         time.Time
	switchAt   []time.Time // per edge
	deployedAt time.Time
}

// Add creates a distribution, deployed everywhere.
func (c *CloudFront) Add(id string, cfg *types.DistributionConfig) {
	if c.dists == nil {
		c.dists, c.calls = map[string]*simDistribution{}, map[string]int{}
	}
	c.dists[id] = &simDistribution{etag: 1, versions: []*configVersion{{cfg: fixture.CloneConfig(cfg), at: c.Now(), switchAt: make([]time.Time, c.Edges), deployedAt: c.Now()}}}
}

// Calls returns how many times op was called.
func (c *CloudFront) Calls(op string) int { return c.calls[op] }

// Config returns the distribution's latest config.
func (c *CloudFront) Config(id string) *types.DistributionConfig {
	d := c.dists[id]
	return fixture.CloneConfig(d.versions[len(d.versions)-1].cfg)
}

// EdgeHeader returns the value of header (matched case-insensitively) that
// edge sends to origin of distribution id now, or "" if it sends none.
func (c *CloudFront) EdgeHeader(id string, edge int, origin, header string) string {
	d := c.dists[id]
	now := c.Now()
	for i := len(d.versions) - 1; i >= 0; i-- {
		if v := d.versions[i]; !v.switchAt[edge].After(now) {
			return fixture.HeaderValue(v.cfg, origin, header)
		}
	}
	return fixture.HeaderValue(d.versions[0].cfg, origin, header)
}

// Deployed reports whether every edge (stragglers included) has switched to
// the latest config of distribution id.
func (c *CloudFront) Deployed(id string) bool {
	d := c.dists[id]
	v := d.versions[len(d.versions)-1]
	for _, at := range v.switchAt {
		if at.After(c.Now()) {
			return false
		}
	}
	return true
}

func (c *CloudFront) begin(op string, id *string) (*simDistribution, error) {
	c.calls[op]++
	if c.Fault != nil {
		if err := c.Fault(op); err != nil {
			return nil, err
		}
	}
	d, ok := c.dists[aws.ToString(id)]
	if !ok {
		return nil, &types.NoSuchDistribution{Message: aws.String("The specified distribution does not exist.")}
	}
	return d, nil
}

func (d *simDistribution) etagString() *string { return aws.String(fmt.Sprintf("E%d", d.etag)) }

// GetDistributionConfig implements the CloudFront call.
func (c *CloudFront) GetDistributionConfig(_ context.Context, in *cloudfront.GetDistributionConfigInput, _ ...func(*cloudfront.Options)) (*cloudfront.GetDistributionConfigOutput, error) {
	d, err := c.begin("GetDistributionConfig", in.Id)
	if err != nil {
		return nil, err
	}
	return &cloudfront.GetDistributionConfigOutput{DistributionConfig: fixture.CloneConfig(d.versions[len(d.versions)-1].cfg), ETag: d.etagString()}, nil
}

// UpdateDistribution implements the CloudFront call.
func (c *CloudFront) UpdateDistribution(_ context.Context, in *cloudfront.UpdateDistributionInput, _ ...func(*cloudfront.Options)) (*cloudfront.UpdateDistributionOutput, error) {
	d, err := c.begin("UpdateDistribution", in.Id)
	if err != nil {
		return nil, err
	}
	switch {
	case aws.ToString(in.IfMatch) == "":
		return nil, &types.InvalidIfMatchVersion{Message: aws.String("The If-Match version is missing or not valid.")}
	case aws.ToString(in.IfMatch) != aws.ToString(d.etagString()):
		return nil, &types.PreconditionFailed{Message: aws.String("The precondition given in one or more of the request header fields evaluated to false.")}
	}
	now := c.Now()
	v := &configVersion{cfg: fixture.CloneConfig(in.DistributionConfig), at: now, switchAt: make([]time.Time, c.Edges)}
	var stragglers []int
	v.deployedAt = now
	for e := range v.switchAt {
		if c.Rand.Float64() < c.StragglerShare {
			stragglers = append(stragglers, e)
			continue
		}
		v.switchAt[e] = now.Add(randDuration(c.Rand, c.MaxLag))
		if v.switchAt[e].After(v.deployedAt) {
			v.deployedAt = v.switchAt[e]
		}
	}
	for _, e := range stragglers {
		v.switchAt[e] = v.deployedAt.Add(randDuration(c.Rand, c.MaxStraggle))
	}
	d.versions = append(d.versions, v)
	d.etag++
	if c.OnUpdate != nil {
		c.OnUpdate(aws.ToString(in.Id), fixture.CloneConfig(v.cfg))
	}
	return &cloudfront.UpdateDistributionOutput{ETag: d.etagString()}, nil
}

// GetDistribution implements the CloudFront call.
func (c *CloudFront) GetDistribution(_ context.Context, in *cloudfront.GetDistributionInput, _ ...func(*cloudfront.Options)) (*cloudfront.GetDistributionOutput, error) {
	d, err := c.begin("GetDistribution", in.Id)
	if err != nil {
		return nil, err
	}
	now := c.Now()
	latest := d.versions[len(d.versions)-1]
	shown := d.versions[0]
	for _, v := range d.versions {
		if !v.at.After(now.Add(-c.ReadLag)) || v == d.versions[0] {
			shown = v
		}
	}
	status := "Deployed"
	if now.Before(latest.deployedAt) {
		status = "InProgress"
	}
	return &cloudfront.GetDistributionOutput{
		Distribution: &types.Distribution{Id: in.Id, Status: aws.String(status), DistributionConfig: fixture.CloneConfig(shown.cfg)},
		ETag:         d.etagString(),
	}, nil
}

// randDuration returns a duration uniformly within [0, max].
func randDuration(r *rand.Rand, max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	return time.Duration(r.Int64N(int64(max) + 1))
}
