package cfdouble_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/originlock/originlock/internal/cfdouble"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/motoserver"
)

func TestMain(m *testing.M) { os.Exit(motoserver.Main(m)) }

// observation is what a scenario saw, in the SDK's terms, with what moto and
// the double are known to do differently left out: moto never moves the ETag
// nor checks If-Match, and reports Deployed at once.
type observation struct {
	Steps []string
}

func (o *observation) add(step string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	o.Steps = append(o.Steps, step+": "+string(b))
}

// scenario is the shared scenario: read a config, update one header and the
// comment with the ETag read, read it back with both reads, and ask for a
// distribution that does not exist.
func scenario(ctx context.Context, t *testing.T, cf *cfsdk.Client, id string) observation {
	t.Helper()
	var o observation
	got, err := cf.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
	if err != nil {
		t.Fatalf("GetDistributionConfig: %v", err)
	}
	if aws.ToString(got.ETag) == "" {
		t.Error("GetDistributionConfig returned no ETag")
	}
	o.add("read", got.DistributionConfig)
	cfg := got.DistributionConfig
	cfg.Comment = aws.String("changed by the scenario")
	cfg.Origins.Items[0].CustomHeaders.Items[1].HeaderValue = aws.String("new-value")
	up, err := cf.UpdateDistribution(ctx, &cfsdk.UpdateDistributionInput{Id: aws.String(id), IfMatch: got.ETag, DistributionConfig: cfg})
	if err != nil {
		t.Fatalf("UpdateDistribution: %v", err)
	}
	if aws.ToString(up.ETag) == "" || aws.ToString(up.Distribution.Id) != id {
		t.Errorf("UpdateDistribution answered ETag %q, Id %q", aws.ToString(up.ETag), aws.ToString(up.Distribution.Id))
	}
	o.add("update answer", up.Distribution.DistributionConfig)
	again, err := cf.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
	if err != nil {
		t.Fatalf("GetDistributionConfig after the update: %v", err)
	}
	o.add("read after update", again.DistributionConfig)
	dist, err := cf.GetDistribution(ctx, &cfsdk.GetDistributionInput{Id: aws.String(id)})
	if err != nil {
		t.Fatalf("GetDistribution: %v", err)
	}
	o.add("distribution", dist.Distribution.DistributionConfig)
	o.add("status", dist.Distribution.Status)
	_, err = cf.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String("ENOSUCHDIST")})
	var nsd *types.NoSuchDistribution
	o.add("unknown distribution is NoSuchDistribution", errors.As(err, &nsd))
	_, err = cf.GetDistribution(ctx, &cfsdk.GetDistributionInput{Id: aws.String("ENOSUCHDIST")})
	o.add("GetDistribution of an unknown distribution is NoSuchDistribution", errors.As(err, &nsd))
	return o
}

// TestDoubleMatchesMoto runs the shared scenario against moto and against
// the double holding the config moto served, and compares what the SDK saw.
func TestDoubleMatchesMoto(t *testing.T) {
	ctx := t.Context()
	moto := motoserver.Shared(t)
	mcf := cfsdk.NewFromConfig(moto.AWSConfigForTest(t))
	id, err := fixture.CreateDistribution(ctx, mcf, "cfdouble-"+fixture.NewToken()[:8],
		fixture.Origin{ID: "api", Headers: [][2]string{{"X-Before", "b"}, {"X-Origin-Verify", "old-value"}}},
		fixture.Origin{ID: "static", Headers: [][2]string{{"X-Static", "s"}}})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := fixture.RawDistributionConfig(ctx, moto.URL, id)
	if err != nil {
		t.Fatal(err)
	}
	double := cfdouble.New()
	if err := double.Put(id, raw); err != nil {
		t.Fatal(err)
	}
	fromMoto := scenario(ctx, t, mcf, id)
	fromDouble := scenario(ctx, t, double.Start(t), id)
	for i := range max(len(fromMoto.Steps), len(fromDouble.Steps)) {
		var m, d string
		if i < len(fromMoto.Steps) {
			m = fromMoto.Steps[i]
		}
		if i < len(fromDouble.Steps) {
			d = fromDouble.Steps[i]
		}
		if m != d {
			t.Errorf("the double and moto differ:\n moto:   %s\n double: %s", m, d)
		}
	}
}
