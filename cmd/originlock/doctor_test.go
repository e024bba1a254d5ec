package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/internal/fixture"
)

func TestDoctorHealthy(t *testing.T) {
	w := newWorld(t, map[string]string{"SETTLE_DELAY": "10s"}) // the authorizer's default assumption
	w.enableRotation(false)
	w.createFunction(w.name+"-auth", 10, map[string]string{"SECRET_ID": w.name, "REFRESH_COOLDOWN": "500ms"})
	r := w.run("", "", "doctor", "--secret", w.name, "--authorizer-function", w.name+"-auth")
	r.want(t, exitOK, "PASS  rotation is enabled", "PASS  rotation function "+w.function+" exists", "PASS  its SECRET_ID names this secret",
		"PASS  its timeout 15m0s fits", "PASS  header name X-Origin-Verify", "PASS  authorizer "+w.name+"-auth reads this secret",
		"PASS  authorizer and rotation function agree on the format", "PASS  authorizer "+w.name+"-auth: REFRESH_COOLDOWN 500ms + read timeout 3s + consistency margin 1s = 4.5s is below the settle delay it assumes (10s), and the rotation waits SETTLE_DELAY 10s",
		"is well formed", "PASS  no stale AWSPENDING", "PASS  distribution "+w.dist+" exists (Deployed)", "origin api carries the CURRENT value", "has 2 of 10 custom headers")
	if strings.Contains(r.stdout, "FAIL") || strings.Contains(r.stdout, "WARN") {
		t.Errorf("a healthy setup has findings:\n%s", r.stdout)
	}
}

