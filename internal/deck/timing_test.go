package deck

import (
	"math"
	"testing"
	"time"
)

func TestFrameAt(t *testing.T) {
	tests := []struct {
		t    time.Duration
		fps  int
		want int
	}{
		{0, 30, 0},
		{-time.Second, 30, 0},
		{time.Second, 30, 30},
		{500 * time.Millisecond, 30, 15},
		{1750 * time.Millisecond, 30, 53}, // 52.5 rounds half up
		{1749 * time.Millisecond, 30, 52},
		{time.Second / 3, 30, 10},
		{16 * time.Millisecond, 60, 1},  // 0.96
		{8 * time.Millisecond, 60, 0},   // 0.48
		{25 * time.Millisecond, 24, 1},  // 0.6
		{20833333, 24, 0},               // 0.4999999
		{20833334, 24, 1},               // 0.50000002
		{24 * time.Hour, 240, 20736000}, // no overflow at the limits
		{1001 * time.Millisecond, 1, 1},
	}
	for _, tt := range tests {
		if got := FrameAt(tt.t, tt.fps); got != tt.want {
			t.Errorf("FrameAt(%s, %d) = %d, want %d", tt.t, tt.fps, got, tt.want)
		}
	}
}

// TestFrameAtCumulative checks the property the timeline rests on: steps
// that tile time tile frames, with no gap and no overlap, at any rate.
func TestFrameAtCumulative(t *testing.T) {
	durs := []time.Duration{1234 * time.Millisecond, 333 * time.Millisecond, 5 * time.Second, 41 * time.Millisecond, 2500 * time.Millisecond}
	for _, fps := range []int{1, 24, 25, 30, 50, 60, 120, 240} {
		var t0 time.Duration
		frames := 0
		for _, d := range durs {
			first, end := FrameAt(t0, fps), FrameAt(t0+d, fps)
			if first != frames {
				t.Fatalf("%d fps: step at %s starts at frame %d, want %d", fps, t0, first, frames)
			}
			frames = end
			t0 += d
		}
		if frames != FrameAt(t0, fps) {
			t.Errorf("%d fps: %d frames, want %d", fps, frames, FrameAt(t0, fps))
		}
	}
}

func TestFrameTime(t *testing.T) {
	for _, fps := range []int{24, 30, 60} {
		for n := range 200 {
			if got := FrameAt(FrameTime(n, fps), fps); got != n {
				t.Fatalf("FrameAt(FrameTime(%d, %d)) = %d", n, fps, got)
			}
		}
	}
}

func TestParseDuration(t *testing.T) {
	good := map[string]time.Duration{
		"8s": 8 * time.Second, "1.5s": 1500 * time.Millisecond, "500ms": 500 * time.Millisecond,
		"1m30s": 90 * time.Second, "8": 8 * time.Second, " 2.25 ": 2250 * time.Millisecond, "24h": 24 * time.Hour,
	}
	for in, want := range good {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	bad := map[string]string{
		"8 seconds": `bad duration "8 seconds" (use 8s, 1.5s, 500ms or 1m30s)`,
		"":          `bad duration "" (use 8s, 1.5s, 500ms or 1m30s)`,
		"0s":        `bad duration "0s": it must be longer than zero`,
		"-2s":       `bad duration "-2s": it must be longer than zero`,
		"25h":       `bad duration "25h": longer than the 24h0m0s limit`,
		"NaN":       `bad duration "NaN" (use 8s, 1.5s, 500ms or 1m30s)`,
		"1e99":      `bad duration "1e99" (use 8s, 1.5s, 500ms or 1m30s)`,
	}
	for in, want := range bad {
		if _, err := parseDuration(in); err == nil || err.Error() != want {
			t.Errorf("parseDuration(%q) error %v, want %q", in, err, want)
		}
	}
}

func TestParseTransition(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{in: "fade 500ms", want: "fade 500ms"},
		{in: "fade", want: "fade 500ms"},
		{in: "Wipe-Left 1s", want: "wipe-left 1s"},
		{in: "slide-left 0.8", want: "slide-left 800ms"},
		{in: "cut", want: "cut"},
		{in: "none", want: "cut"},
		{in: "dissolve 1s", err: `unknown transition "dissolve" (known: cut, fade, wipe-left, slide-left)`},
		{in: "cut 1s", err: `bad transition "cut 1s": a cut has no duration`},
		{in: "fade 1 s", err: `bad transition "fade 1 s" (write a kind and an optional duration: fade 500ms)`},
		{in: "fade soon", err: `transition "fade soon": bad duration "soon" (use 8s, 1.5s, 500ms or 1m30s)`},
		{in: "", err: `bad transition "" (write a kind and an optional duration: fade 500ms)`},
	}
	for _, tt := range tests {
		got, err := parseTransition(tt.in)
		switch {
		case tt.err != "":
			if err == nil || err.Error() != tt.err {
				t.Errorf("parseTransition(%q) error %v, want %q", tt.in, err, tt.err)
			}
		case err != nil || got.String() != tt.want:
			t.Errorf("parseTransition(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestTransitionFrames(t *testing.T) {
	tests := []struct {
		tr   Transition
		fps  int
		want int
	}{
		{Transition{Fade, 500 * time.Millisecond}, 30, 15},
		{Transition{Fade, 500 * time.Millisecond}, 60, 30},
		{Transition{WipeLeft, 450 * time.Millisecond}, 30, 14}, // 13.5 rounds up
		{Transition{Cut, 0}, 30, 0},
		{Transition{}, 30, 0},
	}
	for _, tt := range tests {
		if got := tt.tr.Frames(tt.fps); got != tt.want {
			t.Errorf("%s at %d fps: %d frames, want %d", tt.tr, tt.fps, got, tt.want)
		}
	}
}

func TestEase(t *testing.T) {
	for _, k := range transitionKinds {
		if k == Cut {
			continue
		}
		if got := k.Ease(0); got != 0 {
			t.Errorf("%s.Ease(0) = %v", k, got)
		}
		if got := k.Ease(1); math.Abs(got-1) > 1e-9 {
			t.Errorf("%s.Ease(1) = %v", k, got)
		}
		prev := 0.0
		for i := 1; i <= 100; i++ {
			v := k.Ease(float64(i) / 100)
			if v < prev {
				t.Fatalf("%s.Ease is not monotonic at %d%%", k, i)
			}
			prev = v
		}
	}
	if got := Fade.Ease(0.3); got != 0.3 {
		t.Errorf("fade is linear: Ease(0.3) = %v", got)
	}
	// ease-in-out is symmetric and slow at both ends.
	for _, p := range []float64{0.1, 0.25, 0.4} {
		a, b := SlideLeft.Ease(p), SlideLeft.Ease(1-p)
		if math.Abs(a+b-1) > 1e-6 || a >= p {
			t.Errorf("SlideLeft.Ease(%v) = %v, Ease(%v) = %v", p, a, 1-p, b)
		}
	}
	// A value of CSS ease-in-out from the browser: cubic-bezier(.42,0,.58,1) at x = 0.25.
	if got := WipeLeft.Ease(0.25); math.Abs(got-0.1291) > 0.001 {
		t.Errorf("WipeLeft.Ease(0.25) = %v, want about 0.1291", got)
	}
	if Cut.Ease(0) != 0 || Cut.Ease(0.01) != 1 {
		t.Error("a cut is 0 then 1")
	}
}
