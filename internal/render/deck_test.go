package render

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/job"
	"github.com/deckreel/deckreel/internal/mediatest"
)

// Slide colours of the test decks.
var (
	red    = color.RGBA{0xc0, 0x20, 0x20, 0xff}
	green  = color.RGBA{0x20, 0xa0, 0x40, 0xff}
	blue   = color.RGBA{0x20, 0x40, 0xc0, 0xff}
	png    = color.RGBA{0x20, 0x60, 0xd0, 0xff} // testdata/mixed/blue.png
	yellow = color.RGBA{0xe0, 0xc0, 0x20, 0xff}
	grey   = color.RGBA{0x80, 0x80, 0x80, 0xff}
)

// mix is a*(1-p) + b*p.
func mix(a, b color.RGBA, p float64) color.RGBA {
	f := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-p) + float64(y)*p)) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 0xff}
}

// probe is a pixel check on one output frame: the average colour of the
// 5x5 block at (x, y) must be want within tol per channel.
type probe struct {
	frame int
	x, y  int
	want  color.RGBA
	tol   int
	what  string
}

// renderDeck renders d at its own size and fps into a temporary file,
// checks the frame count with ffprobe and runs the probes on the video.
func renderDeck(t *testing.T, d *deck.Deck, w, h, fps, frames int, probes []probe) {
	t.Helper()
	renderDeckWith(t, Run, d, w, h, fps, frames, probes)
}

