package render

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deckreel/deckreel/encode"
	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/mediatest"
)

// TestUntitledSlidesGetChapters: a slide without a heading gets a chapter
// named after its first line of text, or "Slide N" when it has no text,
// instead of failing the render when the chapters are written.
func TestUntitledSlidesGetChapters(t *testing.T) {
	dir := t.TempDir()
	md := "# Opening\n\nHello.\n\n---\n\nJust a line of *text* here.\n\n---\n\n![](missing.png)\n"
	if err := os.WriteFile(filepath.Join(dir, "talk.md"), []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := deck.Load(filepath.Join(dir, "talk.md"), deck.Options{SlideDuration: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	out := filepath.Join(dir, "talk.mp4")
	f, err := encode.FormatFor(out, "")
	if err != nil {
		t.Fatal(err)
	}
	m, err := prepareMedia(context.Background(), d, nil, Media{Chapters: "txt"}, 30, d.Frames(30), out, f)
	if err != nil {
		t.Fatalf("prepareMedia: %v", err)
	}
	defer m.close()
	meta, err := os.ReadFile(m.metadata)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"title=Opening", "title=Just a line of text here.", "title=Slide 3"} {
		if !strings.Contains(string(meta), want) {
			t.Errorf("chapters %q lack %q", meta, want)
		}
	}
}

// TestJobBurnsCaptions: captions burnt into a job's chunks appear at the
// same times as in a plain render, each chunk's cues shifted to its own
// start. The caption band of every frame is compared.
func TestJobBurnsCaptions(t *testing.T) {
	requireTools(t)
	dir := t.TempDir()
	// Slide three has no notes: its chunk has no captions to burn.
	md := "---\ntheme: light\nduration: 1s\n---\n# One\n\nNote: The first slide speaks.\n\n---\n\n# Two\n\nNote: Now the second one.\n\n---\n\n# Three\n\n---\n\n# Four\n\nNote: And the fourth, last.\n"
	if err := os.WriteFile(filepath.Join(dir, "talk.md"), []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := deck.Load(filepath.Join(dir, "talk.md"), deck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	req := func(out string) Request {
		return Request{Input: d.Path, Deck: d, FPS: 10, Width: 320, Height: 180, Output: out, Workers: 2,
			Media: Media{Captions: encode.CaptionsBurn}, Epoch: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	}
	plain, jobbed := filepath.Join(t.TempDir(), "plain.mp4"), filepath.Join(t.TempDir(), "job.mp4")
	if _, err := Run(ctx, req(plain)); err != nil {
		t.Fatal(err)
	}
	res, err := RunJob(ctx, req(jobbed), JobOptions{Dir: filepath.Join(t.TempDir(), "job")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Chunks < 3 {
		t.Fatalf("the job has %d chunks, want one per slide at least", res.Chunks)
	}
	if info, err := mediatest.ProbeVideo(ctx, jobbed); err != nil || info.Frames != 40 {
		t.Fatalf("job video: %+v, %v; want 40 frames", info, err)
	}
	// The lowest PSNR of the bottom third, where captions are drawn:
	// different text there is far below 30 dB; the same text encoded
	// twice is well above.
	out, err := exec.CommandContext(ctx, "ffmpeg", "-v", "info", "-i", jobbed, "-i", plain, "-filter_complex",
		"[0:v]crop=iw:ih/3:0:ih*2/3[a];[1:v]crop=iw:ih/3:0:ih*2/3[b];[a][b]psnr", "-f", "null", "-").CombinedOutput()
	if err != nil {
		t.Fatalf("psnr: %v: %s", err, out)
	}
	_, after, ok := strings.Cut(string(out), " min:")
	if !ok {
		t.Fatalf("no PSNR in %s", out)
	}
	minPSNR, err := strconv.ParseFloat(strings.Fields(after)[0], 64)
	if err != nil && !strings.HasPrefix(after, "inf") {
		t.Fatalf("PSNR %q: %v", after, err)
	}
	t.Logf("lowest PSNR of the caption band: %s", strings.Fields(after)[0])
	if err == nil && minPSNR < 35 {
		t.Errorf("the captions of the job's video differ from the plain render's: lowest PSNR of the caption band %.1f dB, want >= 35", minPSNR)
	}
}
