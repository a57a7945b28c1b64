package deck

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/deckreel/deckreel/assets"
)

// writeTree writes files (slash paths) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// deckKeys loads the deck at p and returns its shared key and slide keys.
func deckKeys(t *testing.T, p string, opts Options) (string, []string) {
	t.Helper()
	d, err := Load(p, opts)
	if err != nil {
		t.Fatalf("Load(%s): %v", p, err)
	}
	defer d.Close()
	return keysOf(t, d)
}

func keysOf(t *testing.T, d *Deck) (string, []string) {
	t.Helper()
	shared, err := d.SharedKey()
	if err != nil {
		t.Fatalf("SharedKey: %v", err)
	}
	var slides []string
	for i, s := range d.Slides {
		if len(s.Key) != 64 {
			t.Fatalf("slide %d: key %q is not a hex SHA-256", i+1, s.Key)
		}
		slides = append(slides, s.Key)
	}
	return shared, slides
}

// keyEdit is a change to a deck and the keys it must change.
type keyEdit struct {
	name   string
	files  map[string]string // written over the base deck
	opts   func(*Options)    // applied to the edited deck's options
	chdir  bool              // load from the deck's parent directory, as "deck"
	slides []int             // 0-based slides whose keys change; the others keep theirs
	shared bool              // SharedKey changes
}

// checkKeyEdits loads base and, for each edit, base with the edit applied,
// each in a directory of its own, and compares their keys. opts gives the
// options for a deck in dir.
func checkKeyEdits(t *testing.T, entry string, base map[string]string, opts func(dir string) Options, edits []keyEdit) {
	t.Helper()
	for _, tt := range edits {
		t.Run(tt.name, func(t *testing.T) {
			load := func(files map[string]string, edit func(*Options)) (string, []string) {
				parent := t.TempDir()
				dir := filepath.Join(parent, "deck")
				writeTree(t, dir, files)
				o := opts(dir)
				p := filepath.Join(dir, entry)
				if tt.chdir {
					t.Chdir(parent)
					o = opts("deck")
					p = filepath.Join("deck", entry)
				}
				if edit != nil {
					edit(&o)
				}
				return deckKeys(t, p, o)
			}
			shared0, slides0 := load(base, nil)
			edited := maps.Clone(base)
			maps.Copy(edited, tt.files)
			shared1, slides1 := load(edited, tt.opts)
			if (shared0 != shared1) != tt.shared {
				t.Errorf("SharedKey changed: %v, want %v", shared0 != shared1, tt.shared)
			}
			for i := range min(len(slides0), len(slides1)) {
				if changed, want := slides0[i] != slides1[i], slices.Contains(tt.slides, i); changed != want {
					t.Errorf("slide %d: key changed: %v, want %v", i+1, changed, want)
				}
			}
		})
	}
}

