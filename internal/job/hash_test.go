package job

import (
	"os"
	"path/filepath"
	"testing"
)

func TestHashInput(t *testing.T) {
	dir := t.TempDir()
	deck := filepath.Join(dir, "deck")
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(deck, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("index.html", "<h1>hi</h1>")
	write("img/a.png", "png")
	hash := func(in string, skip ...string) string {
		t.Helper()
		h, err := HashInput(in, skip...)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	base := hash(deck)
	if hash(deck) != base {
		t.Fatal("hash is not stable")
	}

	// Hidden files, and the job and output inside the deck, are left out.
	write(".git/HEAD", "x")
	write(".index.html.swp", "x")
	write("job/job.json", "{}")
	write("out.mp4", "video")
	if got := hash(deck, filepath.Join(deck, "job"), filepath.Join(deck, "out.mp4")); got != base {
		t.Error("hidden files, the job or the output changed the hash")
	}
	if hash(deck) == base {
		t.Error("files not skipped did not change the hash")
	}

	// Content, names and new files count.
	write("img/a.png", "PNG")
	changed := hash(deck, filepath.Join(deck, "job"), filepath.Join(deck, "out.mp4"))
	if changed == base {
		t.Error("a changed asset did not change the hash")
	}
	if err := os.Rename(filepath.Join(deck, "img/a.png"), filepath.Join(deck, "img/b.png")); err != nil {
		t.Fatal(err)
	}
	if hash(deck, filepath.Join(deck, "job"), filepath.Join(deck, "out.mp4")) == changed {
		t.Error("a renamed asset did not change the hash")
	}

	// A file hashes as its content only; a URL as its text.
	file := hash(filepath.Join(deck, "index.html"))
	write("img/c.png", "new")
	if hash(filepath.Join(deck, "index.html")) != file {
		t.Error("a file's hash depends on its neighbours")
	}
	if hash("https://example.com/a") == hash("https://example.com/b") {
		t.Error("URLs hash alike")
	}
	if _, err := HashInput(filepath.Join(dir, "missing.html")); err == nil {
		t.Error("missing input: no error")
	}
}
