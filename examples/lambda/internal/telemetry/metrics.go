package telemetry

import (
	"io"
	"log/slog"
	"time"

	"github.com/originlock/originlock/emf"
)

// NewMetrics returns the emf.Logger of c, writing to w (os.Stdout in a
// function), or nil when c.Metrics is off. Every metric has the
// FunctionName dimension. When Lambda filters the output by a level above
// INFO, documents carry that level, or Lambda would drop them as INFO
// records. Errors of a flush (a metric left out) are logged as warnings.
func NewMetrics(w io.Writer, c Config, logger *slog.Logger) (*emf.Logger, error) {
	if !c.Metrics {
		return nil, nil
	}
	opts := []emf.Option{
		emf.WithDimensions(emf.Dimension{Name: "FunctionName", Value: c.FunctionName}),
		emf.WithErrorHandler(func(err error) { logger.Warn("metrics: left out", "error", err.Error()) }),
	}
	if c.LambdaLevel && c.Level > slog.LevelInfo {
		opts = append(opts, emf.WithProperty("level", levelName(c.Level)))
	}
	return emf.New(w, c.Namespace, opts...)
}

// Word returns s if it is a short word (1 to 32 letters, digits or _), and
// "other" if not. The adapters pass every dimension value the library's
// events give through it, so that no value, version ID or token can become a
// metric dimension even through a bug: those are longer.
func Word(s string) string {
	if s == "" || len(s) > 32 {
		return "other"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return "other"
		}
	}
	return s
}

// Milliseconds is d in milliseconds, to the microsecond.
func Milliseconds(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Flag is 1 if b, else 0: a failure count that is 0 on success, so that an
// alarm on it sees data.
func Flag(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
