package cfdouble

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/smithy-go/middleware"
)

// Declaration is the XML declaration CloudFront starts its documents with.
const Declaration = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// Start serves the double on a local httptest server, closed when tb ends,
// and returns a CloudFront client pointed at it. The client makes one attempt
// per call (RetryMaxAttempts 1) unless optFns say otherwise, so that each
// injected fault reaches the caller.
func (s *Server) Start(tb testing.TB, optFns ...func(*cloudfront.Options)) *cloudfront.Client {
	tb.Helper()
	srv := httptest.NewServer(s)
	tb.Cleanup(srv.Close)
	return NewClient(srv.URL, srv.Client(), optFns...)
}

// NewClient returns a CloudFront client for the double served at url.
func NewClient(url string, hc cloudfront.HTTPClient, optFns ...func(*cloudfront.Options)) *cloudfront.Client {
	return cloudfront.New(cloudfront.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(url),
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:       hc,
		RetryMaxAttempts: 1,
	}, optFns...)
}

// Client returns a CloudFront client whose requests the double answers in
// process, without a socket: for simulations that make many calls and have
// no testing.TB. A LostResponse or Hang fault reaches it as a connection
// error. Like Start's client it makes one attempt per call unless optFns say
// otherwise.
func (s *Server) Client(optFns ...func(*cloudfront.Options)) *cloudfront.Client {
	return NewClient("http://cfdouble.invalid", doer(s.roundTrip), optFns...)
}

var errConnectionLost = errors.New("cfdouble: connection closed before the response (injected)")

func (s *Server) roundTrip(r *http.Request) (resp *http.Response, err error) {
	rec := httptest.NewRecorder()
	defer func() {
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler { //nolint:errorlint // panics carry the sentinel itself
				panic(v)
			}
			resp, err = nil, errConnectionLost
		}
	}()
	if r.Body == nil {
		r.Body = http.NoBody // a client request may have none; a server request always has one
	}
	s.ServeHTTP(rec, r)
	resp = rec.Result()
	resp.Request = r
	return resp, nil
}

// PutConfig stores cfg as distribution id's config, serialized by the SDK
// as CloudFront would send it.
func (s *Server) PutConfig(id string, cfg *types.DistributionConfig) error {
	raw, err := Marshal(cfg)
	if err != nil {
		return err
	}
	return s.Put(id, raw)
}

// Config returns distribution id's stored config as the SDK reads it.
func (s *Server) Config(id string) (*types.DistributionConfig, error) {
	return Unmarshal(s.Raw(id))
}

// doer is an SDK HTTP client that never leaves the process.
type doer func(*http.Request) (*http.Response, error)

func (f doer) Do(r *http.Request) (*http.Response, error) { return f(r) }

func offline(f doer) *cloudfront.Client {
	return cloudfront.New(cloudfront.Options{
		Region: "us-east-1", BaseEndpoint: aws.String("http://cfdouble.invalid"),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:  f, Retryer: aws.NopRetryer{},
	})
}

func ok(r *http.Request, body []byte) *http.Response {
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Etag": {"E1"}}, Body: io.NopCloser(bytes.NewReader(body)), Request: r}
}

// Marshal returns cfg as the SDK serializes it for UpdateDistribution,
// preceded by Declaration, as GetDistributionConfig returns it. It does not
// check that cfg has CloudFront's required fields.
func Marshal(cfg *types.DistributionConfig) ([]byte, error) {
	var body []byte
	c := offline(func(r *http.Request) (*http.Response, error) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		body = b
		return ok(r, []byte(`<Distribution xmlns="`+Namespace+`"></Distribution>`)), nil
	})
	noValidation := func(o *cloudfront.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			_, err := s.Initialize.Remove("OperationInputValidation")
			return err
		})
	}
	_, err := c.UpdateDistribution(context.Background(), &cloudfront.UpdateDistributionInput{Id: aws.String("E0"), IfMatch: aws.String("E1"), DistributionConfig: cfg}, noValidation)
	if err != nil {
		return nil, fmt.Errorf("cfdouble: serialize: %w", err)
	}
	return append([]byte(Declaration), body...), nil
}

// Unmarshal returns the SDK's typed view of a config document.
func Unmarshal(raw []byte) (*types.DistributionConfig, error) {
	c := offline(func(r *http.Request) (*http.Response, error) { return ok(r, raw), nil })
	out, err := c.GetDistributionConfig(context.Background(), &cloudfront.GetDistributionConfigInput{Id: aws.String("E0")})
	if err != nil {
		return nil, fmt.Errorf("cfdouble: deserialize: %w", err)
	}
	return out.DistributionConfig, nil
}
