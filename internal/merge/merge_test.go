package merge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deckreel/deckreel/encode"
	"github.com/deckreel/deckreel/internal/captions"
	"github.com/deckreel/deckreel/internal/mediatest"
	"github.com/deckreel/deckreel/internal/soundtrack"
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
	return encodeParts(t, dir, frames, testFPS, []int{chunkFrames, chunkFrames, 7})
}

// encodeParts encodes frames, one after the other, into chunks of sizes
// frames each at fps, named after their index in dir, and returns them.
func encodeParts(t *testing.T, dir string, frames [][]byte, fps int, sizes []int) []Part {
	t.Helper()
	opts := encode.Options{Width: testW, Height: testH, FPS: fps, PixFmt: "yuv420p"}
	parts := make([]Part, len(sizes))
	start := 0
	for i, n := range sizes {
		parts[i] = Part{Path: filepath.Join(dir, strconv.Itoa(i)+".mp4"), Frames: n}
		encodeChunk(t, parts[i].Path, frames[start:start+n], opts)
		start += n
	}
	if start != len(frames) {
		t.Fatalf("chunks of %v frames use %d of the %d frames", sizes, start, len(frames))
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

	// A chunk cut short, as by a full disk: its index is intact (it comes
	// first), its last frames are not.
	whole, err := os.ReadFile(parts[1].Path)
	if err != nil {
		t.Fatal(err)
	}
	truncated := writeFile(t, dir, "truncated.mp4", string(whole[:len(whole)/2]))
	// A chunk remuxed with ticks of 1/1001 s, in which no frame at 10 fps
	// is a whole number of ticks, nor is a tick fine enough to round away.
	coarse := filepath.Join(dir, "coarse.mp4")
	if out, err := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-i", "file:"+parts[1].Path,
		"-c", "copy", "-video_track_timescale", "1001", "file:"+coarse).CombinedOutput(); err != nil {
		t.Fatalf("remux: %v: %s", err, out)
	}

	tests := []struct {
		name  string
		parts []Part
		want  []string
	}{
		{"missing", []Part{parts[0], {Path: filepath.Join(dir, "nope.mp4"), Frames: 20}, parts[2]}, []string{"part 1", "no such file"}},
		{"frame count", []Part{parts[0], {Path: parts[1].Path, Frames: 21}, parts[2]}, []string{"part 1", "20 frames, want 21"}},
		{"size", []Part{parts[0], {Path: other, Frames: 20}, parts[2]}, []string{"part 1", "size 80x60, want 160x120"}},
		{"codec parameters", []Part{parts[0], {Path: fast, Frames: 20}, parts[2]}, []string{"part 1", "encoded as h264", "but part 0 as h264 High"}},
		{"truncated", []Part{parts[0], {Path: truncated, Frames: 20}, parts[2]}, []string{"part 1", "frames, want 20"}},
		{"time base", []Part{parts[0], {Path: coarse, Frames: 20}, parts[2]}, []string{"part 1", "time base 1/1001 cannot place frames at 10 fps exactly"}},
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

// TestJoinAnyFrameCounts: parts of any length, at rates whose frame time
// is no whole number of microseconds nor of the parts' ticks, join into a
// video with every frame at exactly its frame time, and the same parts
// join into the same bytes every time.
func TestJoinAnyFrameCounts(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	tests := []struct {
		name  string
		fps   int
		sizes []int
	}{
		{"30 fps", 30, []int{41, 13, 1, 60}},
		{"7 fps", 7, []int{13, 13, 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			dir := t.TempDir()
			total := 0
			for _, n := range tt.sizes {
				total += n
			}
			parts := encodeParts(t, dir, source(t, total), tt.fps, tt.sizes)
			o := Options{Parts: parts, Width: testW, Height: testH, FPS: tt.fps}
			var outs [2]string
			for i := range outs {
				o.Output = filepath.Join(dir, "out"+strconv.Itoa(i)+".mp4")
				if err := Join(ctx, o); err != nil {
					t.Fatal(err)
				}
				outs[i] = o.Output
			}
			requireConstantRate(t, ctx, outs[0], tt.fps, total)
			requireSameBytes(t, outs[0], outs[1])
			var want []byte
			for _, p := range parts {
				want = append(want, decodeRaw(t, p.Path)...)
			}
			if got := decodeRaw(t, outs[0]); !bytes.Equal(got, want) {
				t.Errorf("joined video decodes to %d bytes that differ from the chunks' %d", len(got), len(want))
			}
		})
	}
}

// TestJoinWithSound: the whole video's sound, subtitles and chapters,
// timed in seconds from 0, stay with pictures joined from parts of odd
// lengths, and the join is still the same bytes every time.
func TestJoinWithSound(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	const fps, total = 30, 115
	parts := encodeParts(t, dir, source(t, total), fps, []int{41, 13, 1, 60})
	length := time.Duration(total) * time.Second / fps

	music := filepath.Join(dir, "music.wav")
	if out, err := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", music).CombinedOutput(); err != nil {
		t.Fatalf("make music: %v: %s", err, out)
	}
	// Cues and chapters at the seams (41 and 54 frames: 1.367 s and 1.8 s).
	srt := writeFile(t, dir, "captions.srt", "")
	meta := writeFile(t, dir, "chapters.txt", "")
	writeWith(t, srt, func(f *os.File) error {
		return captions.WriteSRT(f, []captions.Cue{{Start: 1367 * time.Millisecond, End: 1800 * time.Millisecond, Text: "Two"}})
	})
	writeWith(t, meta, func(f *os.File) error {
		return captions.WriteFFMetadata(f, "A talk", []captions.Chapter{
			{Start: 0, End: 1367 * time.Millisecond, Title: "One"},
			{Start: 1367 * time.Millisecond, End: length, Title: "Two"},
		})
	})
	o := Options{Parts: parts, Width: testW, Height: testH, FPS: fps,
		Audio:         soundtrack.Plan{Duration: length, Music: &soundtrack.Music{Path: music, Loop: true}},
		SubtitlesFile: srt, MetadataFile: meta}
	var outs [2]string
	for i := range outs {
		o.Output = filepath.Join(dir, "out"+strconv.Itoa(i)+".mp4")
		if err := Join(ctx, o); err != nil {
			t.Fatal(err)
		}
		outs[i] = o.Output
	}
	requireConstantRate(t, ctx, outs[0], fps, total)
	requireSameBytes(t, outs[0], outs[1])

	var probe struct {
		Streams []struct {
			CodecType string `json:"codec_type"`
			Duration  string `json:"duration"`
			StartTime string `json:"start_time"`
		} `json:"streams"`
		Chapters []struct {
			StartTime string `json:"start_time"`
		} `json:"chapters"`
	}
	probeJSON(t, ctx, &probe, "-show_entries", "stream=codec_type,duration,start_time", "-show_chapters", "file:"+outs[0])
	var audio, subs bool
	for _, s := range probe.Streams {
		switch s.CodecType {
		case "audio":
			audio = true
			// The soundtrack is exactly as long as the video (184000
			// samples), to ffprobe's microsecond.
			if d := seconds(t, s.Duration) - length; s.StartTime != "0.000000" || d > time.Microsecond || d < -time.Microsecond {
				t.Errorf("sound starts at %s and lasts %s, want 0 and %s", s.StartTime, s.Duration, length)
			}
		case "subtitle":
			subs = true
		}
	}
	if !audio || !subs {
		t.Errorf("streams %+v: want sound and subtitles", probe.Streams)
	}
	// The chapter track is in the video's ticks (1/15360 s): a start in
	// milliseconds moves by up to half a tick.
	wantStarts := []time.Duration{0, 1367 * time.Millisecond}
	if len(probe.Chapters) != len(wantStarts) {
		t.Fatalf("chapters %+v, want 2", probe.Chapters)
	}
	for i, c := range probe.Chapters {
		if d := seconds(t, c.StartTime) - wantStarts[i]; d > time.Second/30720 || d < -time.Second/30720 {
			t.Errorf("chapter %d starts at %s, want %s", i, c.StartTime, wantStarts[i])
		}
	}
	raw, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-select_streams", "s:0",
		"-show_entries", "packet=pts_time", "-of", "csv=p=0", "file:"+outs[0]).Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Fields(string(raw)); !slices.Contains(got, "1.367000") {
		t.Errorf("subtitle packets at %v, want one at 1.367000", got)
	}
}

