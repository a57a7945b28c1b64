package capture

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// findBrowser returns a browser for these tests, or skips (fails under CI,
// where Chrome is always installed).
func findBrowser(t *testing.T, choice string) (string, Mode) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: skipped with -short")
	}
	path, mode, err := FindBrowser(choice)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Chrome is required in CI: %v", err)
		}
		t.Skip(err)
	}
	return path, mode
}

func dataURL(html string) string { return "data:text/html," + url.PathEscape(html) }

func openTab(t *testing.T, ctx context.Context, b *Browser, html string, notice func(Notice)) *Tab {
	t.Helper()
	tab, err := b.OpenTab(ctx, TabOptions{URL: dataURL(html), Width: 160, Height: 90, FPS: 30,
		Epoch: time.Unix(1700000000, 0), ReadyTimeout: 20 * time.Second, OnNotice: notice})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tab.Close)
	return tab
}

// TestLaunchFallsBackToScreenshots: a browser that cannot draw with
// beginFrame (here full Chromium, which lacks it) is started again in
// screenshot mode, says why, and takes pictures.
func TestLaunchFallsBackToScreenshots(t *testing.T) {
	path, _ := findBrowser(t, "chromium")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var why error
	b, err := Launch(ctx, BrowserOptions{Path: path, Mode: ModeBeginFrame, Width: 160, Height: 90,
		OnFallback: func(err error) { why = err }})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Mode() != ModeScreenshot || why == nil || !strings.Contains(why.Error(), "beginFrame") {
		t.Fatalf("mode %v, fallback reason %v; want screenshot mode and a beginFrame error", b.Mode(), why)
	}
	tab := openTab(t, ctx, b, `<body style="margin:0;background:#f00">`, nil)
	if _, err := tab.Seek(ctx, 0); err != nil {
		t.Fatal(err)
	}
	pic, err := tab.Shoot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(pic))
	if err != nil {
		t.Fatal(err)
	}
	if r, g, _, _ := img.At(80, 45).RGBA(); r>>8 < 240 || g>>8 > 20 {
		t.Errorf("pixel (80,45) is %v, want red", img.At(80, 45))
	}
}

// TestHungPageAndDialogs: a dialog is dismissed and reported with its
// text, and a script that never returns is a HungError naming its frame.
func TestHungPageAndDialogs(t *testing.T) {
	path, mode := findBrowser(t, "auto")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := Launch(ctx, BrowserOptions{Path: path, Mode: mode, Width: 160, Height: 90})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var mu sync.Mutex
	var notices []string
	tab := openTab(t, ctx, b, `<script>
		setTimeout(() => { document.body.textContent = confirm('go on?') ? 'yes' : 'no'; alert('hello'); }, 100);
		setTimeout(() => { for (;;) {} }, 1000);
	</script><body>`, func(n Notice) { mu.Lock(); notices = append(notices, n.String()); mu.Unlock() })
	if _, err := tab.Seek(ctx, 10); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	got := strings.Join(notices, "\n")
	mu.Unlock()
	for _, want := range []string{`confirm("go on?")`, `alert("hello")`} {
		if !strings.Contains(got, want) {
			t.Errorf("notices %q do not mention %s", got, want)
		}
	}
	sctx, scancel := context.WithTimeout(ctx, 3*time.Second)
	defer scancel()
	_, err = tab.Seek(sctx, 40)
	var hung *HungError
	if !errors.As(err, &hung) || hung.Frame != 30 {
		t.Fatalf("seek into a page that hangs at 1 s: %v; want a HungError at frame 30", err)
	}
	if !transient(err) {
		t.Errorf("a hung page is not retried: %v", err)
	}
	if !strings.Contains(err.Error(), "stopped responding at t=1.000s") {
		t.Errorf("error %q does not say where the page stopped", err)
	}
}
