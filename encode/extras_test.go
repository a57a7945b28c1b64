package encode

import (
	"context"
	"encoding/json"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deckreel/deckreel/internal/captions"
	"github.com/deckreel/deckreel/internal/mediatest"
	"github.com/deckreel/deckreel/internal/soundtrack"
)

// TestExtrasRealFFmpeg encodes a 3 s video on each path (skip pictures,
// and VFR through one ffmpeg) with narration, a soft subtitle track and
// chapters, and probes the streams, the chapters and the lengths.
func TestExtrasRealFFmpeg(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	for _, vfr := range []bool{false, true} {
		name := "skip"
		if vfr {
			name = "vfr"
		}
		t.Run(name, func(t *testing.T) {
			ctx := testContext(t)
			dir := t.TempDir()
			clip := filepath.Join(dir, "narration.wav")
			if out, err := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", clip).CombinedOutput(); err != nil {
				t.Fatalf("make narration: %v: %s", err, out)
			}
			srt := filepath.Join(dir, "captions.srt")
			meta := filepath.Join(dir, "chapters.txt")
			writeFile(t, srt, func(f *os.File) error {
				return captions.WriteSRT(f, []captions.Cue{{Start: 0, End: time.Second, Text: "Hello"}, {Start: 2 * time.Second, End: 3 * time.Second, Text: "Bye"}})
			})
			writeFile(t, meta, func(f *os.File) error {
				return captions.WriteFFMetadata(f, "A talk", []captions.Chapter{{Start: 0, End: 2 * time.Second, Title: "One"}, {Start: 2 * time.Second, End: 3 * time.Second, Title: "Two"}})
			})
			o := realOptions(t, 320, 240)
			o.Frames, o.VFR = 90, vfr
			o.Audio = soundtrack.Plan{Duration: 3 * time.Second, Clips: []soundtrack.Clip{{Path: clip, Start: 2 * time.Second, Length: time.Second}}}
			o.SubtitlesFile, o.MetadataFile = srt, meta
			enc, err := Start(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			defer enc.Abort()
			if err := enc.WriteFrame(solid("rgba", 320, 240, color.RGBA{200, 40, 40, 255}), 60); err != nil {
				t.Fatal(err)
			}
			if err := enc.WriteFrame(solid("rgba", 320, 240, color.RGBA{40, 40, 200, 255}), 30); err != nil {
				t.Fatal(err)
			}
			if err := enc.Close(); err != nil {
				t.Fatal(err)
			}
			probe := probeJSON(t, ctx, o.Output)
			var kinds []string
			for _, s := range probe.Streams {
				kinds = append(kinds, s.CodecType+"/"+s.CodecName)
			}
			// MP4 keeps chapters twice: as a chpl list and as a QuickTime
			// chapter track, which ffprobe lists as a data stream.
			if got := strings.Join(kinds, " "); got != "video/h264 audio/aac subtitle/mov_text data/bin_data" {
				t.Errorf("streams: %s", got)
			}
			if len(probe.Chapters) != 2 || probe.Chapters[1].Tags.Title != "Two" || probe.Chapters[1].StartTime != "2.000000" {
				t.Errorf("chapters: %+v", probe.Chapters)
			}
			if probe.Format.Tags.Title != "A talk" {
				t.Errorf("title %q", probe.Format.Tags.Title)
			}
			for _, s := range probe.Streams {
				if s.CodecType == "audio" && (s.Duration < 2.95 || s.Duration > 3.05) {
					t.Errorf("audio lasts %.3f s, want 3", s.Duration)
				}
			}
		})
	}
}

type probeResult struct {
	Streams []struct {
		CodecType string  `json:"codec_type"`
		CodecName string  `json:"codec_name"`
		Duration  float64 `json:"duration,string"`
	} `json:"streams"`
	Chapters []struct {
		StartTime string `json:"start_time"`
		Tags      struct {
			Title string `json:"title"`
		} `json:"tags"`
	} `json:"chapters"`
	Format struct {
		Tags struct {
			Title string `json:"title"`
		} `json:"tags"`
	} `json:"format"`
}

func probeJSON(t *testing.T, ctx context.Context, path string) probeResult {
	t.Helper()
	out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-show_streams", "-show_chapters", "-show_format", "-of", "json", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var r probeResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func writeFile(t *testing.T, path string, fill func(*os.File) error) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := fill(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestFormatsRealFFmpeg writes WebM, MOV and GIF through the encoder and
// probes each: codec, frame count and the colour of a frame.
func TestFormatsRealFFmpeg(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	for _, tc := range []struct {
		ext, codec string
		frames     int
	}{{".webm", "vp9", 30}, {".mov", "prores", 30}, {".gif", "gif", 15}} {
		t.Run(tc.ext, func(t *testing.T) {
			ctx := testContext(t)
			o := realOptions(t, 160, 120)
			o.Output = filepath.Join(t.TempDir(), "out"+tc.ext)
			o.Frames = 30
			enc, err := Start(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			defer enc.Abort()
			if err := enc.WriteFrame(solid("rgba", 160, 120, color.RGBA{30, 200, 60, 255}), 20); err != nil {
				t.Fatal(err)
			}
			if err := enc.WriteFrame(solid("rgba", 160, 120, color.RGBA{220, 220, 30, 255}), 10); err != nil {
				t.Fatal(err)
			}
			if err := enc.Close(); err != nil {
				t.Fatal(err)
			}
			probe := probeJSON(t, ctx, o.Output)
			if len(probe.Streams) != 1 || probe.Streams[0].CodecName != tc.codec {
				t.Errorf("streams: %+v, want one %s stream", probe.Streams, tc.codec)
			}
			info, err := mediatest.ProbeVideo(ctx, o.Output)
			if err != nil {
				t.Fatal(err)
			}
			if info.Frames != tc.frames {
				t.Errorf("%d frames, want %d", info.Frames, tc.frames)
			}
			last, err := mediatest.ExtractFrame(ctx, o.Output, info.Frames-1)
			if err != nil {
				t.Fatal(err)
			}
			// ProRes decodes to RGB a little off through ffmpeg's default
			// conversion; GIF's palette is close but not exact.
			checkColour(t, "last frame", last, color.RGBA{220, 220, 30, 255}, 16)
		})
	}
}

// TestPNGSequenceRealFFmpeg writes a PNG sequence into a directory, which
// appears only when complete.
func TestPNGSequenceRealFFmpeg(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	ctx := testContext(t)
	o := realOptions(t, 64, 48)
	dir := filepath.Join(t.TempDir(), "frames")
	o.Output = dir + string(filepath.Separator)
	o.Frames = 12
	enc, err := Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Abort()
	if err := enc.WriteFrame(solid("rgba", 64, 48, color.RGBA{30, 200, 60, 255}), 10); err != nil {
		t.Fatal(err)
	}
	if err := enc.WriteFrame(solid("rgba", 64, 48, color.RGBA{220, 220, 30, 255}), 2); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Fatal("the sequence directory exists before Close")
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	if len(names) != 12 {
		t.Fatalf("%d PNG files, want 12: %v", len(names), names)
	}
	last, err := mediatest.ExtractFrame(ctx, names[11], 0)
	if err != nil {
		t.Fatal(err)
	}
	checkColour(t, "frame 11", last, color.RGBA{220, 220, 30, 255}, 2)
}
