package captions

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deckreel/deckreel/internal/mediatest"
)

// These tests hand what the writers produce to the real ffmpeg, which is
// what reads them in a render (and what most players' parsers resemble).

func ffmpegOut(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %q: %v: %s", name, args, err, stderr.Bytes())
	}
	return stdout.Bytes()
}

func writeFile(t *testing.T, path string, write func(*bytes.Buffer) error) {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSubtitlesReadByFFmpeg writes the same cues as SRT and as WebVTT and
// has ffmpeg read each back: both must give our cue times and text.
func TestSubtitlesReadByFFmpeg(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	cues, err := Split([]Cue{
		{0, 4200 * time.Millisecond, "Speaker notes & captions: both are <plain> text {\\an8}. They are split into cues that fit two lines."},
		{4200 * time.Millisecond, 3723 * time.Second, "Café, naïve, 日本語 — and a last cue that runs past the first hour."},
	}, Layout{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	srt, vtt := filepath.Join(dir, "cues: 1.srt"), filepath.Join(dir, "cues: 1.vtt")
	writeFile(t, srt, func(b *bytes.Buffer) error { return WriteSRT(b, cues) })
	writeFile(t, vtt, func(b *bytes.Buffer) error { return WriteVTT(b, cues) })

	for _, path := range []string{srt, vtt} {
		// ffmpeg's own SRT writer shows what it understood: times and text
		// (with its "\r\n" between lines of a cue, and a literal "{" read
		// from WebVTT written as ASS's "\{"). Markup it took for tags
		// would be missing; the zero-width spaces that stop that in SRT
		// are not compared.
		out := ffmpegOut(t, "ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-i", "file:"+path, "-f", "srt", "pipe:1")
		got := strings.NewReplacer("\r\n", "\n", `\{`, "{", zeroWidthSpace, "").Replace(string(out))
		var want bytes.Buffer
		if err := WriteSRT(&want, cues); err != nil {
			t.Fatal(err)
		}
		if got != strings.ReplaceAll(want.String(), zeroWidthSpace, "") {
			t.Errorf("ffmpeg read %s as\n%q\nwant\n%q", filepath.Base(path), got, want.Bytes())
		}
	}
}

// TestChaptersReadByFFmpeg puts an FFMETADATA file into an MP4 and checks
// ffprobe sees the chapters with their exact times and titles.
func TestChaptersReadByFFmpeg(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	chs := []Chapter{
		{0, 1500 * time.Millisecond, `Odd = ; # \ characters`},
		{1500 * time.Millisecond, 2 * time.Second, "Two\nlines"},
	}
	dir := t.TempDir()
	meta, out := filepath.Join(dir, "chapters.txt"), filepath.Join(dir, "out.mp4")
	writeFile(t, meta, func(b *bytes.Buffer) error { return WriteFFMetadata(b, "The #1 talk; really", chs) })
	ffmpegOut(t, "ffmpeg", "-hide_banner", "-nostdin", "-v", "error",
		"-f", "lavfi", "-i", "color=s=64x36:r=10:d=2", "-f", "ffmetadata", "-i", "file:"+meta,
		"-map", "0", "-map_metadata", "1", "-map_chapters", "1", "-c:v", "libx264", "-preset", "ultrafast", "-y", "file:"+out)
	var probe struct {
		Chapters []struct {
			Start, End int64
			TimeBase   string `json:"time_base"`
			Tags       struct{ Title string }
		}
		Format struct{ Tags struct{ Title string } }
	}
	if err := json.Unmarshal(ffmpegOut(t, "ffprobe", "-v", "error", "-show_chapters", "-show_entries", "format_tags=title", "-of", "json", "file:"+out), &probe); err != nil {
		t.Fatal(err)
	}
	if probe.Format.Tags.Title != "The #1 talk; really" {
		t.Errorf("title %q", probe.Format.Tags.Title)
	}
	if len(probe.Chapters) != len(chs) {
		t.Fatalf("%d chapters, want %d: %+v", len(probe.Chapters), len(chs), probe.Chapters)
	}
	for i, c := range probe.Chapters {
		want := chs[i]
		if c.TimeBase != "1/1000" || c.Start != want.Start.Milliseconds() || c.End != want.End.Milliseconds() || c.Tags.Title != want.Title {
			t.Errorf("chapter %d = %+v, want %s-%s %s", i, c, want.Start, want.End, strconv.Quote(want.Title))
		}
	}
}
