package frames

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"strings"
	"testing"
)

func half(p float64) float64 { return p / 2 }

// twoCuts is a timeline of three pages: 4 frames; 5 frames fading in over
// 2; 3 frames wiped in over 3 (the whole segment), eased by half.
var twoCuts = []Segment{
	{Frames: 4, TailFrames: 2},
	{Frames: 5, TransitionFrames: 2, Blend: Fade, TailFrames: 3},
	{Frames: 3, TransitionFrames: 3, Blend: WipeLeft, Ease: half},
}

func TestTimelineOutput(t *testing.T) {
	tl, err := NewTimeline(twoCuts)
	if err != nil {
		t.Fatal(err)
	}
	// Capture frames: page 1 [0,6), page 2 [6,14), page 3 [14,17).
	if got := tl.CaptureFrames(); got != 17 {
		t.Errorf("CaptureFrames = %d, want 17", got)
	}
	if got := tl.OutputFrames(); got != 12 {
		t.Errorf("OutputFrames = %d, want 12", got)
	}
	for k, want := range [][2]int{{0, 6}, {6, 14}, {14, 17}} {
		if s, e := tl.CaptureRange(k); s != want[0] || e != want[1] {
			t.Errorf("CaptureRange(%d) = [%d,%d), want %v", k, s, e, want)
		}
	}
	for _, tc := range []struct {
		out  int
		want Mix
	}{
		{0, Mix{Capture: 0, Prev: -1, Progress: 1}},
		{3, Mix{Capture: 3, Prev: -1, Progress: 1}},
		// Page 2's first frame still looks like page 1: its tail frame 0.
		{4, Mix{Capture: 6, Prev: 4, Blend: Fade, Progress: 0}},
		{5, Mix{Capture: 7, Prev: 5, Blend: Fade, Progress: 0.5}},
		{6, Mix{Capture: 8, Prev: -1, Progress: 1}},
		{8, Mix{Capture: 10, Prev: -1, Progress: 1}},
		// Page 3 is all transition, eased by half; its tail is page 2's
		// capture frames 11-13.
		{9, Mix{Capture: 14, Prev: 11, Blend: WipeLeft, Progress: 0}},
		{10, Mix{Capture: 15, Prev: 12, Blend: WipeLeft, Progress: 1.0 / 6}},
		{11, Mix{Capture: 16, Prev: 13, Blend: WipeLeft, Progress: 2.0 / 6}},
	} {
		got := tl.Output(tc.out)
		if got.Capture != tc.want.Capture || got.Prev != tc.want.Prev || got.Blend != tc.want.Blend || math.Abs(got.Progress-tc.want.Progress) > 1e-12 {
			t.Errorf("Output(%d) = %+v, want %+v", tc.out, got, tc.want)
		}
	}
	if got := (*Timeline)(nil).Output(7); got != (Mix{Capture: 7, Prev: -1, Progress: 1}) {
		t.Errorf("nil timeline: Output(7) = %+v", got)
	}
}

func TestTimelineOutputBefore(t *testing.T) {
	tl, err := NewTimeline(twoCuts)
	if err != nil {
		t.Fatal(err)
	}
	// A tail frame completes no output frame; a transition frame does.
	for pos, want := range []int{0, 1, 2, 3, 4, 4, 4, 5, 6, 7, 8, 9, 9, 9, 9, 10, 11, 12, 12} {
		if got := tl.OutputBefore(pos); got != want {
			t.Errorf("OutputBefore(%d) = %d, want %d", pos, got, want)
		}
	}
	if got := (*Timeline)(nil).OutputBefore(9); got != 9 {
		t.Errorf("nil timeline: OutputBefore(9) = %d", got)
	}
}

func TestTimelineNeedsRGBA(t *testing.T) {
	tl, err := NewTimeline(twoCuts)
	if err != nil {
		t.Fatal(err)
	}
	var rgba []int
	for n := range tl.CaptureFrames() {
		if tl.needsRGBA(n, 1) {
			rgba = append(rgba, n)
		}
	}
	// Tails 4-5 and 11-13, transitions 6-7 and 14-16.
	if want := []int{4, 5, 6, 7, 11, 12, 13, 14, 15, 16}; !slices.Equal(rgba, want) {
		t.Errorf("RGBA frames %v, want %v", rgba, want)
	}
	if !tl.needsRGBA(0, 5) || tl.needsRGBA(0, 4) || tl.needsRGBA(8, 3) {
		t.Error("runs: wrong overlap")
	}
}

