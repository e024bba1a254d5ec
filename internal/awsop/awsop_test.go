package awsop_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/originlock/originlock/internal/awsop"
)

func TestIdentify(t *testing.T) {
	cases := []struct {
		method, path, target string
		service              awsop.Service
		op, resource         string
	}{
		{http.MethodPost, "/", "secretsmanager.PutSecretValue", awsop.SecretsManager, "PutSecretValue", ""},
		{http.MethodGet, "/2020-05-31/distribution/E123/config", "", awsop.CloudFront, "GetDistributionConfig", "E123"},
		{http.MethodPut, "/2020-05-31/distribution/E123/config", "", awsop.CloudFront, "UpdateDistribution", "E123"},
		{http.MethodGet, "/2020-05-31/distribution/E123", "", awsop.CloudFront, "GetDistribution", "E123"},
		{http.MethodPost, "/2020-05-31/distribution", "", awsop.CloudFront, "CreateDistribution", ""},
		{http.MethodGet, "/2020-05-31/distribution", "", awsop.CloudFront, "ListDistributions", ""},
		{http.MethodGet, "/moto-api/", "", awsop.Other, "GET /moto-api/", ""},
	}
	for _, tc := range cases {
		r := httptest.NewRequest(tc.method, tc.path, nil)
		if tc.target != "" {
			r.Header.Set("X-Amz-Target", tc.target)
		}
		service, op, resource := awsop.Identify(r)
		if service != tc.service || op != tc.op || resource != tc.resource {
			t.Errorf("%s %s %s: got %s %q %q, want %s %q %q", tc.method, tc.path, tc.target, service, op, resource, tc.service, tc.op, tc.resource)
		}
	}
}

func TestName(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.Header.Set("X-Amz-Target", "secretsmanager.DescribeSecret")
	if got := awsop.Name(r); got != "secretsmanager:DescribeSecret" {
		t.Errorf("Name = %q", got)
	}
}

func TestReportInProgress(t *testing.T) {
	rec := httptest.NewRecorder()
	_, _ = rec.WriteString("<Distribution><Id>E1</Id><Status>Deployed</Status></Distribution>")
	resp := rec.Result()
	if err := awsop.ReportInProgress(resp); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	buf := make([]byte, 100)
	n, _ := resp.Body.Read(buf)
	b.Write(buf[:n])
	if want := "<Distribution><Id>E1</Id><Status>InProgress</Status></Distribution>"; b.String() != want || resp.ContentLength != int64(len(want)) {
		t.Errorf("body %q (length %d), want %q", b.String(), resp.ContentLength, want)
	}
}