func TestKeysMarkdown(t *testing.T) {
	const (
		front  = "---\ntitle: Keys\ntheme: dark\nfooter: deckreel\n---\n"
		slide1 = "# One\n\n![chart](img/chart.png)\n"
		slide2 = "<!-- transition: fade 300ms -->\n## Two\n\nText.\n\nNote: said aloud\n"
		slide3 = "# Three\n\n<!-- audio: voice.ogg -->\n"
	)
	md := func(front, s1, s2, s3 string) string { return front + s1 + "---\n" + s2 + "---\n" + s3 }
	base := map[string]string{
		"deck.md":       md(front, slide1, slide2, slide3),
		"img/chart.png": "png 1",
		"style.css":     "h1 { color: red }",
		"voice.ogg":     "ogg 1",
		".git/HEAD":     "ref: refs/heads/main",
		"job/chunk.mp4": "chunk 1",
		"out.mp4":       "video 1",
	}
	// The job directory and the output live in the deck, and are ignored.
	opts := func(dir string) Options {
		return Options{IgnorePaths: []string{filepath.Join(dir, "job"), filepath.Join(dir, "out.mp4")}}
	}
	all := []int{0, 1, 2}
	checkKeyEdits(t, "deck.md", base, opts, []keyEdit{
		{name: "nothing"},
		{name: "slide text", files: map[string]string{"deck.md": md(front, slide1, strings.Replace(slide2, "Text.", "Other text.", 1), slide3)}, slides: []int{1}},
		{name: "slide directive", files: map[string]string{"deck.md": md(front, slide1, strings.Replace(slide2, "300ms", "400ms", 1), slide3)}, slides: []int{1}},
		{name: "slide duration", files: map[string]string{"deck.md": md(front, slide1, slide2, "<!-- duration: 9s -->\n"+slide3)}, slides: []int{2}},
		// No page draws the notes; a render that burns them keys them.
		{name: "speaker notes", files: map[string]string{"deck.md": md(front, slide1, slide2+"and more\n", slide3)}},
		{name: "blank lines around a slide", files: map[string]string{"deck.md": md(front, slide1+"\n\n", "\n"+slide2, slide3)}},
		{name: "slide added at the end", files: map[string]string{"deck.md": md(front, slide1, slide2, slide3) + "---\n# Four\n"}},
		{name: "image", files: map[string]string{"img/chart.png": "png 2"}, shared: true},
		{name: "unreferenced file", files: map[string]string{"style.css": "h1 { color: blue }"}, shared: true},
		{name: "new file", files: map[string]string{"script.js": "1"}, shared: true},
		{name: "theme", files: map[string]string{"deck.md": md(strings.Replace(front, "dark", "light", 1), slide1, slide2, slide3)}, slides: all, shared: true},
		{name: "footer", files: map[string]string{"deck.md": md(strings.Replace(front, "footer: deckreel", "footer: other", 1), slide1, slide2, slide3)}, slides: all, shared: true},
		{name: "title in front matter", files: map[string]string{"deck.md": md(strings.Replace(front, "Keys", "Locks", 1), slide1, slide2, slide3)}, slides: all, shared: true},
		{name: "theme from the command line", opts: func(o *Options) { o.Theme = "light" }, slides: all, shared: true},
		{name: "slide duration from the command line", opts: func(o *Options) { o.SlideDuration = 7e9 }, slides: all, shared: true},
		{name: "hidden file", files: map[string]string{".git/HEAD": "ref: refs/heads/other", ".DS_Store": "x"}},
		{name: "ignored job directory", files: map[string]string{"job/chunk.mp4": "chunk 2", "job/state.json": "{}"}},
		{name: "ignored output", files: map[string]string{"out.mp4": "video 2"}},
		{name: "ignored paths relative to the working directory", chdir: true, files: map[string]string{"job/chunk.mp4": "chunk 2", "out.mp4": "video 2"}},
		{name: "ignoring is only what it names", files: map[string]string{"job.txt": "x"}, shared: true},
		// Narration is sound: no picture changes when it is recorded again.
		{name: "narration", files: map[string]string{"voice.ogg": "ogg 2"}},
		// The slides share one page: a <style> in one restyles all.
		{name: "a style in one slide", files: map[string]string{"deck.md": md(front, slide1+"\n<style>h1 { color: lime }</style>\n", slide2, slide3)}, slides: all},
		{name: "a script in one slide", files: map[string]string{"deck.md": md(front, slide1, slide2, slide3+"\n<script>document.body.style.zoom = 2</script>\n")}, slides: all},
	})
}

func TestKeysPaginate(t *testing.T) {
	// "n / total" is drawn on every slide: a new slide changes them all.
	base := map[string]string{"deck.md": "---\npaginate: true\n---\n# One\n---\n# Two\n"}
	none := func(string) Options { return Options{} }
	checkKeyEdits(t, "deck.md", base, none, []keyEdit{
		{name: "slide added", files: map[string]string{"deck.md": base["deck.md"] + "---\n# Three\n"}, slides: []int{0, 1}},
		{name: "slide edited", files: map[string]string{"deck.md": strings.Replace(base["deck.md"], "Two", "2", 1)}, slides: []int{1}},
	})
}

