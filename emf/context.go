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
		defer func() {
			if err := b.Flush(); err != nil {
				l.onError(err)
			}
			b.Release()
			if !l.background.Empty() {
				if err := l.background.Flush(); err != nil {
					l.onError(err)
				}
			}
		}()
		return h(NewContext(ctx, b), in)
	}
}
