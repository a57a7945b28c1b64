package deck

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/deckreel/deckreel/capture"
)

// requireChrome skips an integration test when Chrome is missing, except
// under CI, where a missing browser is a failure: integration tests are
// never skipped silently there.
func requireChrome(t *testing.T) (string, capture.Mode) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: skipped with -short")
	}
	p, mode, err := capture.FindBrowser("auto")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Chrome is required in CI: %v", err)
		}
		t.Skip(err)
	}
	return p, mode
}

// shared is one plain headless Chrome for the tests that drive pages with
// chromedp directly; each test opens its own tab in it.
var shared struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	err    error
}

// browserTab opens a tab in the shared browser; it is closed when the test
// ends.
func browserTab(t *testing.T) context.Context {
	t.Helper()
	p, _ := requireChrome(t)
	shared.once.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(p),
			chromedp.WindowSize(1280, 720),
			chromedp.Flag("hide-scrollbars", true),
			chromedp.Flag("mute-audio", true),
			chromedp.Flag("disable-gpu", true),
		)
		if os.Geteuid() == 0 {
			opts = append(opts, chromedp.NoSandbox)
		}
		actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, bcancel := chromedp.NewContext(actx)
		shared.ctx, shared.cancel = bctx, func() { bcancel(); acancel() }
		shared.err = chromedp.Do(bctx)
	})
	if shared.err != nil {
		t.Fatalf("start Chrome: %v", shared.err)
	}
	tctx, cancel := chromedp.NewContext(shared.ctx)
	t.Cleanup(cancel)
	return tctx
}

// TestMain gives the run its own conversion cache, closes the shared
// browser and checks that no test left a Chrome process behind.
func TestMain(m *testing.M) {
	// A cache of conversions (PDF pages, LibreOffice's PDFs) of this run
	// only: each deck converts once per run, and a test of a missing tool
	// finds nothing cached.
	cache, err := os.MkdirTemp("", "deckreel-deck-test-cache-")
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	os.Setenv("XDG_CACHE_HOME", cache)
	code := m.Run()
	os.RemoveAll(cache)
	if shared.cancel != nil {
		shared.cancel()
	}
	if code == 0 {
		if out, err := exec.Command("pgrep", "-P", strconv.Itoa(os.Getpid())).Output(); err == nil && len(out) > 0 {
			os.Stderr.WriteString("leftover child processes: " + string(out))
			code = 1
		}
	}
	os.Exit(code)
}
