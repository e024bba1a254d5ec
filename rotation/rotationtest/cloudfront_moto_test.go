package rotationtest_test

import (
	"os"
	"testing"
	"time"

	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/motoserver"
	"github.com/originlock/originlock/rotation"
	"github.com/originlock/originlock/rotation/rotationtest"
)

func TestMain(m *testing.M) { os.Exit(motoserver.Main(m)) }

// TestCloudFrontOriginHeaderConforms runs the kit against
// cloudfront.OriginHeader on distributions in moto: two selected origins of
// one distribution and every origin carrying the header in another.
func TestCloudFrontOriginHeaderConforms(t *testing.T) {
	rotationtest.Run(t, func(t *testing.T) rotationtest.Backend {
		moto := motoserver.Shared(t)
		cf := cfsdk.NewFromConfig(moto.AWSConfigForTest(t))
		initial := fixture.RandomValue()
		ref := fixture.NewToken()
		d1, err := fixture.CreateDistribution(t.Context(), cf, ref+"-1",
			fixture.Origin{ID: "api", Headers: [][2]string{{"X-Other", "o"}, {"X-Origin-Verify", initial}}},
			fixture.Origin{ID: "api-2", Headers: [][2]string{{"X-Origin-Verify", initial}}},
			fixture.Origin{ID: "static"},
		)
		if err != nil {
			t.Fatal(err)
		}
		d2, err := fixture.CreateDistribution(t.Context(), cf, ref+"-2", fixture.Origin{ID: "api", Headers: [][2]string{{"x-origin-verify", initial}}})
		if err != nil {
			t.Fatal(err)
		}
		dists := []cloudfront.Distribution{{ID: d1, OriginIDs: []string{"api", "api-2"}}, {ID: d2}}
		return rotationtest.Backend{
			Role:    rotationtest.Sends,
			Initial: initial,
			NewTarget: func(t testing.TB, env rotationtest.Env) rotation.Target {
				target, err := cloudfront.NewOriginHeader(cf, cloudfront.Config{HeaderName: "X-Origin-Verify", Distributions: dists},
					cloudfront.WithClock(env.Clock), cloudfront.WithLogger(env.Logger), cloudfront.WithMaxWait(2*time.Minute))
				if err != nil {
					t.Fatal(err)
				}
				return target
			},
			Uses: func(t testing.TB) []string {
				var values []string
				for _, d := range []struct {
					id      string
					origins []string
				}{{d1, []string{"api", "api-2"}}, {d2, []string{"api"}}} {
					cfg, err := fixture.DistributionConfig(t.Context(), cf, d.id)
					if err != nil {
						t.Fatal(err)
					}
					for _, o := range d.origins {
						values = append(values, fixture.HeaderValue(cfg, o, "X-Origin-Verify"))
					}
				}
				return values
			},
		}
	})
}