func TestKeysManifest(t *testing.T) {
	const manifest = `title: Keys
crf: 23
theme: dark
duration: 2s
slides:
  - file: intro.md
  - markdown: |
      # Inline A
      ---
      # Inline B
  - file: anim.html
    duration: 3s
    transition: fade 500ms
  - file: pics/blue.png
    fit: cover
  - url: https://example.com/live
`
	base := map[string]string{
		"deck.yaml":     manifest,
		"intro.md":      "# Intro\n---\n# Second\n",
		"anim.html":     "<title>Anim</title><div class=dot></div>",
		"pics/blue.png": "blue 1",
		"logo.svg":      "<svg/>",
	}
	edit := func(old, new string) map[string]string {
		return map[string]string{"deck.yaml": strings.Replace(manifest, old, new, 1)}
	}
	none := func(string) Options { return Options{} }
	checkKeyEdits(t, "deck.yaml", base, none, []keyEdit{
		{name: "nothing"},
		{name: "Markdown entry's slide", files: map[string]string{"intro.md": "# Intro\n---\n# Second, edited\n"}, slides: []int{1}},
		// A Markdown file's front matter is its entry's own.
		{name: "Markdown entry's front matter", files: map[string]string{"intro.md": "---\nfooter: x\n---\n# Intro\n---\n# Second\n"}, slides: []int{0, 1}},
		{name: "inline slide", files: edit("# Inline B", "# Inline B, edited"), slides: []int{3}},
		// Pages stay shared files: another page may load them.
		{name: "page entry's file", files: map[string]string{"anim.html": "<title>Anim</title><div class=box></div>"}, slides: []int{4}, shared: true},
		{name: "page entry's setting", files: edit("duration: 3s", "duration: 4s"), slides: []int{4}},
		{name: "image entry's file", files: map[string]string{"pics/blue.png": "blue 2"}, slides: []int{5}, shared: true},
		{name: "entry's notes", files: edit("    fit: cover\n", "    fit: cover\n    notes: said\n")},
		{name: "image entry's setting", files: edit("fit: cover", "fit: contain"), slides: []int{5}},
		{name: "url", files: edit("example.com/live", "example.com/other"), slides: []int{6}},
		{name: "manifest setting", files: edit("crf: 23", "crf: 20"), shared: true},
		{name: "manifest theme", files: edit("theme: dark", "theme: light"), slides: []int{0, 1, 2, 3}, shared: true},
		{name: "manifest comment", files: edit("slides:\n", "# a comment\nslides:\n")},
		{name: "other file", files: map[string]string{"logo.svg": "<svg></svg>"}, shared: true},
	})
}

func TestKeysReveal(t *testing.T) {
	const page = `<html><head><title>Talk</title><link rel="stylesheet" href="reveal.css"></head><body>
<div class="reveal"><div class="slides">
<section><h1>One</h1></section>
<section><h2>Two</h2><p class="fragment">more</p></section>
</div></div><script src="reveal.js"></script><script>Reveal.initialize()</script></body></html>`
	base := map[string]string{"index.html": page, "reveal.js": "/* 1 */", "reveal.css": "/* 1 */"}
	none := func(string) Options { return Options{} }
	checkKeyEdits(t, "index.html", base, none, []keyEdit{
		{name: "nothing"},
		// A reveal.js deck is keyed as a whole.
		{name: "one section", files: map[string]string{"index.html": strings.Replace(page, "Two", "2", 1)}, slides: []int{0, 1}, shared: true},
		{name: "script", files: map[string]string{"reveal.js": "/* 2 */"}, shared: true},
		{name: "keep controls", opts: func(o *Options) { o.KeepControls = true }, shared: true},
	})
}

