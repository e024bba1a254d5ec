package emf

import "context"

type batchKey struct{}

// NewContext returns a copy of ctx that carries b, for code that records
// metrics of the unit of work ctx belongs to.
func NewContext(ctx context.Context, b *Batch) context.Context {
	return context.WithValue(ctx, batchKey{}, b)
}

// FromContext returns the Batch ctx carries, or nil.
func FromContext(ctx context.Context) *Batch {
	b, _ := ctx.Value(batchKey{}).(*Batch)
	return b
}

// For returns the Batch ctx carries, or the Logger's Background batch.
func (l *Logger) For(ctx context.Context) *Batch {
	if b := FromContext(ctx); b != nil && b.l == l {
		return b
	}
	return l.background
}

// Wrap returns a Lambda handler that runs h with a new Batch in its context
// and flushes it when h returns, whatever h returns: one set of documents
// per invocation. It then flushes the Background batch if anything was
// recorded there. Flush errors go to the Logger's error handler.
func Wrap[In, Out any](l *Logger, h func(context.Context, In) (Out, error)) func(context.Context, In) (Out, error) {
	return func(ctx context.Context, in In) (Out, error) {
		b := l.NewBatch()
		defer l.end(b)
		return h(NewContext(ctx, b), in)
	}
}

// Invoker is aws-lambda-go's lambda.Handler: what lambda.NewHandler returns
// and lambda.Start accepts.
type Invoker interface {
	Invoke(ctx context.Context, payload []byte) ([]byte, error)
}

// WrapInvoker is Wrap for an Invoker (lambda.NewHandler(h)). Its type is
// the same whatever h's event and response types, so a function that picks
// one of several handlers at run time links one wrapper, not one per
// handler type as Wrap's instances would be.
func (l *Logger) WrapInvoker(h Invoker) Invoker { return invoker{l, h} }

type invoker struct {
	l *Logger
	h Invoker
}

func (i invoker) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	b := i.l.NewBatch()
	defer i.l.end(b)
	return i.h.Invoke(NewContext(ctx, b), payload)
}

// end flushes and releases an invocation's batch, then the Background
// batch if it holds anything.
func (l *Logger) end(b *Batch) {
	if err := b.Flush(); err != nil {
		l.onError(err)
	}
	b.Release()
	if !l.background.Empty() {
		if err := l.background.Flush(); err != nil {
			l.onError(err)
		}
	}
}