func TestNewTimelineErrors(t *testing.T) {
	for _, tc := range []struct {
		segs []Segment
		want string
	}{
		{nil, "at least one segment"},
		{[]Segment{{Frames: 0}}, "at least 1"},
		{[]Segment{{Frames: 3, TransitionFrames: 1, Blend: Fade}}, "first segment"},
		{[]Segment{{Frames: 3, TailFrames: 1}, {Frames: 3, TransitionFrames: 2, Blend: Fade}}, "tail frames"},
		{[]Segment{{Frames: 3, TailFrames: 4}, {Frames: 3, TransitionFrames: 4, Blend: Fade}}, "does not fit"},
		{[]Segment{{Frames: 3, TailFrames: 1}, {Frames: 3, TransitionFrames: 1, Blend: "zoom"}}, "unknown blend"},
	} {
		if _, err := NewTimeline(tc.segs); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewTimeline(%+v) = %v, want an error with %q", tc.segs, err, tc.want)
		}
	}
}

// halves returns a w x h image whose left half is l and right half r.
func halves(w, h int, l, r color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := l
			if x >= w/2 {
				c = r
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func TestBlend(t *testing.T) {
	const w, h = 10, 2
	red, blue := color.RGBA{200, 0, 0, 255}, color.RGBA{0, 0, 100, 255}
	green, white := color.RGBA{0, 200, 0, 255}, color.RGBA{255, 255, 255, 255}
	prev := halves(w, h, red, blue)    // RRRRRBBBBB
	next := halves(w, h, green, white) // GGGGGWWWWW
	row := func(img *image.NRGBA) []color.RGBA {
		var out []color.RGBA
		for x := range w {
			c := img.NRGBAAt(x, 1)
			out = append(out, color.RGBA(c))
		}
		return out
	}
	same := func(c color.RGBA, n int) []color.RGBA { return slices.Repeat([]color.RGBA{c}, n) }
	for _, tc := range []struct {
		kind Blend
		p    float64
		want []color.RGBA
	}{
		{Fade, 0, slices.Concat(same(red, 5), same(blue, 5))},
		{Fade, 1, slices.Concat(same(green, 5), same(white, 5))},
		// imaging truncates: 200*0.75 = 150, 200*0.25 = 50.
		{Fade, 0.25, slices.Concat(same(color.RGBA{150, 50, 0, 255}, 5), same(color.RGBA{63, 63, 138, 255}, 5))},
		{WipeLeft, 0, slices.Concat(same(red, 5), same(blue, 5))},
		// Columns x >= 10*(1-0.3) = 7 show the new page.
		{WipeLeft, 0.3, slices.Concat(same(red, 5), same(blue, 2), same(white, 3))},
		{WipeLeft, 0.8, slices.Concat(same(red, 2), same(green, 3), same(white, 5))},
		{WipeLeft, 1, slices.Concat(same(green, 5), same(white, 5))},
		// The old page moves left by 3 and the new one follows.
		{SlideLeft, 0.3, slices.Concat(same(red, 2), same(blue, 5), same(green, 3))},
		{SlideLeft, 0.7, slices.Concat(same(blue, 3), same(green, 5), same(white, 2))},
		{SlideLeft, 1, slices.Concat(same(green, 5), same(white, 5))},
	} {
		got := row(blend(tc.kind, prev, next, tc.p))
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s at %.2f:\n got %v\nwant %v", tc.kind, tc.p, got, tc.want)
		}
	}
}

// TestRunTimeline runs shots of a three-page timeline, in a shuffled order,
// and checks every output frame: runs stay runs, transitions are blended
// frame by frame from the previous page's tail.
func TestRunTimeline(t *testing.T) {
	tl, err := NewTimeline([]Segment{
		{Frames: 4, TailFrames: 2},
		{Frames: 5, TransitionFrames: 2, Blend: Fade, TailFrames: 3},
		{Frames: 3, TransitionFrames: 3, Blend: SlideLeft},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Page 1: id 1 for 3 frames, id 2 for 3 (one frame shown, two tail).
	// Page 2: id 3 for 6 frames (into its tail), id 4 for 2 (tail).
	// Page 3: id 5 for 3.
	specs := []shotSpec{{1, 3}, {2, 3}, {3, 6}, {4, 2}, {5, 3}}
	shots := makeShots(t, 0, specs)
	for _, format := range []Format{RGBA, YUV420P} {
		for seed := range uint64(4) {
			cfg := tinyConfig(3)
			cfg.Timeline, cfg.Format, cfg.End = tl, format, tl.CaptureFrames()
			sink := &recordingSink{frameSize: format.FrameSize(4, 3), keep: true}
			advances, err := runShots(t, cfg, shuffled(shots, seed), sink)
			if err != nil {
				t.Fatalf("%s seed %d: %v", format, seed, err)
			}
			counts := make([]int, len(sink.calls))
			for i, c := range sink.calls {
				counts[i] = c.count
			}
			// 1×3, 2×1, blend, blend, 3×3 (frames 2-4 of page 2 merged),
			// then page 3's three slide frames.
			if want := []int{3, 1, 1, 1, 3, 1, 1, 1}; !slices.Equal(counts, want) {
				t.Errorf("%s seed %d: write counts %v, want %v", format, seed, counts, want)
			}
			if last := advances[len(advances)-1]; last != tl.CaptureFrames() {
				t.Errorf("%s seed %d: last advance %d, want %d", format, seed, last, tl.CaptureFrames())
			}
			if format != RGBA {
				continue
			}
			px := func(call, x int) color.RGBA {
				p := sink.frames[call][x*4 : x*4+4]
				return color.RGBA{p[0], p[1], p[2], p[3]}
			}
			// The fade's first frame is page 1's tail frame 0 (id 2); its
			// second is halfway between id 2 and id 3.
			if got, want := px(2, 0), idColor(2); got != want {
				t.Errorf("seed %d: fade frame 0 = %v, want %v", seed, got, want)
			}
			c2, c3 := idColor(2), idColor(3)
			if got := px(3, 0); absDiff(got.R, uint8((int(c2.R)+int(c3.R))/2)) > 1 {
				t.Errorf("seed %d: fade frame 1 = %v, want between %v and %v", seed, got, c2, c3)
			}
			// Slide frame 1 of 3 (p=1/3): the old page (tail id 4)
			// leaves by one pixel of four, the new one (id 5) enters.
			if got := []color.RGBA{px(6, 0), px(6, 2), px(6, 3)}; got[0] != idColor(4) || got[1] != idColor(4) || got[2] != idColor(5) {
				t.Errorf("seed %d: slide frame 1 = %v", seed, got)
			}
		}
	}
}

func absDiff(a, b uint8) uint8 {
	if a > b {
		return a - b
	}
	return b - a
}

// TestCaptureRanges: the capture frames of some output frames are their
// own pages' frames plus the tails their transitions blend, never a range
// across two pages.
func TestCaptureRanges(t *testing.T) {
	// Page 1: 10 frames + 4 tail; page 2: 10 frames, a 4-frame fade in, 0
	// tail. Capture frames: page 1 is 0-13, page 2 is 14-23.
	tl, err := NewTimeline([]Segment{
		{Frames: 10, TailFrames: 4},
		{Frames: 10, TransitionFrames: 4, Blend: Fade},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		out  []Range
		want []Range
	}{
		{"everything", []Range{{0, 20}}, []Range{{0, 14}, {14, 24}}},
		{"page 1 alone", []Range{{0, 10}}, []Range{{0, 10}}},
		{"the transition", []Range{{10, 14}}, []Range{{10, 14}, {14, 18}}},
		{"half the transition", []Range{{12, 16}}, []Range{{12, 14}, {16, 20}}},
		{"after the transition", []Range{{14, 20}}, []Range{{18, 24}}},
		{"two pieces", []Range{{0, 3}, {11, 12}}, []Range{{0, 3}, {11, 12}, {15, 16}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tl.CaptureRanges(tt.out); !slices.Equal(got, tt.want) {
				t.Errorf("CaptureRanges(%v) = %v, want %v", tt.out, got, tt.want)
			}
		})
	}
}

// TestRunTimelineHoles: a hole in a page's tail or in a transition's own
// frames leaves out just the output frames that needed it (a job then
// fails only their chunks): the transition frame blended over the missing
// tail frame, and the transition frame of the missing page frame.
func TestRunTimelineHoles(t *testing.T) {
	tl, err := NewTimeline([]Segment{
		{Frames: 4, TailFrames: 2},
		{Frames: 5, TransitionFrames: 2, Blend: Fade, TailFrames: 3},
		{Frames: 3, TransitionFrames: 3, Blend: SlideLeft},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Capture frame 5 (page 1's tail frame 1) and 14 (page 3's frame 0)
	// never came.
	specs := []shotSpec{{1, 3}, {2, 2}, {hole, 1}, {3, 6}, {4, 2}, {hole, 1}, {5, 2}}
	shots := makeShots(t, 0, specs)
	for seed := range uint64(3) {
		cfg := tinyConfig(2)
		cfg.Timeline, cfg.End = tl, tl.CaptureFrames()
		sink := &recordingSink{frameSize: RGBA.FrameSize(4, 3)}
		if _, err := runShots(t, cfg, shuffled(shots, seed), sink); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		// Output: 1×3, 2, fade frame 0, hole (fade frame 1), 3×3, hole
		// (slide frame 0), slide frames 1 and 2.
		var got []string
		for _, c := range sink.calls {
			switch {
			case c.id == hole:
				got = append(got, fmt.Sprintf("hole×%d", c.count))
			default:
				got = append(got, fmt.Sprintf("×%d", c.count))
			}
		}
		want := []string{"×3", "×1", "×1", "hole×1", "×3", "hole×1", "×1", "×1"}
		if !slices.Equal(got, want) {
			t.Errorf("seed %d: sink got %v, want %v", seed, got, want)
		}
	}
}
