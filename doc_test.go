package originlock_test

import (
	"testing"
	"time"

	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/rotation"
)

// TestDocumentedLiterals keeps the literal values that the packages' doc
// comments quote (godoc shows an exported limit as "secretvalue.MaxLength",
// which a reader cannot look up) equal to the constants.
func TestDocumentedLiterals(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want int64
	}{
		{"rotation.MaxValueLength", rotation.MaxValueLength, 1783},
		{"rotation.MinValueLength", rotation.MinValueLength, 43},
		{"rotation.DefaultValueLength", rotation.DefaultValueLength, 64},
		{"rotation.DefaultSettleDelay", int64(rotation.DefaultSettleDelay), int64(10 * time.Second)},
		{"cloudfront.MaxHeaderNameLength", cloudfront.MaxHeaderNameLength, 256},
		{"cloudfront.MaxHeaderValueLength", cloudfront.MaxHeaderValueLength, 1783},
		{"cloudfront.DefaultPollInterval", int64(cloudfront.DefaultPollInterval), int64(15 * time.Second)},
		{"cloudfront.DefaultDeadlineMargin", int64(cloudfront.DefaultDeadlineMargin), int64(10 * time.Second)},
		{"cloudfront.DefaultMaxWait", int64(cloudfront.DefaultMaxWait), int64(15 * time.Minute)},
		{"cloudfront.DefaultMaxAttempts", cloudfront.DefaultMaxAttempts, 5},
		{"cloudfront.DefaultBackoff", int64(cloudfront.DefaultBackoff), int64(2 * time.Second)},
		{"cloudfront.DefaultMaxBackoff", int64(cloudfront.DefaultMaxBackoff), int64(time.Minute)},
		{"authorizer.MaxValueLength", authorizer.MaxValueLength, 1783},
		{"authorizer.DefaultCacheTTL", int64(authorizer.DefaultCacheTTL), int64(5 * time.Minute)},
		{"authorizer.DefaultRefreshCooldown", int64(authorizer.DefaultRefreshCooldown), int64(5 * time.Second)},
		{"authorizer.DefaultPreviousGrace", int64(authorizer.DefaultPreviousGrace), int64(15 * time.Minute)},
		{"authorizer.DefaultMaxStaleness", int64(authorizer.DefaultMaxStaleness), int64(6 * time.Hour)},
		{"authorizer.DefaultReadTimeout", int64(authorizer.DefaultReadTimeout), int64(5 * time.Second)},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, but the doc comments say %d: update them", c.name, c.got, c.want)
		}
	}
	// The rule authorizer's doc states: its default cooldown is below the
	// rotation's default settle delay.
	if authorizer.DefaultRefreshCooldown >= rotation.DefaultSettleDelay {
		t.Errorf("authorizer.DefaultRefreshCooldown %v is not below rotation.DefaultSettleDelay %v", authorizer.DefaultRefreshCooldown, rotation.DefaultSettleDelay)
	}
}
