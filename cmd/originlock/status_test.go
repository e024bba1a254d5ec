package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/internal/fixture"
)

func TestStatusHealthy(t *testing.T) {
	w := newWorld(t, nil)
	w.enableRotation(false)
	r := w.run("", "", "status", "--secret", w.name)
	r.want(t, exitOK, "AWSCURRENT", "CURRENT", w.dist, "Verdict: healthy", "enabled, every 30 days", w.function)
	golden(t, w, "healthy", w.run("", "", "status", "--secret", w.name, "--json"), exitOK)
}

func TestStatusDrift(t *testing.T) {
	w := newWorld(t, nil)
	w.enableRotation(false)
	edited := fixture.RandomValue()
	w.secrets = append(w.secrets, edited)
	w.setHeader(edited)
	r := w.run("", "", "status", "--secret", w.name)
	r.want(t, exitDrift, "DRIFT", "none", "sends a value that no version of the secret holds", "originlock rotate --secret "+w.name)
	golden(t, w, "drift", w.run("", "", "status", "--secret", w.name, "--json"), exitDrift)
}

func TestStatusInProgress(t *testing.T) {
	w := newWorld(t, nil)
	token := w.enableRotation(true)
	r := w.run("", "", "status", "--secret", w.name)
	r.want(t, exitInProgress, "rotation in progress", token, "(none)")
	golden(t, w, "in-progress", w.run("", "", "status", "--secret", w.name, "--json"), exitInProgress)
}

func TestStatusDistributionFlagAndMissing(t *testing.T) {
	w := newWorld(t, nil)
	w.enableRotation(false)
	r := w.run("", "", "status", "--secret", w.name, "--distribution", w.dist+":api", "--distribution", "E0NOSUCHDIST")
	r.want(t, exitDrift, "distribution E0NOSUCHDIST does not exist", "CURRENT")
	r = w.run("", "", "status", "--secret", w.name, "--distribution", w.dist+":nope")
	r.want(t, exitDrift, "has no origin nope")
}

// stalePending leaves what a rotation that failed after createSecret leaves:
// a version with a value, labelled AWSPENDING.
func stalePending(t *testing.T, w *world) (string, string) {
	t.Helper()
	w.enableRotation(false)
	token, value := fixture.NewToken(), fixture.RandomValue()
	w.secrets = append(w.secrets, value)
	_, err := w.sm.PutSecretValue(context.Background(), &secretsmanager.PutSecretValueInput{
		SecretId: aws.String(w.arn), ClientRequestToken: aws.String(token),
		SecretString: aws.String(`{"HEADERVALUE":"` + value + `"}`), VersionStages: []string{"AWSPENDING"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return token, value
}

func TestStatusStalePendingAndClearPending(t *testing.T) {
	w := newWorld(t, nil)
	token, _ := stalePending(t, w)
	// A young AWSPENDING is a rotation under way.
	w.run("", "", "status", "--secret", w.name).want(t, exitInProgress, "rotation is under way")
	// moto dates versions to the second; --stale-after 1ns makes any age stale.
	r := w.run("", "", "status", "--secret", w.name, "--stale-after", "1ns")
	r.want(t, exitStale, "STALE AWSPENDING", token, "originlock clear-pending --secret "+w.name)
	golden(t, w, "stale-pending", w.run("", "", "status", "--secret", w.name, "--stale-after", "1ns", "--json"), exitStale)

	w.run("", "", "clear-pending", "--secret", w.name).want(t, exitError, "refusing", "less than --stale-after")
	w.run("", "no\n", "clear-pending", "--secret", w.name, "--stale-after", "1ns").want(t, exitError, "aborted: nothing was changed")
	if stages, _ := fixture.Stages(t.Context(), w.sm, w.arn); len(stages[token]) == 0 {
		t.Fatal("a declined clear-pending removed the label")
	}
	w.run("", "yes\n", "clear-pending", "--secret", w.name, "--stale-after", "1ns").want(t, exitOK, "AWSPENDING removed from version "+token)
	stages, err := fixture.Stages(t.Context(), w.sm, w.arn)
	if err != nil {
		t.Fatal(err)
	}
	if len(stages[token]) != 0 {
		t.Fatalf("version %s still holds %v", token, stages[token])
	}
	w.run("", "", "status", "--secret", w.name).want(t, exitOK, "Verdict: healthy")
	w.run("", "", "clear-pending", "--secret", w.name).want(t, exitOK, "nothing to clear")
}

func TestClearPendingRefusesAValueCloudFrontSends(t *testing.T) {
	w := newWorld(t, nil)
	token, value := stalePending(t, w)
	w.setHeader(value) // setSecret ran, then testSecret or finishSecret failed
	r := w.run("", "", "clear-pending", "--secret", w.name, "--stale-after", "1ns", "--yes")
	r.want(t, exitError, "refusing: distribution "+w.dist+" origin api sends version "+token+"'s value")
	if stages, _ := fixture.Stages(t.Context(), w.sm, w.arn); len(stages[token]) == 0 {
		t.Fatal("clear-pending removed a label whose value CloudFront sends")
	}
}

var (
	arnSuffix = regexp.MustCompile(`secret:([a-z0-9-]+)-[A-Za-z0-9]{6}`)
	timestamp = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)
	uuid      = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	fp        = regexp.MustCompile(`#[0-9a-f]{8}`)
	age       = regexp.MustCompile(`for [0-9.hms]+ without`)
)

// golden compares a --json output with testdata/NAME.json, after replacing
// what each run makes anew (names, IDs, dates, fingerprints of random
// values) with placeholders. UPDATE_GOLDEN=1 rewrites the file.
func golden(t *testing.T, w *world, name string, r result, code int) {
	t.Helper()
	r.want(t, code)
	got := r.stdout
	got = arnSuffix.ReplaceAllString(got, "secret:$1-XXXXXX")
	got = strings.ReplaceAll(got, w.dist, "EDIST")
	got = strings.ReplaceAll(got, w.name, "SECRET")
	got = age.ReplaceAllString(got, "for AGE without")
	got = timestamp.ReplaceAllString(got, "TIME")
	ids, fps := map[string]string{}, map[string]string{}
	got = uuid.ReplaceAllStringFunc(got, func(s string) string {
		if _, ok := ids[s]; !ok {
			ids[s] = "VERSION-" + string(rune('A'+len(ids)))
		}
		return ids[s]
	})
	got = fp.ReplaceAllStringFunc(got, func(s string) string {
		if _, ok := fps[s]; !ok {
			fps[s] = "#FP-" + string(rune('A'+len(fps)))
		}
		return fps[s]
	})
	path := filepath.Join("testdata", name+".json")
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(path, []byte(got), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (UPDATE_GOLDEN=1 writes it)", err)
	}
	if got != string(want) {
		t.Errorf("status --json differs from %s:\n%s", path, got)
	}
}

// TestLeakCheckCatches proves the search every run goes through can fail.
func TestLeakCheckCatches(t *testing.T) {
	w := newWorld(t, nil)
	for _, out := range []string{"x " + w.value + " y", "prefix " + w.value[:16], `{"RotationToken":"t"}`} {
		if len(w.leaks(result{stdout: out})) == 0 {
			t.Errorf("the leak check missed a planted leak")
		}
	}
	if got := w.leaks(result{stdout: "#deadbeef " + w.name}); len(got) != 0 {
		t.Errorf("the leak check flags clean output: %v", got)
	}
}
