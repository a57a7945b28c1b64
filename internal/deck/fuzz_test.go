package deck

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// hostile are the seeds every deck fuzz target starts from: the inputs
// that once cost minutes or gigabytes, or garbled text.
var hostile = []string{
	"",
	"\x00",
	"\ufeff# BOM\r\n---\r\n# CRLF\r\n",
	"# Caf\xe9\n---\n# \xff\xfe\n",
	"# One\x00two\n",
	"---\ntitle: " + strings.Repeat("[", 200) + "\n---\n# Hi\n",
	"---\ntitle: x\n",
	strings.Repeat("# S\n---\n", MaxSlides+1),
	"# A\n<!-- duration: NaN -->\n",
	"# A\n<!-- duration: 1e300 -->\n",
	"# A\n<!-- transition: fade -5s -->\n",
	"# A\n<!--\n",
	"```\n---\n",
	"# A\n- a\n- b\n<!-- build -->\n<!-- fragment -->\nx\n",
	strings.Repeat(">", 1000) + " deep quote\n",
	strings.Repeat("- ", 1000) + "deep list\n",
	"![x](../../etc/passwd)\n",
}

// checkDeck asserts what every load must give: an *Error naming the file,
// or a deck within the limits whose steps follow each other and whose
// segments compile.
func checkDeck(t *testing.T, d *Deck, err error, file string) {
	t.Helper()
	if err != nil {
		var de *Error
		if !errors.As(err, &de) {
			t.Fatalf("error %v (%T) is not a *deck.Error", err, err)
		}
		if !strings.HasPrefix(de.File, file) && de.File != "" {
			t.Fatalf("error %q names file %q, want %s", err, de.File, file)
		}
		return
	}
	defer d.Close()
	if len(d.Slides) == 0 || len(d.Slides) > MaxSlides || len(d.Steps) > MaxSteps {
		t.Fatalf("%d slides, %d steps: outside the limits", len(d.Slides), len(d.Steps))
	}
	var at time.Duration
	for i, s := range d.Steps {
		if s.Start != at || s.Duration <= 0 || s.Slide < 1 || s.Slide > len(d.Slides) {
			t.Fatalf("step %d %+v: want start %s, a positive duration and a slide", i, s, at)
		}
		at = s.End()
	}
	if _, err := d.Segments(30); err != nil {
		var de *Error
		if !errors.As(err, &de) {
			t.Fatalf("segments: %v", err)
		}
	}
}

func FuzzMarkdownDeck(f *testing.F) {
	for _, s := range hostile {
		f.Add([]byte(s))
	}
	f.Add([]byte("---\ntitle: Talk\ntheme: dark\nduration: 2s\ntransition: fade 200ms\n---\n# One\n<!-- duration: 3s -->\nNote: said\n---\n# Two\n<!-- build -->\n- a\n- b\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		fsys := fstest.MapFS{"talk.md": {Data: src}, "a.png": {Data: []byte("png")}}
		d, err := LoadFS(fsys, "talk.md", Options{})
		checkDeck(t, d, err, "talk.md")
	})
}

func FuzzManifest(f *testing.F) {
	for _, s := range []string{
		"slides:\n  - markdown: \"# One\"\n  - file: a.md\n    transition: fade 100ms\n  - file: page.html\n  - url: https://example.com/\n",
		`{"slides": [{"markdown": "# One"}, {"file": "a.md", "duration": "2s"}, {"file": "a.png"}]}`,
		"slides: " + strings.Repeat("[", 200) + strings.Repeat("]", 200) + "\n",
		"slides:\n" + strings.Repeat("- ", 200) + "x\n",
		"slides: " + strings.Repeat("{a: ", 200) + "1" + strings.Repeat("}", 200) + "\n",
		`{"slides": ` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + "}",
		"a: &a [*a]\n",
		"x: &x \"" + strings.Repeat("# big\n---\n", 10) + "\"\nslides:\n" + strings.Repeat("  - markdown: *x\n", 20),
		"slides:\n  - file: ../outside.md\n  - file: /etc/passwd\n",
		"slides: []\n",
		"\ufeffslides:\r\n  - markdown: \"# BOM\"\r\n",
		"slides:\n  - markdown: \"caf\xe9\"\n",
		"slides:\n  - markdown: \"\x00\"\n",
		"---\nslides: []\n---\nslides: []\n",
		"<<: {a: 1}\n",
		"slides:\n  - duration: NaN\n    markdown: x\n",
	} {
		f.Add([]byte(s), strings.HasPrefix(s, "{"))
	}
	f.Fuzz(func(t *testing.T, src []byte, isJSON bool) {
		name := "deck.yaml"
		if isJSON {
			name = "deck.json"
		}
		fsys := fstest.MapFS{name: {Data: src}, "a.md": {Data: []byte("# A\n---\n# B\n")}, "a.png": {Data: []byte("png")},
			"page.html": {Data: []byte("<title>P</title>")}}
		d, err := LoadFS(fsys, name, Options{})
		checkDeck(t, d, err, name)
	})
}