// TestKeysCopy checks that a copy of a deck elsewhere has the original's
// keys, whatever the kind of deck and however it is named.
func TestKeysCopy(t *testing.T) {
	reveal := map[string]string{
		"talk/index.html":   `<div class="reveal"><div class="slides"><section>A</section><section>B</section></div></div><script src="reveal.js"></script>`,
		"talk/reveal.js":    "/* reveal */",
		"talk/img/logo.png": "png",
	}
	markdown := map[string]string{
		"talk/deck.md":      "# A\n![logo](img/logo.png)\n---\nText only\n",
		"talk/img/logo.png": "png",
		"talk/.cache/x":     "hidden",
	}
	tests := []struct {
		name  string
		files map[string]string // slash paths; "talk" is the deck directory
		from  string            // testdata directory to copy as "talk" instead
		deck  string            // what is loaded, relative to the parent of "talk"
		links bool              // add a link to a file, a dangling link and a linked directory
	}{
		{name: "markdown", files: markdown, deck: "talk"},
		{name: "markdown file", files: markdown, deck: filepath.Join("talk", "deck.md")},
		{name: "markdown with links", files: markdown, deck: "talk", links: true},
		{name: "reveal", files: reveal, deck: "talk"},
		{name: "manifest", from: filepath.Join("testdata", "mixed"), deck: "talk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var shared []string
			var slides [][]string
			for _, parent := range []string{t.TempDir(), filepath.Join(t.TempDir(), "a", "b c", "d")} {
				if tt.from != "" {
					if err := os.CopyFS(filepath.Join(parent, "talk"), os.DirFS(tt.from)); err != nil {
						t.Fatal(err)
					}
				} else {
					writeTree(t, parent, tt.files)
				}
				if tt.links {
					for old, link := range map[string]string{"img/logo.png": "same.png", "nowhere.png": "dangling.png", "img": "pictures"} {
						if err := os.Symlink(old, filepath.Join(parent, "talk", link)); err != nil {
							t.Fatal(err)
						}
					}
				}
				s, k := deckKeys(t, filepath.Join(parent, tt.deck), Options{})
				shared, slides = append(shared, s), append(slides, k)
			}
			if shared[0] != shared[1] {
				t.Errorf("SharedKey of the copy %s, of the original %s", shared[1], shared[0])
			}
			if !slices.Equal(slides[0], slides[1]) {
				t.Errorf("slide keys of the copy %q, of the original %q", slides[1], slides[0])
			}
		})
	}
}

// TestKeysEmbedded checks an embedded deck: keyed as its copy on disk is.
func TestKeysEmbedded(t *testing.T) {
	d, err := LoadFS(assets.SampleDeck(), "deck.md", Options{})
	if err != nil {
		t.Fatal(err)
	}
	shared, slides := keysOf(t, d)
	dir := t.TempDir()
	if err := os.CopyFS(dir, assets.SampleDeck()); err != nil {
		t.Fatal(err)
	}
	diskShared, diskSlides := deckKeys(t, dir, Options{})
	if shared != diskShared || !slices.Equal(slides, diskSlides) {
		t.Errorf("embedded %s %q, on disk %s %q", shared, slides, diskShared, diskSlides)
	}
	if len(slices.Compact(slices.Clone(slides))) != len(slides) {
		t.Errorf("the sample deck's slides differ, their keys do not: %q", slides)
	}
}

func TestKeysLoadFSIgnorePaths(t *testing.T) {
	fsys := fstest.MapFS{
		"decks/talk/deck.md":      {Data: []byte("# A\n---\n# B\n")},
		"decks/talk/job/chunk":    {Data: []byte("1")},
		"decks/talk/img.png":      {Data: []byte("png")},
		"decks/other/unrelated.x": {Data: []byte("x")},
	}
	keys := func(name string, fsys fstest.MapFS) string {
		d, err := LoadFS(fsys, name, Options{IgnorePaths: []string{"decks/talk/job", "decks/other"}})
		if err != nil {
			t.Fatal(err)
		}
		s, _ := keysOf(t, d)
		return s
	}
	for _, name := range []string{"decks/talk", "decks/talk/deck.md"} {
		before := keys(name, fsys)
		edited := maps.Clone(fsys)
		edited["decks/talk/job/chunk"] = &fstest.MapFile{Data: []byte("2")}
		edited["decks/other/unrelated.x"] = &fstest.MapFile{Data: []byte("y")}
		if after := keys(name, edited); after != before {
			t.Errorf("%s: ignored and outside files changed SharedKey", name)
		}
		edited["decks/talk/img.png"] = &fstest.MapFile{Data: []byte("png 2")}
		if after := keys(name, edited); after == before {
			t.Errorf("%s: an image did not change SharedKey", name)
		}
	}
}

func TestKeysRemoteAndClosed(t *testing.T) {
	a, _ := deckKeys(t, "https://example.com/a", Options{})
	b, kb := deckKeys(t, "https://example.com/b", Options{})
	_, ka := deckKeys(t, "https://example.com/a", Options{})
	if a != b || ka[0] == kb[0] {
		t.Errorf("remote pages share the deck key (%v) and differ by slide key (%v)", a == b, ka[0] != kb[0])
	}
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"deck.md": "# A\n"})
	d, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	if _, err := d.SharedKey(); err == nil || !strings.Contains(err.Error(), "hash the files of deck") {
		t.Errorf("SharedKey after Close: %v", err)
	}
}
