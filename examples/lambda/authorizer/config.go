package main

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/emf"
	"github.com/originlock/originlock/examples/lambda/internal/telemetry"
	"github.com/originlock/originlock/internal/envconfig"
	"github.com/originlock/originlock/internal/headername"
	"github.com/originlock/originlock/internal/secretvalue"
)

// The environment variables of examples/lambda/README.md.
const (
	envSecretID        = "SECRET_ID"
	envAuthorizerType  = "AUTHORIZER_TYPE"
	envHeaderName      = "HEADER_NAME"
	envCacheTTL        = "CACHE_TTL"
	envRefreshCooldown = "REFRESH_COOLDOWN"
	envPreviousGrace   = "PREVIOUS_GRACE"
	envMaxStaleness    = "MAX_STALENESS"
	envSettleDelay     = "SETTLE_DELAY"
	envSecretFormat    = "SECRET_FORMAT"
	envSecretJSONKey   = "SECRET_JSON_KEY"
	// Logging and metrics: see package telemetry.
)

// Authorizer types: the API Gateway integration the function serves.
const (
	typeRESTRequest = "rest-request"
	typeRESTToken   = "rest-token"
	typeHTTPSimple  = "http-simple"
	typeHTTPIAM     = "http-iam"
)

const defaultHeaderName = "X-Origin-Verify"

// config is the function's configuration.
type config struct {
	secretID        string
	authorizerType  string
	headerName      string
	cacheTTL        time.Duration
	refreshCooldown time.Duration
	previousGrace   time.Duration
	maxStaleness    time.Duration
	settleDelay     time.Duration
	format          secretvalue.Format
	telemetry       telemetry.Config
}

// parseConfig reads the configuration through lookup (os.LookupEnv). The
// error lists every missing or invalid variable; the returned config then
// still holds a usable log level and format.
func parseConfig(lookup func(string) (string, bool)) (config, error) {
	env := envconfig.New(lookup)
	var c config
	c.secretID = env.Required(envSecretID)
	c.authorizerType = env.Enum(envAuthorizerType, typeRESTRequest, typeRESTRequest, typeRESTToken, typeHTTPSimple, typeHTTPIAM)
	if c.authorizerType == typeRESTToken {
		// The token source names the header in API Gateway; the function
		// receives only the value.
		if env.String(envHeaderName, "") != "" {
			env.Invalid(envHeaderName, "no value with AUTHORIZER_TYPE=rest-token (the token source names the header)")
		}
	} else {
		c.headerName = env.String(envHeaderName, defaultHeaderName)
		if err := headername.Check(c.headerName); err != nil {
			env.Invalid(envHeaderName, "a header name CloudFront can send to an origin ("+err.Error()+")")
		}
	}
	c.cacheTTL = env.Duration(envCacheTTL, authorizer.DefaultCacheTTL, time.Second, 24*time.Hour)
	c.refreshCooldown = env.Duration(envRefreshCooldown, authorizer.DefaultRefreshCooldown, 0, time.Hour)
	c.previousGrace = env.Duration(envPreviousGrace, authorizer.DefaultPreviousGrace, 0, 24*time.Hour)
	c.maxStaleness = env.Duration(envMaxStaleness, authorizer.DefaultMaxStaleness, time.Minute, 7*24*time.Hour)
	c.settleDelay = env.Duration(envSettleDelay, authorizer.DefaultSettleDelay, 0, time.Hour)
	if c.settleDelay > 0 && c.refreshCooldown+authorizer.DefaultReadTimeout+authorizer.ConsistencyMargin >= c.settleDelay {
		env.Invalid(envSettleDelay, fmt.Sprintf("more than REFRESH_COOLDOWN (%v) + %v (read timeout and consistency margin): the rotation function's SETTLE_DELAY, raised if needed, or 0 to assume none",
			c.refreshCooldown, authorizer.DefaultReadTimeout+authorizer.ConsistencyMargin))
	}
	c.format = env.SecretFormat(envSecretFormat, envSecretJSONKey)
	c.telemetry = telemetry.Parse(env)
	return c, env.Err()
}

// options turns the configuration into Verifier options.
func (c config) options(logger *slog.Logger, metrics *emf.Logger) []authorizer.Option {
	opts := []authorizer.Option{
		authorizer.WithCacheTTL(c.cacheTTL),
		authorizer.WithRefreshCooldown(c.refreshCooldown),
		authorizer.WithPreviousGrace(c.previousGrace),
		authorizer.WithMaxStaleness(c.maxStaleness),
		authorizer.WithSettleDelay(c.settleDelay),
		authorizer.WithLogger(logger),
	}
	if metrics != nil {
		opts = append(opts, authorizer.WithObserver(observer{metrics}))
	}
	if c.format.IsPlain() {
		return append(opts, authorizer.WithPlainValue())
	}
	return append(opts, authorizer.WithJSONKey(c.format.Key()))
}
