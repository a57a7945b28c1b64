package encode

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"

	"github.com/deckreel/deckreel/internal/captions"
	"github.com/deckreel/deckreel/internal/mediatest"
)

// These tests encode ffmpeg's own generated frames the way the encoder
// will: the format's Convert and Finish filters around the input, its Args
// on the output, extra streams added through ffmpeg-go.

// transparentSource is 1 s of 64x48 RGBA at 10 fps: fully transparent
// except an opaque red box at 16,16-47,31.
const transparentSource = "color=c=black@0.0:s=64x48:r=10:d=1,format=rgba," +
	`geq=r=255:g=0:b=0:a=255*between(X\,16\,47)*between(Y\,16\,31)`

// formatCommand returns the ffmpeg arguments that encode the lavfi source
// src in format f with options o into out, with extra streams mapped too.
func formatCommand(t *testing.T, f Format, o FormatOptions, src, out string, extra ...*ffmpeg.Stream) []string {
	t.Helper()
	v, err := f.Video(o)
	if err != nil {
		t.Fatal(err)
	}
	args := ffmpeg.KwArgs{}
	for k, val := range v.Args {
		args[k] = val
	}
	if vf := slices.Concat(v.Convert, v.Finish); len(vf) > 0 {
		args["vf"] = strings.Join(vf, ",")
	}
	streams := append([]*ffmpeg.Stream{ffmpeg.Input(src, ffmpeg.KwArgs{"f": "lavfi"})}, extra...)
	return ffmpeg.Output(streams, "file:"+out, args).
		GlobalArgs("-hide_banner", "-nostdin", "-nostats", "-loglevel", "error").
		OverWriteOutput().GetArgs()
}

func formatTestContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func runFormatTool(t *testing.T, ctx context.Context, name string, args ...string) []byte {
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

// decodeFirstRGBA decodes the first frame of path as RGBA, with the decoder
// options given before the input (VP9's alpha needs libvpx's decoder).
func decodeFirstRGBA(t *testing.T, ctx context.Context, path string, w, h int, decoder ...string) *image.RGBA {
	t.Helper()
	args := append([]string{"-hide_banner", "-nostdin", "-v", "error"}, decoder...)
	args = append(args, "-i", "file:"+path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1")
	pix := runFormatTool(t, ctx, "ffmpeg", args...)
	if len(pix) != w*h*4 {
		t.Fatalf("decoded %d bytes, want one %dx%d frame", len(pix), w, h)
	}
	return &image.RGBA{Pix: pix, Stride: w * 4, Rect: image.Rect(0, 0, w, h)}
}

func TestTransparentFormats(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	for _, tc := range []struct {
		format  string
		decoder []string
	}{
		{"gif", nil},
		{"mov", nil},
		{"webm", []string{"-c:v", "libvpx-vp9"}}, // ffmpeg's own VP9 decoder drops alpha
		{"png", nil},
	} {
		t.Run(tc.format, func(t *testing.T) {
			ctx := formatTestContext(t)
			f := mustFormat(t, tc.format)
			o := FormatOptions{Transparent: true, Width: 64, Height: 48, FPS: 10, Frames: 10}
			dir := t.TempDir()
			out, decoded := filepath.Join(dir, "page: clear."+tc.format), ""
			if f.Sequence {
				out = filepath.Join(dir, "frames")
				tmp, err := CreateSequenceDir(out)
				if err != nil {
					t.Fatal(err)
				}
				runFormatTool(t, ctx, "ffmpeg", formatCommand(t, f, o, transparentSource, SequencePattern(tmp, o.Frames))...)
				if err := CommitSequenceDir(tmp, out); err != nil {
					t.Fatal(err)
				}
				entries, _ := os.ReadDir(out)
				if len(entries) != 10 || entries[0].Name() != "out_00000.png" || entries[9].Name() != "out_00009.png" {
					t.Errorf("sequence holds %d files from %v", len(entries), entries)
				}
				decoded = filepath.Join(out, "out_00000.png")
			} else {
				runFormatTool(t, ctx, "ffmpeg", formatCommand(t, f, o, transparentSource, out)...)
				decoded = out
			}
			img := decodeFirstRGBA(t, ctx, decoded, 64, 48, tc.decoder...)
			// VP9 codes alpha lossily, as a second picture: 1 of 255 is as
			// transparent as can be seen.
			maxAlpha := uint8(0)
			if tc.format == "webm" {
				maxAlpha = 2
			}
			for _, p := range []image.Point{{0, 0}, {63, 47}, {8, 24}, {50, 10}} {
				if c := img.RGBAAt(p.X, p.Y); c.A > maxAlpha {
					t.Errorf("transparent pixel %v has alpha %d", p, c.A)
				}
			}
			for _, p := range []image.Point{{32, 24}, {17, 17}} {
				if c := img.RGBAAt(p.X, p.Y); c.A != 255 || c.R < 230 || c.G > 25 || c.B > 25 {
					t.Errorf("opaque red pixel %v is %v", p, c)
				}
			}
		})
	}
}

// formatProbe is what ffprobe says about a file's streams and chapters.
type formatProbe struct {
	Streams []struct {
		CodecName string `json:"codec_name"`
		CodecType string `json:"codec_type"`
		Tag       string `json:"codec_tag_string"`
		PixFmt    string `json:"pix_fmt"`
	}
	Chapters []struct {
		StartTime string `json:"start_time"`
		EndTime   string `json:"end_time"`
		Tags      struct{ Title string }
	}
	Format struct {
		Duration string
		Tags     struct{ Title string }
	}
}

func probeFormat(t *testing.T, ctx context.Context, path string) formatProbe {
	t.Helper()
	var p formatProbe
	out := runFormatTool(t, ctx, "ffprobe", "-v", "error", "-show_streams", "-show_chapters", "-show_format", "-of", "json", "file:"+path)
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// subtitleCues returns the start times of path's subtitle packets.
func subtitleCues(t *testing.T, ctx context.Context, path string) []string {
	t.Helper()
	out := runFormatTool(t, ctx, "ffprobe", "-v", "error", "-select_streams", "s", "-show_entries", "packet=pts_time", "-of", "csv=p=0", "file:"+path)
	return strings.Fields(string(out))
}

// TestSoundSubtitlesChapters writes MP4, WebM and MOV with sound, a soft
// subtitle track from an SRT file and chapters from an FFMETADATA file, as
// a deck render would, and checks what ffprobe finds in each.
func TestSoundSubtitlesChapters(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	dir := t.TempDir()
	cues := []captions.Cue{
		{Start: 0, End: 1200 * time.Millisecond, Text: "First slide"},
		{Start: 1200 * time.Millisecond, End: 2 * time.Second, Text: "Second slide\nhas two lines"},
	}
	chapters := []captions.Chapter{
		{Start: 0, End: 1200 * time.Millisecond, Title: "Intro"},
		{Start: 1200 * time.Millisecond, End: 2 * time.Second, Title: "Results; done"},
	}
	srt, meta := filepath.Join(dir, "captions: 1.srt"), filepath.Join(dir, "chapters.txt")
	var b bytes.Buffer
	if err := captions.WriteSRT(&b, cues); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(srt, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if err := captions.WriteFFMetadata(&b, "A talk", chapters); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(meta, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		format, codec          string
		video, audio, subtitle string
		tag                    string
	}{
		{"mp4", "h264", "h264", "aac", "mov_text", "avc1"},
		{"mp4", "h265", "hevc", "aac", "mov_text", "hvc1"},
		{"webm", "", "vp9", "opus", "webvtt", ""},
		{"mov", "", "prores", "aac", "mov_text", "ap4h"},
	} {
		t.Run(tc.format+" "+tc.video, func(t *testing.T) {
			ctx := formatTestContext(t)
			f := mustFormat(t, tc.format)
			o := FormatOptions{Codec: tc.codec, Audio: true, Captions: CaptionsEmbed, Chapters: true, Width: 64, Height: 48, FPS: 10}
			if err := f.Check(o); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "talk."+tc.format)
			// The sound stands in for a soundtrack.Plan's stream.
			sound := ffmpeg.Input("sine=f=440:sample_rate=48000:d=2", ffmpeg.KwArgs{"f": "lavfi"})
			subs := ffmpeg.Input("file:" + srt)
			args := formatCommand(t, f, o, "testsrc2=s=64x48:r=10:d=2,format=rgba", out, sound, subs)
			// The format's audio and subtitle options go on the output;
			// ffmpeg-go sorts options, so they can go anywhere before it.
			var extra []string
			for _, kw := range []ffmpeg.KwArgs{f.Audio, f.Subtitles} {
				extra = append(extra, ffmpeg.ConvertKwargsToCmdLineArgs(kw)...)
			}
			i := slices.Index(args, "file:"+out)
			args = slices.Concat(args[:i], extra, args[i:])
			args, err := AddMetadataInput(args, meta)
			if err != nil {
				t.Fatal(err)
			}
			runFormatTool(t, ctx, "ffmpeg", args...)

			p := probeFormat(t, ctx, out)
			// MP4 and MOV keep chapters in a QuickTime chapter track too,
			// which ffprobe lists as a data stream.
			var types, names []string
			for _, s := range p.Streams {
				if s.CodecType == "data" && tc.format != "webm" {
					continue
				}
				types, names = append(types, s.CodecType), append(names, s.CodecName)
				if s.CodecType == "video" && tc.tag != "" && s.Tag != tc.tag {
					t.Errorf("video tag %q, want %q", s.Tag, tc.tag)
				}
			}
			if want := []string{tc.video, tc.audio, tc.subtitle}; !slices.Equal(names, want) {
				t.Errorf("streams %v (%v), want %v", names, types, want)
			}
			if d, _ := strconv.ParseFloat(p.Format.Duration, 64); d < 1.9 || d > 2.1 {
				t.Errorf("duration %s, want 2 s", p.Format.Duration)
			}
			if p.Format.Tags.Title != "A talk" {
				t.Errorf("title %q", p.Format.Tags.Title)
			}
			var got []string
			for _, c := range p.Chapters {
				got = append(got, c.StartTime+"-"+c.EndTime+" "+c.Tags.Title)
			}
			if want := []string{"0.000000-1.200000 Intro", "1.200000-2.000000 Results; done"}; !slices.Equal(got, want) {
				t.Errorf("chapters %q, want %q", got, want)
			}
			// The cues start with their slides. WebM shifts every stream by
			// Opus's 6.5 ms pre-skip (see soundtrack's TestCodecSync);
			// mov_text adds an empty cue in a gap, there is none here.
			var starts []time.Duration
			for _, c := range subtitleCues(t, ctx, out) {
				secs, _ := strconv.ParseFloat(c, 64)
				starts = append(starts, time.Duration(secs*1e6)*time.Microsecond)
			}
			if len(starts) != 2 || starts[0] < 0 || starts[0] > 7*time.Millisecond ||
				starts[1]-starts[0] != 1200*time.Millisecond {
				t.Errorf("subtitle cues start at %v, want 0 and 1.2 s", starts)
			}
		})
	}
}

// TestBurnCaptions draws captions into a black video from an SRT file
// whose path has every character ffmpeg's filter syntax treats specially.
func TestBurnCaptions(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	ctx := formatTestContext(t)
	dir := filepath.Join(t.TempDir(), "it's [a] dir, really; C:\\x")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	srt := filepath.Join(dir, "captions=1.srt")
	if err := os.WriteFile(srt, []byte("1\n00:00:00,000 --> 00:00:01,000\nHELLO CAPTIONS\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := mustFormat(t, "mp4")
	out := filepath.Join(t.TempDir(), "burnt.mp4")
	o := FormatOptions{Captions: CaptionsBurn, CaptionsFile: srt, Width: 320, Height: 180, FPS: 10}
	runFormatTool(t, ctx, "ffmpeg", formatCommand(t, f, o, "color=c=black:s=320x180:r=10:d=1,format=rgba", out)...)
	img := decodeFirstRGBA(t, ctx, out, 320, 180)
	// White text near the bottom, nothing above.
	bright := [2]int{}
	for y := range 180 {
		for x := range 320 {
			if img.RGBAAt(x, y).R > 128 {
				bright[y/120]++
			}
		}
	}
	if bright[0] != 0 || bright[1] < 30 {
		t.Errorf("bright pixels: %d in the top two thirds, %d in the bottom third; want a caption at the bottom only", bright[0], bright[1])
	}
}

// TestWritePoster takes frames out of a video and a PNG sequence whose
// frame n has gray level 8n.
func TestWritePoster(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	ctx := formatTestContext(t)
	dir := t.TempDir()
	src := "color=c=black:s=64x48:r=30:d=1,format=gray,geq=lum=8*N,format=rgba"
	video := filepath.Join(dir, "talk.mp4")
	runFormatTool(t, ctx, "ffmpeg", formatCommand(t, mustFormat(t, "mp4"), FormatOptions{Width: 64, Height: 48, FPS: 30}, src, video)...)
	seq := filepath.Join(dir, "frames")
	tmp, err := CreateSequenceDir(seq)
	if err != nil {
		t.Fatal(err)
	}
	runFormatTool(t, ctx, "ffmpeg", formatCommand(t, mustFormat(t, "png"), FormatOptions{}, src, SequencePattern(tmp, 30))...)
	if err := CommitSequenceDir(tmp, seq); err != nil {
		t.Fatal(err)
	}
	for _, from := range []string{video, seq} {
		for _, n := range []int{0, 1, 17, 29} {
			out := filepath.Join(dir, "poster: "+strconv.Itoa(n)+".png")
			if err := WritePoster(ctx, "", from, n, 30, out); err != nil {
				t.Fatal(err)
			}
			pf, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(pf)
			pf.Close()
			if err != nil {
				t.Fatal(err)
			}
			r, _, _, _ := img.At(32, 24).RGBA()
			if got, want := int(r>>8), 8*n; got < want-4 || got > want+4 {
				t.Errorf("poster of frame %d from %s has gray %d, want %d", n, filepath.Base(from), got, want)
			}
		}
	}
	// A transparent video gives a transparent poster.
	for _, format := range []string{"mov", "webm"} {
		clear := filepath.Join(dir, "clear."+format)
		runFormatTool(t, ctx, "ffmpeg", formatCommand(t, mustFormat(t, format), FormatOptions{Transparent: true, Width: 64, Height: 48, FPS: 10}, transparentSource, clear)...)
		out := filepath.Join(dir, "clear-"+format+".png")
		if err := WritePoster(ctx, "", clear, 3, 10, out); err != nil {
			t.Fatal(err)
		}
		img := decodeFirstRGBA(t, ctx, out, 64, 48)
		if a, b := img.RGBAAt(0, 0).A, img.RGBAAt(32, 24).A; a > 2 || b != 255 {
			t.Errorf("poster of a transparent %s: alpha %d outside the box, %d inside", format, a, b)
		}
	}
	if err := WritePoster(ctx, "", video, 30, 30, filepath.Join(dir, "none.png")); err == nil || !strings.Contains(err.Error(), "no frame 30") {
		t.Errorf("poster past the end: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
