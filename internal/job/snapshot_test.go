package job

import (
	"os"
	"path/filepath"
	"testing"
)

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func rootFS(t *testing.T, dir string) Sources {
	t.Helper()
	r, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return Sources{Tree: r.FS()}
}

// TestSnapshot: a snapshot copies the tree without hidden files and what
// Skip names, hashes content and names (not where the tree is), keeps a
// link out of the tree out of the copy, and is made once per content.
func TestSnapshot(t *testing.T) {
	files := map[string]string{"talk.md": "# One\n", "img/a.png": "png", ".git/config": "x", "out.mp4": "video"}
	a, b := t.TempDir(), t.TempDir()
	writeTree(t, a, files)
	writeTree(t, b, files)
	outside := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(outside, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(a, "link")); err != nil {
		t.Fatal(err)
	}
	// A linked directory inside the deck is the deck's: copied. A link
	// cycle ends.
	if err := os.Symlink("img", filepath.Join(a, "assets")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("..", filepath.Join(a, "img", "up")); err != nil {
		t.Fatal(err)
	}
	skip := func(name string) bool { return name == "out.mp4" }
	job := t.TempDir()

	srcA := rootFS(t, a)
	srcA.Skip = skip
	hashA, dirA, err := Snapshot(job, srcA)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"talk.md": true, "img/a.png": true, "assets/a.png": true, ".git/config": false, "out.mp4": false, "link": false} {
		_, err := os.Stat(filepath.Join(TreeDir(filepath.Join(job, dirA)), filepath.FromSlash(name)))
		if (err == nil) != want {
			t.Errorf("%s in the snapshot: %v, want %v", name, err == nil, want)
		}
	}
	// The same content elsewhere hashes alike (the link was not copied, so
	// it does not count) and finds the snapshot made.
	if err := os.Symlink("img", filepath.Join(b, "assets")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("..", filepath.Join(b, "img", "up")); err != nil {
		t.Fatal(err)
	}
	srcB := rootFS(t, b)
	srcB.Skip = skip
	hashB, dirB, err := Snapshot(job, srcB)
	if err != nil || hashB != hashA || dirB != dirA {
		t.Errorf("the same files elsewhere: %s %s %v, want %s %s", hashB, dirB, err, hashA, dirA)
	}
	// An edit is another snapshot.
	writeTree(t, b, map[string]string{"talk.md": "# One, edited\n"})
	hashC, dirC, err := Snapshot(job, srcB)
	if err != nil || hashC == hashA || dirC == dirA {
		t.Errorf("after an edit: %s %s %v, want another hash", hashC, dirC, err)
	}
	// Loose files are part of it.
	music := filepath.Join(t.TempDir(), "m.ogg")
	if err := os.WriteFile(music, []byte("ogg"), 0o644); err != nil {
		t.Fatal(err)
	}
	srcB.Files = map[string]string{"music.ogg": music}
	hashD, dirD, err := Snapshot(job, srcB)
	if err != nil || hashD == hashC {
		t.Fatalf("with music: %s %v", hashD, err)
	}
	if data, err := os.ReadFile(filepath.Join(FilesDir(filepath.Join(job, dirD)), "music.ogg")); err != nil || string(data) != "ogg" {
		t.Errorf("music in the snapshot: %q %v", data, err)
	}
	ents, _ := os.ReadDir(filepath.Join(job, SourcesDir))
	if len(ents) != 3 {
		t.Errorf("sources holds %d entries, want the 3 snapshots and no temporary directory", len(ents))
	}
}
