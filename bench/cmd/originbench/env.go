package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/internal/awsproxy"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/motoserver"
)

// headerName is the origin header every benchmark uses.
const headerName = "X-Origin-Verify"

var quiet = slog.New(slog.DiscardHandler)

// env is what the measurements share: one moto_server for the whole run, a
// client that talks to it directly (for set-up, never counted), the module
// root and a scratch directory.
type env struct {
	moto   *motoserver.Server
	sm     *secretsmanager.Client
	root   string
	tmp    string
	python string // interpreter for the baseline, "" when none can import boto3
	seq    int
}

// proxy starts a counting proxy in front of moto, closed with the run.
func (e *env) proxy(opts awsproxy.Options) (*awsproxy.Proxy, error) {
	return awsproxy.Start(e.moto.URL, opts)
}

// awsConfig is an SDK configuration that talks to moto through p.
func (e *env) awsConfig(ctx context.Context, p *awsproxy.Proxy, opts ...func(*config.LoadOptions) error) (aws.Config, error) {
	return e.moto.AWSConfig(ctx, append([]func(*config.LoadOptions) error{config.WithBaseEndpoint(p.URL)}, opts...)...)
}

// name returns a unique resource name.
func (e *env) name(prefix string) string {
	e.seq++
	return fmt.Sprintf("originbench-%s-%d-%s", prefix, e.seq, fixture.NewToken()[:8])
}

// secret is a secret in moto whose AWSCURRENT and AWSPREVIOUS hold distinct
// values, as after one rotation: the steady state between rotations.
type secret struct {
	name, arn         string
	current, previous string
}

func (e *env) newSecret(ctx context.Context) (*secret, error) {
	s := &secret{name: e.name("secret"), current: fixture.RandomValue(), previous: fixture.RandomValue()}
	var err error
	if s.arn, err = fixture.CreateSecret(ctx, e.sm, s.name, jsonSecret(s.previous)); err != nil {
		return nil, err
	}
	_, err = e.sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId: aws.String(s.arn), SecretString: aws.String(jsonSecret(s.current)), VersionStages: []string{"AWSCURRENT"},
	})
	if err != nil {
		return nil, fmt.Errorf("PutSecretValue: %w", err)
	}
	return s, nil
}

func jsonSecret(value string) string { return `{"HEADERVALUE":"` + value + `"}` }

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// findPython returns the real path of an interpreter that can import boto3:
// $BASELINE_PYTHON, else python3 on PATH resolved through any version
// manager's shim (so a cold start does not time the shim), or "".
func findPython(ctx context.Context) string {
	candidates := []string{os.Getenv("BASELINE_PYTHON"), "python3"}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		out, err := exec.CommandContext(ctx, c, "-c", "import sys, boto3; print(sys.executable)").Output() // #nosec G204 G702 -- a Python interpreter the operator chose (BASELINE_PYTHON or PATH), fixed script
		if err == nil {
			if p := strings.TrimSpace(string(out)); filepath.IsAbs(p) {
				return p
			}
		}
	}
	return ""
}

// baselineDir copies bench/authorizer-baseline into a fresh directory, as a
// deployment package, so the interpreter's bytecode cache stays out of the
// checkout. It returns the bootstrap's path.
func (e *env) baselineDir() (string, error) {
	src := filepath.Join(e.root, "bench", "authorizer-baseline")
	dst, err := os.MkdirTemp(e.tmp, "baseline-")
	if err != nil {
		return "", err
	}
	for _, name := range []string{"bootstrap", "runtime.py", "handler.py"} {
		if err := copyFile(filepath.Join(src, name), filepath.Join(dst, name)); err != nil {
			return "", err
		}
	}
	return filepath.Join(dst, "bootstrap"), nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src) // #nosec G304 -- the benchmark's own baseline files
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, st.Mode().Perm()) // #nosec G304 -- a path under the benchmark's temporary directory
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

var errNoPython = errors.New(`no python3 that can import boto3 (set BASELINE_PYTHON; moto's own interpreter has boto3)`)
