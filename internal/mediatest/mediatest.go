// Package mediatest lets integration tests check the videos deckreel
// produces, by asking the real ffprobe and ffmpeg (found in PATH) what a
// file contains: its frame count, size and format, and the decoded pixels
// of chosen frames. It is meant for small test videos: frames are decoded
// into memory as RGBA.
package mediatest

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// RequireFFmpeg skips the test if ffmpeg or ffprobe is not in PATH, or
// fails it if the CI environment variable is set, so that integration
// tests are never skipped silently in CI.
func RequireFFmpeg(t testing.TB) {
	t.Helper()
	for _, name := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(name); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required in CI: %v", name, err)
			}
			t.Skipf("%s not available: %v", name, err)
		}
	}
}

// VideoInfo describes the first video stream of a file, as ffprobe sees it.
type VideoInfo struct {
	Frames        int     // frames actually decoded (ffprobe -count_frames), not the header's claim
	Width, Height int     // pixels
	FPS           float64 // the stream's r_frame_rate, e.g. 30 for "30/1"
	PixFmt        string  // e.g. "yuv420p"
	Duration      time.Duration
}

// ProbeVideo reports the frame count, size, frame rate, pixel format and
// duration of path's first video stream. It decodes the whole stream to
// count frames, so it costs about as much as playing the video.
func ProbeVideo(ctx context.Context, path string) (VideoInfo, error) {
	out, err := run(ctx, "ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=nb_read_frames,width,height,r_frame_rate,pix_fmt,duration:format=duration",
		"-of", "json", "file:"+path)
	if err != nil {
		return VideoInfo{}, fmt.Errorf("probe %s: %w", path, err)
	}
	var probe struct {
		Streams []struct {
			Width        int    `json:"width"`
			Height       int    `json:"height"`
			PixFmt       string `json:"pix_fmt"`
			RFrameRate   string `json:"r_frame_rate"`
			Duration     string `json:"duration"`
			NbReadFrames string `json:"nb_read_frames"`
		} `json:"streams"`
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &probe); err != nil {
		return VideoInfo{}, fmt.Errorf("probe %s: parse ffprobe output: %w", path, err)
	}
	if len(probe.Streams) == 0 {
		return VideoInfo{}, fmt.Errorf("probe %s: no video stream", path)
	}
	s := probe.Streams[0]
	info := VideoInfo{Width: s.Width, Height: s.Height, PixFmt: s.PixFmt}
	if info.Frames, err = strconv.Atoi(s.NbReadFrames); err != nil {
		return VideoInfo{}, fmt.Errorf("probe %s: frame count %q: %w", path, s.NbReadFrames, err)
	}
	if info.FPS, err = parseRate(s.RFrameRate); err != nil {
		return VideoInfo{}, fmt.Errorf("probe %s: frame rate: %w", path, err)
	}
	// Containers without a per-stream duration (e.g. Matroska) have one
	// for the whole file.
	d := s.Duration
	if d == "" || d == "N/A" {
		d = probe.Format.Duration
	}
	if secs, err := strconv.ParseFloat(d, 64); err == nil {
		info.Duration = time.Duration(math.Round(secs * float64(time.Second)))
	}
	return info, nil
}

// parseRate parses an ffprobe rational such as "30/1" or "30000/1001".
func parseRate(r string) (float64, error) {
	num, den, ok := strings.Cut(r, "/")
	if !ok {
		den = "1"
	}
	n, err1 := strconv.ParseFloat(num, 64)
	d, err2 := strconv.ParseFloat(den, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("bad rational %q: %w", r, err)
	}
	if d == 0 {
		return 0, fmt.Errorf("bad rational %q: zero denominator", r)
	}
	return n / d, nil
}

// ExtractFrame decodes frame k (counting from 0, in presentation order) of
// path's first video stream.
func ExtractFrame(ctx context.Context, path string, k int) (*image.RGBA, error) {
	if k < 0 {
		return nil, fmt.Errorf("extract frame %d of %s: negative frame number", k, path)
	}
	frames, err := decode(ctx, path, "-vf", fmt.Sprintf(`select=eq(n\,%d)`, k), "-frames:v", "1")
	if err != nil {
		return nil, fmt.Errorf("extract frame %d of %s: %w", k, path, err)
	}
	if len(frames) == 0 {
		return nil, fmt.Errorf("extract frame %d of %s: no such frame", k, path)
	}
	return frames[0], nil
}