// requireConstantRate fails t unless path's video has frames frames, every
// packet at pts = dts = n frame times exactly (in the stream's time base)
// and the stream lasting frames frame times, as ffprobe -show_packets and
// a decode see it.
func requireConstantRate(t *testing.T, ctx context.Context, path string, fps, frames int) {
	t.Helper()
	var probe struct {
		Streams []struct {
			TimeBase   string `json:"time_base"`
			DurationTS int64  `json:"duration_ts"`
		} `json:"streams"`
		Packets []struct {
			PTS, DTS, Duration int64
		} `json:"packets"`
	}
	probeJSON(t, ctx, &probe, "-select_streams", "v:0", "-show_packets",
		"-show_entries", "stream=time_base,duration_ts:packet=pts,dts,duration", "file:"+path)
	if len(probe.Streams) != 1 {
		t.Fatalf("%d video streams", len(probe.Streams))
	}
	s := probe.Streams[0]
	var timescale int64
	if _, err := fmt.Sscanf(s.TimeBase, "1/%d", &timescale); err != nil || timescale%int64(fps) != 0 {
		t.Fatalf("time base %s: no whole number of ticks per frame at %d fps", s.TimeBase, fps)
	}
	k := timescale / int64(fps)
	if len(probe.Packets) != frames {
		t.Errorf("%d packets, want %d", len(probe.Packets), frames)
	}
	for n, p := range probe.Packets {
		if want := int64(n) * k; p.PTS != want || p.DTS != want || p.Duration != k {
			t.Fatalf("packet %d: pts %d, dts %d, duration %d; want %d, %d, %d (time base %s)", n, p.PTS, p.DTS, p.Duration, want, want, k, s.TimeBase)
		}
	}
	if s.DurationTS != int64(frames)*k {
		t.Errorf("stream lasts %d ticks, want %d", s.DurationTS, int64(frames)*k)
	}
	info, err := mediatest.ProbeVideo(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Duration(frames) * time.Second / time.Duration(fps)
	if d := info.Duration - want; info.Frames != frames || info.FPS != float64(fps) || d > time.Microsecond || d < -time.Microsecond {
		t.Errorf("joined video: %+v; want %d frames at %d fps, lasting %s", info, frames, fps, want)
	}
}

func requireSameBytes(t *testing.T, a, b string) {
	t.Helper()
	da, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	db, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(da, db) {
		t.Errorf("two joins of the same parts differ: %d and %d bytes", len(da), len(db))
	}
}

func probeJSON(t *testing.T, ctx context.Context, v any, args ...string) {
	t.Helper()
	out, err := exec.CommandContext(ctx, "ffprobe", append([]string{"-v", "error", "-of", "json"}, args...)...).Output()
	if err != nil {
		t.Fatalf("ffprobe %v: %v", args, err)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("ffprobe %v: %v", args, err)
	}
}

func seconds(t *testing.T, s string) time.Duration {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("seconds %q: %v", s, err)
	}
	return time.Duration(math.Round(f * float64(time.Second)))
}

func writeWith(t *testing.T, path string, write func(*os.File) error) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}