// FuzzTree checks the YAML and JSON readers on their own: no panic, a
// *syntaxError for what they refuse, and no tree deeper than MaxNesting.
func FuzzTree(f *testing.F) {
	for _, s := range []string{"a: 1", "[1, [2, {b: c}]]", "- - - x", strings.Repeat("[", 150), strings.Repeat("{\"a\":", 150), "a: |\n  [[[[\n", "\"\\u0000\"", "{\"a\":1}{"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, parse := range []func() (*node, error){
			func() (*node, error) { return parseYAML(context.Background(), src, 0) },
			func() (*node, error) { return parseJSON(context.Background(), src) },
		} {
			n, err := parse()
			if err != nil {
				var se *syntaxError
				if !errors.As(err, &se) {
					t.Fatalf("error %v (%T) is not a syntax error", err, err)
				}
				continue
			}
			if d := treeDepth(n, 0); d > MaxNesting {
				t.Fatalf("tree %d deep, past the %d limit", d, MaxNesting)
			}
		}
	})
}

// treeDepth is how deep lists and mappings nest in n; an alias shares its
// anchor's node, so a node is counted where it is first met.
func treeDepth(n *node, seen int) int {
	if n == nil || seen > MaxNesting+1 {
		return seen
	}
	if n.kind != seqNode && n.kind != mapNode {
		return seen
	}
	d := seen + 1
	for _, c := range append(append([]*node{}, n.items...), n.vals...) {
		d = max(d, treeDepth(c, seen+1))
	}
	return d
}

func FuzzRevealDeck(f *testing.F) {
	for _, s := range []string{
		`<div class="reveal"><div class="slides"><section>One</section><section><section>A</section><section data-autoslide="NaN">B<p class="fragment" data-fragment-index="-1">x</p></section></section></div></div><script src="reveal.js"></script>`,
		`<div class="reveal"><div class="slides">` + strings.Repeat("<section>", 600) + `</div></div><script src="reveal.js"></script>`,
		`<div class="reveal"><div class="slides">` + strings.Repeat("<section>x</section>", 200) + `</div></div>`,
		`<div class="reveal"><div class="slides"><section>` + strings.Repeat(`<p class="fragment">f</p>`, 200) + `</section></div></div>`,
		"<div class=\"reveal\"><div class=\"slides\"><section>caf\xe9\x00</section></div></div>",
		"\ufeff<html>\r\n<div class=\"reveal\">",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fsys := fstest.MapFS{"index.html": {Data: src}}
		d, err := LoadFS(fsys, "index.html", Options{InputType: Reveal})
		checkDeck(t, d, err, "index.html")
	})
}

// FuzzDeckValues checks the value parsers of decks: what parses is in
// range and reads back the same from its String.
func FuzzDeckValues(f *testing.F) {
	for _, s := range []string{"5s", "1.5", "NaN", "Inf", "-1", "0", "1e300", "86400", "86401", "1h30m", "9223372036854775807ns",
		"1920x1080", "1921x1080", "0x0", "7680×7680", "99999999999999999999x2", "fade", "fade 500ms", "cut 1s", "wipe-left NaN", "none", "\x00", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := parseDuration(s); err == nil {
			if d <= 0 || d > MaxDuration {
				t.Fatalf("duration %q = %s, out of range", s, d)
			}
			if back, err := parseDuration(d.String()); err != nil || back != d {
				t.Fatalf("duration %q = %s reads back as %s, %v", s, d, back, err)
			}
		}
		if w, h, err := parseSize(s); err == nil {
			if w < 16 || h < 16 || w > 7680 || h > 7680 || w%2 != 0 || h%2 != 0 {
				t.Fatalf("size %q = %dx%d, out of range", s, w, h)
			}
		}
		if tr, err := parseTransition(s); err == nil {
			if back, err := parseTransition(tr.String()); err != nil || back != tr {
				t.Fatalf("transition %q = %v reads back as %v, %v", s, tr, back, err)
			}
		}
	})
}
