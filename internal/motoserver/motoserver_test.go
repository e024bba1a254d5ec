package motoserver

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

func TestStartMissingBinary(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Start(context.Background())
	if !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("got %v, want ErrNotInstalled", err)
	}
	if !strings.Contains(err.Error(), "pip install") || !strings.Contains(err.Error(), "-short") {
		t.Errorf("error %q should say how to install moto_server and how to skip", err)
	}
}

func TestServerLifecycle(t *testing.T) {
	s := ForTest(t)
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Fatalf("URL = %q, want loopback", s.URL)
	}
	sm := secretsmanager.NewFromConfig(s.AWSConfigForTest(t))
	if _, err := sm.CreateSecret(t.Context(), &secretsmanager.CreateSecretInput{Name: aws.String("probe"), SecretString: aws.String("x")}); err != nil {
		t.Fatalf("CreateSecret against moto: %v", err)
	}
	if err := s.Reset(t.Context()); err != nil {
		t.Fatal(err)
	}
	out, err := sm.ListSecrets(t.Context(), &secretsmanager.ListSecretsInput{})
	if err != nil || len(out.SecretList) != 0 {
		t.Fatalf("after Reset: %d secrets, %v; want none", len(out.SecretList), err)
	}
	for _, kv := range s.Environ() {
		if strings.HasPrefix(kv, "AWS_ENDPOINT_URL=") && kv != "AWS_ENDPOINT_URL="+s.URL {
			t.Errorf("Environ has %q, want the server URL", kv)
		}
	}
	s.Close()
	s.Close() // twice is fine
	if resp, err := http.Get(s.URL + "/moto-api/"); err == nil {
		resp.Body.Close()
		t.Error("the server still answers after Close")
	}
}
