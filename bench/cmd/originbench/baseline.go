package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/internal/awsproxy"
)

// pyMicro is the baseline handler timed in-process.
type pyMicro struct {
	N        int     `json:"n"`
	MeanUs   float64 `json:"mean_us"`
	MedianUs float64 `json:"median_us"`
	calls    awsproxy.Counts
}

// pythonMicro runs bench/authorizer-baseline/microbench.py: n calls of the
// baseline's handler in one Python process, against moto through a proxy.
func (e *env) pythonMicro(ctx context.Context, s *secret, n int) (pyMicro, error) {
	var r pyMicro
	if e.python == "" {
		return r, errNoPython
	}
	boot, err := e.baselineDir()
	if err != nil {
		return r, err
	}
	p, err := e.proxy(awsproxy.Options{})
	if err != nil {
		return r, err
	}
	defer p.Close()
	cmd := exec.CommandContext(ctx, e.python, "microbench.py", strconv.Itoa(n)) // #nosec G204 -- the benchmark's own script under the chosen interpreter
	cmd.Dir = filepath.Dir(boot)
	cmd.Env = e.functionEnv(function{env: []string{"SECRET_ID=" + s.name}}, p)
	if err := copyFile(filepath.Join(e.root, "bench", "authorizer-baseline", "microbench.py"), filepath.Join(cmd.Dir, "microbench.py")); err != nil {
		return r, err
	}
	cmd.Stdin = bytes.NewReader(requestEvent(s.current))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return r, fmt.Errorf("baseline microbench: %w\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return r, fmt.Errorf("baseline microbench printed %q: %w", out, err)
	}
	r.calls = p.Counts()
	return r, nil
}

// pythonDepsSize is the installed size of boto3 and botocore, which the
// baseline needs (Lambda's Python runtimes provide them outside the zip).
func (e *env) pythonDepsSize(ctx context.Context) (int64, error) {
	if e.python == "" {
		return 0, errNoPython
	}
	script := `import os, boto3, botocore
n = 0
for m in (boto3, botocore):
    for d, _, fs in os.walk(os.path.dirname(m.__file__)):
        n += sum(os.path.getsize(os.path.join(d, f)) for f in fs)
print(n)`
	out, err := exec.CommandContext(ctx, e.python, "-c", script).Output() // #nosec G204 -- the benchmark's own script under the chosen interpreter
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
}

// inProcess is the Verifier's throughput in one goroutine, without a Lambda
// runtime, with the real clock, over moto.
type inProcess struct {
	ops     int
	elapsed time.Duration
	calls   awsproxy.Counts
}

func (e *env) inProcessThroughput(ctx context.Context, s *secret, d time.Duration) (inProcess, error) {
	var r inProcess
	p, err := e.proxy(awsproxy.Options{})
	if err != nil {
		return r, err
	}
	defer p.Close()
	cfg, err := e.awsConfig(ctx, p)
	if err != nil {
		return r, err
	}
	v, err := authorizer.NewVerifier(secretsmanager.NewFromConfig(cfg), s.arn, authorizer.WithLogger(quiet))
	if err != nil {
		return r, err
	}
	if err := v.Load(ctx); err != nil {
		return r, err
	}
	before := p.Counts()
	start := time.Now()
	for time.Since(start) < d {
		for range 1000 {
			if dec, err := v.Verify(ctx, s.current); err != nil || !dec.Allowed() {
				return r, fmt.Errorf("in-process Verify of AWSCURRENT: %v, %v", dec, err)
			}
		}
		r.ops += 1000
	}
	r.elapsed = time.Since(start)
	r.calls = p.Counts().Sub(before)
	return r, nil
}
