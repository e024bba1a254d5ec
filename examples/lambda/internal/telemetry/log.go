package telemetry

import (
	"context"
	"io"
	"log/slog"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// RequestIDKey is the key of the request ID in every record made with an
// invocation's context, as aws-lambda-go's lambdacontext.NewLogHandler and
// Lambda's own JSON records name it.
const RequestIDKey = "requestId"

// NewLogger returns a logger that writes records at c.Level and above to w
// (os.Stderr in a function), as JSON or text as c says, with the keys
// Lambda's JSON format uses (timestamp, level, message) and the
// invocation's request ID under RequestIDKey when the record is made with
// its context (InfoContext, LogAttrs). It is lambdacontext.NewLogHandler
// with a writer, LOG_LEVEL as the fallback, and JSON by default.
func NewLogger(w io.Writer, c Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.Level, ReplaceAttr: replaceAttr}
	var h slog.Handler
	if c.JSON {
		h = slog.NewJSONHandler(w, opts)
	} else {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(requestIDHandler{h})
}

func replaceAttr(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.LevelKey {
		if l, ok := a.Value.Any().(slog.Level); ok {
			return slog.String(slog.LevelKey, levelName(l))
		}
	}
	return lambdacontext.ReplaceAttr(groups, a)
}

// requestIDHandler adds the request ID of the invocation a record's context
// belongs to.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		r.AddAttrs(slog.String(RequestIDKey, lc.AwsRequestID))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}
