package deck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDetectFramework(t *testing.T) {
	read := func(p string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, c := range []struct {
		file string
		want Kind
	}{
		{"revealjs-5/demo.html", Reveal},
		{"marp/deck.html", Marp},
		{"impress-1.1.0/index.html", Impress},
		{"shower-3/index.html", Shower},
		{"webslides-1.5.0/index.html", WebSlides},
	} {
		if got := detectFramework(read(c.file)); got != c.want {
			t.Errorf("%s: detected %s, want %s", c.file, got, c.want)
		}
	}
	if got := detectFramework([]byte(`<html><body><h1>A page</h1><script>impress me</script><div class="step"></div></body></html>`)); got != HTML {
		t.Errorf("a plain page: detected %s", got)
	}
}

// TestManifestFrameworkEntries: manifest entries that point at framework
// decks are detected as such (or typed), counted from their markup until
// presented, and prefixed with their entry number.
func TestManifestFrameworkEntries(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "marp"), os.DirFS(filepath.Join("testdata", "marp"))); err != nil {
		t.Fatal(err)
	}
	page := `<html><body><h1>Mine</h1></body></html>`
	manifest := "slides:\n  - file: marp/deck.html\n    duration: 2s\n  - file: mine.html\n    type: keyboard\n"
	for name, body := range map[string]string{"mine.html": page, "deck.yaml": manifest} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var got []string
	for _, st := range d.Steps {
		got = append(got, st.Index+"="+st.Duration.String())
	}
	// The Marp entry's five steps, then the keyboard page's one.
	if g, want := strings.Join(got, " "), "1:1=2s 1:2=2s 1:2 fragment 1=2s 1:2 fragment 2=2s 1:3=2s 2=5s"; g != want {
		t.Errorf("steps %s, want %s", g, want)
	}
	if d.parts[0].kind != Marp || d.parts[1].kind != Keyboard || d.parts[0].present == nil || d.parts[1].present == nil {
		t.Errorf("parts %s, %s; want marp and keyboard, both to be presented", d.parts[0].kind, d.parts[1].kind)
	}
}
