package deck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIsMarpSource(t *testing.T) {
	for _, c := range []struct {
		src  string
		want bool
	}{
		{"---\nmarp: true\n---\n# A\n", true},
		{"---\ntheme: gaia\nmarp: true # Marp\npaginate: true\n---\n# A\n", true},
		{"\ufeff---\r\nmarp: yes\r\n---\r\n# A\r\n", true},
		{"---\nmarp: false\n---\n# A\n", false},
		{"---\ntitle: marp: true\n---\n", false},
		{"# A\n\n---\nmarp: true\n---\n", false}, // not front matter
		{"---\ntitle: x\n---\nmarp: true\n---\n", false},
	} {
		if got := isMarpSource([]byte(c.src)); got != c.want {
			t.Errorf("isMarpSource(%q) = %t, want %t", c.src, got, c.want)
		}
	}
}

// TestMarpSourceWithoutConverter: a Marp Markdown deck is never read as
// deckreel's own Markdown; without marp-cli the load fails with the command
// that installs it.
func TestMarpSourceWithoutConverter(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Load(filepath.Join("testdata", "marp", "deck.md"), Options{})
	if err == nil {
		t.Fatal("loaded a Marp deck without marp-cli")
	}
	for _, want := range []string{"deck.md", "marp: true", "npm install -g @marp-team/marp-cli", "npx @marp-team/marp-cli deck.md -o deck.html"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// TestMarpSourceConverted runs a stand-in for marp-cli that checks how it
// is called (the deck on stdin, --output) and writes what Marp CLI 4.5.1
// wrote for this deck: the deck is then that Marp HTML deck, its slides
// named by their lines in the Markdown. (TestMarpExport in cmd/deckreel
// renders the real export; a real marp on PATH is used when there is one.)
func TestMarpSourceConverted(t *testing.T) {
	src := filepath.Join("testdata", "marp", "deck.md")
	export, err := filepath.Abs(filepath.Join("testdata", "marp", "deck.html"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	stub := filepath.Join(dir, "marp")
	script := `#!/bin/sh
set -e
[ "$1" = --stdin ] && [ "$2" = --output ] || { echo "unexpected arguments: $*" >&2; exit 64; }
cat > "$3.in"
cmp -s "$3.in" "` + src + `" || { echo "stdin is not the deck" >&2; exit 65; }
cp "` + export + `" "$3"
`
	// The stub compares stdin with the deck by path: run it from here.
	if err := os.WriteFile(stub, []byte(strings.ReplaceAll(script, `"`+src+`"`, `"`+mustAbs(t, src)+`"`)), 0o755); err != nil {
		t.Fatal(err)
	}
	d, err := Load(src, Options{Marp: stub})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Kind != Marp || len(d.Slides) != 3 || len(d.Steps) != 5 {
		t.Fatalf("kind %s, %d slides, %d steps; want marp, 3, 5", d.Kind, len(d.Slides), len(d.Steps))
	}
	for i, line := range []int{6, 15, 22} {
		if s := d.Slides[i]; s.File != src || s.Line != line {
			t.Errorf("slide %d at %s:%d, want %s:%d", i+1, s.File, s.Line, src, line)
		}
	}
	if d.Slides[2].Notes != "The blue slide's note." {
		t.Errorf("slide 3 notes %q", d.Slides[2].Notes)
	}
	// A converter that fails is named with what it said.
	if err := os.WriteFile(stub, []byte("#!/bin/sh\necho 'theme not found' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = Load(src, Options{Marp: stub})
	if err == nil || !strings.Contains(err.Error(), "theme not found") || !strings.Contains(err.Error(), stub) {
		t.Errorf("failing converter: %v", err)
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
