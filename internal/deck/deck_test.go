package deck

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestDetect(t *testing.T) {
	reveal := `<div class="reveal"><div class="slides"><section>A</section></div></div><script src="reveal.js"></script>`
	deckDir(t, map[string]string{
		"all/deck.yaml":      "slides:\n  - file: deck.md\n",
		"all/deck.json":      `{"slides": [{"file": "deck.md"}]}`,
		"all/deck.md":        "# A",
		"all/index.html":     reveal,
		"json/deck.json":     `{"slides": [{"markdown": "# J"}]}`,
		"json/deck.md":       "# A",
		"md/deck.md":         "# A",
		"md/index.html":      "<p>page</p>",
		"reveal/index.html":  reveal,
		"page/index.html":    "<title>Page</title><p>page</p>",
		"empty/notes.txt":    "x",
		"files/talk.MD":      "# A",
		"files/talk.htm":     reveal,
		"files/anim.html":    "<p>anim</p>",
		"files/talk.txt":     "# A",
		"files/slides.yml":   "slides:\n  - markdown: '# Y'\n",
		"files/reveal-ish.x": reveal,
	})
	tests := []struct {
		path string
		opts Options
		kind Kind
		file string // Deck.Path
		err  string
	}{
		{path: "all", kind: Manifest, file: "all/deck.yaml"},
		{path: "json", kind: Manifest, file: "json/deck.json"},
		{path: "md", kind: Markdown, file: "md/deck.md"},
		{path: "reveal", kind: Reveal, file: "reveal/index.html"},
		{path: "page", kind: HTML, file: "page/index.html"},
		{path: "all", opts: Options{InputType: Markdown}, kind: Markdown, file: "all/deck.md"},
		{path: "all", opts: Options{InputType: Reveal}, kind: Reveal, file: "all/index.html"},
		{path: "files/talk.MD", kind: Markdown, file: "files/talk.MD"},
		{path: "files/talk.htm", kind: Reveal, file: "files/talk.htm"},
		{path: "files/anim.html", kind: HTML, file: "files/anim.html"},
		{path: "files/slides.yml", kind: Manifest, file: "files/slides.yml"},
		{path: "files/talk.txt", opts: Options{InputType: Markdown}, kind: Markdown, file: "files/talk.txt"},
		{path: "files/reveal-ish.x", opts: Options{InputType: HTML}, kind: Reveal, file: "files/reveal-ish.x"},
		{path: "https://example.com/deck", kind: HTML, file: "https://example.com/deck"},
		{path: "files/talk.txt", err: "files/talk.txt: unknown deck type (want a .md, .html, .pdf, .pptx, .odp, deck.yaml or deck.json file, a directory, or --input-type)"},
		{path: "empty", err: "empty: no deck here: a deck directory needs one of deck.yaml, deck.yml, deck.json, deck.md, index.html"},
		{path: "missing.md", err: "missing.md: no such file or directory"},
		{path: "md", opts: Options{InputType: "keynote"}, err: `unknown input type "keynote" (known: markdown, reveal, manifest, html, pdf, office, marp, impress, shower, webslides, keyboard)`},
		{path: "https://example.com/deck", opts: Options{InputType: Reveal}, err: "https://example.com/deck: a remote deck can only be read as a plain page (html), not reveal"},
		{path: "page/index.html", opts: Options{InputType: Reveal}, err: `page/index.html: not a reveal.js deck: no <div class="reveal"><div class="slides"> element`},
	}
	for _, tt := range tests {
		d, err := Load(tt.path, tt.opts)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("Load(%s, %+v): %v, want %s", tt.path, tt.opts, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Load(%s, %+v): %v", tt.path, tt.opts, err)
			continue
		}
		if d.Kind != tt.kind || d.Path != tt.file {
			t.Errorf("Load(%s, %+v): %s %s, want %s %s", tt.path, tt.opts, d.Kind, d.Path, tt.kind, tt.file)
		}
		if err := d.Close(); err != nil {
			t.Error(err)
		}
	}
}

func TestPageDeck(t *testing.T) {
	deckDir(t, map[string]string{"anim.html": "<title>Spinner</title><div>x</div>"})
	d := loadOK(t, "anim.html", Options{SlideDuration: 7 * time.Second})
	segs, err := d.Segments(24)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "Spinner" || len(segs) != 1 || segs[0].Frames != 168 || segs[0].Source.Entry != "anim.html" {
		t.Errorf("%q %+v", d.Title, segs)
	}
	d = loadOK(t, "https://example.com/x", Options{})
	segs, _ = d.Segments(30)
	if segs[0].Source.URL != "https://example.com/x" || segs[0].Source.FS != nil || segs[0].Frames != 150 {
		t.Errorf("remote page: %+v", segs[0])
	}
}

func TestLoadFS(t *testing.T) {
	fsys := fstest.MapFS{
		"decks/talk/deck.md":   {Data: []byte("# A\n![x](img.png)\n---\n# B\n")},
		"decks/talk/img.png":   {Data: []byte("png")},
		"decks/other/deck.yml": {Data: []byte("slides:\n  - file: ../talk/deck.md\n")},
	}
	d, err := LoadFS(fsys, "decks/talk", Options{})
	if err != nil || d.Kind != Markdown || len(d.Slides) != 2 || len(d.Warnings) != 0 || d.Path != "decks/talk/deck.md" {
		t.Fatalf("LoadFS: %+v, %v", d, err)
	}
	if _, err := LoadFS(fsys, "decks/other/deck.yml", Options{}); err == nil || !strings.Contains(err.Error(), "points outside the deck directory") {
		t.Errorf("a manifest in an FS cannot reach outside its directory: %v", err)
	}
	if _, err := LoadFS(fsys, "nope.md", Options{}); err == nil {
		t.Error("a missing deck is an error")
	}
}

