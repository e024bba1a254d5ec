package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/examples/lambda/internal/telemetry"
	"github.com/originlock/originlock/internal/envconfig"
	"github.com/originlock/originlock/internal/secretvalue"
	"github.com/originlock/originlock/rotation"
)

// The environment variables of examples/lambda/README.md.
const (
	envSecretID       = "SECRET_ID"
	envDistributions  = "DISTRIBUTIONS"
	envHeaderName     = "HEADER_NAME"
	envSecretFormat   = "SECRET_FORMAT"
	envSecretJSONKey  = "SECRET_JSON_KEY"
	envValueLength    = "VALUE_LENGTH"
	envPollInterval   = "POLL_INTERVAL"
	envDeadlineMargin = "DEADLINE_MARGIN"
	envSettleDelay    = "SETTLE_DELAY"
	envUpdateInterval = "UPDATE_INTERVAL"
	envRevokePrevious = "REVOKE_PREVIOUS"
	// Logging and metrics: see package telemetry.
)

const (
	defaultHeaderName = "X-Origin-Verify"
	// minPollInterval keeps testSecret, which polls for minutes, from
	// flooding GetDistribution (CloudFront throttles early).
	minPollInterval = time.Second
)

// distributionsSyntax is what DISTRIBUTIONS looks like, for error messages.
const distributionsSyntax = `distribution IDs separated by ";", each optionally followed by ":" and comma-separated origin IDs, like E1ABC:api,api-2;E2DEF`

// config is the function's configuration.
type config struct {
	secretID       string
	distributions  []cloudfront.Distribution
	headerName     string
	format         secretvalue.Format
	valueLength    int
	pollInterval   time.Duration
	deadlineMargin time.Duration
	settleDelay    time.Duration
	updateInterval time.Duration
	revokePrevious bool
	targets        targetsConfig // TARGETS and its variables: targets.go
	telemetry      telemetry.Config
}

// parseConfig reads the configuration through lookup (os.LookupEnv). The
// error lists every missing or invalid variable; the returned config then
// still holds a usable log level and format.
func parseConfig(lookup func(string) (string, bool)) (config, error) {
	env := envconfig.New(lookup)
	var c config
	c.secretID = env.Required(envSecretID)
	if raw := env.Required(envDistributions); raw != "" {
		ds, err := parseDistributions(raw)
		if err != nil {
			env.Invalid(envDistributions, distributionsSyntax+" ("+err.Error()+")")
		}
		c.distributions = ds
	}
	c.headerName = env.String(envHeaderName, defaultHeaderName)
	if err := cloudfront.ValidateHeaderName(c.headerName); err != nil {
		env.Invalid(envHeaderName, "a header name CloudFront can send to an origin ("+err.Error()+")")
	}
	c.format = env.SecretFormat(envSecretFormat, envSecretJSONKey)
	c.valueLength = env.Int(envValueLength, rotation.DefaultValueLength, rotation.MinValueLength, rotation.MaxValueLength)
	c.pollInterval = env.Duration(envPollInterval, cloudfront.DefaultPollInterval, minPollInterval, envconfig.MaxDuration)
	c.deadlineMargin = env.Duration(envDeadlineMargin, cloudfront.DefaultDeadlineMargin, 0, envconfig.MaxDuration)
	c.settleDelay = env.Duration(envSettleDelay, rotation.DefaultSettleDelay, 0, envconfig.MaxDuration)
	c.updateInterval = env.Duration(envUpdateInterval, 0, 0, 5*time.Minute)
	c.revokePrevious = env.Bool(envRevokePrevious, false)
	c.targets = parseTargets(env, c.headerName, c.valueLength)
	c.telemetry = telemetry.Parse(env)
	return c, env.Err()
}

// parseDistributions reads DISTRIBUTIONS: "E1ABC:api,api-2;E2DEF" selects
// origins api and api-2 of E1ABC, and every origin of E2DEF that already
// carries the header. Spaces around IDs are ignored; empty entries, empty
// origin lists after a colon, and IDs listed twice are errors.
func parseDistributions(raw string) ([]cloudfront.Distribution, error) {
	var out []cloudfront.Distribution
	seen := map[string]bool{}
	for i, entry := range strings.Split(raw, ";") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			return nil, fmt.Errorf(`entry %d is empty: remove the extra ";"`, i+1)
		}
		id, origins, hasOrigins := strings.Cut(entry, ":")
		id = strings.TrimSpace(id)
		if !isDistributionID(id) {
			return nil, fmt.Errorf("entry %d: %q is not a distribution ID (capital letters and digits, like E1A2B3C4D5E6F7)", i+1, id)
		}
		if seen[id] {
			return nil, fmt.Errorf("distribution %s is listed twice", id)
		}
		seen[id] = true
		d := cloudfront.Distribution{ID: id}
		if hasOrigins {
			ids, err := parseOriginIDs(origins)
			if err != nil {
				return nil, fmt.Errorf("distribution %s: %w", id, err)
			}
			d.OriginIDs = ids
		}
		out = append(out, d)
	}
	return out, nil
}

func parseOriginIDs(list string) ([]string, error) {
	if strings.TrimSpace(list) == "" {
		return nil, fmt.Errorf(`no origin IDs after ":" (leave out the colon to select every origin that already carries the header)`)
	}
	var ids []string
	seen := map[string]bool{}
	for _, o := range strings.Split(list, ",") {
		o = strings.TrimSpace(o)
		switch {
		case o == "":
			return nil, fmt.Errorf(`an origin ID is empty: remove the extra ","`)
		case seen[o]:
			return nil, fmt.Errorf("origin %s is listed twice", o)
		}
		seen[o] = true
		ids = append(ids, o)
	}
	return ids, nil
}

// isDistributionID reports whether id looks like a CloudFront distribution
// ID: capital letters and digits.
func isDistributionID(id string) bool {
	if id == "" {
		return false
	}
	for _, c := range id {
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
