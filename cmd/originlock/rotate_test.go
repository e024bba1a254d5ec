package main

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/originlock/originlock/internal/awsproxy"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/internal/lambdaruntime"
	"github.com/originlock/originlock/internal/motoserver"
)

// rotationWorld is a world whose RotateSecret runs the real rotation
// function (examples/lambda/rotation, built as deployed) under the local
// Lambda runtime, as Secrets Manager would invoke it. CloudFront, seen
// through awsproxy, stays InProgress for deployTime after each update.
type rotationWorld struct {
	*world
	hook *hookProxy
	cf   *awsproxy.Proxy
	// failedStep is the step that failed, if one did.
	failedStep atomic.Value
}

const deployTime = 2 * time.Second

// newRotationWorld builds the world; change, if set, edits the environment
// the function runs with (not the one status and doctor read).
func newRotationWorld(t *testing.T, change func(vars map[string]string, w *world)) *rotationWorld {
	t.Helper()
	bin := rotationBootstrap(t)
	w := newWorld(t, nil)
	w.enableRotation(false)
	cf, err := awsproxy.Start(w.moto.URL, awsproxy.Options{DeployTime: deployTime})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cf.Close)
	rw := &rotationWorld{world: w, hook: startHook(t, cf.URL), cf: cf}
	vars := map[string]string{}
	out, err := w.fn.GetFunctionConfiguration(t.Context(), &lambda.GetFunctionConfigurationInput{FunctionName: &w.function})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range out.Environment.Variables {
		vars[k] = v
	}
	if change != nil {
		change(vars, w)
	}
	rw.hook.setHooks(func(arn, token string) { rw.invokeSteps(t, bin, vars, arn, token) },
		func(string) string { return w.functionARN(w.function) })
	return rw
}

// invokeSteps runs the four steps in one execution environment, stopping at
// the first error, as one attempt of Secrets Manager's does.
func (rw *rotationWorld) invokeSteps(t *testing.T, bin string, vars map[string]string, arn, token string) {
	rt, err := lambdaruntime.Start()
	if err != nil {
		t.Error(err)
		return
	}
	defer rt.Close()
	env := []string{"AWS_ENDPOINT_URL=" + rw.cf.URL, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=" + motoserver.Region,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull, "LOG_LEVEL=warn"}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	ctx := context.Background()
	if err := rt.Exec(ctx, bin, env); err != nil {
		t.Errorf("rotation function init: %v", err)
		return
	}
	for _, step := range fixture.Steps {
		event, _ := json.Marshal(fixture.Event(step, arn, token))
		if _, err := rt.Invoke(ctx, event, 2*time.Minute); err != nil {
			rw.failedStep.Store(step)
			return
		}
	}
	if vars["REVOKE_PREVIOUS"] == "true" {
		rw.revokePrevious(arn)
	}
}

// revokePrevious does what finishSecret does with REVOKE_PREVIOUS=true
// (rotation.WithRevokePrevious), for a rotation function built before it
// read that variable: it removes AWSPREVIOUS, unless already gone.
func (rw *rotationWorld) revokePrevious(arn string) {
	ctx := context.Background()
	stages, err := fixture.Stages(ctx, rw.sm, arn)
	if err != nil {
		rw.t.Error(err)
		return
	}
	for id, st := range stages {
		if slices.Contains(st, "AWSPREVIOUS") {
			_, err := rw.sm.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
				SecretId: aws.String(arn), VersionStage: aws.String("AWSPREVIOUS"), RemoveFromVersionId: aws.String(id),
			})
			if err != nil {
				rw.t.Error(err)
			}
		}
	}
}

func TestRotateWait(t *testing.T) {
	rw := newRotationWorld(t, nil)
	before, err := fixture.Stages(t.Context(), rw.sm, rw.arn)
	if err != nil {
		t.Fatal(err)
	}
	r := rw.run(rw.hook.URL, "", "rotate", "--secret", rw.name, "--wait", "--interval", "200ms")
	r.want(t, exitOK, "rotation started: version", "createSecret", "distribution "+rw.dist+": InProgress -> Deployed", "finishSecret done: AWSCURRENT is the new version")
	t.Logf("rotate --wait printed:\n%s", r.stdout)
	token := strings.Fields(strings.TrimPrefix(r.stdout, "rotation started: version "))[0]
	after, err := fixture.Stages(t.Context(), rw.sm, rw.arn)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(after[token], "AWSCURRENT") {
		t.Errorf("after rotate --wait, version %s holds %v; want AWSCURRENT (before: %v)", token, after[token], before)
	}
	// Lines carry the elapsed time; a pipe gets no terminal control codes.
	if strings.Contains(r.stdout, "\033[") || !strings.Contains(r.stdout, "s] ") {
		t.Errorf("plain output has control codes or lacks elapsed times:\n%s", r.stdout)
	}
	rw.run(rw.hook.URL, "", "status", "--secret", rw.name).want(t, exitOK, "Verdict: healthy")
}

func TestRotateRefusesDuringARotation(t *testing.T) {
	w := newWorld(t, nil)
	token := w.enableRotation(true)
	w.run("", "", "rotate", "--secret", w.name, "--wait").want(t, exitError, "a rotation is already in progress: version "+token, "originlock clear-pending")
}

func TestRotateWaitReportsAFailedRotation(t *testing.T) {
	// setSecret fails: the origin does not exist. Secrets Manager would
	// retry; the command gives up at --timeout and says what is left.
	rw := newRotationWorld(t, func(vars map[string]string, w *world) { vars["DISTRIBUTIONS"] = w.dist + ":no-such-origin" })
	r := rw.run(rw.hook.URL, "", "rotate", "--secret", rw.name, "--wait", "--interval", "200ms", "--timeout", "4s")
	t.Logf("rotate --wait printed:\n%s%s", r.stdout, r.stderr)
	r.want(t, exitError, "the rotation did not complete within 4s", "state left:", "AWSPENDING", "next: read the rotation function's logs", "originlock clear-pending --secret "+rw.name)
	if got, _ := rw.failedStep.Load().(string); got != "setSecret" {
		t.Errorf("failed step %q, want setSecret (the test's premise)", got)
	}
}
