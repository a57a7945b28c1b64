package deck

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"testing"
	"time"

	"github.com/deckreel/deckreel/capture"
)

// segmentTab serves a segment's page and opens it under virtual time in a
// browser of its own (beginFrame mode wants one tab per browser), as the
// render pipeline does. Everything is closed when the test ends.
func segmentTab(t *testing.T, ctx context.Context, seg Segment, w, h, fps int) *capture.Tab {
	t.Helper()
	path, mode := requireChrome(t)
	srv, err := capture.Serve(seg.Source.FS, func(host string) { t.Errorf("page reached for %s", host) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	b, err := capture.Launch(ctx, capture.BrowserOptions{Path: path, Mode: mode, Width: w, Height: h, Proxy: srv.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	tab, err := b.OpenTab(ctx, capture.TabOptions{
		URL: srv.URL(seg.Source.Entry), Width: w, Height: h, FPS: fps,
		Epoch: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), ReadyTimeout: 30 * time.Second,
		OnPageError: func(pe capture.PageError) { t.Errorf("page error: %s", pe) },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tab.Close)
	if broken := tab.BrokenImages(); len(broken) > 0 {
		t.Errorf("broken images: %q", broken)
	}
	return tab
}

// shoot seeks the tab to frame n and decodes the frame.
func shoot(t *testing.T, ctx context.Context, tab *capture.Tab, n int) image.Image {
	t.Helper()
	if _, err := tab.Seek(ctx, n); err != nil {
		t.Fatal(err)
	}
	b, err := tab.Shoot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}
