package render

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deckreel/deckreel/internal/mediatest"
)

// pageDir copies testdata/virtualtime/name into a new directory, with
// extra files, and returns the page's path.
func pageDir(t *testing.T, name string, extra map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("testdata", "virtualtime", name))
	if err != nil {
		t.Fatal(err)
	}
	extra[name] = src
	for f, b := range extra {
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, name)
}

// numberedClip makes a 4 s, 25 fps H.264 clip of 320x48 whose frame k
// shows k in binary (bit b white in the block at x = 32b), with x264's
// usual long GOP, so a seek must decode from a keyframe.
func numberedClip(t *testing.T) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "clip.mp4")
	cmd := exec.Command("ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i",
		`nullsrc=s=320x48:r=25:d=4,geq=lum='if(mod(floor(N/pow(2,floor(X/32))),2),235,16)':cb=128:cr=128,format=yuv420p`,
		"-c:v", "libx264", "-preset", "veryfast", "-crf", "12", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make clip: %v: %s", err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// clipFrame reads the frame number a numberedClip shows in the row whose
// top is y.
func clipFrame(img *image.RGBA, y int) int {
	n := 0
	for b := range 10 {
		if img.RGBAAt(32*b+16, y+24).G > 128 {
			n |= 1 << b
		}
	}
	return n
}

// render runs a render of page and returns the output's path.
func renderPage(t *testing.T, ctx context.Context, req Request) (string, Result) {
	t.Helper()
	if req.Output == "" {
		req.Output = filepath.Join(t.TempDir(), "out.mp4")
	}
	req.Progress = "none"
	if req.Epoch.IsZero() {
		req.Epoch = time.Unix(1700000000, 0)
	}
	res, err := Run(ctx, req)
	if err != nil {
		t.Fatalf("render %s: %v", req.Input, err)
	}
	return req.Output, res
}

func sameVideo(t *testing.T, ctx context.Context, a, b string) {
	t.Helper()
	ma, err := mediatest.FrameMD5(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := mediatest.FrameMD5(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ma, mb) {
		for i := range min(len(ma), len(mb)) {
			if ma[i] != mb[i] {
				t.Errorf("renders differ from frame %d: %s vs %s", i, ma[i], mb[i])
				return
			}
		}
		t.Errorf("renders differ: %d and %d frames", len(ma), len(mb))
	}
}

// TestVideoElements renders three <video>s of a clip that shows its own
// frame numbers: one autoplaying, one looping at playbackRate 2, and one
// that a timer plays at 1 s. Every output frame must show the source frame
// nearest its time, at 30 and 60 fps, and renders with one tab and with
// two (which seek over each other's frames) must be identical.
func TestVideoElements(t *testing.T) {
	requireTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	page := pageDir(t, "video.html", map[string][]byte{"clip.mp4": numberedClip(t)})
	nearest := func(pos float64) int { return min(99, int(math.Floor(pos*25+0.5+1e-6))) }
	for _, fps := range []int{30, 60} {
		t.Run(fmt.Sprintf("%dfps", fps), func(t *testing.T) {
			out, _ := renderPage(t, ctx, Request{Input: page, Duration: 3 * time.Second, FPS: fps, Width: 320, Height: 144, Workers: 2})
			frames, err := mediatest.ExtractFrames(ctx, out)
			if err != nil {
				t.Fatal(err)
			}
			if len(frames) != 3*fps {
				t.Fatalf("%d frames, want %d", len(frames), 3*fps)
			}
			bad := 0
			for n, img := range frames {
				sec := float64(n) / float64(fps)
				want := [3]int{nearest(sec), nearest(math.Mod(2*sec, 4)), 0}
				if sec >= 1 {
					want[2] = nearest(sec - 1)
				}
				for row, w := range want {
					if got := clipFrame(img, 48*row); got != w && bad < 10 {
						bad++
						t.Errorf("frame %d (t=%.3fs), video %d: shows source frame %d, want %d", n, sec, row+1, got, w)
					}
				}
			}
			if fps == 30 {
				one, _ := renderPage(t, ctx, Request{Input: page, Duration: 3 * time.Second, FPS: fps, Width: 320, Height: 144, Workers: 1})
				sameVideo(t, ctx, out, one)
			}
		})
	}
}

// TestIframeClock: accuracy.html in an iframe shows exactly the frames it
// shows on its own.
func TestIframeClock(t *testing.T) {
	requireTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const fps = 30
	out, res := renderPage(t, ctx, Request{Input: "testdata/iframe.html", Duration: 3 * time.Second, FPS: fps, Width: 640, Height: 360, Workers: 2})
	if len(res.Warnings) != 0 {
		t.Errorf("unexpected warnings: %q", res.Warnings)
	}
	for _, n := range []int{0, 1, fps / 2, fps - 1, fps, fps + 1, 2*fps - 1, 2 * fps, 5 * fps / 2, 3*fps - 1} {
		img, err := mediatest.ExtractFrame(ctx, out, n)
		if err != nil {
			t.Fatal(err)
		}
		checkFrame(t, img, n, fps)
	}
}

// TestLateLoads: a web font first used at 1 s appears on that frame, and a
// large JSON fetched at 1.5 s lands on that frame, in every render, with
// and without change detection.
func TestLateLoads(t *testing.T) {
	requireTools(t)
	font, err := os.ReadFile("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
	if err != nil {
		t.Skip("DejaVu Sans Bold is not installed (fonts-dejavu-core):", err)
	}
	// Some megabytes, so the fetch takes real time.
	data := []byte(`{"color": "#00ff00", "pad": "` + strings.Repeat("0123456789", 400000) + `"}`)
	page := pageDir(t, "late.html", map[string][]byte{"late.ttf": font, "data.json": data})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	req := Request{Input: page, Duration: 2500 * time.Millisecond, FPS: 30, Width: 320, Height: 180, Workers: 2}
	dedup, _ := renderPage(t, ctx, req)
	req.NoDedup = true
	full, _ := renderPage(t, ctx, req)
	sameVideo(t, ctx, dedup, full)
	frames, err := mediatest.ExtractFrames(ctx, dedup)
	if err != nil {
		t.Fatal(err)
	}
	textPixels := func(img *image.RGBA) int {
		n := 0
		for y := 10; y < 70; y++ {
			for x := 0; x < 320; x++ {
				if img.RGBAAt(x, y).G > 128 {
					n++
				}
			}
		}
		return n
	}
	if n := textPixels(frames[29]); n != 0 {
		t.Errorf("frame 29: %d text pixels before the text is added", n)
	}
	if n := textPixels(frames[30]); n < 200 {
		t.Errorf("frame 30: %d text pixels; the late font did not appear with its text", n)
	}
	if c := frames[44].RGBAAt(10, 110); c.G > 100 {
		t.Errorf("frame 44: box is %v before the fetch", c)
	}
	if c := frames[45].RGBAAt(10, 110); c.G < 200 || c.R > 60 {
		t.Errorf("frame 45: box is %v, want the fetched green", c)
	}
	for n, want := range map[int]float64{45: 10, 46: 10 + 200.0/30, 60: 110, 74: 10 + 200*29.0/30} {
		if got, ok := brightCenter(frames[n], 150); !ok || math.Abs(got-want) > 1.5 {
			t.Errorf("frame %d: bar at x=%.1f (found %v), want %.1f", n, got, ok, want)
		}
	}
}

// TestLottieFromJSON plays lottie-web's own test animation, loaded by its
// XHR after the page's load: two renders (one tab, two tabs) are identical
// and the animation moves.
func TestLottieFromJSON(t *testing.T) {
	requireTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	req := Request{Input: "testdata/lottie/index.html", Duration: 2 * time.Second, FPS: 30, Width: 320, Height: 240, Workers: 2}
	two, res := renderPage(t, ctx, req)
	if len(res.Warnings) != 0 {
		t.Errorf("unexpected warnings: %q", res.Warnings)
	}
	req.Workers = 1
	one, _ := renderPage(t, ctx, req)
	sameVideo(t, ctx, two, one)
	sums, err := mediatest.FrameMD5(ctx, two)
	if err != nil {
		t.Fatal(err)
	}
	distinct := map[string]bool{}
	for _, l := range sums {
		f := strings.Split(l, ",")
		distinct[strings.TrimSpace(f[len(f)-1])] = true
	}
	if len(distinct) < 30 {
		t.Errorf("only %d distinct frames in 60: the animation does not play", len(distinct))
	}
}

// TestHungPage: a page whose timer never returns fails after the batch
// timeout, retried once, with where it stopped and the frames. The timeout
// is long enough that a busy machine's ordinary batch never reaches it.
func TestHungPage(t *testing.T) {
	requireTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	page := filepath.Join(dir, "hang.html")
	if err := os.WriteFile(page, []byte(`<body style="background:#246"><script>setTimeout(() => { for (;;) {} }, 1000);</script>`), 0o644); err != nil {
		t.Fatal(err)
	}
	log := &syncBuffer{}
	_, err := Run(ctx, Request{Input: page, Duration: 2 * time.Second, FPS: 30, Width: 160, Height: 90, Workers: 2,
		BatchTimeout: 15 * time.Second, Output: filepath.Join(dir, "out.mp4"), Progress: "none", Stderr: log})
	if err == nil || !strings.Contains(err.Error(), "the page stopped responding at t=1.000s (frame 30)") {
		t.Fatalf("render of a hanging page: %v; want it to say the page stopped responding at t=1.000s", err)
	}
	// Every batch that reaches the hang (the one with frame 30, and one
	// seeking over it) is retried once, not more.
	if got := log.String(); !strings.Contains(got, "(attempt 1), retrying") || strings.Contains(got, "(attempt 2)") {
		t.Errorf("want each batch retried exactly once:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "out.mp4")); !os.IsNotExist(err) {
		t.Errorf("output exists after a failed render: %v", err)
	}
}

// syncBuffer is a bytes.Buffer that the render's goroutines write to and
// the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