// TestDoctorFindings makes one thing wrong at a time and expects its FAIL or
// WARN line and its fix.
func TestDoctorFindings(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string // the rotation function's variables
		// setup changes the world and returns extra arguments.
		setup func(w *world) []string
		code  int
		want  []string
	}{
		{"rotation disabled", nil, func(w *world) []string { return []string{"--function", w.function} }, exitFindings,
			[]string{"FAIL  rotation is not enabled", "fix: aws secretsmanager rotate-secret"}},
		{"function missing", nil, func(w *world) []string { w.enableRotation(false); return []string{"--function", "no-such-function"} }, exitFindings,
			[]string{"FAIL  the rotation function does not exist: no Lambda function no-such-function", "deploy examples/lambda/rotation"}},
		{"secret ID mismatch", map[string]string{"SECRET_ID": "another-secret"}, nil, exitFindings,
			[]string{"FAIL  its SECRET_ID (another-secret) does not name this secret", "fix: set SECRET_ID="}},
		{"invalid configuration", map[string]string{"SETTLE_DELAY": "soon"}, nil, exitFindings,
			[]string{`FAIL  rotation function`, `refuses its configuration: SETTLE_DELAY="soon"`}},
		{"timeout too short", nil, func(w *world) []string {
			w.createFunction(w.name+"-short", 20, map[string]string{"SECRET_ID": w.name, "DISTRIBUTIONS": w.dist + ":api", "SETTLE_DELAY": "10s"})
			return []string{"--function", w.name + "-short"}
		}, exitFindings, []string{"FAIL  its timeout 20s leaves setSecret no time", "--timeout 900"}},
		{"timeout short of the targets wait", nil, func(w *world) []string {
			w.createFunction(w.name+"-waf", 120, map[string]string{"SECRET_ID": w.name, "DISTRIBUTIONS": w.dist + ":api", "SETTLE_DELAY": "1s", "TARGETS": "cloudfront,waf",
				"WAF_WEB_ACL_NAME": "acl", "WAF_WEB_ACL_ID": "id", "WAF_RULE_NAME": "OriginVerify"})
			return []string{"--function", w.name + "-waf"}
		}, exitFindings, []string{"FAIL  its timeout 2m0s leaves setSecret no time: SETTLE_DELAY 1s, the 2m0s wait of TARGETS=cloudfront,waf"}},
		{"settle delay below the authorizer default", nil, nil, exitOK,
			[]string{"WARN  rotation function cli-testdoctorfindings-settle-delay-below-the-authorizer-default-rotation waits SETTLE_DELAY 1s, less than the 10s an authorizer assumes by default",
				"fix: check the authorizer: originlock doctor --secret cli-testdoctorfindings-settle-delay-below-the-authorizer-default --authorizer-function NAME"}},
		{"timeout short of a deployment", nil, func(w *world) []string {
			w.createFunction(w.name+"-2m", 120, map[string]string{"SECRET_ID": w.name, "DISTRIBUTIONS": w.dist + ":api"})
			return []string{"--function", w.name + "-2m"}
		}, exitOK, []string{"WARN  its timeout 2m0s lets testSecret wait only 1m50s"}},
		{"authorizer would refuse to start", map[string]string{"SETTLE_DELAY": "10s"}, func(w *world) []string {
			w.createFunction(w.name+"-auth", 10, map[string]string{"SECRET_ID": w.name, "REFRESH_COOLDOWN": "7s"})
			return []string{"--authorizer-function", w.name + "-auth"}
		}, exitFindings, []string{"FAIL  authorizer " + "cli-testdoctorfindings-authorizer-would-refuse-to-start-auth refuses to start: REFRESH_COOLDOWN 7s + read timeout 3s + consistency margin 1s = 11s is not below the settle delay it assumes (SETTLE_DELAY 10s)",
			"fix: lower REFRESH_COOLDOWN on cli-testdoctorfindings-authorizer-would-refuse-to-start-auth below 6s, or set SETTLE_DELAY to at least 12s on both"}},
		{"rotation settles for less than the authorizer assumes", nil, func(w *world) []string {
			w.createFunction(w.name+"-auth", 10, map[string]string{"SECRET_ID": w.name, "REFRESH_COOLDOWN": "500ms"})
			return []string{"--authorizer-function", w.name + "-auth"}
		}, exitFindings, []string{"waits SETTLE_DELAY 1s, less than the 10s authorizer", "API Gateway caches that Deny", "fix: set SETTLE_DELAY=10s on cli-testdoctorfindings-rotation-settles-for-less-than-the-authorizer-assumes-rotation"}},
		{"authorizer assumes a shorter settle delay", nil, func(w *world) []string {
			w.createFunction(w.name+"-auth", 10, map[string]string{"SECRET_ID": w.name, "REFRESH_COOLDOWN": "0", "SETTLE_DELAY": "5s"})
			return []string{"--authorizer-function", w.name + "-auth"}
		}, exitFindings, []string{"waits SETTLE_DELAY 1s, less than the 5s authorizer"}},
		{"authorizer assumes no settle delay", map[string]string{"SETTLE_DELAY": "10s"}, func(w *world) []string {
			w.createFunction(w.name+"-auth", 10, map[string]string{"SECRET_ID": w.name, "SETTLE_DELAY": "0"})
			return []string{"--authorizer-function", w.name + "-auth"}
		}, exitOK, []string{"WARN  authorizer cli-testdoctorfindings-authorizer-assumes-no-settle-delay-auth assumes no settle delay (SETTLE_DELAY=0)", "a 500 from API Gateway", "fix: set SETTLE_DELAY=10s on"}},
		{"format mismatch", nil, func(w *world) []string {
			w.createFunction(w.name+"-auth", 10, map[string]string{"SECRET_ID": w.name, "SECRET_FORMAT": "plain", "REFRESH_COOLDOWN": "0"})
			return []string{"--authorizer-function", w.name + "-auth"}
		}, exitFindings, []string{`FAIL  authorizer reads the value at plain string, the rotation function writes it at JSON key "HEADERVALUE"`}},
		{"header name mismatch", nil, func(w *world) []string {
			w.createFunction(w.name+"-auth", 10, map[string]string{"SECRET_ID": w.name, "HEADER_NAME": "X-From-CDN", "REFRESH_COOLDOWN": "0"})
			return []string{"--authorizer-function", w.name + "-auth"}
		}, exitFindings, []string{"FAIL  authorizer checks header X-From-CDN, the rotation function writes X-Origin-Verify", "set the same HEADER_NAME on both functions"}},
		{"authorizer missing", nil, func(*world) []string { return []string{"--authorizer-function", "no-such-authorizer"} }, exitFindings,
			[]string{"FAIL  authorizer function: no Lambda function no-such-authorizer"}},
		{"malformed current value", nil, func(w *world) []string { w.putCurrent("not json"); return nil }, exitFindings,
			[]string{`FAIL  the AWSCURRENT value is not well formed for JSON key "HEADERVALUE": secret value is not in the configured format: not a JSON object`}},
		{"weak current value", nil, func(w *world) []string { w.putCurrent(`{"HEADERVALUE":"letmein"}`); return nil }, exitFindings,
			[]string{"WARN  the AWSCURRENT value (#", "has only 7 characters", "FAIL  distribution"}},
		{"header name", map[string]string{"HEADER_NAME": "Host"}, nil, exitFindings,
			[]string{"FAIL  header name Host: invalid header name: CloudFront does not let origin custom headers set Host"}},
		{"distribution missing", map[string]string{"DISTRIBUTIONS": "E0NOSUCHDIST"}, nil, exitFindings,
			[]string{"FAIL  distribution E0NOSUCHDIST does not exist", "remove it from DISTRIBUTIONS"}},
		{"origin missing", nil, func(w *world) []string { return []string{"--distribution", w.dist + ":other"} }, exitFindings,
			[]string{"origin other does not exist", "fix the origin IDs"}},
		{"no room for the header", nil, func(w *world) []string { return []string{"--distribution", w.crowded(10) + ":api"} }, exitFindings,
			[]string{"lacks X-Origin-Verify and already has 10 custom headers", "raise the quota"}},
		{"close to the quota", nil, func(w *world) []string { return []string{"--distribution", w.crowded(9) + ":api"} }, exitOK,
			[]string{"WARN  distribution", "does not carry X-Origin-Verify yet: the next setSecret adds it"}},
		{"drift", nil, func(w *world) []string {
			v := fixture.RandomValue()
			w.secrets = append(w.secrets, v)
			w.setHeader(v)
			return nil
		}, exitFindings,
			[]string{"carries a value the secret holds as none (drift)"}},
		{"stale pending", nil, func(w *world) []string { stalePending(w.t, w); return []string{"--stale-after", "1ns"} }, exitFindings,
			[]string{"has been AWSPENDING for", "originlock clear-pending --secret"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, tt.env)
			args := []string{"doctor", "--secret", w.name}
			if tt.setup != nil {
				args = append(args, tt.setup(w)...)
			}
			if tt.setup == nil || !strings.Contains(tt.name, "disabled") && !hasRotation(w) {
				w.enableRotation(false)
			}
			w.run("", "", args...).want(t, tt.code, tt.want...)
		})
	}
}

func hasRotation(w *world) bool {
	d, err := w.sm.DescribeSecret(context.Background(), &secretsmanager.DescribeSecretInput{SecretId: aws.String(w.arn)})
	return err == nil && aws.ToBool(d.RotationEnabled)
}

// putCurrent stores secretString as a new AWSCURRENT version.
func (w *world) putCurrent(secretString string) {
	w.t.Helper()
	w.secrets = append(w.secrets, secretString)
	_, err := w.sm.PutSecretValue(context.Background(), &secretsmanager.PutSecretValueInput{SecretId: aws.String(w.arn), SecretString: aws.String(secretString)})
	if err != nil {
		w.t.Fatal(err)
	}
}

// crowded creates a distribution whose origin "api" has n custom headers,
// none of them the rotation's.
func (w *world) crowded(n int) string {
	w.t.Helper()
	o := fixture.Origin{ID: "api"}
	for i := range n {
		o.Headers = append(o.Headers, [2]string{"X-Filler-" + string(rune('A'+i)), "1"})
	}
	id, err := fixture.CreateDistribution(w.t.Context(), w.cf, w.name+"-crowded", o)
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}
