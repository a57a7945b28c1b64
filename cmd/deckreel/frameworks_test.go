package main

import (
	"context"
	"encoding/json"
	"image"
	"os"
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

// changedPixels counts the pixels of two frames that differ by more than
// tol in some channel: small text appearing changes few pixels, and the
// mean hardly at all.
func changedPixels(a, b *image.RGBA, tol int) int {
	n := 0
	for i := 0; i+3 < len(a.Pix); i += 4 {
		for c := 0; c < 3; c++ {
			d := int(a.Pix[i+c]) - int(b.Pix[i+c])
			if d > tol || d < -tol {
				n++
				break
			}
		}
	}
	return n
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

// TestMarpExport renders a deck exported to HTML by Marp CLI (4.5.1): its
// slides and list fragments are stepped with Marp's own keyboard handling,
// each on its exact frame, its toolbar is hidden and its speaker notes
// (HTML comments in the Markdown) become captions.
func TestMarpExport(t *testing.T) {
	requireTools(t)
	deckFile := filepath.Join("..", "..", "internal", "deck", "testdata", "marp", "deck.html")
	args := []string{"--fps", "10", "--slide-duration", "1s"}
	rep := inspectJSON(t, append(args, deckFile)...)
	if rep.Type != "marp" {
		t.Errorf("detected %q, want marp", rep.Type)
	}
	var idx []string
	for _, st := range rep.Steps {
		idx = append(idx, st.Index)
	}
	if want := "1 2 2 fragment 1 2 fragment 2 3"; strings.Join(idx, " ") != want {
		t.Fatalf("steps %q, want %q", strings.Join(idx, " "), want)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "marp.mp4")
	res := runCLI(t, append([]string{"render", "--size", "320x180", "--captions", "srt", "-o", out}, append(args, deckFile)...)...)
	if res.code != 0 {
		t.Fatalf("render: exit %d\n%s", res.code, res.stderr)
	}
	red, green, blue := "#c00000", "#00c000", "#0000c0"
	// A corner of the background, and the bottom middle where Marp's
	// toolbar would be.
	for _, c := range []struct {
		frame int
		want  string
	}{{0, red}, {9, red}, {10, green}, {39, green}, {40, blue}, {49, blue}} {
		img := frameAt(t, out, c.frame)
		for _, p := range [][2]int{{8, 8}, {160, 172}} {
			if got := img.At(p[0], p[1]); !nearTo(got, c.want, 24) {
				t.Errorf("frame %d at %v: colour %v, want %v", c.frame, p, got, c.want)
			}
		}
	}
	// Each list item appears on its step's first frame (Marp shows a
	// fragment at once).
	for _, first := range []int{20, 30} {
		before2, before, at := frameAt(t, out, first-2), frameAt(t, out, first-1), frameAt(t, out, first)
		if n := changedPixels(before2, before, 40); n > 2 {
			t.Errorf("frames %d and %d differ in %d pixels before the fragment", first-2, first-1, n)
		}
		if n := changedPixels(before, at, 40); n < 10 {
			t.Errorf("fragment at frame %d: it is frame %d (%d pixels differ)", first, first-1, n)
		}
	}
	srt, err := os.ReadFile(strings.TrimSuffix(out, ".mp4") + ".srt")
	if err != nil {
		t.Fatal(err)
	}
	for _, note := range []string{"The red slide's note.", "The blue slide's note."} {
		if !strings.Contains(string(srt), note) {
			t.Errorf("captions lack %q:\n%s", note, srt)
		}
	}
}

// TestImpressDemo renders impress.js's own demo (1.1.0): its steps come from
// impress.js's API, held for their data-autoplay (10 s for the first, the
// deck's 7 s for the rest) with the autoplay plugin paused, and each 3D
// move starts on its step's first frame.
func TestImpressDemo(t *testing.T) {
	requireTools(t)
	demo := filepath.Join("..", "..", "internal", "deck", "testdata", "impress-1.1.0", "index.html")
	args := []string{"--fps", "5"}
	rep := inspectJSON(t, append(args, demo)...)
	if rep.Type != "impress" || rep.Totals.Steps != 13 {
		t.Fatalf("detected %q with %d steps, want impress with 13", rep.Type, rep.Totals.Steps)
	}
	for i, st := range rep.Steps {
		want := 7.0
		if i == 0 {
			want = 10
		}
		if st.Duration != want {
			t.Errorf("step %s lasts %gs, want %gs (its data-autoplay)", st.Index, st.Duration, want)
		}
	}
	out := filepath.Join(t.TempDir(), "impress.mp4")
	res := runCLI(t, append([]string{"render", "--size", "320x180", "-o", out}, append(args, demo)...)...)
	if res.code != 0 {
		t.Fatalf("render: exit %d\n%s", res.code, res.stderr)
	}
	for _, st := range rep.Steps[1:4] {
		still, before, moving := frameAt(t, out, st.FirstFrame-2), frameAt(t, out, st.FirstFrame-1), frameAt(t, out, st.FirstFrame+1)
		if d := meanDiff(still, before); d > 0.3 {
			t.Errorf("step %s: frames %d and %d differ by %.2f: it moved early", st.Index, st.FirstFrame-2, st.FirstFrame-1, d)
		}
		if d := meanDiff(before, moving); d < 1 {
			t.Errorf("step %s: frame %d is frame %d (differ by %.2f): it never moved", st.Index, st.FirstFrame+1, st.FirstFrame-1, d)
		}
	}
}

// TestWebSlidesByKeys renders WebSlides's own index page (1.5.0), a vertical
// deck that ignores ArrowRight: the keyboard driver finds that Space moves
// it, records its 8 slides by their addresses (#slide=N; the deck loops
// round after the last) and presses Space on each step's first frame.
func TestWebSlidesByKeys(t *testing.T) {
	requireTools(t)
	dir := filepath.Join("..", "..", "internal", "deck", "testdata", "webslides-1.5.0")
	args := []string{"--fps", "10", "--slide-duration", "1s"}
	rep := inspectJSON(t, append(args, dir)...)
	if rep.Type != "webslides" || rep.Totals.Steps != 8 || rep.Steps[7].Title != "Thanks." {
		t.Fatalf("detected %q with %d steps (%+v), want webslides with 8, the last Thanks.", rep.Type, rep.Totals.Steps, rep.Steps)
	}
	out := filepath.Join(t.TempDir(), "ws.mp4")
	res := runCLI(t, append([]string{"render", "--size", "320x180", "-o", out}, append(args, dir)...)...)
	if res.code != 0 {
		t.Fatalf("render: exit %d\n%s", res.code, res.stderr)
	}
	all := 320 * 180
	// Every slide settles within its second, and its successor starts
	// fading in on its first frames (WebSlides animates slides in with
	// CSS, so the first frame may still show the one before).
	for _, st := range rep.Steps[1:] {
		still, before, after := frameAt(t, out, st.FirstFrame-3), frameAt(t, out, st.FirstFrame-1), frameAt(t, out, st.FirstFrame+2)
		if n := changedPixels(still, before, 40); n > all/200 {
			t.Errorf("step %s: %d pixels changed in the frames before it", st.Index, n)
		}
		if n := changedPixels(before, after, 40); n < all/50 {
			t.Errorf("step %s (%s): only %d pixels changed by frame %d", st.Index, st.Title, n, st.FirstFrame+2)
		}
	}
}

// TestFrameworkDeckJob renders the Marp export as a job in two shards and
// merges it, then resumes the finished job: each shard steps the deck in a
// browser by itself and gets the same steps, so the merged video is the
// same video (picture and sound, chapters, captions from the notes) as a
// job rendered in one process (a job encodes in chunks: a render without
// one is another encode).
func TestFrameworkDeckJob(t *testing.T) {
	requireTools(t)
	deckDir := filepath.Join(t.TempDir(), "marp")
	if err := os.CopyFS(deckDir, os.DirFS(filepath.Join("..", "..", "internal", "deck", "testdata", "marp"))); err != nil {
		t.Fatal(err)
	}
	deckFile := filepath.Join(deckDir, "deck.html")
	tmp := t.TempDir()
	common := []string{"--size", "320x180", "--fps", "10", "--slide-duration", "1s", "--captions", "embed", "--clock", deckClock}
	ref := filepath.Join(tmp, "ref.mp4")
	if res := runCLI(t, append([]string{"render", deckFile, "--job", filepath.Join(tmp, "ref"), "-o", ref}, common...)...); res.code != 0 {
		t.Fatalf("render --job: exit %d: %s", res.code, res.stderr)
	}
	want := fingerprint(t, ref)
	if n := strings.Count(want, "chapter|"); n != 3 {
		t.Errorf("%d chapters, want one per slide", n)
	}
	if !strings.Contains(want, "The blue slide's note.") {
		t.Errorf("no captions from the notes:\n%s", want)
	}

	jobDir, out := filepath.Join(tmp, "job"), filepath.Join(tmp, "out.mp4")
	runShards(t, "framework-shard", 2, append([]string{"render", deckFile, "--job", jobDir, "-o", out, "--shards", "2", "--workers", "1"}, common...))
	if res := runCLI(t, "merge", jobDir); res.code != 0 {
		t.Fatalf("merge: exit %d: %s", res.code, res.stderr)
	}
	sameAs(t, out, want, nil)
	if res := runCLI(t, "resume", jobDir); res.code != 0 {
		t.Fatalf("resume of the finished job: exit %d: %s", res.code, res.stderr)
	}
	sameAs(t, out, want, nil)
}

// TestShowerDeck renders Shower's Ribbon theme demo (3.5.2, core 3.3.0): it
// opens as a list of slides, and the driver puts it in its full view and
// steps it with Shower's API, inner steps (.next) included.
func TestShowerDeck(t *testing.T) {
	requireTools(t)
	dir := filepath.Join("..", "..", "internal", "deck", "testdata", "shower-3")
	args := []string{"--fps", "5", "--slide-duration", "1s"}
	rep := inspectJSON(t, append(args, dir)...)
	if rep.Type != "shower" || rep.Totals.Slides != 45 || rep.Steps[len(rep.Steps)-1].Title != "The End" {
		t.Fatalf("detected %q with %d slides, last %q; want shower with 45, the last The End", rep.Type, rep.Totals.Slides, rep.Steps[len(rep.Steps)-1].Title)
	}
	var inner []inspectStep
	for _, st := range rep.Steps {
		if strings.Contains(st.Index, "fragment") {
			inner = append(inner, st)
		}
	}
	if len(inner) != rep.Totals.Steps-45 || len(inner) < 10 {
		t.Fatalf("%d inner steps of %d steps", len(inner), rep.Totals.Steps)
	}
	out := filepath.Join(t.TempDir(), "shower.mp4")
	res := runCLI(t, append([]string{"render", "--size", "320x180", "-o", out}, append(args, dir)...)...)
	if res.code != 0 {
		t.Fatalf("render: exit %d\n%s", res.code, res.stderr)
	}
	// In the list view every slide would be small; the first frame is
	// the first slide, full size: its title's dark pixels are large.
	first := frameAt(t, out, 0)
	dark := 0
	for y := 10; y < 40; y++ {
		for x := 20; x < 120; x++ {
			if c := first.RGBAAt(x, y); int(c.R)+int(c.G)+int(c.B) < 300 {
				dark++
			}
		}
	}
	if dark < 200 {
		t.Errorf("frame 0 has %d dark pixels where the first slide's title is: not the full view", dark)
	}
	for _, st := range inner[:4] {
		before2, before, at := frameAt(t, out, st.FirstFrame-2), frameAt(t, out, st.FirstFrame-1), frameAt(t, out, st.FirstFrame)
		if n := changedPixels(before2, before, 40); n > 2 {
			t.Errorf("step %s: frames %d and %d differ in %d pixels", st.Index, st.FirstFrame-2, st.FirstFrame-1, n)
		}
		if n := changedPixels(before, at, 40); n < 10 {
			t.Errorf("step %s (%s): frame %d is frame %d (%d pixels differ)", st.Index, st.Title, st.FirstFrame, st.FirstFrame-1, n)
		}
	}
}
