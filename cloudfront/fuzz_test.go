package cloudfront_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/originlock/originlock/cloudfront"
	"github.com/originlock/originlock/internal/cfdouble"
	"github.com/originlock/originlock/internal/clocktest"
	"github.com/originlock/originlock/internal/fixture"
	"github.com/originlock/originlock/rotation"
)

// forbidden is CloudFront's list of headers an origin custom header cannot
// set (DESIGN.md), kept apart from the package's own copy on purpose.
var forbidden = []string{"cache-control", "connection", "content-length", "cookie", "host", "if-match",
	"if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "max-forwards", "pragma",
	"proxy-authorization", "proxy-connection", "range", "request-range", "te", "trailer",
	"transfer-encoding", "upgrade", "via", "x-real-ip"}

// headerNameOK is an independent statement of CloudFront's rules.
func headerNameOK(name string) bool {
	if name == "" || len(name) > 256 {
		return false
	}
	for _, c := range []byte(name) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	lower := strings.ToLower(name)
	return !slices.Contains(forbidden, lower) && !strings.HasPrefix(lower, "x-amz-") && !strings.HasPrefix(lower, "x-edge-")
}

// FuzzValidateHeaderName: ValidateHeaderName agrees with CloudFront's rules
// on every name, ignores case, and says why in a short, printable message.
func FuzzValidateHeaderName(f *testing.F) {
	for _, s := range []string{"X-Origin-Verify", "Host", "x-amz-date", "X-Edge-", "X-Amzn-Trace", "a b", "X:Y", "ÿ", "\x00", strings.Repeat("h", 256), strings.Repeat("h", 257), "TE", "te\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := cloudfront.ValidateHeaderName(name)
		if want := headerNameOK(name); (err == nil) != want {
			t.Fatalf("ValidateHeaderName(%q) = %v, want accepted %v", name, err, want)
		}
		if err == nil {
			for _, variant := range []string{strings.ToUpper(name), strings.ToLower(name)} {
				if err := cloudfront.ValidateHeaderName(variant); err != nil {
					t.Fatalf("%q is accepted but %q is not: %v", name, variant, err)
				}
			}
			return
		}
		if !errors.Is(err, cloudfront.ErrInvalidHeaderName) {
			t.Fatalf("error %v does not wrap ErrInvalidHeaderName", err)
		}
		if msg := err.Error(); len(msg) > 4*256+200 || strings.ContainsFunc(msg, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("the message is %d bytes or carries control characters: %q", len(msg), msg)
		}
	})
}

// fuzzConfig builds a distribution config and a selection from fuzz bytes:
// up to four origins, each with up to four headers whose names are case
// variants of the rotated header or others, and a selection that may name
// origins that do not exist.
func fuzzConfig(data []byte) (*types.DistributionConfig, []string) {
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return int(b)
	}
	ids := []string{"api", "api-2", "static", "s3"}
	names := []string{header, strings.ToLower(header), strings.ToUpper(header), "X-Other", header + "-2", "X-Origin"}
	var origins []types.Origin
	for i := range 1 + next()%4 {
		var hs []types.OriginCustomHeader
		for j := range next() % 5 {
			hs = append(hs, types.OriginCustomHeader{HeaderName: aws.String(names[next()%len(names)]), HeaderValue: aws.String(strings.Repeat(string(rune('a'+j)), 1+next()%8))})
		}
		o := types.Origin{Id: aws.String(ids[i]), DomainName: aws.String(ids[i] + ".example.com"), ConnectionAttempts: aws.Int32(int32(1 + next()%3))}
		if next()%4 != 0 {
			o.CustomHeaders = &types.CustomHeaders{Quantity: aws.Int32(int32(len(hs))), Items: hs}
		}
		origins = append(origins, o)
	}
	var selected []string
	for _, id := range append(ids, "missing") {
		if next()%3 == 0 {
			selected = append(selected, id)
		}
	}
	cfg := distConfig(map[string][][2]string{"x": nil}, "x")
	cfg.Origins = &types.Origins{Quantity: aws.Int32(int32(len(origins))), Items: origins}
	cfg.DefaultCacheBehavior.TargetOriginId = origins[0].Id
	return cfg, selected
}

