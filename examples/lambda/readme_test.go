package lambda_test

import (
	"os"
	"strings"
	"testing"

	"github.com/originlock/originlock/examples/lambda/internal/telemetry"
)

// TestREADMEDocumentsVariables: every variable the functions read has a
// table row in each function's section of README.md.
func TestREADMEDocumentsVariables(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	rot, auth, ok := strings.Cut(text[strings.Index(text, "## rotation"):], "## authorizer")
	if !ok {
		t.Fatal("README.md has no rotation and authorizer sections")
	}
	shared := []string{telemetry.EnvLogLevel, telemetry.EnvLambdaLogFormat, telemetry.EnvLambdaLogLevel, telemetry.EnvMetrics, telemetry.EnvMetricsNamespace, telemetry.EnvFunctionName}
	for section, vars := range map[string][]string{
		rot:  append([]string{"SECRET_ID", "DISTRIBUTIONS", "HEADER_NAME", "SECRET_FORMAT", "SECRET_JSON_KEY", "VALUE_LENGTH", "POLL_INTERVAL", "DEADLINE_MARGIN", "SETTLE_DELAY", "UPDATE_INTERVAL"}, shared...),
		auth: append([]string{"SECRET_ID", "AUTHORIZER_TYPE", "HEADER_NAME", "CACHE_TTL", "REFRESH_COOLDOWN", "PREVIOUS_GRACE", "MAX_STALENESS", "SECRET_FORMAT", "SECRET_JSON_KEY"}, shared...),
	} {
		for _, v := range vars {
			found := false
			for _, line := range strings.Split(section, "\n") {
				if strings.HasPrefix(line, "| ") && strings.Contains(strings.SplitN(line, " | ", 2)[0], "`"+v+"`") {
					found = true
				}
			}
			if !found {
				t.Errorf("README.md: no table row for %s in the section %q", v, strings.SplitN(section, "\n", 2)[0])
			}
		}
	}
	if !strings.Contains(text, "## Metrics") || !strings.Contains(text, "Outcome=previous") {
		t.Error("README.md has no Metrics section saying which metric shows the old value is out of use")
	}
}
