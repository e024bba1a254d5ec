package faultmatrix_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/originlock/originlock/authorizer"
	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/rotation"
)

// state is what moto holds for some secrets and distributions: each
// version's labels and a digest of its value, and each raw config.
type state struct {
	secrets map[string]string
	dists   map[string]string
}

func (w *world) state(arns ...string) state {
	w.t.Helper()
	ctx := context.Background()
	s := state{secrets: map[string]string{}, dists: map[string]string{}}
	for _, arn := range arns {
		out, err := w.dsm.ListSecretVersionIds(ctx, &secretsmanager.ListSecretVersionIdsInput{SecretId: aws.String(arn), IncludeDeprecated: aws.Bool(true)})
		if err != nil {
			w.t.Fatal(err)
		}
		for _, v := range out.Versions {
			labels := slices.Clone(v.VersionStages)
			slices.Sort(labels)
			digest := "no value"
			if got, err := w.dsm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn), VersionId: v.VersionId}); err == nil {
				sum := sha256.Sum256(append([]byte(aws.ToString(got.SecretString)), got.SecretBinary...))
				digest = hex.EncodeToString(sum[:8])
			}
			s.secrets[arn+" "+aws.ToString(v.VersionId)] = fmt.Sprintf("%v %s", labels, digest)
		}
	}
	for _, id := range []string{w.d1, w.d2} {
		s.dists[id] = string(w.raw(ctx, id))
	}
	return s
}

func (s state) equal(o state) bool {
	return maps.Equal(s.secrets, o.secrets) && maps.Equal(s.dists, o.dists)
}

// writes returns how many changing calls moto applied through the proxy.
func (w *world) writes() int {
	n := 0
	for _, op := range []string{"PutSecretValue", "UpdateSecretVersionStage", "UpdateDistribution", "CreateSecret", "RotateSecret"} {
		_, applied := w.proxy.Count(op)
		n += applied
	}
	return n
}

// badCase is an input the library must refuse with a clear error and
// without changing anything.
type badCase struct {
	name string
	// prepare sets up moto (before the "before" snapshot) and returns the
	// event to send and the handler to send it to.
	prepare func(t *testing.T, w *world, token string) (*rotation.Handler, rotationEvent)
	// want is the condition the error must wrap; wantAs, if set, is a target
	// for errors.As instead.
	want   error
	wantAs any
	// mention is a word the message must contain to say what is wrong.
	mention string
}

