package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

const rotateUsage = `Usage: originlock rotate --secret ID [--wait] [--interval 15s] [--timeout 45m]

Starts a rotation of the secret (RotateSecret with its configured rotation
function). With --wait it follows the rotation: the step reached (as the
secret's stages and the distributions show it), each distribution's
InProgress -> Deployed, and the elapsed time, until AWSCURRENT has moved and
every distribution carries the new value. A live display on a terminal,
plain lines otherwise. Refuses while another rotation is in progress.

Examples:
  originlock rotate --secret originlock/header --wait
  originlock rotate --secret originlock/header --wait --interval 30s > rotation.log`

// defaultInterval is how often rotate --wait reads the state: four reads of
// CloudFront a minute per distribution, well within its quotas.
const defaultInterval = 15 * time.Second

// defaultTimeout bounds rotate --wait: a rotation's four steps, CloudFront's
// deployment (historically up to 15-20 minutes) and a retry.
const defaultTimeout = 45 * time.Minute

type followFlags struct {
	interval, timeout time.Duration
}

func (ff *followFlags) register(f *flags) {
	f.DurationVar(&ff.interval, "interval", defaultInterval, "how often to read the secret and the distributions while waiting")
	f.DurationVar(&ff.timeout, "timeout", defaultTimeout, "how long to wait for the rotation to complete")
}

func (ff *followFlags) check(command string) error {
	if ff.interval < 100*time.Millisecond {
		return usagef(command, "--interval: want at least 100ms")
	}
	if ff.timeout <= 0 {
		return usagef(command, "--timeout: want a positive duration")
	}
	return nil
}

func runRotate(ctx context.Context, a *app, args []string) error {
	f := newFlags(a, "rotate", rotateUsage)
	var tf targetFlags
	tf.register(f)
	var ff followFlags
	ff.register(f)
	wait := f.Bool("wait", false, "follow the rotation until it completes")
	if err := f.parse(args); err != nil {
		return err
	}
	if err := ff.check("rotate"); err != nil {
		return err
	}
	t, c, before, err := tf.open(ctx, a, f)
	if err != nil {
		return err
	}
	if err := canRotate(before, t); err != nil {
		return err
	}
	start := a.clock.Now()
	token, err := startRotation(ctx, c, t, before)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.out, "rotation started: version %s is AWSPENDING (AWSCURRENT is %s %s)\n", token, before.secret.current.ID, before.secret.current.Fingerprint)
	if !*wait {
		fmt.Fprintf(a.out, "follow it: originlock status --secret %s\n", t.secretID)
		return nil
	}
	_, err = follow(ctx, a, c, t, token, start, ff)
	return err
}

// canRotate refuses to start a rotation that would fail or fight another.
func canRotate(s *snapshot, t target) error {
	sec := s.secret
	switch {
	case sec.FunctionARN == "":
		return fmt.Errorf("secret %s has no rotation function: configure rotation first (see examples/terraform or examples/cdk), then retry", t.secretID)
	case sec.current == nil:
		return fmt.Errorf("secret %s has no AWSCURRENT version: run originlock doctor --secret %s", t.secretID, t.secretID)
	case sec.pending != nil:
		return fmt.Errorf("a rotation is already in progress: version %s is AWSPENDING\n  follow it: originlock status --secret %s\n  if it is stale: originlock clear-pending --secret %s", sec.pending.ID, t.secretID, t.secretID)
	}
	for _, d := range s.dists {
		if d.Err == nil && !d.Missing && d.Status != "Deployed" {
			return fmt.Errorf("distribution %s is %s: wait until it is Deployed (originlock status --secret %s), then retry", d.ID, d.Status, t.secretID)
		}
	}
	return nil
}

// startRotation calls RotateSecret with a token of its own, so that the new
// version is known from the start.
func startRotation(ctx context.Context, c *clients, t target, s *snapshot) (string, error) {
	token := newToken()
	_, err := c.sm.RotateSecret(ctx, &secretsmanager.RotateSecretInput{
		SecretId:           aws.String(s.secret.ARN),
		ClientRequestToken: aws.String(token),
	})
	if err != nil {
		return "", awsError("start the rotation of "+t.secretID, err)
	}
	return token, nil
}

// newToken returns a version ID shaped like those Secrets Manager makes.
func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// progress is where a rotation stands, as one snapshot shows it.
type progress struct {
	step   string // the step reached, for the display
	done   bool
	failed string // why the rotation can no longer complete
	// carried and origins count the selected origins carrying the new value.
	carried, origins int
	fp               string
}

// phase reads a rotation's progress from a snapshot. token is the new
// version; elapsed is the time since RotateSecret (Secrets Manager's reads
// are eventually consistent: a version not yet visible right after the call
// is not a failure).
func phase(s *snapshot, token string, elapsed, grace time.Duration) progress {
	var tv *version
	for _, v := range s.secret.Versions {
		if v.ID == token {
			tv = v
		}
	}
	var p progress
	if tv == nil {
		if elapsed < grace {
			p.step = "waiting for Secrets Manager to show the new version"
			return p
		}
		p.failed = "version " + token + " holds no staging label: the rotation failed and the label was removed"
		return p
	}
	p.fp = tv.Fingerprint
	want := matchPending
	if tv.has(stageCurrent) {
		want = matchCurrent
	}
	deploying := 0
	for _, d := range s.dists {
		if d.Status != "Deployed" {
			deploying++
		}
		for _, o := range d.Origins {
			p.origins++
			if o.Matches == want {
				p.carried++
			}
		}
	}
	switch {
	case tv.has(stageCurrent):
		if p.carried == p.origins && deploying == 0 {
			p.step, p.done = "finishSecret done: AWSCURRENT is the new version and every distribution is Deployed with it", true
		} else {
			p.step = fmt.Sprintf("finishSecret done; %d/%d origins carry it, %d distributions deploying", p.carried, p.origins, deploying)
		}
	case tv.ValueStatus == "none":
		p.step = "createSecret: waiting for the new value"
	case tv.ValueStatus == "malformed":
		p.failed = "the new version's value is malformed: " + tv.Problem
	case p.carried == 0:
		p.step = "createSecret done (" + tv.Fingerprint + "); setSecret: settle delay, then CloudFront update"
	case p.carried < p.origins:
		p.step = fmt.Sprintf("setSecret: %d/%d origins carry %s", p.carried, p.origins, tv.Fingerprint)
	case deploying > 0:
		p.step = fmt.Sprintf("setSecret done; testSecret: waiting for deployment (%d/%d distributions Deployed)", len(s.dists)-deploying, len(s.dists))
	default:
		p.step = "testSecret: deployed; finishSecret next"
	}
	return p
}

