package soundtrack

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"

	"github.com/deckreel/deckreel/internal/mediatest"
)

// Helpers for the tests that run the real ffmpeg: making sound files,
// rendering a plan and reading the result back.

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// tool runs ffmpeg or ffprobe and returns its stdout, failing the test
// (with its stderr) if it fails.
func tool(t *testing.T, ctx context.Context, name string, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// makeSound writes expr (an aevalsrc expression of t, mono) of the given
// length and sample rate to path, with the given output options (codec).
func makeSound(t *testing.T, ctx context.Context, path, expr string, rate int, secs float64, codec ...string) {
	t.Helper()
	src := "aevalsrc=" + expr + ":s=" + strconv.Itoa(rate) + ":d=" + strconv.FormatFloat(secs, 'f', -1, 64)
	args := append([]string{"-hide_banner", "-nostdin", "-v", "error", "-f", "lavfi", "-i", src}, codec...)
	tool(t, ctx, "ffmpeg", append(args, "-y", "file:"+path)...)
}

// render encodes video (an ffmpeg-go input) and the plan's sound into
// path with the given output options.
func render(t *testing.T, ctx context.Context, p Plan, video *ffmpeg.Stream, path string, out ffmpeg.KwArgs) {
	t.Helper()
	audio, err := p.Stream()
	if err != nil {
		t.Fatal(err)
	}
	args := ffmpeg.Output([]*ffmpeg.Stream{video, audio}, "file:"+path, out).
		GlobalArgs("-hide_banner", "-nostdin", "-nostats", "-loglevel", "error").
		OverWriteOutput().GetArgs()
	tool(t, ctx, "ffmpeg", args...)
}

// pcmRate is the rate at which results are analysed: plenty for finding a
// 1 kHz click to well under a millisecond, and a third of the data.
const pcmRate = 16000

// decodeAudio decodes path's first audio stream as mono 16-bit samples at
// pcmRate, scaled to -1..1, with sample 0 at the file's time 0: ffmpeg
// keeps the container's timestamps (-copyts) and aresample pads or trims
// the start so that its first output sample has time 0. A stream that
// starts late or early in its container shows so in the samples.
func decodeAudio(t *testing.T, ctx context.Context, path string) []float64 {
	t.Helper()
	raw := tool(t, ctx, "ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-copyts", "-i", "file:"+path,
		"-map", "0:a:0", "-af", "aresample="+strconv.Itoa(pcmRate)+":async=1:first_pts=0", "-ac", "1", "-f", "s16le", "pipe:1")
	pcm := make([]float64, len(raw)/2)
	for i := range pcm {
		pcm[i] = float64(int16(binary.LittleEndian.Uint16(raw[2*i:]))) / 32768
	}
	return pcm
}

// videoFlips decodes path's video with its container timestamps and
// returns the time of its first frame and of every frame after that whose
// brightness crosses mid-gray (a slide change in the test videos).
func videoFlips(t *testing.T, ctx context.Context, path string) []time.Duration {
	t.Helper()
	// showinfo logs each frame's time and mean luma (8-bit, whatever the
	// codec's depth, after format=gray) at the info level.
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-copyts", "-i", "file:"+path,
		"-map", "0:v:0", "-vf", "format=gray,showinfo", "-f", "null", "-")
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("decode video of %s: %v\n%s", path, err, stderr.Bytes())
	}
	var flips []time.Duration
	prev := -1
	for _, line := range strings.Split(stderr.String(), "\n") {
		m := showinfo.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		pts, _ := strconv.ParseFloat(m[1], 64)
		y, _ := strconv.Atoi(m[2])
		bright := 0
		if y > 128 {
			bright = 1
		}
		if bright != prev {
			flips = append(flips, time.Duration(math.Round(pts*1e6))*time.Microsecond)
		}
		prev = bright
	}
	return flips
}

var showinfo = regexp.MustCompile(`pts_time:\s*(-?[0-9.]+).*mean:\[(\d+)`)

// onset returns the time of the first sample louder than threshold in
// pcm from time from to time to, or -1.
func onset(pcm []float64, from, to time.Duration, threshold float64) time.Duration {
	for i := max(0, at(from)); i < min(len(pcm), at(to)); i++ {
		if math.Abs(pcm[i]) > threshold {
			return time.Duration(i) * time.Second / pcmRate
		}
	}
	return -1
}

// rms is the root mean square level of pcm from time from to time to.
func rms(pcm []float64, from, to time.Duration) float64 {
	lo, hi := max(0, at(from)), min(len(pcm), at(to))
	if hi <= lo {
		return 0
	}
	sum := 0.0
	for _, v := range pcm[lo:hi] {
		sum += v * v
	}
	return math.Sqrt(sum / float64(hi-lo))
}

func at(d time.Duration) int { return int(d * pcmRate / time.Second) }

// frameAt and frameTime are deckreel's timeline rules (internal/deck):
// slide starts are rounded to the nearest frame, and a frame shows at
// n/fps.
func frameAt(d time.Duration, fps int) int {
	return int((int64(d)*int64(fps) + int64(time.Second)/2) / int64(time.Second))
}

func frameTime(n, fps int) time.Duration {
	return time.Duration(int64(n) * int64(time.Second) / int64(fps))
}

// TestClipPlayback plays a page element's clip as the soundtrack places it
// (from an offset, twice as fast, at half volume, then faded to a quarter
// at 1 s of its time) through the real ffmpeg and measures the result.
func TestClipPlayback(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	ctx := testContext(t)
	dir := t.TempDir()
	tone := filepath.Join(dir, "tone.wav")
	// A 1 kHz tone whose first second is silent: from an offset of 1 s it
	// sounds at once.
	makeSound(t, ctx, tone, "'if(gte(t,1),0.8*sin(2*PI*1000*t),0)'", 48000, 6)
	clip := Clip{Path: tone, Start: 500 * time.Millisecond, Length: 2 * time.Second, Offset: time.Second, Rate: 2, Gain: 0.5,
		Gains: []GainPoint{{At: time.Second, Gain: 0.25}}}
	out := filepath.Join(dir, "out.mkv")
	video := ffmpeg.Input("color=c=black:s=64x64:r=30:d=3", ffmpeg.KwArgs{"f": "lavfi"})
	render(t, ctx, Plan{Duration: 3 * time.Second, Clips: []Clip{clip}}, video, out, ffmpeg.KwArgs{"c:v": "libx264", "preset": "ultrafast", "c:a": "flac"})
	pcm := decodeAudio(t, ctx, out)
	// RMS of the tone at gain 1 once decoded: a sine's is its amplitude
	// over √2, and the mono tone, made stereo by the mix and mono again by
	// decodeAudio, comes back 3 dB down.
	const full = 0.8 / math.Sqrt2 / math.Sqrt2
	for _, c := range []struct {
		from, to time.Duration
		want     float64
	}{
		{0, 450 * time.Millisecond, 0},
		{550 * time.Millisecond, 1450 * time.Millisecond, 0.5 * full},
		{1550 * time.Millisecond, 2450 * time.Millisecond, 0.25 * full},
		{2550 * time.Millisecond, 3 * time.Second, 0},
	} {
		if got := rms(pcm, c.from, c.to); math.Abs(got-c.want) > 0.03 {
			t.Errorf("RMS from %s to %s is %.3f, want %.3f", c.from, c.to, got, c.want)
		}
	}
}
