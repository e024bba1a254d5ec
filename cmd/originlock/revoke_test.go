package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/originlock/originlock/internal/fixture"
)

func TestRevoke(t *testing.T) {
	rw := newRotationWorld(t, nil)
	before, err := fixture.Stages(t.Context(), rw.sm, rw.arn)
	if err != nil {
		t.Fatal(err)
	}
	var leaked string
	for id, stages := range before {
		if slices.Contains(stages, "AWSCURRENT") {
			leaked = id
		}
	}
	// Declined: nothing changes.
	rw.run(rw.hook.URL, "n\n", "revoke", "--secret", rw.name, "--rest-api", "a1b2c3d4e5/prod").want(t, exitError, "aborted: nothing was changed")
	if after, _ := fixture.Stages(t.Context(), rw.sm, rw.arn); !slices.Contains(after[leaked], "AWSCURRENT") || len(rw.hook.Flushes()) != 0 {
		t.Fatalf("a declined revoke changed something: %v, flushes %v", after, rw.hook.Flushes())
	}

	r := rw.run(rw.hook.URL, "yes\n", "revoke", "--secret", rw.name, "--rest-api", "a1b2c3d4e5/prod", "--http-api", "f6g7h8i9j0", "--interval", "200ms")
	t.Logf("revoke printed:\n%s%s", r.stdout, r.stderr)
	r.want(t, exitOK, "Revoking version "+leaked, "Type yes to continue", "finishSecret done", "AWSPREVIOUS removed from version "+leaked,
		"authorizer cache of REST API a1b2c3d4e5/prod flushed", "authorizer cache of HTTP API f6g7h8i9j0/$default flushed",
		"is refused by every authorizer from", "CACHE_TTL 5m0s")
	after, err := fixture.Stages(t.Context(), rw.sm, rw.arn)
	if err != nil {
		t.Fatal(err)
	}
	if len(after[leaked]) != 0 {
		t.Errorf("the leaked version %s still holds %v", leaked, after[leaked])
	}
	want := []string{"/restapis/a1b2c3d4e5/stages/prod/cache/authorizers", "/v2/apis/f6g7h8i9j0/stages/$default/cache/authorizers"}
	if got := rw.hook.Flushes(); !slices.Equal(got, want) {
		t.Errorf("cache flushes %v, want %v", got, want)
	}
	// The removal comes after the rotation, the flushes after the removal.
	out := r.stdout
	if !(strings.Index(out, "finishSecret done") < strings.Index(out, "AWSPREVIOUS removed") && strings.Index(out, "AWSPREVIOUS removed") < strings.Index(out, "flushed")) {
		t.Errorf("revoke's steps are out of order:\n%s", out)
	}
}

func TestRevokeRefusesDuringARotation(t *testing.T) {
	w := newWorld(t, nil)
	token := w.enableRotation(true)
	w.run("", "", "revoke", "--secret", w.name, "--yes").want(t, exitError, "cannot revoke now: a rotation is already in progress: version "+token)
}

func TestRevokeUsage(t *testing.T) {
	w := newWorld(t, nil)
	w.run("", "", "revoke", "--secret", w.name, "--rest-api", "noslash", "--yes").want(t, exitUsage, `--rest-api "noslash": want ID/STAGE`, "Run 'originlock revoke --help'")
}
