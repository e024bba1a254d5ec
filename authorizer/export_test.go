package authorizer

// WithHookBeforeMiss runs f when a Verify that matched nothing is about to
// take the refresh-on-miss lock, so that a test can order other requests
// around that moment without sleeping.
func WithHookBeforeMiss(f func()) Option {
	return func(o *options) { o.hookBeforeMiss = f }
}
