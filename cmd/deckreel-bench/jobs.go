package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// editWorkload is the job benchmark's name in -only.
const editWorkload = "edit-one-slide"

// twelveSlideDeck is a Markdown deck of 12 slides of 2 s with 500 ms fades;
// edited adds a line to slide 6.
func twelveSlideDeck(edited bool) string {
	var b strings.Builder
	b.WriteString("---\ntitle: Bench deck\ntheme: light\nduration: 2s\ntransition: fade 500ms\n---\n")
	for i := 1; i <= 12; i++ {
		if i > 1 {
			b.WriteString("\n---\n\n")
		}
		fmt.Fprintf(&b, "# Slide %d\n\n- A point on slide %d\n- Another point\n", i, i)
		if edited && i == 6 {
			b.WriteString("- A point added in the edit\n")
		}
	}
	return b.String()
}

var reusedLine = regexp.MustCompile(`reused (\d+) of (\d+) chunks`)

// benchEditOneSlide measures what a job saves on an edit: the full job
// render of a 12-slide deck at 640x360, then the same job after one
// slide's text changed, and checks that the result equals a fresh job of
// the edited deck (decoded frames).
func benchEditOneSlide(ctx context.Context, o options, tmp string) error {
	var fulls, edits []time.Duration
	reused := ""
	same := true
	for run := range o.runs {
		dir := filepath.Join(tmp, fmt.Sprintf("edit-%d", run))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		deck := filepath.Join(dir, "deck", "talk.md")
		if err := os.MkdirAll(filepath.Dir(deck), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(deck, []byte(twelveSlideDeck(false)), 0o644); err != nil {
			return err
		}
		args := func(job, out string) []string {
			return []string{"render", deck, "--job", job, "-o", out, "--size", "640x360", "--progress", "none", "--clock", "2026-01-01T00:00:00Z"}
		}
		job, out := filepath.Join(dir, "job"), filepath.Join(dir, "out.mp4")
		full, _, err := timeRun(ctx, o.deckreel, args(job, out)...)
		if err != nil {
			return fmt.Errorf("full job render: %w", err)
		}
		if err := os.WriteFile(deck, []byte(twelveSlideDeck(true)), 0o644); err != nil {
			return err
		}
		edit, stderr, err := timeRun(ctx, o.deckreel, args(job, out)...)
		if err != nil {
			return fmt.Errorf("job render after the edit: %w", err)
		}
		if m := reusedLine.FindStringSubmatch(stderr); m != nil {
			reused = m[1] + " of " + m[2]
		}
		fresh := filepath.Join(dir, "fresh.mp4")
		if _, _, err := timeRun(ctx, o.deckreel, args(filepath.Join(dir, "fresh-job"), fresh)...); err != nil {
			return fmt.Errorf("fresh job render of the edited deck: %w", err)
		}
		a, err1 := frameSums(ctx, out)
		b, err2 := frameSums(ctx, fresh)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("decode: %v %v", err1, err2)
		}
		same = same && a == b
		fulls, edits = append(fulls, full), append(edits, edit)
	}
	f, e := median(fulls), median(edits)
	fmt.Printf("\n%s: 12-slide Markdown deck, 2 s slides, 500 ms fades, 640x360 at 30 fps (720 frames), median of %d run(s)\n", editWorkload, o.runs)
	fmt.Printf("  full job render %.1f s; after editing slide 6: %.1f s (%.2fx of the full render), %s chunks reused; equal to a fresh render: %v\n",
		f.Seconds(), e.Seconds(), e.Seconds()/f.Seconds(), reused, same)
	return nil
}

// timeRun runs the binary and returns its wall time and stderr.
func timeRun(ctx context.Context, bin string, args ...string) (time.Duration, string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	if err != nil {
		return 0, stderr.String(), fmt.Errorf("%v: %s", err, lastLines(stderr.String(), 5))
	}
	return time.Since(start), stderr.String(), nil
}

// frameSums is the framemd5 of path's decoded video, without its header.
func frameSums(ctx context.Context, path string) (string, error) {
	out, err := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-i", path, "-map", "0:v", "-f", "framemd5", "-").Output()
	if err != nil {
		return "", err
	}
	var keep []string
	for _, l := range strings.Split(string(out), "\n") {
		if !strings.HasPrefix(l, "#") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n"), nil
}
