package cloudfront_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"testing"
	"time"

	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/cfdouble"
	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/rotation"
)

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withStaging marks a config document as a staging distribution's.
func withStaging(doc []byte) []byte {
	return bytes.Replace(doc, []byte("<Enabled>true</Enabled>"), []byte("<Enabled>true</Enabled><Staging>true</Staging>"), 1)
}

// rawEnv serves testdata/unknown-elements.xml as distribution E1, and the
// same config marked as a staging distribution as E2. The document holds
// elements this SDK does not know inside the selected origins (api, api-2),
// inside the unselected one (static), in DistributionConfig and in cache
// behaviors, in another namespace too, with comments, CDATA, character
// references, unicode and odd whitespace (tabs, runs of spaces, a CRLF).
func rawEnv(t *testing.T, opts ...cloudfront.Option) (*cfdouble.Server, *cloudfront.OriginHeader, []byte, []byte) {
	t.Helper()
	before, want := readFile(t, "testdata/unknown-elements.xml"), readFile(t, "testdata/unknown-elements.want.xml")
	srv := cfdouble.New()
	if err := srv.Put("E1", before); err != nil {
		t.Fatal(err)
	}
	if err := srv.Put("E2", withStaging(before)); err != nil {
		t.Fatal(err)
	}
	opts = append([]cloudfront.Option{cloudfront.WithLogger(slog.New(slog.DiscardHandler)), cloudfront.WithClock(clocktest.New(time.Unix(0, 0)))}, opts...)
	target, err := cloudfront.NewOriginHeader(srv.Start(t), cloudfront.Config{HeaderName: header, Distributions: []cloudfront.Distribution{
		{ID: "E1", OriginIDs: []string{"api", "api-2"}}, {ID: "E2", OriginIDs: []string{"api", "api-2"}},
	}}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, target, before, want
}

// TestSetSecretSendsTheConfigBackAsRead: each UpdateDistribution body is the
// GetDistributionConfig body it answers, byte for byte, but for the header:
// the value replaced on the origin that had it, one OriginCustomHeader added
// (Quantity incremented) on the origin that had none. Its If-Match is the
// ETag that read returned. A staging distribution gets the same care.
func TestSetSecretSendsTheConfigBackAsRead(t *testing.T) {
	srv, target, before, want := rawEnv(t)
	if _, err := target.SetSecret(t.Context(), rotation.SetSecretRequest{Pending: newValue}); err != nil {
		t.Fatal(err)
	}
	reads := map[string]cfdouble.Request{}
	for _, r := range srv.Requests() {
		if r.Op == cfdouble.OpGetDistributionConfig {
			reads[r.ID] = r
		}
	}
	updates := srv.Updates()
	if len(updates) != 2 {
		t.Fatalf("UpdateDistribution requests = %d, want 2", len(updates))
	}
	for _, u := range updates {
		read := reads[u.ID]
		wantBody, readBody := want, before
		if u.ID == "E2" {
			wantBody, readBody = withStaging(want), withStaging(before)
		}
		if !bytes.Equal(read.ResponseBody, readBody) {
			t.Fatalf("%s: the double served something else than it stored", u.ID)
		}
		if !bytes.Equal(u.Body, wantBody) {
			t.Errorf("%s: UpdateDistribution body differs from the body read beyond the header:\n got %s\nwant %s", u.ID, u.Body, wantBody)
		}
		if u.IfMatch != read.ETag || u.IfMatch == "" {
			t.Errorf("%s: If-Match = %q, want the ETag read, %q", u.ID, u.IfMatch, read.ETag)
		}
	}
	// The typed view of the result carries the value where it should, and
	// TestSecret (GetDistribution, which embeds the document) agrees.
	if _, err := target.TestSecret(t.Context(), rotation.TestSecretRequest{Pending: newValue}); err != nil {
		t.Errorf("TestSecret: %v", err)
	}
	// Nothing left to do: a retried step sends nothing.
	if _, err := target.SetSecret(t.Context(), rotation.SetSecretRequest{Pending: newValue}); err != nil || len(srv.Updates()) != 2 {
		t.Errorf("SetSecret again: %v, %d updates; want none more", err, len(srv.Updates())-2)
	}
}

// TestSetSecretRereadsRawAfter412: after a 412 the config is read again and
// the update sent with the new ETag and the bytes of the new read.
func TestSetSecretRereadsRawAfter412(t *testing.T) {
	srv, target, _, want := rawEnv(t)
	if err := srv.Put("E1", bytes.Replace(readFile(t, "testdata/unknown-elements.xml"), []byte("keep   this"), []byte("changed by another writer"), 1)); err != nil {
		t.Fatal(err)
	}
	srv.BumpAfterReads("E1", 2) // the read in the plan, and the re-read after the first 412
	if _, err := target.SetSecret(t.Context(), rotation.SetSecretRequest{Pending: newValue}); err != nil {
		t.Fatal(err)
	}
	var e1 []cfdouble.Request
	for _, u := range srv.Updates() {
		if u.ID == "E1" {
			e1 = append(e1, u)
		}
	}
	if len(e1) != 3 || e1[0].Status != 412 || e1[1].Status != 412 || e1[2].Status != 200 {
		t.Fatalf("E1 updates = %+v, want 412, 412, 200", e1)
	}
	wantBody := bytes.Replace(want, []byte("keep   this"), []byte("changed by another writer"), 1)
	if !bytes.Equal(e1[2].Body, wantBody) {
		t.Errorf("the update after the 412s is not the last read plus the header:\n got %s\nwant %s", e1[2].Body, wantBody)
	}
	var lastRead cfdouble.Request
	for _, r := range srv.Requests() {
		if r.Op == cfdouble.OpGetDistributionConfig && r.ID == "E1" {
			lastRead = r
		}
	}
	if e1[2].IfMatch != lastRead.ETag || e1[2].IfMatch == e1[1].IfMatch {
		t.Errorf("the update after the 412s had If-Match %q, want the last read's ETag %q", e1[2].IfMatch, lastRead.ETag)
	}
}

// typedOnly is a test double of the API that hides the SDK options from the
// client it wraps, as a hand-written fake or a careless wrapper would.
type typedOnly struct{ cloudfront.API }

func (a typedOnly) GetDistributionConfig(ctx context.Context, in *cfsdk.GetDistributionConfigInput, _ ...func(*cfsdk.Options)) (*cfsdk.GetDistributionConfigOutput, error) {
	return a.API.GetDistributionConfig(ctx, in)
}

func (a typedOnly) UpdateDistribution(ctx context.Context, in *cfsdk.UpdateDistributionInput, _ ...func(*cfsdk.Options)) (*cfsdk.UpdateDistributionOutput, error) {
	return a.API.UpdateDistribution(ctx, in)
}

// TestNoRawBodyNoUpdate: without the raw body SetSecret fails with
// ErrRawConfig and never sends a typed (lossy) config.
func TestNoRawBodyNoUpdate(t *testing.T) {
	srv := cfdouble.New()
	if err := srv.Put("E1", readFile(t, "testdata/unknown-elements.xml")); err != nil {
		t.Fatal(err)
	}
	target, err := cloudfront.NewOriginHeader(typedOnly{srv.Start(t)}, cloudfront.Config{HeaderName: header, Distributions: []cloudfront.Distribution{{ID: "E1", OriginIDs: []string{"api"}}}},
		cloudfront.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = target.SetSecret(t.Context(), rotation.SetSecretRequest{Pending: newValue})
	var de *cloudfront.DistributionError
	if !errors.Is(err, cloudfront.ErrRawConfig) || !errors.As(err, &de) || de.DistributionID != "E1" {
		t.Fatalf("got %v, want ErrRawConfig naming E1", err)
	}
	if got := srv.Count(cfdouble.OpGetDistributionConfig); got != 1 {
		t.Errorf("GetDistributionConfig requests = %d, want 1 (not retried)", got)
	}
	if got := srv.Count(cfdouble.OpUpdateDistribution); got != 0 {
		t.Errorf("UpdateDistribution requests = %d, want 0", got)
	}
}
