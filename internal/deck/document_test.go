package deck

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deckreel/deckreel/internal/decktest"
)

func TestParsePageRange(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    pageRange
		bad     bool
		pages   int // resolved against a document of this many pages
		from    int
		to      int
		outside bool
	}{
		{in: "3", want: pageRange{3, 3}, pages: 5, from: 3, to: 3},
		{in: "2-4", want: pageRange{2, 4}, pages: 5, from: 2, to: 4},
		{in: " 2 - 4 ", want: pageRange{2, 4}, pages: 5, from: 2, to: 4},
		{in: "2-", want: pageRange{2, 0}, pages: 5, from: 2, to: 5},
		{in: "2-6", want: pageRange{2, 6}, pages: 5, outside: true},
		{in: "6", want: pageRange{6, 6}, pages: 5, outside: true},
		{in: "0", bad: true},
		{in: "4-2", bad: true},
		{in: "-3", bad: true},
		{in: "a-b", bad: true},
		{in: "", bad: true},
	} {
		r, err := parsePageRange(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("parsePageRange(%q) = %v, want an error", tc.in, r)
			}
			continue
		}
		if err != nil || r != tc.want {
			t.Errorf("parsePageRange(%q) = %v, %v; want %v", tc.in, r, err, tc.want)
			continue
		}
		from, to, err := r.pages(tc.pages)
		if tc.outside != (err != nil) || (err == nil && (from != tc.from || to != tc.to)) {
			t.Errorf("%q of %d pages: %d-%d, %v", tc.in, tc.pages, from, to, err)
		}
	}
	var whole pageRange
	if from, to, err := whole.pages(7); from != 1 || to != 7 || err != nil {
		t.Errorf("no range of 7 pages: %d-%d, %v", from, to, err)
	}
}

// requirePoppler skips a test that needs poppler's tools, except under CI.
func requirePoppler(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"pdftocairo", "pdftohtml"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required in CI (.ci/install-deps.sh installs poppler-utils): %v", tool, err)
			}
			t.Skip(err)
		}
	}
}

