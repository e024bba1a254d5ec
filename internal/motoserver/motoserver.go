// Package motoserver starts moto_server, the AWS emulator from the moto
// project, on loopback for integration tests and the local demo, and points
// AWS SDK clients at it. Each Server is its own process with its own state.
package motoserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/originlock/originlock/internal/tailbuffer"
)

// Region and account moto answers for.
const (
	Region    = "us-east-1"
	AccountID = "123456789012"
)

// InstallHint says how to get moto_server on a machine that lacks it.
const InstallHint = `moto_server not found on PATH: install it with pip install "moto[server]>=5.2,<6" (Python 3.9+), or run "go test -short ./..." to skip integration tests`

// ErrNotInstalled reports that moto_server is not on PATH.
var ErrNotInstalled = errors.New(InstallHint)

const startTimeout = 60 * time.Second

// Server is a running moto_server.
type Server struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:40487.
	URL string

	cmd    *exec.Cmd
	output *tailbuffer.Buffer
	exited chan struct{}
	once   sync.Once
}

// Start launches moto_server on 127.0.0.1 with a port the kernel picks, and
// returns once it answers HTTP. env adds variables to its environment (for
// example MOTO_IAM_LOAD_MANAGED_POLICIES=true). Close stops it.
func Start(ctx context.Context, env ...string) (*Server, error) {
	path, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, ErrNotInstalled
	}
	cmd := exec.Command(path, "-H", "127.0.0.1", "-p", "0") // #nosec G204 -- moto_server from PATH, fixed arguments: test support
	cmd.Env = append(os.Environ(), env...)
	configureProcess(cmd)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	out := tailbuffer.New(16 << 10)
	cmd.Stdout = out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("motoserver: start %s: %w", path, err)
	}
	s := &Server{cmd: cmd, output: out, exited: make(chan struct{})}

	urls := make(chan string, 1)
	go s.scan(stderr, urls)
	go func() { _ = cmd.Wait(); close(s.exited) }()

	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	select {
	case s.URL = <-urls:
	case <-s.exited:
		return nil, fmt.Errorf("motoserver: moto_server exited before listening:\n%s", s.Output())
	case <-ctx.Done():
		s.Close()
		return nil, fmt.Errorf("motoserver: moto_server did not report its address: %w\n%s", ctx.Err(), s.Output())
	}
	if err := s.waitReady(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

var listening = regexp.MustCompile(`Running on (http://127\.0\.0\.1:\d+)`)

// scan copies moto's log into the tail buffer and reports the address line.
func (s *Server) scan(r io.Reader, urls chan<- string) {
	sc := bufio.NewScanner(r)
	sent := false
	for sc.Scan() {
		line := sc.Text()
		_, _ = s.output.Write([]byte(line + "\n"))
		if m := listening.FindStringSubmatch(line); m != nil && !sent {
			urls <- m[1]
			sent = true
		}
	}
}

func (s *Server) waitReady(ctx context.Context) error {
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/moto-api/", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("motoserver: %s did not answer: %w\n%s", s.URL, ctx.Err(), s.Output())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Close stops the server and waits for it to exit. It is safe to call twice.
func (s *Server) Close() {
	s.once.Do(func() {
		stopProcess(s.cmd)
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	})
}

// Output returns the last lines moto_server logged, for failure messages.
func (s *Server) Output() string { return strings.TrimSpace(s.output.String()) }

// Environ returns the environment variables that point an AWS SDK or the AWS
// CLI at this server: AWS_ENDPOINT_URL, test credentials and the region.
func (s *Server) Environ() []string {
	return []string{
		"AWS_ENDPOINT_URL=" + s.URL,
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_SESSION_TOKEN=",
		"AWS_REGION=" + Region,
		"AWS_DEFAULT_REGION=" + Region,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PROFILE=",
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
	}
}

// AWSConfig returns an SDK configuration that talks to this server with test
// credentials, whatever the process environment says.
func (s *Server) AWSConfig(ctx context.Context, optFns ...func(*config.LoadOptions) error) (aws.Config, error) {
	opts := append([]func(*config.LoadOptions) error{
		config.WithRegion(Region),
		config.WithBaseEndpoint(s.URL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")),
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
		config.WithEC2IMDSClientEnableState(imds.ClientDisabled),
	}, optFns...)
	return config.LoadDefaultConfig(ctx, opts...)
}

// Reset wipes every resource in the server.
func (s *Server) Reset(ctx context.Context) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/moto-api/reset", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("motoserver: reset: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("motoserver: reset: %s", resp.Status)
	}
	return nil
}
