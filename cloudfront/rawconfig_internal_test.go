package cloudfront

import (
	"os"
	"strings"
	"testing"
)

// TestPatchConfigShapes covers the XML shapes the golden test does not: each
// case is a config with origin "o", patched with header H: v.
func TestPatchConfigShapes(t *testing.T) {
	const head = `<DistributionConfig xmlns="urn:cf"><Origins><Quantity>1</Quantity><Items>`
	const tail = `</Items></Origins></DistributionConfig>`
	hdr := `<OriginCustomHeader><HeaderName>H</HeaderName><HeaderValue>v</HeaderValue></OriginCustomHeader>`
	cases := map[string]struct {
		origin, want string
		changed      bool
		headers      int
	}{
		"value replaced": {
			origin:  `<Origin><Id>o</Id><CustomHeaders><Quantity>1</Quantity><Items><OriginCustomHeader><HeaderName>h</HeaderName><HeaderValue>old</HeaderValue></OriginCustomHeader></Items></CustomHeaders></Origin>`,
			want:    `<Origin><Id>o</Id><CustomHeaders><Quantity>1</Quantity><Items><OriginCustomHeader><HeaderName>h</HeaderName><HeaderValue>v</HeaderValue></OriginCustomHeader></Items></CustomHeaders></Origin>`,
			changed: true, headers: 1,
		},
		"already set (entity-encoded name)": {
			origin:  `<Origin><Id>o</Id><CustomHeaders><Quantity>1</Quantity><Items><OriginCustomHeader><HeaderName>&#72;</HeaderName><HeaderValue>v</HeaderValue></OriginCustomHeader></Items></CustomHeaders></Origin>`,
			want:    `<Origin><Id>o</Id><CustomHeaders><Quantity>1</Quantity><Items><OriginCustomHeader><HeaderName>&#72;</HeaderName><HeaderValue>v</HeaderValue></OriginCustomHeader></Items></CustomHeaders></Origin>`,
			headers: 1,
		},
		"empty value element": {
			origin:  `<Origin><Id>o</Id><CustomHeaders><Quantity>1</Quantity><Items><OriginCustomHeader><HeaderName>H</HeaderName><HeaderValue/></OriginCustomHeader></Items></CustomHeaders></Origin>`,
			want:    `<Origin><Id>o</Id><CustomHeaders><Quantity>1</Quantity><Items>` + hdr + `</Items></CustomHeaders></Origin>`,
			changed: true, headers: 1,
		},
		"two copies both set": {
			origin:  `<Origin><Id>o</Id><CustomHeaders><Quantity>2</Quantity><Items><OriginCustomHeader><HeaderName>H</HeaderName><HeaderValue>a</HeaderValue></OriginCustomHeader><OriginCustomHeader><HeaderName>h</HeaderName><HeaderValue>v</HeaderValue></OriginCustomHeader></Items></CustomHeaders></Origin>`,
			want:    `<Origin><Id>o</Id><CustomHeaders><Quantity>2</Quantity><Items>` + hdr + `<OriginCustomHeader><HeaderName>h</HeaderName><HeaderValue>v</HeaderValue></OriginCustomHeader></Items></CustomHeaders></Origin>`,
			changed: true, headers: 2,
		},
		"no Items element": {
			origin:  `<Origin><Id>o</Id><CustomHeaders><Quantity>0</Quantity><Future/></CustomHeaders></Origin>`,
			want:    `<Origin><Id>o</Id><CustomHeaders><Quantity>1</Quantity><Items>` + hdr + `</Items><Future/></CustomHeaders></Origin>`,
			changed: true, headers: 1,
		},
		"no CustomHeaders element": {
			origin:  `<Origin><Id>o</Id><DomainName>d</DomainName><OriginPath>/p</OriginPath><Future>x</Future></Origin>`,
			want:    `<Origin><Id>o</Id><DomainName>d</DomainName><OriginPath>/p</OriginPath><CustomHeaders><Quantity>1</Quantity><Items>` + hdr + `</Items></CustomHeaders><Future>x</Future></Origin>`,
			changed: true, headers: 1,
		},
		"prefixed CloudFront namespace": {
			origin:  `<cf:Origin xmlns:cf="urn:cf"><cf:Id>o</cf:Id><cf:CustomHeaders><cf:Quantity>0</cf:Quantity><cf:Items/></cf:CustomHeaders></cf:Origin>`,
			want:    `<cf:Origin xmlns:cf="urn:cf"><cf:Id>o</cf:Id><cf:CustomHeaders><cf:Quantity>1</cf:Quantity><cf:Items><cf:OriginCustomHeader><cf:HeaderName>H</cf:HeaderName><cf:HeaderValue>v</cf:HeaderValue></cf:OriginCustomHeader></cf:Items></cf:CustomHeaders></cf:Origin>`,
			changed: true, headers: 1,
		},
		"look-alike in another namespace ignored": {
			origin:  `<Origin><Id>o</Id><x:CustomHeaders xmlns:x="urn:other"><Quantity>7</Quantity></x:CustomHeaders><CustomHeaders><Quantity>0</Quantity></CustomHeaders></Origin>`,
			want:    `<Origin><Id>o</Id><x:CustomHeaders xmlns:x="urn:other"><Quantity>7</Quantity></x:CustomHeaders><CustomHeaders><Quantity>1</Quantity><Items>` + hdr + `</Items></CustomHeaders></Origin>`,
			changed: true, headers: 1,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, patches, err := patchConfig([]byte(head+tc.origin+tail), []string{"o"}, "H", "v")
			if err != nil {
				t.Fatal(err)
			}
			if got, want := string(out), head+tc.want+tail; got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
			if p := patches[0]; p.Changed != tc.changed || p.Headers != tc.headers {
				t.Errorf("patch = %+v, want changed %v, %d headers", p, tc.changed, tc.headers)
			}
		})
	}
}

