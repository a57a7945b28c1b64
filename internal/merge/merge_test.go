package merge

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deckreel/deckreel/encode"
	"github.com/deckreel/deckreel/internal/mediatest"
)

const (
	testW, testH, testFPS = 160, 120, 10
	chunkFrames           = 2 * testFPS
)

// source decodes n frames of ffmpeg's moving test pattern as raw yuv420p,
// the format the render pipeline hands the encoder.
func source(t *testing.T, n int) [][]byte {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi",
		"-i", "testsrc2=size=160x120:rate=10", "-frames:v", strconv.Itoa(n),
		"-pix_fmt", "yuv420p", "-f", "rawvideo", "pipe:1").Output()
	if err != nil {
		t.Fatalf("generate frames: %v", err)
	}
	size := testW * testH * 3 / 2
	if len(out) != n*size {
		t.Fatalf("generated %d bytes, want %d frames of %d", len(out), n, size)
	}
	frames := make([][]byte, n)
	for i := range frames {
		frames[i] = out[i*size : (i+1)*size]
	}
	return frames
}

// encodeChunk encodes frames into path with the render's own encoder and
// options, repeating a frame the way change detection does (runs of
// identical frames are written with a count).
func encodeChunk(t *testing.T, path string, frames [][]byte, opts encode.Options) {
	t.Helper()
	opts.Output = path
	enc, err := encode.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Abort()
	for i := 0; i < len(frames); {
		n := 1
		for i+n < len(frames) && bytes.Equal(frames[i+n], frames[i]) {
			n++
		}
		if err := enc.WriteFrame(frames[i], n); err != nil {
			t.Fatal(err)
		}
		i += n
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
}

// makeChunks encodes 3 chunks (20, 20 and 7 frames, a still run across the
// first seam, and a last chunk that is one still frame, as a deck's slide
// is) and returns their parts.
func makeChunks(t *testing.T, dir string) []Part {
	t.Helper()
	frames := source(t, 47)
	for i := 15; i < 25; i++ {
		frames[i] = frames[15] // a still slide across the first seam
	}
	for i := 40; i < 47; i++ {
		frames[i] = frames[40] // a chunk of one still slide
	}
	opts := encode.Options{Width: testW, Height: testH, FPS: testFPS, PixFmt: "yuv420p"}
	var parts []Part
	for start := 0; start < len(frames); start += chunkFrames {
		end := min(start+chunkFrames, len(frames))
		p := Part{Path: filepath.Join(dir, strconv.Itoa(len(parts))+".mp4"), Frames: end - start}
		encodeChunk(t, p.Path, frames[start:end], opts)
		parts = append(parts, p)
	}
	return parts
}

func decodeRaw(t *testing.T, path string) []byte {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", "file:"+path, "-map", "0:v:0",
		"-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1").Output()
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return out
}

func TestJoin(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	parts := makeChunks(t, dir)
	out := filepath.Join(dir, "out it's.mp4") // a quote: the list must escape it
	o := Options{Parts: parts, Width: testW, Height: testH, FPS: testFPS, Output: out}
	if err := Join(ctx, o); err != nil {
		t.Fatal(err)
	}

	info, err := mediatest.ProbeVideo(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	if info.Frames != 47 || info.FPS != testFPS || info.Width != testW || info.Duration != 4700*time.Millisecond {
		t.Errorf("joined video: %+v; want 47 frames, %d fps, 4.7 s", info, testFPS)
	}

	// Lossless: the joined video decodes to exactly the chunks' frames.
	var want []byte
	for _, p := range parts {
		want = append(want, decodeRaw(t, p.Path)...)
	}
	if got := decodeRaw(t, out); !bytes.Equal(got, want) {
		t.Errorf("joined video decodes to %d bytes that differ from the chunks' %d", len(got), len(want))
	}

	// Timestamps are evenly spaced across the seams: no gap, no overlap.
	raw, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0",
		"-show_entries", "packet=pts", "-of", "csv=p=0", "file:"+out).Output()
	if err != nil {
		t.Fatal(err)
	}
	var pts []int
	for _, f := range strings.Fields(string(raw)) {
		n, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("pts %q", f)
		}
		pts = append(pts, n)
	}
	slices.Sort(pts)
	for i := 1; i < len(pts); i++ {
		if d := pts[i] - pts[i-1]; d != pts[1]-pts[0] {
			t.Fatalf("pts step %d at frame %d, %d before: timestamps are not even (%v)", d, i, pts[1]-pts[0], pts)
		}
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// TestConcatListOddRate: with a frame rate whose frame time is not a whole
// number of milliseconds, the explicit durations keep the seams exact.
func TestConcatListOddRate(t *testing.T) {
	got := concatList([]Part{{Path: "/a/0.mp4", Frames: 14}, {Path: "/a/1.mp4", Frames: 3}}, 7)
	want := "ffconcat version 1.0\nfile 'file:/a/0.mp4'\nduration 2.000000\nfile 'file:/a/1.mp4'\n"
	if got != want {
		t.Errorf("concatList =\n%s\nwant\n%s", got, want)
	}
}

func TestCheckRefuses(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	parts := makeChunks(t, dir)

	// A chunk of another size and CRF, as from a render with other
	// settings.
	other := filepath.Join(dir, "other.mp4")
	frames := source(t, 20)
	small := make([][]byte, len(frames))
	for i := range small {
		small[i] = frames[i][:80*60*3/2] // garbage pixels, right length
	}
	encodeChunk(t, other, small, encode.Options{Width: 80, Height: 60, FPS: testFPS, PixFmt: "yuv420p"})
	// A chunk of the right size but another preset: other SPS and PPS,
	// which a decoder of the joined stream would apply to the wrong frames.
	fast := filepath.Join(dir, "fast.mp4")
	encodeChunk(t, fast, frames, encode.Options{Width: testW, Height: testH, FPS: testFPS, PixFmt: "yuv420p", Preset: "ultrafast"})

	tests := []struct {
		name  string
		parts []Part
		want  []string
	}{
		{"missing", []Part{parts[0], {Path: filepath.Join(dir, "nope.mp4"), Frames: 20}, parts[2]}, []string{"part 1", "no such file"}},
		{"frame count", []Part{parts[0], {Path: parts[1].Path, Frames: 21}, parts[2]}, []string{"part 1", "20 frames, want 21"}},
		{"size", []Part{parts[0], {Path: other, Frames: 20}, parts[2]}, []string{"part 1", "size 80x60, want 160x120"}},
		{"codec parameters", []Part{parts[0], {Path: fast, Frames: 20}, parts[2]}, []string{"part 1", "encoded as h264", "but part 0 as h264 High"}},
		{"not a video", []Part{parts[0], {Path: writeFile(t, dir, "junk.mp4", "junk"), Frames: 20}}, []string{"part 1", "probe"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, "out.mp4")
			writeFile(t, dir, "out.mp4", "previous video")
			err := Join(ctx, Options{Parts: tt.parts, Width: testW, Height: testH, FPS: testFPS, Output: out})
			var pe *PartError
			if !errors.As(err, &pe) {
				t.Fatalf("Join: %v, want a *PartError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if data, _ := os.ReadFile(out); string(data) != "previous video" {
				t.Error("a refused join changed the output")
			}
		})
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
