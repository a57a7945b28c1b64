package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// manifestJSON is a deck.json of n inline Markdown slides.
func manifestJSON(n int) string {
	var b strings.Builder
	b.WriteString("{\n \"title\": \"big\",\n \"slides\": [\n")
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, "  {\"markdown\": \"# Slide %d\\n\\nhello\"}", i)
	}
	b.WriteString("\n ]\n}\n")
	return b.String()
}

func writeDeckFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestHostileDecks runs the binary on decks made to exhaust it: each must
// end with its exit code and a message naming the file (and line), in
// bounded memory. Times are not asserted (the CI machine is shared);
// BenchmarkLoadManifest in internal/deck measures them.
func TestHostileDecks(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.mp4")
	big := writeDeckFile(t, dir, "big/deck.json", manifestJSON(20_000))
	ok := writeDeckFile(t, dir, "ok/deck.json", manifestJSON(10_000))
	huge := writeDeckFile(t, dir, "huge/deck.json", manifestJSON(200_000))
	flow := writeDeckFile(t, dir, "flow.yaml", "slides: "+strings.Repeat("[", 50_000)+strings.Repeat("]", 50_000)+"\n")
	dashes := writeDeckFile(t, dir, "dashes.yaml", "slides:\n"+strings.Repeat("- ", 50_000)+"x\n")
	maps := writeDeckFile(t, dir, "maps.yaml", "slides: "+strings.Repeat("{a: ", 50_000)+"1"+strings.Repeat("}", 50_000)+"\n")
	deepJSON := writeDeckFile(t, dir, "deep.json", `{"slides": `+strings.Repeat("[", 50_000)+strings.Repeat("]", 50_000)+"}")
	front := writeDeckFile(t, dir, "front.md", "---\ntitle: "+strings.Repeat("[", 50_000)+"\n---\n# Hi\n")
	tooLarge := writeDeckFile(t, dir, "large.md", "# Big\n\n"+strings.Repeat("word ", 4<<20))
	manySlides := writeDeckFile(t, dir, "many.md", strings.Repeat("# S\n---\n", 10_001))
	latin1 := writeDeckFile(t, dir, "latin1.md", "# One\n\n---\n\n# Caf\xe9\n")
	nul := writeDeckFile(t, dir, "nul.md", "# One\x00two\r\n\r\n---\r\n\r\n# \xef\xbb\xbfTwo\r\n")
	bom := writeDeckFile(t, dir, "bom.md", "\ufeff# One\r\n---\r\n# Two\r\n")
	// A deck file that is a link out of its directory, and a deck whose
	// image is one.
	outside := writeDeckFile(t, dir, "elsewhere/talk.md", "# Elsewhere\n")
	writeDeckFile(t, dir, "elsewhere/x.png", "not really a png")
	linked := filepath.Join(dir, "linked", "talk.md")
	os.MkdirAll(filepath.Dir(linked), 0o755)
	if err := os.Symlink(outside, linked); err != nil {
		t.Fatal(err)
	}
	imgDeck := writeDeckFile(t, dir, "img/talk.md", "# One\n\n---\n\n# Two\n\n---\n\n# Three\n\n![x](x.png)\n")
	if err := os.Symlink(filepath.Join(dir, "elsewhere", "x.png"), filepath.Join(dir, "img", "x.png")); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in stderr, or stdout for exit 0
	}{
		{"20,000 slides", []string{"render", big, "-o", out}, 2, big + ":10004:3: more than 10000 slides"},
		{"10,000 slides", []string{"inspect", ok}, 0, "total: 10000 slides"},
		{"200,000 slides", []string{"render", huge, "-o", out}, 2, huge + ": file is too large (8.1 MiB): a deck file may have at most 4 MiB"},
		{"YAML flow depth bomb", []string{"render", flow, "-o", out}, 2, flow + ":1:108: invalid YAML: lists and mappings nest more than 100 deep"},
		{"YAML block depth bomb", []string{"inspect", dashes}, 2, dashes + ":2:201: invalid YAML: lists and mappings nest more than 100 deep"},
		{"YAML mapping depth bomb", []string{"inspect", maps}, 2, maps + ":1:405: invalid YAML: lists and mappings nest more than 100 deep"},
		{"JSON depth bomb", []string{"inspect", deepJSON}, 2, deepJSON + ":1:111: invalid JSON: arrays and objects nest more than 100 deep"},
		{"front matter depth bomb", []string{"inspect", front}, 2, front + ":2:107: invalid YAML: lists and mappings nest more than 100 deep"},
		{"file too large", []string{"inspect", tooLarge}, 2, tooLarge + ": file is too large (20.0 MiB): a deck file may have at most 16 MiB"},
		{"too many Markdown slides", []string{"inspect", manySlides}, 2, manySlides + ":20001: slide 10001: more than 10000 slides"},
		{"Latin-1", []string{"inspect", latin1}, 0, "warning: " + latin1 + ":5:6: not valid UTF-8 (byte 0xe9)"},
		{"NUL bytes and CRLF", []string{"inspect", nul}, 0, "total: 2 slides"},
		{"BOM and CRLF", []string{"inspect", bom}, 0, "total: 2 slides"},
		{"deck file links out", []string{"render", linked, "-o", out}, 2, linked + ": the file is a symbolic link out of the deck's directory"},
		{"image links out", []string{"inspect", imgDeck}, 0, "warning: " + imgDeck + ":11: slide 3: image x.png: links out of the deck's directory are not served"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, rss := runMeasured(t, tc.args...)
			if res.code != tc.code {
				t.Errorf("exit code %d, want %d; stderr: %s", res.code, tc.code, res.stderr)
			}
			if !strings.Contains(res.stderr+res.stdout, tc.want) {
				t.Errorf("output does not mention %q:\nstderr: %s\nstdout: %.500s", tc.want, res.stderr, res.stdout)
			}
			if tc.code != 0 && strings.Count(strings.TrimSpace(res.stderr), "\n") > 0 {
				t.Errorf("the error is more than one line: %s", res.stderr)
			}
			// A load that fails stays small; the 10,000 slides keep their
			// generated pages (about 25 kB each).
			if limit := int64(400 << 20); tc.code != 0 && rss > limit {
				t.Errorf("peak memory %d MB, want under %d MB", rss>>20, limit>>20)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s was written", out)
			}
		})
	}
}

