package originlock

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestValidateHeaderName(t *testing.T) {
	for _, name := range []string{"X-Origin-Verify", "x-origin-verify", "X-CDN_Secret.1", "Authorization-Origin", strings.Repeat("a", 256)} {
		if err := ValidateHeaderName(name); err != nil {
			t.Errorf("ValidateHeaderName(%q): got %v, want nil", name, err)
		}
	}
	for _, name := range []string{
		"", strings.Repeat("a", 257), "X Origin", "X-Origin:", "X-Ürigin",
		"Host", "host", "Cookie", "Cache-Control", "Via", "X-Real-Ip", "x-real-ip", "TE", "Request-Range",
		"X-Amz-Secret", "x-amz-cf-id", "X-Edge-Origin",
	} {
		if err := ValidateHeaderName(name); err == nil {
			t.Errorf("ValidateHeaderName(%q): got nil, want an error", name)
		}
	}
}

func TestScheduleExpression(t *testing.T) {
	for d, want := range map[time.Duration]string{
		4 * time.Hour:         "rate(4 hours)",
		23 * time.Hour:        "rate(23 hours)",
		24 * time.Hour:        "rate(1 day)",
		30 * 24 * time.Hour:   "rate(30 days)",
		1000 * 24 * time.Hour: "rate(1000 days)",
	} {
		if got, err := scheduleExpression(d); err != nil || got != want {
			t.Errorf("scheduleExpression(%v): got %q, %v; want %q", d, got, err, want)
		}
	}
	for _, d := range []time.Duration{3 * time.Hour, 90 * time.Minute, 25 * time.Hour, 1001 * 24 * time.Hour, -24 * time.Hour} {
		if got, err := scheduleExpression(d); err == nil {
			t.Errorf("scheduleExpression(%v): got %q, want an error", d, got)
		}
	}
}

func TestValidate(t *testing.T) {
	if err := (Props{}).Validate(); err != nil {
		t.Errorf("zero Props: got %v, want nil (every field has a default)", err)
	}
	for name, p := range map[string]Props{
		"unknown API type":          {APIType: "websocket"},
		"forbidden header":          {HeaderName: "Host"},
		"HTTP API without backend":  {APIType: HTTPAPI},
		"plain http backend":        {BackendURL: "http://backend.example.com"},
		"backend with query":        {BackendURL: "https://backend.example.com/?a=1"},
		"backend with fragment":     {BackendURL: "https://backend.example.com/#x"},
		"backend without host":      {BackendURL: "https:///path"},
		"backend with user":         {BackendURL: "https://user:pw@backend.example.com"},
		"rotation too often":        {RotationInterval: 3 * time.Hour},
		"rotation in minutes":       {RotationInterval: 270 * time.Minute},
		"rotation too rare":         {RotationInterval: 1001 * 24 * time.Hour},
		"negative cache TTL":        {AuthorizerCacheTTL: -time.Second},
		"cache TTL above an hour":   {AuthorizerCacheTTL: time.Hour + time.Second},
		"cache TTL not in seconds":  {AuthorizerCacheTTL: 1500 * time.Millisecond},
		"stage name with slash":     {StageName: "v1/x"},
		"domain without cert":       {DomainNames: []string{"api.example.com"}},
		"cache TTL above the grace": {AuthorizerCacheTTL: 20 * time.Minute},
	} {
		if err := p.Validate(); !errors.Is(err, ErrInvalidProps) {
			t.Errorf("%s: got %v, want an error wrapping ErrInvalidProps", name, err)
		}
	}
	ok := Props{APIType: HTTPAPI, BackendURL: "https://backend.example.com/v1", AuthorizerCacheTTL: time.Hour, PreviousGrace: time.Hour, RotationInterval: 4 * time.Hour}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid HTTP props: got %v", err)
	}
}

func TestNewRefusesBadProps(t *testing.T) {
	if _, err := New(nil, "Lock", &Props{HeaderName: "X-Amz-Date"}); !errors.Is(err, ErrInvalidProps) {
		t.Errorf("forbidden header: got %v, want ErrInvalidProps", err)
	}
	empty := t.TempDir()
	if _, err := New(nil, "Lock", &Props{ModuleDir: empty}); !errors.Is(err, ErrInvalidProps) {
		t.Errorf("ModuleDir without go.mod: got %v, want ErrInvalidProps", err)
	}
	writeModule(t, empty, "github.com/originlock/originlock")
	if _, err := New(nil, "Lock", &Props{ModuleDir: empty}); err == nil || !strings.Contains(err.Error(), RotationPackage) {
		t.Errorf("module without the main packages: got %v, want an error naming %s", err, RotationPackage)
	}
}

func TestFindModuleDir(t *testing.T) {
	root := t.TempDir()
	writeModule(t, root, ModulePath)
	nested := filepath.Join(root, "examples", "cdk")
	writeModule(t, nested, ModulePath+"/examples/cdk")
	deep := filepath.Join(nested, "originlock")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, start := range []string{root, nested, deep} {
		got, err := FindModuleDir(start)
		if err != nil || got != root {
			t.Errorf("FindModuleDir(%s): got %q, %v; want %q", start, got, err, root)
		}
	}

	other := t.TempDir()
	writeModule(t, other, "example.com/other")
	if _, err := FindModuleDir(other); !errors.Is(err, ErrModuleNotFound) {
		t.Errorf("outside the module: got %v, want ErrModuleNotFound", err)
	}

	// The repository this test runs in: the real thing.
	wd, _ := os.Getwd()
	got, err := FindModuleDir(wd)
	if err != nil {
		t.Fatalf("FindModuleDir(%s): %v", wd, err)
	}
	if want, _ := filepath.Abs("../../.."); got != want {
		t.Errorf("FindModuleDir(%s): got %s, want %s", wd, got, want)
	}
}

func writeModule(t *testing.T, dir, path string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module "+path+"\n\ngo 1.24\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
