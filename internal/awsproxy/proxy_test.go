package awsproxy_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/originlock/originlock/internal/awsproxy"
	"github.com/originlock/originlock/internal/clocktest"
)

// upstream is a test double of moto: it answers every GetDistribution with
// a Deployed distribution and everything else with 200 and an empty body.
func upstream(t *testing.T) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/2020-05-31/distribution/") && !strings.HasSuffix(r.URL.Path, "/config") {
			_, _ = io.WriteString(w, "<Distribution><Status>Deployed</Status></Distribution>")
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func call(t *testing.T, p *awsproxy.Proxy, method, path, target string) string {
	t.Helper()
	req, _ := http.NewRequest(method, p.URL+path, nil)
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestCountsByOperation(t *testing.T) {
	p, err := awsproxy.Start(upstream(t).URL, awsproxy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	call(t, p, http.MethodPost, "/", "secretsmanager.DescribeSecret")
	before := p.Counts()
	call(t, p, http.MethodPost, "/", "secretsmanager.GetSecretValue")
	call(t, p, http.MethodPost, "/", "secretsmanager.GetSecretValue")
	call(t, p, http.MethodGet, "/2020-05-31/distribution/E1/config", "")
	call(t, p, http.MethodPut, "/2020-05-31/distribution/E1/config", "")
	call(t, p, http.MethodGet, "/2020-05-31/distribution/E1", "")

	got := p.Counts().Sub(before)
	if got.Op("secretsmanager", "GetSecretValue") != 2 || got.Op("secretsmanager", "DescribeSecret") != 0 {
		t.Errorf("Secrets Manager counts since before = %v, want GetSecretValue 2 only", got)
	}
	if got.Service("cloudfront") != 3 || got.Op("cloudfront", "UpdateDistribution") != 1 {
		t.Errorf("CloudFront counts = %v, want 3 calls with 1 UpdateDistribution", got)
	}
	if s := got.String(); s != "GetDistribution 1, GetDistributionConfig 1, GetSecretValue 2, UpdateDistribution 1" {
		t.Errorf("String() = %q", s)
	}
	if n := len(p.UpdateTimes()); n != 1 {
		t.Errorf("UpdateTimes has %d entries, want 1", n)
	}
	if n := p.MaxCloudFrontInFlight(); n != 1 {
		t.Errorf("MaxCloudFrontInFlight = %d, want 1 (calls were sequential)", n)
	}
}

func TestLatencyAndDeployment(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	p, err := awsproxy.Start(upstream(t).URL, awsproxy.Options{
		CloudFrontLatency: 300 * time.Millisecond,
		Sleep:             clock.Advance,
		DeployTime:        time.Minute,
		Now:               clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	start := clock.Now()
	if got := call(t, p, http.MethodGet, "/2020-05-31/distribution/E1", ""); !strings.Contains(got, "Deployed") {
		t.Errorf("never updated: %q, want Deployed", got)
	}
	call(t, p, http.MethodPut, "/2020-05-31/distribution/E1/config", "")
	if got := call(t, p, http.MethodGet, "/2020-05-31/distribution/E1", ""); !strings.Contains(got, "InProgress") {
		t.Errorf("just updated: %q, want InProgress", got)
	}
	if got := call(t, p, http.MethodGet, "/2020-05-31/distribution/E2", ""); !strings.Contains(got, "Deployed") {
		t.Errorf("another distribution: %q, want Deployed", got)
	}
	clock.Advance(time.Minute)
	if got := call(t, p, http.MethodGet, "/2020-05-31/distribution/E1", ""); !strings.Contains(got, "Deployed") {
		t.Errorf("a minute after the update: %q, want Deployed", got)
	}
	call(t, p, http.MethodPost, "/", "secretsmanager.DescribeSecret") // no latency
	if got, want := clock.Now().Sub(start), time.Minute+5*300*time.Millisecond; got != want {
		t.Errorf("simulated time spent = %v, want %v (latency on the 5 CloudFront calls only)", got, want)
	}
}

func TestUpdatesPerMinute(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	p, err := awsproxy.Start(upstream(t).URL, awsproxy.Options{UpdatesPerMinute: 2, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	update := func() string { return call(t, p, http.MethodPut, "/2020-05-31/distribution/E1/config", "") }
	update()
	clock.Advance(30 * time.Second)
	update()
	if got := update(); !strings.Contains(got, "<Code>Throttling</Code>") {
		t.Errorf("third update within a minute: %q, want a Throttling error", got)
	}
	clock.Advance(30 * time.Second) // the first update is a minute old
	if got := update(); strings.Contains(got, "Throttling") {
		t.Errorf("after the first update left the window: %q, want it through", got)
	}
	if got := p.Throttled(); got != 1 {
		t.Errorf("Throttled() = %d, want 1", got)
	}
	if got := p.Counts().Op("cloudfront", "UpdateDistribution"); got != 4 {
		t.Errorf("UpdateDistribution count = %d, want 4 (throttled calls count too)", got)
	}
}

func TestHoldDeploymentUntilDeployed(t *testing.T) {
	var updates []string
	p, err := awsproxy.Start(upstream(t).URL, awsproxy.Options{
		HoldDeployment: true,
		OnUpdate:       func(id string) { updates = append(updates, id) },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	call(t, p, http.MethodPut, "/2020-05-31/distribution/E1/config", "")
	if len(updates) != 1 || updates[0] != "E1" {
		t.Errorf("OnUpdate saw %v, want [E1]", updates)
	}
	for range 2 { // held for as long as it takes, not for a time
		if got := call(t, p, http.MethodGet, "/2020-05-31/distribution/E1", ""); !strings.Contains(got, "InProgress") {
			t.Errorf("before Deployed: %q, want InProgress", got)
		}
	}
	p.Deployed("E1")
	if got := call(t, p, http.MethodGet, "/2020-05-31/distribution/E1", ""); !strings.Contains(got, "Deployed") {
		t.Errorf("after Deployed: %q, want Deployed", got)
	}
	call(t, p, http.MethodPost, "/", "secretsmanager.DescribeSecret")
	if got := p.Counts().Only("cloudfront").String(); got != "GetDistribution 3, UpdateDistribution 1" {
		t.Errorf("Only(cloudfront) = %q", got)
	}
}
