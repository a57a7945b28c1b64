package render

import (
	"context"
	"fmt"
	"image"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/deckreel/deckreel/capture"
	"github.com/deckreel/deckreel/internal/mediatest"
)

// eachCapturePath runs f as a subtest for each way frames are captured:
// headless-shell's beginFrame at 30 and 60 fps, and full Chromium's
// screenshots at 30 fps. A browser that is not installed skips its
// subtests (requireTools already failed under CI if no Chrome at all).
func eachCapturePath(t *testing.T, f func(t *testing.T, browser string, fps int)) {
	for _, tc := range []struct {
		browser string
		fps     int
	}{{"headless-shell", 30}, {"headless-shell", 60}, {"chromium", 30}} {
		t.Run(fmt.Sprintf("%s/%dfps", tc.browser, tc.fps), func(t *testing.T) {
			if _, _, err := capture.FindBrowser(tc.browser); err != nil {
				t.Skip(err)
			}
			f(t, tc.browser, tc.fps)
		})
	}
}

// TestFrameAccuracy renders testdata/accuracy.html, whose pixels encode
// time in every way a page can keep it, and checks the exact frames around
// each change at 30 and 60 fps, through the real Chrome and ffmpeg.
func TestFrameAccuracy(t *testing.T) {
	requireTools(t)
	eachCapturePath(t, func(t *testing.T, browser string, fps int) {
		out := filepath.Join(t.TempDir(), "accuracy.mp4")
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		job := Request{
			Input: "testdata/accuracy.html", Duration: 3 * time.Second, FPS: fps,
			Width: 640, Height: 360, Output: out, Workers: 2, Progress: "none",
			Browser: browser,
		}
		res, err := Run(ctx, job)
		if err != nil {
			t.Fatalf("render: %v", err)
		}
		if len(res.Warnings) != 0 {
			t.Errorf("unexpected warnings: %q", res.Warnings)
		}
		info, err := mediatest.ProbeVideo(ctx, out)
		if err != nil {
			t.Fatal(err)
		}
		if info.Frames != 3*fps || info.Width != 640 || info.Height != 360 {
			t.Fatalf("video is %d frames of %dx%d, want %d frames of 640x360", info.Frames, info.Width, info.Height, 3*fps)
		}
		// Frames around every change: the timer at 1 s, the transition
		// started at 2 s, its midpoint, interval ticks, the end.
		checks := []int{0, 1, fps / 2, fps - 1, fps, fps + 1, fps * 5 / 4, 2*fps - 1, 2 * fps, 2*fps + 1, 5 * fps / 2, 3*fps - 1}
		for _, n := range checks {
			img, err := mediatest.ExtractFrame(ctx, out, n)
			if err != nil {
				t.Fatal(err)
			}
			checkFrame(t, img, n, fps)
		}
	})
}

// checkFrame asserts what testdata/accuracy.html must show at frame n.
func checkFrame(t *testing.T, img *image.RGBA, n, fps int) {
	t.Helper()
	sec := float64(n) / float64(fps)
	// Markers 20 px wide move 200 px/s from x=0, capped at 600.
	wantCenter := math.Min(600, 200*sec) + 10
	for _, row := range []struct {
		name string
		y    int
	}{{"CSS keyframes", 20}, {"requestAnimationFrame", 70}, {"Web Animations", 120}, {"Date.now", 170}} {
		got, ok := brightCenter(img, row.y)
		if !ok {
			t.Errorf("frame %d (t=%.3fs): %s marker not found", n, sec, row.name)
			continue
		}
		if math.Abs(got-wantCenter) > 1.5 {
			t.Errorf("frame %d (t=%.3fs): %s marker at x=%.1f, want %.1f", n, sec, row.name, got, wantCenter)
		}
	}
	// The timer flips red to green at exactly 1000 ms.
	c := img.RGBAAt(100, 230)
	wantGreen := n >= fps
	if isGreen := c.G > 200 && c.R < 60; isGreen != wantGreen {
		t.Errorf("frame %d (t=%.3fs): timer box is %v, want green=%v", n, sec, c, wantGreen)
	}
	// The 1 s linear opacity transition starts at 2000 ms.
	op := math.Max(0, math.Min(1, sec-2))
	gray := float64(img.RGBAAt(400, 230).G)
	if want := 255 * op; math.Abs(gray-want) > 6 {
		t.Errorf("frame %d (t=%.3fs): transition box gray %.0f, want %.1f (opacity %.3f)", n, sec, gray, want, op)
	}
	// setInterval(250ms) widens the blue bar by 10 px per tick.
	ticks := math.Min(40, math.Floor(sec*4+1e-9))
	width := blueWidth(img, 300)
	if want := 10 * ticks; math.Abs(float64(width)-want) > 2 {
		t.Errorf("frame %d (t=%.3fs): interval bar %d px wide, want %.0f", n, sec, width, want)
	}
}

// brightCenter finds the centre of the white run in row y.
func brightCenter(img *image.RGBA, y int) (float64, bool) {
	sum, cnt := 0.0, 0.0
	for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
		v := float64(img.RGBAAt(x, y).G) / 255
		if v > 0.1 {
			sum += float64(x) * v
			cnt += v
		}
	}
	if cnt < 5 {
		return 0, false
	}
	return sum/cnt + 0.5, true
}

func blueWidth(img *image.RGBA, y int) int {
	w := 0
	for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
		c := img.RGBAAt(x, y)
		if c.B > 128 && c.R < 100 {
			w++
		}
	}
	return w
}
