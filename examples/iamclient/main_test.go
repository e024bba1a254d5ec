package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// TestSigningTransportSigns checks what API Gateway's AWS_IAM authorization
// reads: a SigV4 Authorization header for execute-api in the region, the
// date, the session token, and the body passed on unchanged.
func TestSigningTransportSigns(t *testing.T) {
	var got *http.Request
	var gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
	}))
	defer srv.Close()

	client := &http.Client{Transport: &SigningTransport{
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "test-secret", "test-session"),
		Region:      "eu-west-1",
		Base:        http.DefaultTransport,
		Now:         func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	}}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL+"/prod/internal/orders", strings.NewReader(`{"id":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	auth := got.Header.Get("Authorization")
	if want := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/eu-west-1/execute-api/aws4_request"; !strings.HasPrefix(auth, want) {
		t.Errorf("Authorization = %q, want prefix %q", auth, want)
	}
	if !strings.Contains(auth, "Signature=") {
		t.Errorf("Authorization %q has no signature", auth)
	}
	if got.Header.Get("X-Amz-Date") != "20260102T030405Z" || got.Header.Get("X-Amz-Security-Token") != "test-session" {
		t.Errorf("X-Amz-Date %q, X-Amz-Security-Token %q; want the signing time and the session token", got.Header.Get("X-Amz-Date"), got.Header.Get("X-Amz-Security-Token"))
	}
	if gotBody != `{"id":1}` {
		t.Errorf("body = %q, want it unchanged", gotBody)
	}
	if strings.Contains(auth, "test-secret") {
		t.Error("the secret key appears in the request")
	}
}

// TestSigningTransportCredentialError checks that a request is not sent
// unsigned when credentials fail.
func TestSigningTransportCredentialError(t *testing.T) {
	sent := false
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { sent = true }))
	defer srv.Close()
	client := &http.Client{Transport: &SigningTransport{
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{}, io.ErrUnexpectedEOF
		}),
		Region: "eu-west-1",
		Base:   http.DefaultTransport,
	}}
	if _, err := client.Get(srv.URL); err == nil || !strings.Contains(err.Error(), "iamclient: credentials") {
		t.Errorf("err = %v, want the credentials error", err)
	}
	if sent {
		t.Error("an unsigned request was sent")
	}
}