func TestSegmentErrors(t *testing.T) {
	deckDir(t, map[string]string{"deck.yaml": "slides:\n  - markdown: '# A'\n    duration: 10ms\n  - markdown: '# B'\n"})
	d := loadOK(t, "deck.yaml", Options{})
	if _, err := d.Segments(0); err == nil || err.Error() != "fps must be between 1 and 240, got 0" {
		t.Errorf("fps 0: %v", err)
	}
	_, err := d.Segments(30)
	var de *Error
	if !errors.As(err, &de) || err.Error() != "deck.yaml:2: slide 1: lasts 10ms, less than one frame at 30 fps" {
		t.Errorf("a segment shorter than a frame: %v", err)
	}
	if _, err := d.Segments(120); err != nil {
		t.Errorf("at 120 fps 10 ms is a frame: %v", err)
	}
}

// TestSetStepDurations: new step durations move every later step, sum
// into their slides' durations and change exactly the keys of the slides
// whose duration changed; the narration's front matter changes no key.
func TestSetStepDurations(t *testing.T) {
	md := "---\nduration: 2s\nlang: en\nvoice: en-us+f3\nlead-in: 0.5s\ntail: 1s\n---\n# One\n\n---\n\n# Two\n\n<!-- build -->\n- a\n- b\n\n---\n\n# Three\n"
	d, err := LoadFS(fstest.MapFS{"talk.md": {Data: []byte(md)}}, "talk.md", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if want := (Narration{Lang: "en", Voice: "en-us+f3", LeadIn: 500 * time.Millisecond, Tail: time.Second}); d.Narration != want {
		t.Errorf("narration %+v, want %+v", d.Narration, want)
	}
	plain, err := LoadFS(fstest.MapFS{"talk.md": {Data: []byte("---\nduration: 2s\n---\n# One\n\n---\n\n# Two\n\n<!-- build -->\n- a\n- b\n\n---\n\n# Three\n")}}, "talk.md", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	var keys []string
	for i, s := range d.Slides {
		keys = append(keys, s.Key)
		if plain.Slides[i].Key != s.Key {
			t.Errorf("slide %d: the narration's front matter changed its key", i+1)
		}
	}
	if len(d.Steps) != 5 {
		t.Fatalf("%d steps, want 5", len(d.Steps))
	}
	sec := func(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
	if err := d.SetStepDurations([]time.Duration{sec(2), sec(1), sec(3), sec(4), sec(2)}); err != nil {
		t.Fatal(err)
	}
	var starts []time.Duration
	for _, st := range d.Steps {
		starts = append(starts, st.Start)
	}
	if want := []time.Duration{0, sec(2), sec(3), sec(6), sec(10)}; !slices.Equal(starts, want) {
		t.Errorf("starts %v, want %v", starts, want)
	}
	if d.Slides[1].Duration != sec(8) || d.Duration() != sec(12) {
		t.Errorf("slide 2 lasts %s, the deck %s; want 8s and 12s", d.Slides[1].Duration, d.Duration())
	}
	if d.Slides[0].Key != keys[0] || d.Slides[2].Key != keys[2] || d.Slides[1].Key == keys[1] {
		t.Errorf("keys: only slide 2's duration changed, so only its key may")
	}
	for _, bad := range [][]time.Duration{{sec(1)}, {sec(1), sec(1), 0, sec(1), sec(1)}} {
		if err := d.SetStepDurations(bad); err == nil {
			t.Errorf("SetStepDurations(%v) took it", bad)
		}
	}
	if d.Duration() != sec(12) {
		t.Errorf("a refused SetStepDurations changed the deck")
	}
}

// TestVoiceDirective: <!-- voice: --> gives a slide its own voice, which a
// manifest entry's voice does not override, and which is in no key.
func TestVoiceDirective(t *testing.T) {
	with := "# One\n\n<!-- voice: en-us+f3 -->\n\n---\n\n# Two\n"
	fsys := fstest.MapFS{
		"with.md":    {Data: []byte(with)},
		"without.md": {Data: []byte("# One\n\n---\n\n# Two\n")},
		"deck.yaml":  {Data: []byte("slides:\n  - file: with.md\n    voice: de\n")},
	}
	load := func(name string) *Deck {
		d, err := LoadFS(fsys, name, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	d, plain, m := load("with.md"), load("without.md"), load("deck.yaml")
	if d.Slides[0].Voice != "en-us+f3" || d.Slides[1].Voice != "" {
		t.Errorf("voices %q, %q; want en-us+f3 and none", d.Slides[0].Voice, d.Slides[1].Voice)
	}
	if d.Slides[0].Key != plain.Slides[0].Key {
		t.Errorf("the voice directive changed the slide's key")
	}
	if m.Slides[0].Voice != "en-us+f3" || m.Slides[1].Voice != "de" {
		t.Errorf("in a manifest: voices %q, %q; want the slide's own, then the entry's", m.Slides[0].Voice, m.Slides[1].Voice)
	}
}
