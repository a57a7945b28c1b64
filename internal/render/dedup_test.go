package render

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/deckreel/deckreel/internal/mediatest"
)

// TestDedupIsExact renders a page that is still, moves for a few frames,
// and is still again, once with change detection and once capturing every
// frame, and requires identical decoded frames and far fewer shots.
func TestDedupIsExact(t *testing.T) {
	requireTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	render := func(name string, noDedup bool) ([][]byte, Result) {
		out := filepath.Join(dir, name)
		res, err := Run(ctx, Request{
			Input: "testdata/stillmove.html", Duration: 3 * time.Second, FPS: 30,
			Width: 320, Height: 240, Output: out, Workers: 2, Progress: "none", NoDedup: noDedup,
			Epoch: time.Unix(1700000000, 0),
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		frames, err := mediatest.ExtractFrames(ctx, out)
		if err != nil {
			t.Fatal(err)
		}
		pix := make([][]byte, len(frames))
		for i, f := range frames {
			pix[i] = f.Pix
		}
		return pix, res
	}
	dedup, dres := render("dedup.mp4", false)
	full, fres := render("full.mp4", true)
	if len(dedup) != 90 || len(full) != 90 {
		t.Fatalf("frames: dedup %d, full %d, want 90", len(dedup), len(full))
	}
	if fres.Shots != 90 {
		t.Errorf("full capture took %d shots, want 90", fres.Shots)
	}
	// Changes: transition frames 15-27, rAF frames 45-50, timer at 60,
	// plus the first frame of each batch.
	if dres.Shots >= 45 {
		t.Errorf("dedup took %d shots of 90 frames; change detection is not skipping still frames", dres.Shots)
	}
	t.Logf("shots: dedup %d, full %d", dres.Shots, fres.Shots)
	// Both videos went through the same lossy encoder, but x264 is
	// deterministic: the same pictures in give the same frames out. So the
	// decoded frames must be identical, with no tolerance, and any frame
	// that change detection wrongly repeated shows up here.
	for i := range full {
		if d := maxDiff(dedup[i], full[i]); d != 0 {
			t.Errorf("frame %d differs between dedup and full capture (max channel difference %d)", i, d)
		}
	}
}

func maxDiff(a, b []byte) int {
	m := 0
	for i := range a {
		d := int(a[i]) - int(b[i])
		if d < 0 {
			d = -d
		}
		m = max(m, d)
	}
	return m
}