// renderDeckWith is renderDeck with the render given: Run, or a job.
func renderDeckWith(t *testing.T, run func(context.Context, Request) (Result, error), d *deck.Deck, w, h, fps, frames int, probes []probe) string {
	t.Helper()
	if got := d.Frames(fps); got != frames {
		t.Fatalf("deck has %d frames at %d fps, want %d", got, fps, frames)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out := filepath.Join(t.TempDir(), "deck.mp4")
	res, err := run(ctx, Request{Input: d.Path, Deck: d, FPS: fps, Width: w, Height: h, Output: out, Workers: 2, Progress: "none",
		Epoch: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	if res.Frames == 0 {
		res.Frames = frames // a job run that rendered nothing
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings: %q", res.Warnings)
	}
	info, err := mediatest.ProbeVideo(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	if info.Frames != frames || res.Frames != frames || info.Width != w || info.Height != h {
		t.Fatalf("video: %d frames (result says %d) of %dx%d, want %d of %dx%d", info.Frames, res.Frames, info.Width, info.Height, frames, w, h)
	}
	cache := map[int]*image.RGBA{}
	for _, p := range probes {
		img := cache[p.frame]
		if img == nil {
			if img, err = mediatest.ExtractFrame(ctx, out, p.frame); err != nil {
				t.Fatal(err)
			}
			cache[p.frame] = img
		}
		got := average(img, p.x, p.y)
		if !near(got, p.want, p.tol) {
			t.Errorf("frame %d (%s) at %d,%d: %v, want %v ± %d", p.frame, p.what, p.x, p.y, got, p.want, p.tol)
		}
	}
	if os.Getenv("DECKREEL_KEEP_VIDEO") != "" {
		keep := filepath.Join(os.Getenv("DECKREEL_KEEP_VIDEO"), t.Name()+".mp4")
		os.MkdirAll(filepath.Dir(keep), 0o755)
		data, _ := os.ReadFile(out)
		os.WriteFile(keep, data, 0o644)
	}
	return out
}

func average(img *image.RGBA, x, y int) color.RGBA {
	var r, g, b, n int
	for dy := -2; dy <= 2; dy++ {
		for dx := -2; dx <= 2; dx++ {
			c := img.RGBAAt(x+dx, y+dy)
			r, g, b, n = r+int(c.R), g+int(c.G), b+int(c.B), n+1
		}
	}
	return color.RGBA{uint8((r + n/2) / n), uint8((g + n/2) / n), uint8((b + n/2) / n), 0xff}
}

func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) bool { return math.Abs(float64(x)-float64(y)) <= float64(tol) }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B)
}

// corners probes both top corners of frame n for one colour.
func corners(n, w int, c color.RGBA, what string) []probe {
	return []probe{{n, 8, 8, c, 4, what}, {n, w - 9, 8, c, 4, what}}
}

// TestRenderMarkdownDeck renders a Markdown deck of three coloured slides,
// the second fading in over 15 frames inside the page, and checks the
// exact boundary frames and the fade's midpoint.
func TestRenderMarkdownDeck(t *testing.T) {
	requireTools(t)
	dir := t.TempDir()
	md := filepath.Join(dir, "talk.md")
	err := os.WriteFile(md, []byte(`---
size: 320x180
fps: 30
duration: 1s
---
<!-- background: #c02020 -->
# One
---
<!-- transition: fade 500ms -->
<!-- background: #2040c0 -->
# Two
---
<!-- background: #20a040 -->
# Three
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	d, err := deck.Load(md, deck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	const w = 320
	var probes []probe
	probes = append(probes, corners(0, w, red, "slide 1")...)
	probes = append(probes, corners(29, w, red, "last of slide 1")...)
	probes = append(probes, corners(30, w, red, "fade into slide 2 at 0")...)
	probes = append(probes, corners(37, w, mix(red, blue, 7.0/15), "fade at 7/15")...)
	probes = append(probes, corners(44, w, mix(red, blue, 14.0/15), "last fade frame, at 14/15")...)
	probes = append(probes, corners(45, w, blue, "first of slide 2 alone")...)
	probes = append(probes, corners(59, w, blue, "last of slide 2")...)
	probes = append(probes, corners(60, w, green, "slide 3 (cut)")...)
	probes = append(probes, corners(89, w, green, "last frame")...)
	probes[4].tol, probes[5].tol = 6, 6 // the page's own opacity blend
	renderDeck(t, d, w, 180, 30, 90, probes)
}

// TestRenderRevealDeck renders a reveal.js 5 deck (three coloured slides,
// one fragment, no reveal transitions) and checks the slide boundaries.
func TestRenderRevealDeck(t *testing.T) {
	requireTools(t)
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "dist"), os.DirFS("../deck/testdata/revealjs-5/dist")); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "index.html")
	err := os.WriteFile(page, []byte(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Reveal</title>
<link rel="stylesheet" href="dist/reveal.css"></head>
<body><div class="reveal"><div class="slides">
<section data-background-color="#c02020"><h2>A</h2></section>
<section data-background-color="#2040c0"><h2>B</h2><p class="fragment">more</p></section>
<section data-background-color="#20a040"><h2>C</h2></section>
</div></div>
<script src="dist/reveal.js"></script>
<script>Reveal.initialize({transition: 'none', backgroundTransition: 'none'});</script>
</body></html>
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	d, err := deck.Load(dir, deck.Options{SlideDuration: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Kind != deck.Reveal || len(d.Steps) != 4 {
		t.Fatalf("deck: %s with %d steps, want reveal with 4 (A, B, B's fragment, C)", d.Kind, len(d.Steps))
	}
	const w = 320
	var probes []probe
	probes = append(probes, corners(0, w, red, "slide A")...)
	probes = append(probes, corners(29, w, red, "last of A")...)
	probes = append(probes, corners(30, w, blue, "first of B")...)
	probes = append(probes, corners(89, w, blue, "last of B (with its fragment)")...)
	probes = append(probes, corners(90, w, green, "first of C")...)
	probes = append(probes, corners(119, w, green, "last frame")...)
	renderDeck(t, d, w, 180, 30, 120, probes)
}

// TestRenderManifest renders testdata/mixed of the deck package: two
// Markdown slides (one page), an image faded in over 15 frames, an animated
// page wiped in over 9 frames and a Markdown slide cut in. The fade and the
// wipe are composited by the frames stage.
func TestRenderManifest(t *testing.T) {
	requireTools(t)
	d, err := deck.Load("../deck/testdata/mixed", deck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	renderDeck(t, d, 640, 360, 30, 165, manifestProbes())
}

// TestRenderManifestJob renders the same manifest as a job in chunks of at
// most 8 frames, so that chunks start inside the fade and inside the wipe:
// each needs the previous page's tail frames for its own. The probes must
// hold as for a plain render; then chunks in both transitions are deleted
// and resume renders just those, to the same file.
func TestRenderManifestJob(t *testing.T) {
	requireTools(t)
	d, err := deck.Load("../deck/testdata/mixed", deck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	dir := filepath.Join(t.TempDir(), "job")
	runJob := func(ctx context.Context, req Request) (Result, error) {
		return RunJob(ctx, req, JobOptions{Dir: dir, ChunkFrames: 8})
	}
	out := renderDeckWith(t, runJob, d, 640, 360, 30, 165, manifestProbes())
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := job.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	removed := 0
	for i := range jb.Chunks() {
		r := jb.ChunkRange(i)
		if r.Start > 60 && r.Start < 75 || r.Start > 90 && r.Start < 99 {
			if err := os.Remove(jb.ChunkPath(i)); err != nil {
				t.Fatal(err)
			}
			removed++
		}
	}
	if removed < 2 {
		t.Fatalf("no chunk starts inside a transition: %v", jb.Plan())
	}
	if err := os.Remove(out); err != nil {
		t.Fatal(err)
	}
	req, err := RequestFromJob(jb)
	if err != nil {
		t.Fatal(err)
	}
	req.Workers = 2
	res, err := RunJob(context.Background(), req, JobOptions{Dir: dir, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Reused != jb.Chunks()-removed {
		t.Errorf("resume reused %d of %d chunks, want %d", res.Reused, jb.Chunks(), jb.Chunks()-removed)
	}
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, want) {
		t.Errorf("the resumed manifest job differs from the first run's video (%v)", err)
	}
}

// manifestProbes are the pixel checks of testdata/mixed at 640x360, 30 fps.
func manifestProbes() []probe {
	const w = 640
	// The wipe at frame 94 (i=4 of 9): columns x >= w*(1-p) are the new page.
	p := deck.WipeLeft.Ease(4.0 / 9)
	edge := w - int(math.Round(w*p))
	var probes []probe
	probes = append(probes, corners(29, w, red, "last of intro slide 1")...)
	probes = append(probes, corners(30, w, green, "first of intro slide 2")...)
	probes = append(probes, corners(59, w, green, "last of the intro page")...)
	probes = append(probes, corners(60, w, green, "fade at 0: still the intro")...)
	probes = append(probes, corners(67, w, mix(green, png, 7.0/15), "fade at 7/15")...)
	probes = append(probes, corners(74, w, mix(green, png, 14.0/15), "last fade frame, at 14/15")...)
	probes = append(probes, corners(75, w, png, "first of the image alone")...)
	probes = append(probes, corners(89, w, png, "last of the image")...)
	probes = append(probes, corners(90, w, png, "wipe at 0: still the image")...)
	probes = append(probes,
		probe{94, edge - 8, 8, png, 4, fmt.Sprintf("wipe at %.3f, left of x=%d", p, edge)},
		probe{94, edge + 8, 8, yellow, 4, fmt.Sprintf("wipe at %.3f, right of x=%d", p, edge)},
		probe{94, 8, 8, png, 4, "wipe, left edge"},
		probe{94, w - 9, 8, yellow, 4, "wipe, right edge"},
	)
	probes = append(probes, probe{98, 8, 8, png, 4, "last wipe frame: the left edge is still the image"})
	probes = append(probes, corners(99, w, yellow, "first of the page alone")...)
	probes = append(probes, corners(134, w, yellow, "last of the page")...)
	probes = append(probes, corners(135, w, grey, "the end (cut)")...)
	probes = append(probes, corners(164, w, grey, "last frame")...)
	return probes
}