// handlerFor builds a handler on the world's proxied clients with the given
// distributions and handler options.
func handlerFor(t *testing.T, w *world, dists []cloudfront.Distribution, opts ...rotation.Option) *rotation.Handler {
	t.Helper()
	target, err := cloudfront.NewOriginHeader(w.cf, cloudfront.Config{HeaderName: header, Distributions: dists},
		cloudfront.WithLogger(w.logger), cloudfront.WithClock(clocktest.New(w.vclock.Now())))
	if err != nil {
		t.Fatal(err)
	}
	h, err := rotation.NewHandler(w.sm, w.arn, target, append([]rotation.Option{rotation.WithLogger(w.logger), rotation.WithClock(clocktest.New(w.vclock.Now()))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// withPending stores secretString (or binary, if secretString is "") as
// the rotation's pending value, as a broken generator or a person would.
func withPending(t *testing.T, w *world, token, secretString string) {
	t.Helper()
	in := &secretsmanager.PutSecretValueInput{SecretId: aws.String(w.arn), ClientRequestToken: aws.String(token), VersionStages: []string{rotation.StagePending}}
	if secretString == "" {
		in.SecretBinary = []byte{0, 1, 2}
	} else {
		in.SecretString = aws.String(secretString)
	}
	if _, err := w.dsm.PutSecretValue(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

// otherSecret creates another secret, optionally with a rotation under way,
// and returns its ARN and that rotation's token.
func otherSecret(t *testing.T, w *world, rotating bool) (string, string) {
	t.Helper()
	arn, err := fixture.CreateSecret(context.Background(), w.dsm, "faultmatrix-other-"+unsafeName.ReplaceAllString(t.Name(), "-"), `{"HEADERVALUE":"other-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH"}`)
	if err != nil {
		t.Fatal(err)
	}
	w.others = append(w.others, arn)
	if !rotating {
		return arn, ""
	}
	token, err := fixture.BeginRotation(context.Background(), w.dsm, arn, true)
	if err != nil {
		t.Fatal(err)
	}
	return arn, token
}

func badCases() []badCase {
	ev := func(step string) func(t *testing.T, w *world, token string) (*rotation.Handler, rotationEvent) {
		return func(t *testing.T, w *world, token string) (*rotation.Handler, rotationEvent) {
			return w.handler, w.event(step, token)
		}
	}
	edit := func(step string, f func(e *rotationEvent)) func(t *testing.T, w *world, token string) (*rotation.Handler, rotationEvent) {
		return func(t *testing.T, w *world, token string) (*rotation.Handler, rotationEvent) {
			e := w.event(step, token)
			f(&e)
			return w.handler, e
		}
	}
	pending := func(secretString string) func(t *testing.T, w *world, token string) (*rotation.Handler, rotationEvent) {
		return func(t *testing.T, w *world, token string) (*rotation.Handler, rotationEvent) {
			withPending(t, w, token, secretString)
			return w.handler, w.event(rotation.StepSet, token)
		}
	}
	dists := func(f func(w *world) []cloudfront.Distribution) func(t *testing.T, w *world, token string) (*rotation.Handler, rotationEvent) {
		return func(t *testing.T, w *world, token string) (*rotation.Handler, rotationEvent) {
			h := handlerFor(t, w, f(w))
			if err := h.Handle(context.Background(), w.event(rotation.StepCreate, token)); err != nil {
				t.Fatal(err)
			}
			return h, w.event(rotation.StepSet, token)
		}
	}
	return []badCase{
		{name: "unknown step", prepare: ev("rotateSecret"), want: rotation.ErrUnknownStep, mention: "createSecret"},
		{name: "empty step", prepare: ev(""), want: rotation.ErrInvalidEvent, mention: "Step"},
		{name: "step in the wrong case", prepare: ev("SetSecret"), want: rotation.ErrUnknownStep, mention: "step"},
		{name: "empty token", prepare: edit(rotation.StepCreate, func(e *rotationEvent) { e.ClientRequestToken = "" }), want: rotation.ErrInvalidEvent, mention: "ClientRequestToken"},
		{name: "short token", prepare: edit(rotation.StepCreate, func(e *rotationEvent) { e.ClientRequestToken = "0123456789" }), want: rotation.ErrInvalidEvent, mention: "ClientRequestToken"},
		{name: "binary token", prepare: edit(rotation.StepCreate, func(e *rotationEvent) { e.ClientRequestToken = strings.Repeat("\x00\xff", 18) }), want: rotation.ErrInvalidEvent, mention: "ClientRequestToken"},
		{name: "oversized token", prepare: edit(rotation.StepCreate, func(e *rotationEvent) { e.ClientRequestToken += strings.Repeat("9", 100) }), want: rotation.ErrInvalidEvent, mention: "ClientRequestToken"},
		{name: "oversized secret ID", prepare: edit(rotation.StepCreate, func(e *rotationEvent) { e.SecretID = strings.Repeat("s", 1<<20) }), want: rotation.ErrInvalidEvent, mention: "SecretId"},
		{name: "secret ID with control characters", prepare: edit(rotation.StepCreate, func(e *rotationEvent) { e.SecretID += "\r\nInjected: log line" }), want: rotation.ErrInvalidEvent, mention: "SecretId"},
		{name: "oversized RotationToken", prepare: edit(rotation.StepCreate, func(e *rotationEvent) { e.RotationToken = strings.Repeat(rotationToken, 200) }), want: rotation.ErrInvalidEvent, mention: "RotationToken"},
		{name: "unknown token", prepare: edit(rotation.StepSet, func(e *rotationEvent) { e.ClientRequestToken = fixture.NewToken() }), want: rotation.ErrUnknownVersion, mention: "ClientRequestToken"},
		{name: "secret ID of another secret", prepare: func(t *testing.T, w *world, token string) (*rotation.Handler, rotationEvent) {
			arn, otherToken := otherSecret(t, w, true)
			e := w.event(rotation.StepCreate, otherToken)
			e.SecretID = arn
			return w.handler, e
		}, want: rotation.ErrSecretMismatch, mention: "serves"},
		{name: "token of another secret's rotation", prepare: func(t *testing.T, w *world, token string) (*rotation.Handler, rotationEvent) {
			_, otherToken := otherSecret(t, w, true)
			return w.handler, w.event(rotation.StepCreate, otherToken)
		}, want: rotation.ErrUnknownVersion, mention: "ClientRequestToken"},
		{name: "another secret, rotation disabled", prepare: func(t *testing.T, w *world, token string) (*rotation.Handler, rotationEvent) {
			arn, _ := otherSecret(t, w, false)
			e := w.event(rotation.StepCreate, token)
			e.SecretID = arn
			return handlerFor(t, w, w.dists), e
		}, want: rotation.ErrSecretMismatch, mention: "serves"},
		{name: "secret that does not exist", prepare: edit(rotation.StepCreate, func(e *rotationEvent) { e.SecretID = "originlock/no-such-secret" }), wantAs: new(*smtypes.ResourceNotFoundException), mention: "DescribeSecret"},
		{name: "pending value not JSON", prepare: pending("not json at all"), want: rotation.ErrMalformedSecret, mention: "JSON"},
		{name: "pending value is a JSON array", prepare: pending(`["x"]`), want: rotation.ErrMalformedSecret, mention: "JSON"},
		{name: "pending value lacks the key", prepare: pending(`{"owner":"team-api"}`), want: rotation.ErrMalformedSecret, mention: "HEADERVALUE"},
		{name: "pending value is not a string", prepare: pending(`{"HEADERVALUE":["a"]}`), want: rotation.ErrMalformedSecret, mention: "HEADERVALUE"},
		{name: "pending value is binary", prepare: pending(""), want: rotation.ErrMalformedSecret, mention: "SecretBinary"},
		{name: "pending value empty", prepare: pending(`{"HEADERVALUE":""}`), want: rotation.ErrInvalidValue, mention: "empty"},
		{name: "pending value with a newline", prepare: pending(`{"HEADERVALUE":"abc\ndef-0123456789abcdefghijklmnopqrstuvwxyz0123456789"}`), want: rotation.ErrInvalidValue, mention: "printable"},
		{name: "pending value with a trailing space", prepare: pending(`{"HEADERVALUE":"abcdef-0123456789abcdefghijklmnopqrstuvwxyz0123456789 "}`), want: rotation.ErrInvalidValue, mention: "space"},
		{name: "pending value too long for CloudFront", prepare: pending(`{"HEADERVALUE":"` + strings.Repeat("x", 1784) + `"}`), want: rotation.ErrInvalidValue, mention: "1783"},
		{name: "pending value not ASCII", prepare: pending(`{"HEADERVALUE":"ünïcödé-0123456789abcdefghijklmnopqrstuvwxyz0123456789"}`), want: rotation.ErrInvalidValue, mention: "printable"},
		{name: "distribution that does not exist", prepare: dists(func(w *world) []cloudfront.Distribution {
			return []cloudfront.Distribution{{ID: "ENOSUCHDISTRIBUTION"}}
		}), wantAs: new(*cftypes.NoSuchDistribution), mention: "ENOSUCHDISTRIBUTION"},
		{name: "origin that does not exist", prepare: dists(func(w *world) []cloudfront.Distribution {
			return []cloudfront.Distribution{{ID: w.d1, OriginIDs: []string{"api", "no-such-origin"}}}
		}), want: cloudfront.ErrOriginNotFound, mention: "no-such-origin"},
		{name: "no origin carries the header", prepare: dists(func(w *world) []cloudfront.Distribution {
			id, err := fixture.CreateDistribution(context.Background(), w.dcf, "faultmatrix-"+unsafeName.ReplaceAllString(w.t.Name(), "-")+"-3",
				fixture.Origin{ID: "static", Headers: [][2]string{{"X-Static", "s"}}})
			if err != nil {
				w.t.Fatal(err)
			}
			return []cloudfront.Distribution{{ID: id}}
		}), want: cloudfront.ErrNoOriginWithHeader, mention: "origin IDs"},
	}
}

// TestBadInput sends each malformed or hostile input to the rotation
// handler, in a world where a rotation has begun, and checks that it gets a
// clear error — the right condition, a message that names the problem and
// stays short — and that nothing changed in moto: no write reached it, and
// every version, label, value and distribution config is as before.
func TestBadInput(t *testing.T) {
	for _, bc := range badCases() {
		t.Run(bc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, unsafeName.ReplaceAllString(t.Name(), "-"))
			token, err := fixture.BeginRotation(context.Background(), w.dsm, w.arn, true)
			if err != nil {
				t.Fatal(err)
			}
			h, ev := bc.prepare(t, w, token)
			arns := append([]string{w.arn}, w.others...)
			before, writes := w.state(arns...), w.writes()

			err = h.Handle(context.Background(), ev)

			if bc.want == nil && bc.wantAs == nil {
				// Expected to be refused, with any condition.
				if err == nil {
					t.Fatal("the handler accepted the input")
				}
			} else if bc.want != nil && !errors.Is(err, bc.want) {
				t.Fatalf("got %v, want %v", err, bc.want)
			} else if bc.wantAs != nil && !errors.As(err, bc.wantAs) {
				t.Fatalf("got %v, want %T", err, bc.wantAs)
			}
			var se *rotation.StepError
			if !errors.As(err, &se) {
				t.Errorf("got %T, want *rotation.StepError", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, bc.mention) {
				t.Errorf("the message does not mention %q: %s", bc.mention, msg)
			}
			if len(msg) > 2048+600 {
				t.Errorf("the message is %d bytes long", len(msg))
			}
			if strings.ContainsAny(msg, "\r\n\x00") {
				t.Error("the message carries control characters from the input")
			}
			if got := w.writes() - writes; got != 0 {
				t.Errorf("%d writes reached moto", got)
			}
			if after := w.state(arns...); !before.equal(after) {
				t.Errorf("moto changed:\nbefore %v\nafter  %v", before, after)
			}
			w.mu.Lock()
			w.errs = append(w.errs, msg, fmt.Sprintf("%+v", err))
			w.mu.Unlock()
			for _, l := range w.leaks() {
				t.Errorf("leak: %s appears in logs or errors", l)
			}
		})
	}
}

// TestBadHeaderNames: a header CloudFront would refuse is caught before any
// call is made.
func TestBadHeaderNames(t *testing.T) {
	w := newWorld(t, "bad-header-names")
	calls := len(w.proxy.Calls())
	for _, name := range []string{"", "Host", "host", "Cookie", "Via", "Transfer-Encoding", "X-Amz-Date", "x-amz-anything", "X-Edge-Location", "X-Real-IP",
		"Bad Header", "Bad:Header", "Ünïcode", "X-Origin-Verify\r\nX-Injected", strings.Repeat("X", cloudfront.MaxHeaderNameLength+1)} {
		_, err := cloudfront.NewOriginHeader(w.cf, cloudfront.Config{HeaderName: name, Distributions: w.dists})
		if !errors.Is(err, cloudfront.ErrInvalidHeaderName) {
			t.Errorf("%.40q: got %v, want ErrInvalidHeaderName", name, err)
			continue
		}
		if len(err.Error()) > 600 || strings.ContainsAny(err.Error(), "\r\n") {
			t.Errorf("%.40q: unclear message: %.200q", name, err.Error())
		}
	}
	if got := len(w.proxy.Calls()) - calls; got != 0 {
		t.Errorf("%d calls were made for invalid header names", got)
	}
}

// TestHostileAuthorizerEvents: header values no CloudFront could send — huge,
// binary, repeated, empty — are denied by every adapter without a call to
// Secrets Manager, and a denial never turns into an error (which API
// Gateway would answer with 500).
func TestHostileAuthorizerEvents(t *testing.T) {
	w := newWorld(t, "hostile-authorizer")
	v, err := authorizer.NewVerifier(w.sm, w.arn, authorizer.WithLogger(w.logger), authorizer.WithClock(w.vclock))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if d, err := v.Verify(ctx, initial); err != nil || d != authorizer.AllowCurrent {
		t.Fatalf("warm-up: %v %v", d, err)
	}
	rest := authorizer.RESTRequest(v, header)
	token := authorizer.RESTToken(v)
	httpAPI := authorizer.HTTPAPI(v, header)
	httpIAM := authorizer.HTTPAPIIAM(v, header)
	mw := authorizer.Middleware(v, header, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("a hostile request reached the origin") }))
	const arn = "arn:aws:execute-api:us-east-1:123456789012:api/prod/GET/x"

	values := map[string]string{
		"1 MiB":            strings.Repeat("A", 1<<20),
		"one over the max": strings.Repeat("A", authorizer.MaxValueLength+1),
		"binary":           "\x00\x01\x02\xff\xfe" + initial[5:],
		"NUL inside":       initial[:10] + "\x00" + initial[11:],
		"newline":          initial + "\r\nX-Injected: 1",
		"not UTF-8":        string([]byte{0xc3, 0x28, 0xa0, 0xa1}),
		"unicode":          "ünïcödé" + initial,
		"empty":            "",
		"spaces around":    " " + initial + " ",
	}
	for name, value := range values {
		calls := len(w.proxy.Calls())
		if d, err := v.Verify(ctx, value); err != nil || d != authorizer.Deny {
			t.Errorf("%s: Verify = %v, %v; want Deny", name, d, err)
		}
		resp, err := rest(ctx, events.APIGatewayCustomAuthorizerRequestTypeRequest{Headers: map[string]string{header: value}, MethodArn: arn})
		if err != nil || resp.PolicyDocument.Statement[0].Effect != "Deny" {
			t.Errorf("%s: REST REQUEST = %v, %v; want Deny", name, resp.PolicyDocument, err)
		}
		resp, err = token(ctx, events.APIGatewayCustomAuthorizerRequest{AuthorizationToken: value, MethodArn: arn})
		if err != nil || resp.PolicyDocument.Statement[0].Effect != "Deny" {
			t.Errorf("%s: REST TOKEN = %v, %v; want Deny", name, resp.PolicyDocument, err)
		}
		simple, err := httpAPI(ctx, events.APIGatewayV2CustomAuthorizerV2Request{Headers: map[string]string{strings.ToLower(header): value}, RouteArn: arn})
		if err != nil || simple.IsAuthorized {
			t.Errorf("%s: HTTP API = %v, %v; want not authorized", name, simple.IsAuthorized, err)
		}
		iam, err := httpIAM(ctx, events.APIGatewayV2CustomAuthorizerV2Request{Headers: map[string]string{strings.ToLower(header): value}, RouteArn: arn})
		if err != nil || iam.PolicyDocument.Statement[0].Effect != "Deny" {
			t.Errorf("%s: HTTP API IAM = %v, %v; want Deny", name, iam.PolicyDocument, err)
		}
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header[http.CanonicalHeaderKey(header)] = []string{value}
		rec := httptest.NewRecorder()
		mw.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("%s: middleware answered %d, want 403", name, rec.Code)
		}
		if got := w.proxy.Calls()[calls:]; len(got) != 0 {
			t.Errorf("%s: %d Secrets Manager calls for a value no CloudFront could send", name, len(got))
		}
	}
	// The valid value sent twice is ambiguous: denied, and for REST and the
	// middleware without a read.
	calls := len(w.proxy.Calls())
	resp, err := rest(ctx, events.APIGatewayCustomAuthorizerRequestTypeRequest{MultiValueHeaders: map[string][]string{header: {initial, initial}}, Headers: map[string]string{header: initial}, MethodArn: arn})
	if err != nil || resp.PolicyDocument.Statement[0].Effect != "Deny" {
		t.Errorf("repeated header: REST REQUEST = %v, %v; want Deny", resp.PolicyDocument, err)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header[http.CanonicalHeaderKey(header)] = []string{initial, initial}
	rec := httptest.NewRecorder()
	mw.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("repeated header: middleware answered %d, want 403", rec.Code)
	}
	if got := w.proxy.Calls()[calls:]; len(got) != 0 {
		t.Errorf("%d Secrets Manager calls for a repeated header", len(got))
	}
	// HTTP APIs join a repeated header with a comma into one value; the
	// rotation's values never contain one, so it is denied without a read,
	// every time.
	calls = len(w.proxy.Calls())
	for range 2 {
		simple, err := httpAPI(ctx, events.APIGatewayV2CustomAuthorizerV2Request{Headers: map[string]string{strings.ToLower(header): initial + "," + initial}})
		if err != nil || simple.IsAuthorized {
			t.Errorf("repeated header: HTTP API = %v, %v; want not authorized, no error", simple.IsAuthorized, err)
		}
	}
	if got := w.proxy.Calls()[calls:]; len(got) != 0 {
		t.Errorf("%d Secrets Manager calls for a comma-joined header, want none", len(got))
	}
	for _, l := range w.leaks() {
		t.Errorf("leak: %s appears in logs or errors", l)
	}
}
