package rotationtest

type scenario struct {
	name string
	run  func(r *run)
}

var scenarios = []scenario{
	{"config only before any rotation", func(r *run) {
		before := r.b.Uses(r.t)
		if err := r.testErr(true); err != nil {
			r.t.Fatalf("configuration test failed: %s", r.redact(err.Error()))
		}
		if after := r.b.Uses(r.t); !sameSet(before, after) {
			r.t.Errorf("configuration test changed what the system uses: %s, then %s", r.namer()(before), r.namer()(after))
		}
		r.check("after a configuration test")
	}},
	{"two rotations", func(r *run) {
		r.rotate()
		r.rotate()
	}},
	{"every method twice", func(r *run) {
		for range 2 {
			r.begin()
			r.set()
			r.set()
			r.test()
			r.test()
			r.finish()
			r.finish()
		}
	}},
	{"crash after every call", func(r *run) {
		r.crashes = true
		r.rotate()
		r.rotate()
		r.rotate()
	}},
	{"out of order retries", func(r *run) {
		r.begin()
		if err := r.testErr(false); err == nil {
			r.t.Error("TestSecret before SetSecret succeeded, want an error: the pending value is not in effect")
		}
		r.check("after TestSecret before SetSecret")
		r.set()
		r.test()
		r.set() // a retried rotation runs setSecret again after testSecret
		r.test()
		r.finish()
		if err := r.testErr(true); err != nil {
			r.t.Errorf("configuration test after a rotation failed: %s", r.redact(err.Error()))
		}
		r.check("after a configuration test")
		r.finish()
		r.rotate()
	}},
	{"abandoned rotation", func(r *run) {
		// A rotation that set its value and never finished; Secrets Manager
		// then starts the next one from the same AWSCURRENT.
		r.begin()
		r.set()
		r.test()
		r.rotate()
		r.rotate()
	}},
}

func sameSet(a, b []string) bool {
	in := func(xs []string, v string) bool {
		for _, x := range xs {
			if x == v {
				return true
			}
		}
		return false
	}
	for _, v := range a {
		if !in(b, v) {
			return false
		}
	}
	for _, v := range b {
		if !in(a, v) {
			return false
		}
	}
	return true
}
