package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deckreel/deckreel/capture"
	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/decktest"
	"github.com/deckreel/deckreel/internal/mediatest"
)

// requireConverters skips a test whose deck needs poppler (and, with
// office, LibreOffice), except under CI, where they are installed.
func requireConverters(t *testing.T, office bool) {
	t.Helper()
	tools := []string{"pdftocairo", "pdftohtml"}
	if office {
		tools = append(tools, "soffice")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required in CI (.ci/install-deps.sh installs it): %v", tool, err)
			}
			t.Skip(err)
		}
	}
}

// writeDoc writes a PDF (or, with pptx, a .pptx) of pages to dir/name,
// made in Chrome.
func writeDoc(t *testing.T, dir, name string, pages []decktest.Page) string {
	t.Helper()
	chrome, _, err := capture.FindBrowser("auto")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var b []byte
	if strings.HasSuffix(name, ".pptx") {
		b, err = decktest.PPTX(ctx, chrome, pages)
	} else {
		b, err = decktest.PDF(ctx, chrome, 320, 180, pages)
	}
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var docPages = []decktest.Page{
	{Color: "#ff0000", Title: "Red", Notes: "Words of red."},
	{Color: "#00ff00", Title: "Green", Notes: "Words of green."},
	{Color: "#0000ff", Title: "Blue", Notes: "Words of blue."},
	{Color: "#ffff00", Text: "Yellow words"},
}

// probeColours checks the colour of frames of the video at path: frame ->
// its page's colour, sampled at the bottom right, away from the text.
func probeColours(t *testing.T, path string, want map[int]string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for k, hex := range want {
		img, err := mediatest.ExtractFrame(ctx, path, k)
		if err != nil {
			t.Fatal(err)
		}
		if got := img.At(img.Bounds().Dx()-20, img.Bounds().Dy()-20); !near(got, hex) {
			t.Errorf("frame %d: %v, want %s", k, got, hex)
		}
	}
}

// near reports whether c is the colour hex (#rrggbb) within 16 levels
// per channel.
func near(c color.Color, hex string) bool { return nearTo(c, hex, 16) }

// nearTo reports whether c is the colour hex (#rrggbb) within tol levels
// per channel.
func nearTo(c color.Color, hex string, tol int) bool {
	var want color.RGBA
	fmt.Sscanf(hex, "#%02x%02x%02x", &want.R, &want.G, &want.B)
	r, g, b, _ := c.RGBA()
	d := func(a uint32, b uint8) int { return max(int(a>>8)-int(b), int(b)-int(a>>8)) }
	return d(r, want.R) <= tol && d(g, want.G) <= tol && d(b, want.B) <= tol
}

// pageChanges is the probes around each page change of a deck whose page
// k (0-based) starts at starts[k] and shows colours[k]: the frame before a
// start still shows the page before, the frame of it the new page.
func pageChanges(starts []time.Duration, colours []string, fps int) map[int]string {
	want := map[int]string{}
	for k, s := range starts {
		f := deck.FrameAt(s, fps)
		want[f] = colours[k]
		if k > 0 {
			want[f-1] = colours[k-1]
		}
	}
	return want
}

func chapterTitles(t *testing.T, path string) []string {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "chapter_tags=title", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(strings.ReplaceAll(strings.TrimSpace(string(out)), " ", "_"))
}

// TestPDFDeck renders a PDF printed by Chrome: each page from the frame of
// its start, chapters from its outline or first line, and a manifest that
// shows a range of its pages with notes and a fade.
func TestPDFDeck(t *testing.T) {
	requireTools(t)
	requireConverters(t, false)
	dir := t.TempDir()
	pdf := writeDoc(t, dir, "talk.pdf", docPages)
	colours := []string{"#ff0000", "#00ff00", "#0000ff", "#ffff00"}

	res := runCLI(t, "inspect", pdf, "--slide-duration", "0.55s", "--fps", "10")
	if res.code != 0 || !strings.Contains(res.stdout, "pdf deck") || !strings.Contains(res.stdout, "Yellow words") ||
		!strings.Contains(res.stdout, "6-10") || !strings.Contains(res.stdout, "total: 4 slides, 4 steps, 2.2s, 22 frames") {
		t.Errorf("inspect: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	t.Run("pdf", func(t *testing.T) {
		out := filepath.Join(dir, "talk.mp4")
		res := runCLI(t, "render", pdf, "--slide-duration", "0.55s", "--fps", "10", "--size", "320x180", "-o", out, "--progress", "none")
		if res.code != 0 {
			t.Fatalf("exit %d: %s", res.code, res.stderr)
		}
		starts := []time.Duration{0, 550 * time.Millisecond, 1100 * time.Millisecond, 1650 * time.Millisecond}
		want := pageChanges(starts, colours, 10)
		want[21] = colours[3]
		probeColours(t, out, want)
		if got := strings.Join(chapterTitles(t, out), " "); got != "Red Green Blue Yellow_words" {
			t.Errorf("chapters %q", got)
		}
	})

	t.Run("manifest", func(t *testing.T) {
		os.WriteFile(filepath.Join(dir, "deck.yaml"), []byte(`slides:
  - file: talk.pdf
    pages: 1
    duration: 0.4s
  - file: talk.pdf
    pages: 3-4
    duration: 0.6s
    transition: fade 300ms
    notes:
      - Notes of the blue page.
      - Notes of the yellow page.
`), 0o644)
		out := filepath.Join(dir, "deck.mp4")
		res := runCLI(t, "render", filepath.Join(dir, "deck.yaml"), "--fps", "10", "--size", "320x180", "--captions", "srt", "-o", out, "--progress", "none")
		if res.code != 0 {
			t.Fatalf("exit %d: %s", res.code, res.stderr)
		}
		// Blue fades in over frames 4-6 and is alone from 7; yellow from
		// 10 to 12, alone from 13.
		probeColours(t, out, map[int]string{0: "#ff0000", 3: "#ff0000", 7: "#0000ff", 9: "#0000ff", 13: "#ffff00", 15: "#ffff00"})
		ctx := context.Background()
		mid, err := mediatest.ExtractFrame(ctx, out, 5)
		if err != nil {
			t.Fatal(err)
		}
		if c := mid.At(300, 160); near(c, "#ff0000") || near(c, "#0000ff") {
			t.Errorf("frame 5, mid-fade: %v, want a blend", c)
		}
		srt, err := os.ReadFile(strings.TrimSuffix(out, ".mp4") + ".srt")
		if err != nil || !strings.Contains(string(srt), "00:00:00,400 --> 00:00:01,000\nNotes of the blue page.") ||
			!strings.Contains(string(srt), "Notes of the yellow page.") {
			t.Errorf("captions: %v\n%s", err, srt)
		}
	})
}

// TestPPTXDeck renders a .pptx written by PptxGenJS, with a hidden slide:
// LibreOffice leaves it out, and the shown slides keep their colours on
// exact frames, their notes as captions and their titles as chapters.
func TestPPTXDeck(t *testing.T) {
	requireTools(t)
	requireConverters(t, true)
	dir := t.TempDir()
	pages := []decktest.Page{
		{Color: "#ff0000", Title: "Opening", Text: "first slide", Notes: "Welcome to the opening."},
		{Color: "#00ff00", Title: "Secret", Notes: "Hidden words.", Hidden: true},
		{Color: "#0000ff", Title: "Middle", Notes: "The middle part,\nsaid in two lines."},
		{Color: "#ffff00", Title: "Closing", Notes: "Thanks for watching."},
	}
	pptx := writeDoc(t, dir, "talk.pptx", pages)
	out := filepath.Join(dir, "talk.mp4")
	res := runCLI(t, "render", pptx, "--slide-duration", "0.5s", "--fps", "10", "--size", "320x180", "--captions", "srt", "-o", out, "--progress", "none")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	probeColours(t, out, pageChanges([]time.Duration{0, 500 * time.Millisecond, time.Second}, []string{"#ff0000", "#0000ff", "#ffff00"}, 10))
	probeColours(t, out, map[int]string{14: "#ffff00"})
	srt, err := os.ReadFile(filepath.Join(dir, "talk.srt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"00:00:00,000 --> 00:00:00,500\nWelcome to the opening.", "The middle part,", "said in two lines.", "00:00:01,000 --> 00:00:01,500\nThanks for watching."} {
		if !strings.Contains(string(srt), want) {
			t.Errorf("captions lack %q:\n%s", want, srt)
		}
	}
	if strings.Contains(string(srt), "Hidden") {
		t.Errorf("the hidden slide's notes are in the captions:\n%s", srt)
	}
	if got := strings.Join(chapterTitles(t, out), " "); got != "Opening Middle Closing" {
		t.Errorf("chapters %q", got)
	}

	// Rendered again as a job, on a PATH without LibreOffice or poppler:
	// the conversion comes from the cache, for the render and for the
	// job's copy of the deck alike.
	bin := t.TempDir()
	for _, tool := range []string{"chromium-headless-shell", "chromium", "ffmpeg", "ffprobe"} {
		if p, err := exec.LookPath(tool); err == nil {
			os.Symlink(p, filepath.Join(bin, tool))
		}
	}
	env := append(os.Environ(), "PATH="+bin)
	jobOut := filepath.Join(dir, "job.mp4")
	res, _ = runDeckreel(t, env, "render", pptx, "--job", filepath.Join(t.TempDir(), "job"), "--slide-duration", "0.5s", "--fps", "10", "--size", "320x180", "--captions", "srt", "-o", jobOut, "--progress", "none")
	if res.code != 0 {
		t.Fatalf("render --job from the cache: exit %d: %s", res.code, res.stderr)
	}
	probeColours(t, jobOut, map[int]string{4: "#ff0000", 5: "#0000ff", 10: "#ffff00"})
	if again, _ := os.ReadFile(filepath.Join(dir, "job.srt")); string(again) != string(srt) {
		t.Errorf("the job's captions differ:\n%s\nwant\n%s", again, srt)
	}
}

// TestOfficeWithoutLibreOffice: a .pptx with no soffice on PATH is bad
// input (exit 2) with what to install, for render and inspect alike.
func TestOfficeWithoutLibreOffice(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "talk.pptx")
	// A .pptx of no slides: its notes are read, then LibreOffice is looked for.
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.Create("ppt/presentation.xml")
	w.Write([]byte(`<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>`))
	z.Close()
	os.WriteFile(p, b.Bytes(), 0o644)
	env := []string{"PATH=" + t.TempDir(), "HOME=" + dir, "XDG_CACHE_HOME=" + t.TempDir()}
	for _, args := range [][]string{{"render", p, "-o", filepath.Join(dir, "out.mp4")}, {"inspect", p}} {
		res, _ := runDeckreel(t, env, args...)
		if res.code != 2 || !strings.Contains(res.stderr, "needs LibreOffice, which is not installed: apt-get install --no-install-recommends libreoffice-impress") {
			t.Errorf("%s: exit %d: %s", args[0], res.code, res.stderr)
		}
	}
}

// TestPDFDeckJob renders a PDF deck as a job in two shards, finishes it
// with resume, then re-renders it after one page changed: only that
// page's chunk is rendered again.
func TestPDFDeckJob(t *testing.T) {
	requireTools(t)
	requireConverters(t, false)
	dir := t.TempDir()
	pages := append([]decktest.Page(nil), docPages...)
	pdf := writeDoc(t, dir, "talk.pdf", pages)
	tmp := t.TempDir()
	jobDir, out := filepath.Join(tmp, "job"), filepath.Join(tmp, "out.mp4")
	args := []string{"render", pdf, "--job", jobDir, "-o", out, "--slide-duration", "0.5s", "--fps", "10", "--size", "320x180", "--clock", deckClock, "--progress", "none"}
	if res := runCLI(t, append(args, "--shard", "1/2")...); res.code != 0 {
		t.Fatalf("shard 1/2: exit %d: %s", res.code, res.stderr)
	}
	if res := runCLI(t, "resume", jobDir, "--progress", "none"); res.code != 0 {
		t.Fatalf("resume: exit %d: %s", res.code, res.stderr)
	}
	colours := []string{"#ff0000", "#00ff00", "#0000ff", "#ffff00"}
	starts := []time.Duration{0, 500 * time.Millisecond, time.Second, 1500 * time.Millisecond}
	probeColours(t, out, pageChanges(starts, colours, 10))
	before := videoFrames(t, out)

	pages[2].Color = "#ff00ff"
	writeDoc(t, dir, "talk.pdf", pages)
	res := runCLI(t, args...)
	if res.code != 0 || !strings.Contains(res.stderr, "reused 3 of 4 chunks") {
		t.Fatalf("after editing page 3: exit %d: %s", res.code, res.stderr)
	}
	colours[2] = "#ff00ff"
	probeColours(t, out, pageChanges(starts, colours, 10))
	after := videoFrames(t, out)
	for i := range before {
		if changed, page3 := before[i] != after[i], i >= 10 && i < 15; changed != page3 {
			t.Errorf("frame %d: changed %v, in page 3 %v", i, changed, page3)
		}
	}
}

// TestOfficeInterrupt sends SIGINT while LibreOffice converts a .pptx:
// deckreel exits 130 within seconds, and leaves neither a LibreOffice
// process (its whole group is ended) nor its temporary directory.
func TestOfficeInterrupt(t *testing.T) {
	requireTools(t)
	requireConverters(t, true)
	dir := t.TempDir()
	pptx := writeDoc(t, dir, "talk.pptx", docPages)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	marker := fmt.Sprintf("office-interrupt-%d", time.Now().UnixNano())
	cmd, _, stderr := deckreel(t, ctx, marker, "render", pptx, "-o", filepath.Join(dir, "out.mp4"), "--progress", "none")
	// An empty cache: LibreOffice runs.
	cmd.Env = append(cmd.Env, "XDG_CACHE_HOME="+t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for !slices.ContainsFunc(processesWith("DECKREEL_TEST_MARKER="+marker), func(p string) bool { return strings.Contains(p, "soffice") }) {
		if time.Now().After(deadline) {
			t.Fatalf("LibreOffice never started: %s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Errorf("exit: %v, want code 130; stderr: %s", err, stderr.String())
	}
	if took := time.Since(sent); took > 10*time.Second {
		t.Errorf("took %s to stop after SIGINT", took)
	}
	assertNoLeftovers(t, marker)
	left, _ := filepath.Glob(filepath.Join(os.TempDir(), fmt.Sprintf("deckreel-convert-*-%d~*", cmd.Process.Pid)))
	if len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}
