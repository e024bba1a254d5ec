package telemetry

import (
	"io"
	"log/slog"

	"github.com/originlock/originlock/emf"
	"github.com/originlock/originlock/internal/envconfig"
)

// The variables of examples/lambda/README.md this package reads.
const (
	EnvLambdaLogFormat  = "AWS_LAMBDA_LOG_FORMAT"
	EnvLambdaLogLevel   = "AWS_LAMBDA_LOG_LEVEL"
	EnvLogLevel         = "LOG_LEVEL"
	EnvMetrics          = "METRICS"
	EnvMetricsNamespace = "METRICS_NAMESPACE"
	EnvFunctionName     = "AWS_LAMBDA_FUNCTION_NAME"
)

// DefaultNamespace is the metrics' CloudWatch namespace unless
// METRICS_NAMESPACE says otherwise.
const DefaultNamespace = "Originlock"

// Levels of Lambda's application log level filter that slog lacks.
const (
	LevelTrace = slog.LevelDebug - 4
	LevelFatal = slog.LevelError + 4
)

// Config is the functions' logging and metrics configuration.
type Config struct {
	// JSON is the log format: JSON records (the default) or slog's text.
	JSON  bool
	Level slog.Level
	// LambdaLevel reports that Level comes from AWS_LAMBDA_LOG_LEVEL, so
	// that Lambda filters the function's output by it.
	LambdaLevel  bool
	Metrics      bool
	Namespace    string
	FunctionName string
}

// Parse reads the configuration from env, recording every bad variable
// there. On error the returned Config still holds a usable log level and
// format.
func Parse(env *envconfig.Env) Config {
	c := Config{Level: slog.LevelInfo}
	c.JSON = env.Enum(EnvLambdaLogFormat, "JSON", "JSON", "Text") == "JSON"
	lambdaLevels := map[string]slog.Level{"TRACE": LevelTrace, "DEBUG": slog.LevelDebug, "INFO": slog.LevelInfo, "WARN": slog.LevelWarn, "ERROR": slog.LevelError, "FATAL": LevelFatal}
	if v := env.Enum(EnvLambdaLogLevel, "", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"); v != "" {
		c.Level, c.LambdaLevel = lambdaLevels[v], true
		// LOG_LEVEL is still checked, so that a typo does not wait for the
		// day the advanced logging controls are turned off.
		env.LogLevel(EnvLogLevel, slog.LevelInfo)
	} else {
		c.Level = env.LogLevel(EnvLogLevel, slog.LevelInfo)
	}
	c.Metrics = env.Enum(EnvMetrics, "on", "on", "off") == "on"
	c.Namespace = env.String(EnvMetricsNamespace, DefaultNamespace)
	if _, err := emf.New(io.Discard, c.Namespace); err != nil {
		env.Invalid(EnvMetricsNamespace, "a CloudWatch namespace: 1 to 255 letters, digits, . - _ / # : or spaces, not starting with AWS/")
	}
	if c.Metrics {
		c.FunctionName = env.String(EnvFunctionName, "")
		if c.FunctionName == "" {
			env.Invalid(EnvFunctionName, "the function's name, which Lambda sets (the metrics' FunctionName dimension; set METRICS=off to run without metrics)")
		}
	}
	return c
}

// levelName names a level as Lambda's log-level filter reads it.
func levelName(l slog.Level) string {
	switch {
	case l < slog.LevelDebug:
		return "TRACE"
	case l > slog.LevelError:
		return "FATAL"
	}
	return l.String()
}