// FuzzSetSecretChangesOnlyTheHeader: on any distribution config the SDK can
// represent (serialized by the SDK into the double) and any selection of
// origins, SetSecret either refuses without updating, or its raw patch gives
// the same typed config as the typed patch computed here (the rotated header,
// matched case-insensitively, set on exactly the selected origins, added
// where missing) and changes nothing else; run again, it updates nothing.
func FuzzSetSecretChangesOnlyTheHeader(f *testing.F) {
	f.Add([]byte{2, 1, 0, 7, 3, 1, 2, 1, 0, 2, 0, 0, 1, 1, 1})
	f.Add([]byte{0})
	f.Add([]byte{3, 4, 0, 1, 2, 3, 1, 1, 2, 2, 5, 3, 0, 0, 1, 0, 2, 1, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		const pending = "pending-value-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
		before, selected := fuzzConfig(data)
		api := cfdouble.New()
		if err := api.PutConfig("E1", before); err != nil {
			t.Fatal(err)
		}
		target, err := cloudfront.NewOriginHeader(api.Start(t), cloudfront.Config{HeaderName: header, Distributions: []cloudfront.Distribution{{ID: "E1", OriginIDs: selected}}},
			cloudfront.WithLogger(slog.New(slog.DiscardHandler)), cloudfront.WithClock(clocktest.New(time.Unix(0, 0))))
		if err != nil {
			t.Fatal(err)
		}
		_, err = target.SetSecret(context.Background(), rotation.SetSecretRequest{Pending: pending})
		after, cerr := api.Config("E1")
		if cerr != nil {
			t.Fatal(cerr)
		}
		if err != nil {
			if !errors.Is(err, cloudfront.ErrOriginNotFound) && !errors.Is(err, cloudfront.ErrNoOriginWithHeader) {
				t.Fatalf("unexpected error: %v", err)
			}
			if api.Count(opUpdate) != 0 {
				t.Fatal("a refused SetSecret updated the distribution")
			}
			return
		}
		if len(selected) == 0 {
			for _, o := range before.Origins.Items {
				if carriesHeader(o) {
					selected = append(selected, aws.ToString(o.Id))
				}
			}
		}
		want := fixture.CloneConfig(before)
		for i := range want.Origins.Items {
			o := &want.Origins.Items[i]
			if !slices.Contains(selected, aws.ToString(o.Id)) {
				continue
			}
			if !carriesHeader(*o) {
				if o.CustomHeaders == nil {
					o.CustomHeaders = &types.CustomHeaders{}
				}
				o.CustomHeaders.Items = append(o.CustomHeaders.Items, types.OriginCustomHeader{HeaderName: aws.String(header), HeaderValue: aws.String(pending)})
				o.CustomHeaders.Quantity = aws.Int32(int32(len(o.CustomHeaders.Items)))
				continue
			}
			for j := range o.CustomHeaders.Items {
				if strings.EqualFold(aws.ToString(o.CustomHeaders.Items[j].HeaderName), header) {
					o.CustomHeaders.Items[j].HeaderValue = aws.String(pending)
				}
			}
		}
		if a, w := jsonOf(after), jsonOf(want); a != w {
			t.Fatalf("SetSecret changed more or less than the header:\n got %s\nwant %s", a, w)
		}
		updates := api.Count(opUpdate)
		if _, err := target.SetSecret(context.Background(), rotation.SetSecretRequest{Pending: pending}); err != nil || api.Count(opUpdate) != updates {
			t.Fatalf("SetSecret again: %v, %d more updates; want none", err, api.Count(opUpdate)-updates)
		}
	})
}

func carriesHeader(o types.Origin) bool {
	if o.CustomHeaders == nil {
		return false
	}
	for _, h := range o.CustomHeaders.Items {
		if strings.EqualFold(aws.ToString(h.HeaderName), header) {
			return true
		}
	}
	return false
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