// ExtractFrames decodes every frame of path's first video stream, in
// presentation order. Memory is width*height*4 bytes per frame.
func ExtractFrames(ctx context.Context, path string) ([]*image.RGBA, error) {
	frames, err := decode(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("extract frames of %s: %w", path, err)
	}
	return frames, nil
}

// decode runs ffmpeg to decode path's first video stream as raw RGBA,
// with extra output options, and splits the result into frames.
// -fps_mode passthrough keeps ffmpeg from dropping or duplicating frames
// to fit a frame rate, so the frames are exactly those in the file.
func decode(ctx context.Context, path string, extra ...string) ([]*image.RGBA, error) {
	info, err := streamSize(ctx, path)
	if err != nil {
		return nil, err
	}
	args := []string{"-hide_banner", "-nostdin", "-v", "error", "-i", "file:" + path, "-map", "0:v:0", "-an", "-fps_mode", "passthrough"}
	args = append(args, extra...)
	args = append(args, "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1")
	out, err := run(ctx, "ffmpeg", args...)
	if err != nil {
		return nil, err
	}
	size := info.Width * info.Height * 4
	if len(out)%size != 0 {
		return nil, fmt.Errorf("decoded %d bytes, not a whole number of %dx%d frames", len(out), info.Width, info.Height)
	}
	frames := make([]*image.RGBA, 0, len(out)/size)
	for off := 0; off < len(out); off += size {
		frames = append(frames, &image.RGBA{
			Pix:    out[off : off+size : off+size],
			Stride: info.Width * 4,
			Rect:   image.Rect(0, 0, info.Width, info.Height),
		})
	}
	return frames, nil
}

// streamSize reads only the frame size, which is cheap, unlike ProbeVideo.
func streamSize(ctx context.Context, path string) (VideoInfo, error) {
	out, err := run(ctx, "ffprobe", "-v", "error", "-select_streams", "v:0",
		"-show_entries", "stream=width,height", "-of", "csv=p=0:s=x", "file:"+path)
	if err != nil {
		return VideoInfo{}, err
	}
	var info VideoInfo
	if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "%dx%d", &info.Width, &info.Height); err != nil || info.Width <= 0 || info.Height <= 0 {
		return VideoInfo{}, fmt.Errorf("read frame size from ffprobe output %q: %v", out, err)
	}
	return info, nil
}

// run runs a tool to completion and returns its stdout, or an error
// quoting its stderr.
func run(ctx context.Context, name string, args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: %w: %s", name, err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// FrameMD5 is ffmpeg's framemd5 of path's decoded picture and sound (when
// it has any), one line per frame and packet, without the header: two
// files with the same lines are the same video.
func FrameMD5(ctx context.Context, path string) ([]string, error) {
	out, err := run(ctx, "ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-i", "file:"+path,
		"-map", "0:v", "-map", "0:a?", "-f", "framemd5", "-")
	if err != nil {
		return nil, fmt.Errorf("framemd5 of %s: %w", path, err)
	}
	var lines []string
	for line := range strings.Lines(string(out)) {
		if !strings.HasPrefix(line, "#") {
			lines = append(lines, strings.TrimSpace(line))
		}
	}
	return lines, nil
}

// AudioRate is the sample rate at which Sounding decodes sound.
const AudioRate = 48000

// Sounding returns the stretches of path's sound louder than threshold
// (RMS of its channels mixed down, over windows of 5 ms), as [start, end)
// pairs of seconds: where each sound starts and stops, to a window.
func Sounding(ctx context.Context, path string, threshold float64) ([][2]float64, error) {
	out, err := run(ctx, "ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-i", "file:"+path,
		"-map", "0:a:0", "-ac", "1", "-ar", strconv.Itoa(AudioRate), "-f", "f32le", "-")
	if err != nil {
		return nil, fmt.Errorf("decode the sound of %s: %w", path, err)
	}
	const window = AudioRate / 200
	n := len(out) / 4
	var spans [][2]float64
	on := false
	for i := 0; i+window <= n; i += window {
		sum := 0.0
		for k := i; k < i+window; k++ {
			v := float64(math.Float32frombits(binary.LittleEndian.Uint32(out[4*k:])))
			sum += v * v
		}
		loud := math.Sqrt(sum/window) > threshold
		t := float64(i) / AudioRate
		switch {
		case loud && !on:
			spans = append(spans, [2]float64{t, float64(n) / AudioRate})
		case !loud && on:
			spans[len(spans)-1][1] = t
		}
		on = loud
	}
	return spans, nil
}
