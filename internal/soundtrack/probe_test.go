package soundtrack

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deckreel/deckreel/internal/mediatest"
)

func TestProbe(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	ctx := testContext(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		codec []string
		secs  float64
		tol   time.Duration
	}{
		{"narration 1: intro.wav", []string{"-c:a", "pcm_s16le"}, 2.5, 0},
		// MP3 and Opus containers count the encoder's delay (and MP3 its
		// padding) too: a little longer than the sound.
		{"intro.mp3", []string{"-c:a", "libmp3lame"}, 2.5, 50 * time.Millisecond},
		{"intro.m4a", []string{"-c:a", "aac"}, 2.5, time.Millisecond},
		{"intro.opus", []string{"-c:a", "libopus"}, 2.5, 10 * time.Millisecond},
		// Raw AAC has no length in its header: ffprobe estimates it.
		{"intro.aac", []string{"-c:a", "aac", "-f", "adts"}, 2.5, 100 * time.Millisecond},
		{"streamed.mka", []string{"-c:a", "flac"}, 2.5, time.Millisecond},
		// A video with sound: its audio stream is measured.
		{"clip.mp4", []string{"-c:a", "aac"}, 1, 30 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			makeSound(t, ctx, path, "0.5*sin(2*PI*440*t)", 44100, tc.secs, tc.codec...)
			if tc.name == "streamed.mka" {
				// Matroska written to a pipe has no length: the packets
				// are added up.
				out := tool(t, ctx, "ffmpeg", "-v", "error", "-i", "file:"+path, "-map_metadata", "-1", "-c", "copy", "-f", "matroska", "pipe:1")
				if err := os.WriteFile(path, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := Probe(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			want := time.Duration(tc.secs * float64(time.Second))
			if d := got - want; d < -tc.tol || d > tc.tol {
				t.Errorf("Probe = %s, want %s ± %s", got, want, tc.tol)
			}
		})
	}
}

func TestProbeErrors(t *testing.T) {
	mediatest.RequireFFmpeg(t)
	ctx := testContext(t)
	dir := t.TempDir()
	text := filepath.Join(dir, "notes: draft.txt")
	fake := filepath.Join(dir, "fake.mp3")
	for _, path := range []string{text, fake} {
		if err := os.WriteFile(path, []byte("this is not audio at all, just text\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	silent := filepath.Join(dir, "silent.mp4")
	tool(t, ctx, "ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "color=s=64x36:d=0.5", "-c:v", "libx264", "file:"+silent)

	for _, tc := range []struct {
		name  string
		path  string
		want  string
		noAud bool
	}{
		{"missing", filepath.Join(dir, "narration", "03.mp3"), "audio " + filepath.Join(dir, "narration", "03.mp3") + ": no such file", false},
		{"directory", dir, "audio " + dir + ": is a directory, not an audio file", false},
		{"not media", text, "audio " + text + ": ffmpeg cannot read it: Invalid data found when processing input", false},
		// The MP3 demuxer's complaint is its own; the message is on one line.
		{"not an MP3", fake, "audio " + fake + ": ffmpeg cannot read it: Failed to read frame size: Could not seek to 1059.; Invalid argument", false},
		{"no sound", silent, "audio " + silent + ": no audio stream in the file", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Probe(ctx, tc.path)
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != tc.path {
				t.Fatalf("Probe error = %v (%T), want a *FileError for %s", err, err, tc.path)
			}
			if err.Error() != tc.want {
				t.Errorf("Probe error =\n%s\nwant\n%s", err, tc.want)
			}
			if errors.Is(err, ErrNoAudio) != tc.noAud {
				t.Errorf("errors.Is(err, ErrNoAudio) = %v", !tc.noAud)
			}
		})
	}

	// CheckFiles reports the first bad file of a plan.
	good := filepath.Join(dir, "good.wav")
	makeSound(t, ctx, good, "0", 8000, 1, "-c:a", "pcm_s16le")
	p := Plan{Duration: 10 * time.Second, Clips: []Clip{{Path: good, Start: 0, Length: time.Second}, {Path: good, Start: 2 * time.Second, Length: time.Second}},
		Music: &Music{Path: text}}
	if err := p.CheckFiles(ctx); err == nil || !strings.Contains(err.Error(), text) {
		t.Errorf("CheckFiles = %v, want an error naming %s", err, text)
	}
	p.Music = nil
	if err := p.CheckFiles(ctx); err != nil {
		t.Errorf("CheckFiles = %v", err)
	}

	// Cancellation is not the file's fault.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err := Probe(cctx, good)
	var fe *FileError
	if err == nil || errors.As(err, &fe) || !errors.Is(err, context.Canceled) {
		t.Errorf("Probe with a cancelled context = %v, want context.Canceled and no FileError", err)
	}
}
