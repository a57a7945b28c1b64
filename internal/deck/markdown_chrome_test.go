package deck

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// TestMarkdownBoundaryFrames renders a Markdown deck whose slides have
// distinct background colours through capture, as the render pipeline does,
// and checks the exact frames around every change: each slide appears on
// the frame its cumulative durations say and not one frame before; a 500 ms
// fade at 30 fps spans 15 frames; wipes and slides follow their easing; a
// build step appears at its (rounded) frame.
func TestMarkdownBoundaryFrames(t *testing.T) {
	requireChrome(t)
	dir := t.TempDir()
	deckMD := `---
duration: 1s
theme: dark
---
<!-- background: #d02020 -->
# One
---
<!-- background: #20a040 -->
<!-- duration: 1.5s -->
# Two

<!-- fragment -->

<div style="position: absolute; right: 0; bottom: 0; width: 300px; height: 300px; background: #2040e0"></div>
---
<!-- background: #2060d0 -->
<!-- transition: fade 500ms -->
# Three
---
<!-- background: #e0c020 -->
<!-- transition: wipe-left 300ms -->
# Four
---
<!-- background: #808080 -->
<!-- transition: slide-left 400ms -->
# Five
---
<!-- background: #f0f0f0 -->
<!-- duration: 0.4s -->
# Six
`
	if err := os.WriteFile(filepath.Join(dir, "talk.md"), []byte(deckMD), 0o644); err != nil {
		t.Fatal(err)
	}
	const fps, w, h = 30, 640, 360
	d, err := Load(filepath.Join(dir, "talk.md"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var starts []int
	for _, s := range d.Steps {
		first, _ := s.Frames(fps)
		starts = append(starts, first)
	}
	// Slide starts 0, 1, 2.5, 3.5, 4.5, 5.5 s; slide 2's build step at
	// 1.75 s is frame 52.5, which rounds up.
	if want := []int{0, 30, 53, 75, 105, 135, 165}; fmt.Sprint(starts) != fmt.Sprint(want) {
		t.Fatalf("step frames %v, want %v", starts, want)
	}
	if n := d.Frames(fps); n != 177 {
		t.Fatalf("%d frames, want 177", n)
	}
	segs, err := d.Segments(fps)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tab := segmentTab(t, ctx, segs[0], w, h, fps)

	red, green, blue, yellow, grey, white := rgb(0xd02020), rgb(0x20a040), rgb(0x2060d0), rgb(0xe0c020), rgb(0x808080), rgb(0xf0f0f0)
	box := rgb(0x2040e0)
	type probe struct {
		x, y int
		want color.RGBA
	}
	left, right := image.Pt(60, 30), image.Pt(630, 30)
	boxAt := image.Pt(545, 267) // the box: 300 px square at the bottom right of the content area
	mix := func(a, b color.RGBA, p float64) color.RGBA {
		m := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*p)) }
		return color.RGBA{m(a.R, b.R), m(a.G, b.G), m(a.B, b.B), 255}
	}
	at := func(p image.Point, c color.RGBA) probe { return probe{p.X, p.Y, c} }
	ease := SlideLeft.Ease
	checks := map[int][]probe{
		0:   {at(left, red)},
		29:  {at(left, red), at(right, red)},
		30:  {at(left, green), at(boxAt, green)}, // a cut: the new slide on its first frame
		52:  {at(boxAt, green)},                  // the build step is not there yet
		53:  {at(boxAt, green)},                  // it starts: opacity 0
		62:  {at(boxAt, box)},                    // 300 ms = 9 frames later it is fully there
		74:  {at(left, green)},
		75:  {at(left, green)},                    // fade: progress 0 on the slide's first frame
		82:  {at(left, mix(green, blue, 7.0/15))}, // linear crossfade
		89:  {at(left, mix(green, blue, 14.0/15))},
		90:  {at(left, blue)}, // 500 ms at 30 fps: 15 frames
		104: {at(left, blue), at(right, blue)},
		105: {at(left, blue), at(right, blue)},   // wipe: progress 0
		106: {at(left, blue), at(right, yellow)}, // the wipe enters from the right edge
		114: {at(left, yellow), at(right, yellow)},
		135: {at(left, yellow), at(right, yellow)},
		141: {at(image.Pt(int(float64(w)*(1-ease(6.0/12)))+4, 30), grey), at(image.Pt(int(float64(w)*(1-ease(6.0/12)))-4, 30), yellow)},
		147: {at(left, grey), at(right, grey)},
		164: {at(left, grey)},
		165: {at(left, white)},
		176: {at(left, white)},
	}
	var frames []int
	for f := range checks {
		frames = append(frames, f)
	}
	sort.Ints(frames)
	for _, f := range frames {
		img := shoot(t, ctx, tab, f)
		for _, p := range checks[f] {
			got := color.RGBAModel.Convert(img.At(p.x, p.y)).(color.RGBA)
			if !near(got, p.want, 3) {
				t.Errorf("frame %d at (%d,%d): colour %s, want %s", f, p.x, p.y, hex(got), hex(p.want))
			}
		}
	}
}

func rgb(v uint32) color.RGBA { return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255} }

func hex(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) bool { return math.Abs(float64(x)-float64(y)) <= float64(tol) }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B)
}
