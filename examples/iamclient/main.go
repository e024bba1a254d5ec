// Command iamclient calls an originlock-protected API the way an internal
// service does: directly on its execute-api URL, skipping CloudFront, on the
// AWS_IAM route group (the Terraform module's internal_path, e.g.
// /internal/*), with the request signed by AWS Signature Version 4 for the
// execute-api service. The caller's role needs execute-api:Invoke on those
// routes; the origin header is neither needed nor sent.
//
//	go run ./examples/iamclient -region eu-west-1 \
//	    https://abc123.execute-api.eu-west-1.amazonaws.com/prod/internal/orders
//
// Credentials come from the usual chain (environment, shared config, the
// Lambda, ECS or EC2 role).
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
)

func main() {
	region := flag.String("region", "", "Region of the API (default: the SDK's configured region)")
	method := flag.String("method", http.MethodGet, "HTTP method")
	body := flag.String("data", "", "request body")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: iamclient [-region R] [-method M] [-data BODY] URL")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, *region, *method, flag.Arg(0), *body); err != nil {
		fmt.Fprintln(os.Stderr, "iamclient:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, region, method, url, body string) error {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	if region == "" {
		region = cfg.Region
	}
	client := &http.Client{Transport: &SigningTransport{
		Credentials: cfg.Credentials,
		Region:      region,
		Base:        http.DefaultTransport,
	}}
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader([]byte(body)))
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	fmt.Fprintln(os.Stderr, resp.Status)
	_, err = io.Copy(os.Stdout, resp.Body)
	return err
}

// SigningTransport signs every request with SigV4 for execute-api before
// sending it with Base. Safe for concurrent use if Base and Credentials are.
type SigningTransport struct {
	Credentials aws.CredentialsProvider
	Region      string
	Base        http.RoundTripper
	// Now is the signing time; nil means time.Now.
	Now func() time.Time
}

// RoundTrip signs a copy of req (reading its body to hash it) and sends it.
func (t *SigningTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	creds, err := t.Credentials.Retrieve(req.Context())
	if err != nil {
		return nil, fmt.Errorf("iamclient: credentials: %w", err)
	}
	var payload []byte
	if req.Body != nil {
		payload, err = io.ReadAll(req.Body)
		if cerr := req.Body.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("iamclient: read body: %w", err)
		}
	}
	signed := req.Clone(req.Context())
	signed.Body = io.NopCloser(bytes.NewReader(payload))
	signed.ContentLength = int64(len(payload))
	sum := sha256.Sum256(payload)
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	if err := v4.NewSigner().SignHTTP(req.Context(), creds, signed, hex.EncodeToString(sum[:]), "execute-api", t.Region, now()); err != nil {
		return nil, fmt.Errorf("iamclient: sign: %w", err)
	}
	return t.Base.RoundTrip(signed)
}
