package mediatest

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// makeVideo encodes a test video with ffmpeg's own generators: 10 frames
// at 10 fps, the first 5 dark gray and the last 5 white. The colon in the
// name checks that paths are not mistaken for protocols.
func makeVideo(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "src:with colon.mp4")
	cmd := exec.Command("ffmpeg", "-hide_banner", "-nostdin", "-v", "error",
		"-f", "lavfi", "-i", "color=c=0x202020:s=64x48:r=10:d=0.5",
		"-f", "lavfi", "-i", "color=c=white:s=64x48:r=10:d=0.5",
		"-filter_complex", "[0][1]concat=n=2:v=1",
		"-c:v", "libx264", "-pix_fmt", "yuv420p", "-y", "file:"+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make test video: %v: %s", err, out)
	}
	return path
}

func TestProbeAndExtract(t *testing.T) {
	RequireFFmpeg(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	path := makeVideo(t)

	info, err := ProbeVideo(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	want := VideoInfo{Frames: 10, Width: 64, Height: 48, FPS: 10, PixFmt: "yuv420p", Duration: time.Second}
	if info != want {
		t.Errorf("ProbeVideo = %+v, want %+v", info, want)
	}

	frames, err := ExtractFrames(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 10 {
		t.Fatalf("ExtractFrames returned %d frames, want 10", len(frames))
	}
	for i, f := range frames {
		want := uint8(0x20)
		if i >= 5 {
			want = 0xff
		}
		if c := f.RGBAAt(32, 24); absDiff(c.R, want) > 4 || absDiff(c.G, want) > 4 || absDiff(c.B, want) > 4 {
			t.Errorf("frame %d centre = %v, want gray %d", i, c, want)
		}
	}

	for _, tc := range []struct {
		k    int
		want uint8
	}{{0, 0x20}, {4, 0x20}, {5, 0xff}, {9, 0xff}} {
		img, err := ExtractFrame(ctx, path, tc.k)
		if err != nil {
			t.Fatal(err)
		}
		if got := img.RGBAAt(10, 10).G; absDiff(got, tc.want) > 4 {
			t.Errorf("ExtractFrame(%d) green = %d, want %d", tc.k, got, tc.want)
		}
	}
	if _, err := ExtractFrame(ctx, path, 10); err == nil {
		t.Error("ExtractFrame past the end succeeded")
	}
	if _, err := ProbeVideo(ctx, filepath.Join(t.TempDir(), "missing.mp4")); err == nil {
		t.Error("ProbeVideo of a missing file succeeded")
	}
}

func TestParseRate(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    float64
		wantErr bool
	}{
		{"30/1", 30, false},
		{"30000/1001", 30000.0 / 1001, false},
		{"25", 25, false},
		{"0/0", 0, true},
		{"x/1", 0, true},
	} {
		got, err := parseRate(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("parseRate(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func absDiff(a, b uint8) uint8 {
	if a > b {
		return a - b
	}
	return b - a
}