// follow polls until the rotation with token completes, fails or times out.
// It returns the last snapshot.
func follow(ctx context.Context, a *app, c *clients, t target, token string, start time.Time, ff followFlags) (*snapshot, error) {
	d := newDisplay(a, start)
	defer d.close()
	statuses := map[string]string{}
	lastStep := ""
	for {
		snap, err := inspect(ctx, c, t, a.clock.Now())
		if err != nil {
			d.line("error reading the state: %v (retrying)", err)
		} else {
			for _, dist := range snap.dists {
				st := dist.Status
				if dist.Missing {
					st = "missing"
				}
				if prev, seen := statuses[dist.ID]; st != prev {
					if seen {
						d.line("distribution %s: %s -> %s", dist.ID, prev, st)
					} else if st != "Deployed" {
						d.line("distribution %s: %s", dist.ID, st)
					}
					statuses[dist.ID] = st
				}
			}
			p := phase(snap, token, a.clock.Now().Sub(start), 3*ff.interval)
			if p.failed != "" {
				d.close()
				return snap, &exitCodeError{code: exitError, err: fmt.Errorf("rotation failed after %s: %s\n%s", roundAge(a.clock.Now().Sub(start)), p.failed, leftState(snap, t))}
			}
			if p.step != lastStep {
				d.line("%s", p.step)
				lastStep = p.step
			}
			if p.done {
				return snap, nil
			}
			d.status(p.step)
		}
		if a.clock.Now().Sub(start) >= ff.timeout {
			d.close()
			return snap, &exitCodeError{code: exitError, err: fmt.Errorf("the rotation did not complete within %s\n%s", ff.timeout, leftStateOrUnknown(snap, t))}
		}
		select {
		case <-ctx.Done():
			d.close()
			return snap, fmt.Errorf("stopped waiting (%w); the rotation goes on: originlock status --secret %s", ctx.Err(), t.secretID)
		case <-a.clock.After(ff.interval):
		}
	}
}

func leftStateOrUnknown(s *snapshot, t target) string {
	if s == nil {
		return "state unknown: originlock status --secret " + t.secretID
	}
	return leftState(s, t)
}

// leftState says what a stopped rotation left and the command to run next.
func leftState(s *snapshot, t target) string {
	var b strings.Builder
	b.WriteString("state left:\n")
	for _, v := range s.secret.Versions {
		fmt.Fprintf(&b, "  version %s %s (%s)\n", v.ID, strings.Join(v.Stages, ","), dash(v.Fingerprint))
	}
	for _, d := range s.dists {
		for _, o := range d.Origins {
			fmt.Fprintf(&b, "  distribution %s (%s) origin %s: %s\n", d.ID, dash(d.Status), o.ID, o.Matches)
		}
	}
	switch {
	case s.secret.pending != nil && slices.ContainsFunc(s.dists, carries(matchPending)):
		b.WriteString("next: CloudFront already sends the pending value, which the authorizers accept; read the rotation function's logs for the failing step, fix it, and let Secrets Manager retry (originlock status --secret " + t.secretID + " shows when it completes)")
	case s.secret.pending != nil:
		b.WriteString("next: read the rotation function's logs for the failing step; once fixed, clear the label and rotate again: originlock clear-pending --secret " + t.secretID + " --stale-after 1s && originlock rotate --secret " + t.secretID + " --wait")
	default:
		b.WriteString("next: originlock status --secret " + t.secretID)
	}
	return b.String()
}

func carries(match string) func(*distState) bool {
	return func(d *distState) bool {
		return slices.ContainsFunc(d.Origins, func(o *originState) bool { return o.Matches == match })
	}
}

// display writes progress: on a terminal, event lines above a status line
// redrawn in place; otherwise only the event lines.
type display struct {
	a     *app
	start time.Time
	live  bool // a status line is on screen
}

func newDisplay(a *app, start time.Time) *display { return &display{a: a, start: start} }

func (d *display) elapsed() string {
	return fmt.Sprintf("[%7s]", roundAge(d.a.clock.Now().Sub(d.start)))
}

func (d *display) clear() {
	if d.live {
		fmt.Fprint(d.a.out, "\r\033[K")
		d.live = false
	}
}

func (d *display) line(format string, args ...any) {
	d.clear()
	fmt.Fprintf(d.a.out, "%s %s\n", d.elapsed(), fmt.Sprintf(format, args...))
}

func (d *display) status(step string) {
	if !d.a.terminal {
		return
	}
	d.clear()
	fmt.Fprintf(d.a.out, "%s waiting: %s", d.elapsed(), step)
	d.live = true
}

func (d *display) close() { d.clear() }

var errAborted = errors.New("aborted: nothing was changed")