// runMeasured runs the binary like runCLI and also returns its peak
// resident memory in bytes.
func runMeasured(t *testing.T, args ...string) (result, int64) {
	t.Helper()
	res, cmd := runDeckreel(t, nil, args...)
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss << 10 // kilobytes on Linux
	}
	return res, rss
}

// TestInterruptLoad sends SIGINT while the binary compiles the largest
// deck the limits allow, 10,000 slides of highlighted code (a minute or
// more of work): the load must stop and exit 130. The 20 s deadline only
// fails when SIGINT is ignored until the load ends.
func TestInterruptLoad(t *testing.T) {
	var b strings.Builder
	for i := range 10_000 {
		fmt.Fprintf(&b, "# Slide %d\n\n```go\n", i)
		for j := range 20 {
			fmt.Fprintf(&b, "func f%d(x int) int { return x * %d } // comment\n", j, i)
		}
		b.WriteString("```\n\n---\n\n")
	}
	deck := writeDeckFile(t, t.TempDir(), "slow.md", b.String())
	out := filepath.Join(t.TempDir(), "out.mp4")
	for _, verb := range [][]string{{"render", deck, "-o", out}, {"inspect", deck}} {
		t.Run(verb[0], func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			marker := fmt.Sprintf("interrupt-load-%d", time.Now().UnixNano())
			cmd, _, stderr := deckreel(t, ctx, marker, verb...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Long enough for the process to start and install its signal
			// handler; far less than the load takes.
			time.Sleep(1500 * time.Millisecond)
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				var ee *exec.ExitError
				if !errors.As(err, &ee) || ee.ExitCode() != 130 {
					t.Errorf("exit: %v, want code 130; stderr: %s", err, stderr.String())
				}
				if !strings.Contains(stderr.String(), "interrupted") {
					t.Errorf("stderr: %q, want \"interrupted\"", stderr.String())
				}
			case <-time.After(20 * time.Second):
				t.Errorf("still loading 20 s after SIGINT")
				cancel()
				<-done
			}
			assertNoLeftovers(t, marker)
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s was written", out)
			}
		})
	}
}
