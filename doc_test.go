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
	lengths := map[string][2]int{
		"rotation.MaxValueLength":         {rotation.MaxValueLength, 1783},
		"rotation.MinValueLength":         {rotation.MinValueLength, 43},
		"rotation.DefaultValueLength":     {rotation.DefaultValueLength, 64},
		"cloudfront.MaxHeaderNameLength":  {cloudfront.MaxHeaderNameLength, 256},
		"cloudfront.MaxHeaderValueLength": {cloudfront.MaxHeaderValueLength, 1783},
		"cloudfront.DefaultMaxAttempts":   {cloudfront.DefaultMaxAttempts, 5},
		"authorizer.MaxValueLength":       {authorizer.MaxValueLength, 1783},
	}
	for name, c := range lengths {
		if c[0] != c[1] {
			t.Errorf("%s = %d, but the doc comments say %d: update them", name, c[0], c[1])
		}
	}
	durations := map[string][2]time.Duration{
		"rotation.DefaultSettleDelay":       {rotation.DefaultSettleDelay, 10 * time.Second},
		"cloudfront.DefaultPollInterval":    {cloudfront.DefaultPollInterval, 15 * time.Second},
		"cloudfront.DefaultDeadlineMargin":  {cloudfront.DefaultDeadlineMargin, 10 * time.Second},
		"cloudfront.DefaultMaxWait":         {cloudfront.DefaultMaxWait, 15 * time.Minute},
		"cloudfront.DefaultBackoff":         {cloudfront.DefaultBackoff, 2 * time.Second},
		"cloudfront.DefaultMaxBackoff":      {cloudfront.DefaultMaxBackoff, time.Minute},
		"authorizer.DefaultCacheTTL":        {authorizer.DefaultCacheTTL, 5 * time.Minute},
		"authorizer.DefaultRefreshCooldown": {authorizer.DefaultRefreshCooldown, 5 * time.Second},
		"authorizer.DefaultPreviousGrace":   {authorizer.DefaultPreviousGrace, 15 * time.Minute},
		"authorizer.DefaultMaxStaleness":    {authorizer.DefaultMaxStaleness, 6 * time.Hour},
		"authorizer.DefaultReadTimeout":     {authorizer.DefaultReadTimeout, 3 * time.Second},
		"authorizer.DefaultSettleDelay":     {authorizer.DefaultSettleDelay, 10 * time.Second},
	}
	for name, c := range durations {
		if c[0] != c[1] {
			t.Errorf("%s = %v, but the doc comments say %v: update them", name, c[0], c[1])
		}
	}
	// The rule authorizer's doc states: the settle delay the authorizer
	// assumes is the rotation's, and its default cooldown, read timeout and
	// consistency margin fit inside it.
	if authorizer.DefaultSettleDelay != rotation.DefaultSettleDelay {
		t.Errorf("authorizer.DefaultSettleDelay %v differs from rotation.DefaultSettleDelay %v", authorizer.DefaultSettleDelay, rotation.DefaultSettleDelay)
	}
	if sum := authorizer.DefaultRefreshCooldown + authorizer.DefaultReadTimeout + authorizer.ConsistencyMargin; sum >= rotation.DefaultSettleDelay {
		t.Errorf("authorizer cooldown + read timeout + margin = %v, not below rotation.DefaultSettleDelay %v", sum, rotation.DefaultSettleDelay)
	}
}
