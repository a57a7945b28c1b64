package main

import (
	"context"
	"encoding/json"
	"image"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deckreel/deckreel/internal/mediatest"
)

// inspectJSON runs inspect --json with args and decodes its report.
func inspectJSON(t *testing.T, args ...string) inspectReport {
	t.Helper()
	res := runCLI(t, append([]string{"inspect", "--json"}, args...)...)
	if res.code != 0 {
		t.Fatalf("inspect %v: exit %d\n%s", args, res.code, res.stderr)
	}
	var rep inspectReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("inspect %v: %v\n%s", args, err, res.stdout)
	}
	return rep
}

// meanDiff is the mean absolute difference of two frames, per channel
// value (0-255).
func meanDiff(a, b *image.RGBA) float64 {
	var sum int64
	for i := range a.Pix {
		d := int64(a.Pix[i]) - int64(b.Pix[i])
		if d < 0 {
			d = -d
		}
		sum += d
	}
	return float64(sum) / float64(len(a.Pix))
}

// frameAt decodes frame k of the video at path.
func frameAt(t *testing.T, path string, k int) *image.RGBA {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	img, err := mediatest.ExtractFrame(ctx, path, k)
	if err != nil {
		t.Fatalf("frame %d of %s: %v", k, path, err)
	}
	return img
}

// TestRevealDemoSteppedByReveal renders reveal.js 5's own demo deck, whose
// code line highlights are fragments that its highlight plugin adds at run
// time, and slides that its Markdown plugin writes: counted from the
// markup, the video ran three steps behind from "With Animations" on and
// never showed the last slides. Stepped by reveal.js itself, inspect and
// the render agree on every step, and each step shows on its first frames.
// (That a step lands on its exact frame is TestRevealDriverFrames's.)
func TestRevealDemoSteppedByReveal(t *testing.T) {
	requireTools(t)
	demo := filepath.Join("..", "..", "internal", "deck", "testdata", "revealjs-5", "demo.html")
	args := []string{"--fps", "10", "--slide-duration", "1s"}
	static := inspectJSON(t, append([]string{"--static"}, append(args, demo)...)...)
	rep := inspectJSON(t, append(args, demo)...)
	if rep.Totals.Steps != static.Totals.Steps+3 {
		t.Errorf("stepped by reveal.js: %d steps; want the %d counted from the markup plus the 3 line highlights", rep.Totals.Steps, static.Totals.Steps)
	}
	var highlights []inspectStep
	for _, st := range rep.Steps {
		if st.Title == "With Animations" && strings.Contains(st.Index, "fragment") {
			highlights = append(highlights, st)
		}
	}
	if len(highlights) != 3 {
		t.Fatalf("With Animations has %d fragment steps, want its 3 line highlights: %+v", len(highlights), rep.Steps)
	}
	last := rep.Steps[len(rep.Steps)-1]
	if last.Title != "THE END" {
		t.Errorf("last step %q, want THE END", last.Title)
	}
	if len(rep.Warnings) != 0 {
		t.Errorf("warnings: %q", rep.Warnings)
	}

	out := filepath.Join(t.TempDir(), "demo.mp4")
	res := runCLI(t, append([]string{"render", "--size", "320x180", "-o", out}, append(args, demo)...)...)
	if res.code != 0 {
		t.Fatalf("render: exit %d\n%s", res.code, res.stderr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	info, err := mediatest.ProbeVideo(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	if info.Frames != rep.Totals.Frames {
		t.Fatalf("video has %d frames, inspect says %d", info.Frames, rep.Totals.Frames)
	}
	// Each highlight and the last slide have changed the picture by their
	// step's last frame (the highlight plugin fades and scrolls the code
	// over most of a second).
	for _, st := range append(highlights, last) {
		before, after := frameAt(t, out, st.FirstFrame-1), frameAt(t, out, st.LastFrame)
		if d := meanDiff(before, after); d < 0.3 {
			t.Errorf("step %s (%s): frame %d is frame %d (differ by %.2f): the step never showed", st.Index, st.Title, st.LastFrame, st.FirstFrame-1, d)
		}
	}
}
