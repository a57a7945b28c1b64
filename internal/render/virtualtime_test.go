package render

import (
	"bytes"
	"context"
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

	"github.com/deckreel/deckreel/internal/deck"
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
// nearest its time, at 30 and 60 fps and through full Chromium's
// screenshots, and renders with one tab and with two (which seek over each
// other's frames) must be identical.
func TestVideoElements(t *testing.T) {
	requireTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	page := pageDir(t, "video.html", map[string][]byte{"clip.mp4": numberedClip(t)})
	nearest := func(pos float64) int { return min(99, int(math.Floor(pos*25+0.5+1e-6))) }
	eachCapturePath(t, func(t *testing.T, browser string, fps int) {
		out, _ := renderPage(t, ctx, Request{Input: page, Duration: 3 * time.Second, FPS: fps, Width: 320, Height: 144, Workers: 2, Browser: browser})
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
		if fps == 30 && browser == "headless-shell" {
			one, _ := renderPage(t, ctx, Request{Input: page, Duration: 3 * time.Second, FPS: fps, Width: 320, Height: 144, Workers: 1})
			sameVideo(t, ctx, out, one)
		}
	})
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
	page := pageDir(t, "late.html", map[string][]byte{"late.ttf": font, "data.json": data, "noise.png": noisePNG(t)})
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
	// The background image, top and bottom rows alike (an image still
	// loading is drawn as far as it has arrived).
	for _, c := range []struct {
		frame, y int
		lit      bool
	}{{59, 82, false}, {59, 127, false}, {60, 82, true}, {60, 127, true}, {74, 127, true}} {
		if got := rowMean(frames[c.frame], 200, 320, c.y); (got > 60) != c.lit {
			t.Errorf("frame %d: image row y=%d has mean %.0f; want it drawn: %v", c.frame, c.y, got, c.lit)
		}
	}
}

// noisePNG is a 2000x2000 PNG of random grey noise: some megabytes, which
// the browser loads and decodes for a while.
func noisePNG(t *testing.T) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "noise.png")
	cmd := exec.Command("ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i", "nullsrc=s=2000x2000,geq=random(1)*255:128:128",
		"-frames:v", "1", "-pix_fmt", "rgb24", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make noise.png: %v: %s", err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rowMean is the mean brightness of row y of img from x0 to x1.
func rowMean(img *image.RGBA, x0, x1, y int) float64 {
	sum := 0
	for x := x0; x < x1; x++ {
		c := img.RGBAAt(x, y)
		sum += int(c.R) + int(c.G) + int(c.B)
	}
	return float64(sum) / float64(3*(x1-x0))
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

// beeps makes a 4 s sound with a 1 kHz beep at 0.5-0.6 s and 2.5-2.6 s, as
// a WAV file and as the sound of a short H.264 clip.
func beeps(t *testing.T) (wav, clip []byte) {
	t.Helper()
	dir := t.TempDir()
	w, c := filepath.Join(dir, "beeps.wav"), filepath.Join(dir, "clip.mp4")
	for _, args := range [][]string{
		{"-f", "lavfi", "-i", "aevalsrc='0.5*(between(t,0.5,0.6)+between(t,2.5,2.6))*sin(2*PI*1000*t)':s=48000:d=4", w},
		{"-f", "lavfi", "-i", "testsrc=s=160x90:r=25:d=4", "-i", w, "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", "-shortest", c},
	} {
		cmd := exec.Command("ffmpeg", append([]string{"-v", "error", "-nostdin", "-y"}, args...)...)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make test sound: %v: %s", err, msg)
		}
	}
	var err error
	if wav, err = os.ReadFile(w); err == nil {
		clip, err = os.ReadFile(c)
	}
	if err != nil {
		t.Fatal(err)
	}
	return wav, clip
}

// checkSounding checks that out's sound is loud exactly in the stretches
// want (seconds), to within tol.
func checkSounding(t *testing.T, ctx context.Context, out string, want [][2]float64, tol float64) {
	t.Helper()
	got, err := mediatest.Sounding(ctx, out, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	ok := len(got) == len(want)
	for i := range min(len(got), len(want)) {
		ok = ok && math.Abs(got[i][0]-want[i][0]) <= tol && math.Abs(got[i][1]-want[i][1]) <= tol
	}
	if !ok {
		t.Errorf("sound at %v (seconds), want %v (±%gs)", got, want, tol)
	}
}

// TestMediaSound renders a page whose <audio> and <video> elements play a
// sound of two beeps: autoplaying, from an offset set by script then paused,
// muted, at playbackRate 2, and an element never put in the document at half
// volume. The soundtrack must hold each beep at the virtual time the element
// played it, and nothing of the muted one. A job render of the page, whose
// chunks have no sound and whose join finds it again, gives the same sound.
// A Markdown deck plays a slide's autoplay element when the slide comes on.
func TestMediaSound(t *testing.T) {
	requireTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	wav, clip := beeps(t)
	const tol = 0.011 // two 5 ms windows
	t.Run("page", func(t *testing.T) {
		page := pageDir(t, "sound.html", map[string][]byte{"beeps.wav": wav, "clip.mp4": clip})
		req := Request{Input: page, Duration: 4500 * time.Millisecond, FPS: 30, Width: 320, Height: 180, Workers: 2}
		out, _ := renderPage(t, ctx, req)
		checkSounding(t, ctx, out, [][2]float64{{0.5, 0.6}, {1.5, 1.6}, {2.5, 2.6}, {3.45, 3.5}, {3.9, 4.0}, {4.45, 4.5}}, tol)

		req.Output = filepath.Join(t.TempDir(), "job.mp4")
		req.Progress, req.Epoch = "none", time.Unix(1700000000, 0)
		if _, err := RunJob(ctx, req, JobOptions{Dir: filepath.Join(t.TempDir(), "job"), ChunkFrames: 40}); err != nil {
			t.Fatal(err)
		}
		a, b := audioMD5(t, ctx, out), audioMD5(t, ctx, req.Output)
		if !slices.Equal(a, b) {
			t.Errorf("the job's sound differs from the render's (%d and %d packets)", len(a), len(b))
		}
	})
	t.Run("deck", func(t *testing.T) {
		dir := t.TempDir()
		files := map[string][]byte{"beeps.wav": wav, "talk.md": []byte(`---
size: 320x180
fps: 30
---
<!-- duration: 1s -->
# One
---
<!-- duration: 3s -->
<!-- transition: fade 500ms -->
# Two
<audio src="beeps.wav" autoplay></audio>
---
<!-- duration: 1s -->
# Three
`)}
		for name, b := range files {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		d, err := deck.Load(filepath.Join(dir, "talk.md"), deck.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		out, _ := renderPage(t, ctx, Request{Input: filepath.Join(dir, "talk.md"), Deck: d, FPS: 30, Width: 320, Height: 180, Workers: 2})
		// Slide 2 comes on at 1 s (its fade starts then): beeps at 1.5 and
		// 3.5 s; slide 3 at 4 s stops it before it ends.
		checkSounding(t, ctx, out, [][2]float64{{1.5, 1.6}, {3.5, 3.6}}, tol)
	})
}

// audioMD5 is ffmpeg's framemd5 of path's decoded sound.
func audioMD5(t *testing.T, ctx context.Context, path string) []string {
	t.Helper()
	out, err := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-nostdin", "-i", path, "-map", "0:a", "-f", "framemd5", "-").Output()
	if err != nil {
		t.Fatalf("framemd5 of the sound of %s: %v", path, err)
	}
	var lines []string
	for line := range strings.Lines(string(out)) {
		if !strings.HasPrefix(line, "#") {
			lines = append(lines, line)
		}
	}
	return lines
}
