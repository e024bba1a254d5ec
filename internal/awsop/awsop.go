// Package awsop names the AWS operation an HTTP request to Secrets Manager or
// CloudFront makes, and rewrites CloudFront responses, for the proxies that
// tests, the demo and the benchmarks put in front of moto_server.
package awsop

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Service is the AWS service a request goes to.
type Service string

// Services the proxies tell apart.
const (
	SecretsManager Service = "secretsmanager"
	CloudFront     Service = "cloudfront"
	Other          Service = "other"
)

var (
	distConfigPath = regexp.MustCompile(`^/2020-05-31/distribution/([^/]+)/config$`)
	distPath       = regexp.MustCompile(`^/2020-05-31/distribution/([^/]+)$`)
	distsPath      = regexp.MustCompile(`^/2020-05-31/distribution/?$`)
)

// Identify names the AWS operation of an HTTP request: Secrets Manager by its
// X-Amz-Target header (JSON protocol), CloudFront by method and path
// (REST-XML protocol). resource is the distribution ID of a CloudFront call
// on one distribution, or "".
func Identify(r *http.Request) (service Service, operation, resource string) {
	if t := r.Header.Get("X-Amz-Target"); strings.HasPrefix(t, "secretsmanager.") {
		return SecretsManager, strings.TrimPrefix(t, "secretsmanager."), ""
	}
	path := r.URL.Path
	if m := distConfigPath.FindStringSubmatch(path); m != nil {
		switch r.Method {
		case http.MethodGet:
			return CloudFront, "GetDistributionConfig", m[1]
		case http.MethodPut:
			return CloudFront, "UpdateDistribution", m[1]
		}
	}
	if m := distPath.FindStringSubmatch(path); m != nil {
		switch r.Method {
		case http.MethodGet:
			return CloudFront, "GetDistribution", m[1]
		case http.MethodDelete:
			return CloudFront, "DeleteDistribution", m[1]
		}
	}
	if distsPath.MatchString(path) {
		switch r.Method {
		case http.MethodPost:
			return CloudFront, "CreateDistribution", ""
		case http.MethodGet:
			return CloudFront, "ListDistributions", ""
		}
	}
	if strings.HasPrefix(path, "/2020-05-31/") {
		return CloudFront, r.Method + " " + path, ""
	}
	return Other, r.Method + " " + path, ""
}

// Name is Identify as one string, such as "secretsmanager:GetSecretValue".
func Name(r *http.Request) string {
	service, op, _ := Identify(r)
	return string(service) + ":" + op
}

// ReportInProgress rewrites a GetDistribution response to say the
// distribution is still InProgress, as CloudFront does while a change
// propagates (moto reports Deployed at once).
func ReportInProgress(resp *http.Response) error {
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return err
	}
	body = bytes.Replace(body, []byte("<Status>Deployed</Status>"), []byte("<Status>InProgress</Status>"), 1)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}
