package cfdouble

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The double checks every request's SigV4 signature against the credentials
// its clients use (test/test), over the body it received: proof that a body
// replaced in the SDK's middleware stack is still the one signed.

var testCredentials = aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}

// checkSignature recomputes r's signature, with only the headers it signed,
// over body, and compares it with the one r carries.
func checkSignature(r *http.Request, body []byte) error {
	auth := r.Header.Get("Authorization")
	signed, sig := authField(auth, "SignedHeaders="), authField(auth, "Signature=")
	if signed == "" || sig == "" {
		return errors.New("no SigV4 Authorization header")
	}
	at, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return errors.New("no X-Amz-Date header")
	}
	host := r.Host
	if host == "" { // a client request, from the in-process transport
		host = r.URL.Host
	}
	// A copy to sign, never sent.
	u := *r.URL
	u.Scheme, u.Host = "http", host
	req := &http.Request{Method: r.Method, URL: &u, Host: host, Header: http.Header{},
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
	for _, h := range strings.Split(signed, ";") {
		if h != "host" && h != "content-length" {
			req.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
		}
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), testCredentials, req, hex.EncodeToString(sum[:]), "cloudfront", "us-east-1", at); err != nil {
		return err
	}
	if authField(req.Header.Get("Authorization"), "Signature=") != sig {
		return errors.New("the signature does not match the request received")
	}
	return nil
}

// authField returns the value of key (with its "=") in an Authorization
// header's comma-separated list.
func authField(auth, key string) string {
	for _, part := range strings.Split(auth, ",") {
		part = strings.TrimSpace(part)
		if i := strings.Index(part, key); i >= 0 {
			return part[i+len(key):]
		}
	}
	return ""
}