// writePDF prints pages to dir/name in Chrome.
func writePDF(t *testing.T, dir, name string, pages []decktest.Page) string {
	t.Helper()
	chrome, _ := requireChrome(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pdf, err := decktest.PDF(ctx, chrome, 320, 180, pages)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func slideKeys(d *Deck) []string {
	var keys []string
	for _, s := range d.Slides {
		keys = append(keys, s.Key)
	}
	return keys
}

// TestPDFDeck loads a PDF printed by Chrome: a slide per page, titled from
// the outline, else the first line of text, else "Page n"; image segments
// of the converted SVGs; keys that change only with their page.
func TestPDFDeck(t *testing.T) {
	requirePoppler(t)
	dir := t.TempDir()
	pages := []decktest.Page{
		{Color: "#ff0000", Title: "Red page", Text: "one"},
		{Color: "#00ff00", Text: "Only text here"},
		{Color: "#0000ff"},
	}
	p := writePDF(t, dir, "talk.pdf", pages)
	d, err := Load(p, Options{SlideDuration: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Kind != PDF || d.Title != "talk" || len(d.Slides) != 3 || len(d.Steps) != 3 {
		t.Fatalf("kind %s, title %q, %d slides, %d steps", d.Kind, d.Title, len(d.Slides), len(d.Steps))
	}
	var titles, chapters, indexes []string
	for i, s := range d.Slides {
		titles = append(titles, s.Title)
		chapters = append(chapters, s.ChapterTitle(i+1))
		indexes = append(indexes, d.Steps[i].Index)
		if s.Duration != 2*time.Second || d.Steps[i].Start != time.Duration(i)*2*time.Second {
			t.Errorf("slide %d: %s at %s", i+1, s.Duration, d.Steps[i].Start)
		}
	}
	if want := []string{"Red page", "Only text here", "Page 3"}; !slices.Equal(titles, want) || !slices.Equal(chapters, want) {
		t.Errorf("titles %q, chapters %q, want %q", titles, chapters, want)
	}
	if want := []string{"1", "2", "3"}; !slices.Equal(indexes, want) {
		t.Errorf("step indexes %q, want %q", indexes, want)
	}
	segs, err := d.Segments(30)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range segs {
		if s.Kind != Image || s.Start != i*60 || s.Frames != 60 {
			t.Errorf("segment %d: %s, frames %d+%d", i+1, s.Kind, s.Start, s.Frames)
		}
		// The page is the SVG, on white paper, in the image page.
		svg, err := fs.ReadFile(s.Source.FS, s.Source.Entry)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(svg), `.svg"`) {
			t.Errorf("segment %d's page shows no SVG: %s", i+1, svg)
		}
	}
	keys := slideKeys(d)
	if keys[0] == keys[1] || keys[1] == keys[2] || keys[0] == keys[2] {
		t.Errorf("pages share keys: %q", keys)
	}
	shared, err := d.SharedKey()
	if err != nil {
		t.Fatal(err)
	}

	// Page 2 edited: its key alone changes, and the shared key does not
	// (the PDF is keyed page by page).
	pages[1].Text = "Other text"
	writePDF(t, dir, "talk.pdf", pages)
	d2, err := Load(p, Options{SlideDuration: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	keys2 := slideKeys(d2)
	if keys2[0] != keys[0] || keys2[2] != keys[2] || keys2[1] == keys[1] {
		t.Errorf("after editing page 2:\n%q\nbefore:\n%q", keys2, keys)
	}
	if shared2, err := d2.SharedKey(); err != nil || shared2 != shared {
		t.Errorf("shared key changed with a page: %v", err)
	}
}

// TestPDFPageSharp draws a PDF page of 320x180 CSS pixels at 1280x720: a
// line 1 pixel high on the page is 4 pixels high in the frame with edges
// as sharp as the line itself (the page is drawn as vectors at the frame's
// size, not a small raster scaled up, which would smear it over 8 rows),
// on white paper.
func TestPDFPageSharp(t *testing.T) {
	requirePoppler(t)
	dir := t.TempDir()
	p := writePDF(t, dir, "line.pdf", []decktest.Page{{Color: "transparent",
		HTML: `<div style="position:absolute; left:0; top:50px; width:320px; height:1px; background:#000"></div>`}})
	d, err := Load(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	segs, err := d.Segments(30)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	img := shoot(t, ctx, segmentTab(t, ctx, segs[0], 1280, 720, 30), 0)
	luma := func(y int) uint32 {
		r, g, b, _ := img.At(640, y).RGBA()
		return (r + g + b) / 3 >> 8
	}
	// Where the line falls between pixel rows, one row at each edge is
	// grey: more would be a blur.
	var dark, grey []int
	for y := 180; y <= 220; y++ {
		switch l := luma(y); {
		case l < 40:
			dark = append(dark, y)
		case l < 215:
			grey = append(grey, y)
		}
	}
	if len(dark) < 3 || len(dark) > 4 || len(grey) > 2 || dark[0] < 196 || dark[len(dark)-1] > 205 {
		t.Errorf("the line is dark on rows %v and grey on %v, want 3-4 dark rows about 200-203 and at most one grey row at each edge", dark, grey)
	}
	if l := luma(100); l < 250 {
		t.Errorf("the page is not white paper: luma %d", l)
	}
}

// TestPDFManifestEntry: a manifest entry shows a range of a PDF's pages,
// each a slide of the entry's duration and transition, with notes from a
// list; the entry's title names its first page.
func TestPDFManifestEntry(t *testing.T) {
	requirePoppler(t)
	dir := t.TempDir()
	writePDF(t, dir, "talk.pdf", []decktest.Page{
		{Color: "#ff0000", Title: "Red page"},
		{Color: "#00ff00", Text: "Only text"},
		{Color: "#0000ff"},
	})
	manifest := `transition: fade 200ms
slides:
  - markdown: "# Intro"
    duration: 1s
  - file: talk.pdf
    pages: 2-3
    duration: 2s
    title: Second page
    notes:
      - Notes of page two.
      - Notes of page three.
  - file: talk.pdf
    pages: "1"
    transition: cut
`
	if err := os.WriteFile(filepath.Join(dir, "deck.yaml"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Load(filepath.Join(dir, "deck.yaml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	type step struct {
		Index, Title, Notes string
		Start, Duration     time.Duration
		Transition          Transition
	}
	var got []step
	for _, s := range d.Steps {
		got = append(got, step{s.Index, s.Title, s.Notes, s.Start, s.Duration, s.Transition})
	}
	fade := Transition{Kind: Fade, Duration: 200 * time.Millisecond}
	want := []step{
		{"1", "Intro", "", 0, time.Second, Transition{Kind: Cut}},
		{"2:2", "Second page", "Notes of page two.", time.Second, 2 * time.Second, fade},
		{"2:3", "Page 3", "Notes of page three.", 3 * time.Second, 2 * time.Second, fade},
		{"3", "Red page", "", 5 * time.Second, DefaultSlideDuration, Transition{Kind: Cut}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("steps:\n%+v\nwant\n%+v", got, want)
	}
	segs, err := d.Segments(30)
	if err != nil {
		t.Fatal(err)
	}
	if len(segs) != 4 || segs[2].TransitionFrames != 6 || segs[1].Kind != Image {
		t.Errorf("segments: %+v", segs)
	}

	for _, tc := range []struct{ entry, err string }{
		{"  - file: talk.pdf\n    pages: 2-5\n", "deck.yaml:3:12: slide entry 1: pages 2-5: the document has 3 pages"},
		{"  - file: talk.pdf\n    pages: 3-2\n", `deck.yaml:3:12: slide entry 1: pages: bad page range "3-2"`},
		{"  - markdown: x\n    pages: 1\n", "slide entry 1: pages and a list of notes are for a PDF or office file"},
		{"  - file: talk.pdf\n    notes:\n      - {a: b}\n", "deck.yaml:4:10: slide entry 1: notes: each item is one page's notes, not a mapping"},
	} {
		os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("slides:\n"+tc.entry), 0o644)
		_, err := Load(filepath.Join(dir, "bad.yaml"), Options{})
		if err == nil || !strings.Contains(err.Error(), strings.ReplaceAll(tc.err, "deck.yaml", "bad.yaml")) {
			t.Errorf("%q: %v, want %q", tc.entry, err, tc.err)
		}
	}
}
