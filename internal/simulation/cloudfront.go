package simulation

import (
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/originlock/originlock/internal/cfdouble"
	"github.com/originlock/originlock/internal/fixture"
)

// CloudFront is the project's CloudFront test double (cfdouble, which speaks
// CloudFront's REST-XML to a real SDK client and keeps configs byte for byte)
// with a model of edges on top, for simulations. The control plane (ETags and
// If-Match, the stored configs, faults) is cfdouble's; what this type adds is
// time: every distribution is served by Edges edge locations; an update gives
// each edge its own moment to switch to the new config, uniformly within
// MaxLag, and the distribution reports Deployed once every edge has switched
// — except stragglers (a StragglerShare of edges per update), which switch up
// to MaxStraggle after Deployed is reported: a pessimistic assumption, as AWS
// documents Deployed as "fully propagated". An edge never goes back to an
// older config. For ReadLag after an update, GetDistribution still returns
// the config before it (the control plane is eventually consistent).
//
// Pass Client() to cloudfront.NewOriginHeader. Set the fields before the
// first Add. It is not safe for concurrent use.
type CloudFront struct {
	Now            func() time.Time
	Rand           *rand.Rand
	Edges          int
	MaxLag         time.Duration
	StragglerShare float64
	MaxStraggle    time.Duration
	ReadLag        time.Duration
	// Fault, if set, is asked at the start of every call; a fault it returns
	// is the call's result, and nothing changes.
	Fault func(op string) cfdouble.Fault
	// OnUpdate, if set, is called with every config UpdateDistribution
	// accepts, before it returns.
	OnUpdate func(id string, cfg *types.DistributionConfig)

	double *cfdouble.Server
	dists  map[string]*simDistribution
}

type simDistribution struct {
	versions []*configVersion // the initial config first
}

type configVersion struct {
	cfg        *types.DistributionConfig
	at         time.Time
	switchAt   []time.Time // per edge
	deployedAt time.Time
}

func (c *CloudFront) init() {
	if c.double != nil {
		return
	}
	c.double, c.dists = cfdouble.New(), map[string]*simDistribution{}
	c.double.OnUpdate(c.applied)
	c.double.SetView(c.view)
	c.double.SetFaultFunc(func(op string) cfdouble.Fault {
		if c.Fault == nil {
			return 0
		}
		return c.Fault(op)
	})
}

// Client returns a CloudFront client whose calls the double answers in
// process.
func (c *CloudFront) Client() *cloudfront.Client {
	c.init()
	return c.double.Client()
}

// Add creates a distribution, deployed everywhere.
func (c *CloudFront) Add(id string, cfg *types.DistributionConfig) {
	c.init()
	if err := c.double.PutConfig(id, cfg); err != nil {
		panic(err)
	}
	c.dists[id] = &simDistribution{versions: []*configVersion{{cfg: fixture.CloneConfig(cfg), at: c.Now(), switchAt: make([]time.Time, c.Edges), deployedAt: c.Now()}}}
}

// Calls returns how many times op was called.
func (c *CloudFront) Calls(op string) int { c.init(); return c.double.Count(op) }

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

// applied records an update the double accepted and draws its edges'
// switch moments.
func (c *CloudFront) applied(id string, raw []byte) {
	cfg, err := cfdouble.Unmarshal(raw)
	if err != nil {
		panic(err)
	}
	now := c.Now()
	v := &configVersion{cfg: cfg, at: now, switchAt: make([]time.Time, c.Edges)}
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
	d := c.dists[id]
	d.versions = append(d.versions, v)
	if c.OnUpdate != nil {
		c.OnUpdate(id, fixture.CloneConfig(cfg))
	}
}

// view is what GetDistribution shows: InProgress until every non-straggling
// edge has switched, and the latest config older than ReadLag.
func (c *CloudFront) view(id string, versions int) (string, int) {
	d := c.dists[id]
	now := c.Now()
	latest := d.versions[len(d.versions)-1]
	shown := 0
	for i, v := range d.versions {
		if !v.at.After(now.Add(-c.ReadLag)) || i == 0 {
			shown = i
		}
	}
	status := "Deployed"
	if now.Before(latest.deployedAt) {
		status = "InProgress"
	}
	return status, versions - 1 - shown
}

// randDuration returns a duration uniformly within [0, max].
func randDuration(r *rand.Rand, max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	return time.Duration(r.Int64N(int64(max) + 1))
}