func TestPatchConfigRefuses(t *testing.T) {
	cases := map[string]string{
		"not XML":           `<DistributionConfig><Origins>`,
		"other root":        `<Distribution/>`,
		"empty":             ``,
		"quantity mismatch": `<DistributionConfig><Origins><Items><Origin><Id>o</Id><CustomHeaders><Quantity>2</Quantity><Items/></CustomHeaders></Origin></Items></Origins></DistributionConfig>`,
		"origin twice":      `<DistributionConfig><Origins><Items><Origin><Id>o</Id></Origin><Origin><Id>o</Id></Origin></Items></Origins></DistributionConfig>`,
		"origin missing":    `<DistributionConfig><Origins><Items><Origin><Id>p</Id></Origin></Items></Origins></DistributionConfig>`,
		"undefined entity":  `<DistributionConfig><Comment>&nbsp;</Comment></DistributionConfig>`,
		"nested too deep":   `<DistributionConfig>` + strings.Repeat("<a>", 200) + strings.Repeat("</a>", 200) + `</DistributionConfig>`,
	}
	for name, doc := range cases {
		if _, _, err := patchConfig([]byte(doc), []string{"o"}, "H", "secret-value"); err == nil {
			t.Errorf("%s: patched, want an error", name)
		} else if strings.Contains(err.Error(), "secret-value") {
			t.Errorf("%s: the error contains the value", name)
		}
	}
}

// FuzzPatchConfig: on any document, patchConfig either refuses or returns
// well-formed XML on which the header carries the value on every selected
// origin, and which a second patch leaves byte for byte as it is.
func FuzzPatchConfig(f *testing.F) {
	for _, name := range []string{"testdata/unknown-elements.xml", "testdata/unknown-elements.want.xml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "api", "api-2")
	}
	f.Add([]byte(`<DistributionConfig><Origins><Items><Origin><Id>o</Id></Origin></Items></Origins></DistributionConfig>`), "o", "")
	f.Fuzz(func(t *testing.T, doc []byte, id1, id2 string) {
		const name, value = "X-Origin-Verify", "v-0123456789&<>\"'"
		ids := []string{id1}
		if id2 != "" && id2 != id1 {
			ids = append(ids, id2)
		}
		out, _, err := patchConfig(doc, ids, name, value)
		if err != nil {
			return
		}
		origins, err := scanConfig(out)
		if err != nil {
			t.Fatalf("the patched document does not parse: %v\n%s", err, out)
		}
		for _, id := range ids {
			for _, o := range origins {
				if o.id != id {
					continue
				}
				found := false
				for _, h := range o.list {
					if strings.EqualFold(h.name, name) {
						found = true
						if h.value != value {
							t.Fatalf("origin %q: header holds %q after the patch", id, h.value)
						}
					}
				}
				if !found {
					t.Fatalf("origin %q: no header after the patch\n%s", id, out)
				}
			}
		}
		again, patches, err := patchConfig(out, ids, name, value)
		if err != nil || string(again) != string(out) {
			t.Fatalf("a second patch changed the document (%v)", err)
		}
		for _, p := range patches {
			if p.Changed {
				t.Fatalf("a second patch reports a change on %q", p.ID)
			}
		}
	})
}
