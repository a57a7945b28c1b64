package deck

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestChapterTitle(t *testing.T) {
	long := "Every slide lands on its exact frame, whatever the frame rate and however long the deck"
	tests := []struct {
		name  string
		slide string // the second slide of a Markdown deck
		title string // Slide.Title, unchanged by ChapterTitle
		want  string
	}{
		{"heading", "# Results\n\nSome text", "Results", "Results"},
		{"heading after text", "Some text\n\n## Results", "Results", "Results"},
		{"title directive", "<!-- title: Named -->\nJust text", "Named", "Named"},
		{"text only", "Just a line of text.", "", "Just a line of text."},
		{"text in the second paragraph", "![logo](logo.png)\n\nThe logo", "", "The logo"},
		{"image only", "![A chart of sales](chart.png)", "", "Slide 2"},
		{"images only", "![a](a.png) ![b](b.png)", "", "Slide 2"},
		{"image then caption", "![a](a.png) Figure 1", "", "Figure 1"},
		{"empty", "<!-- duration: 2s -->", "", "Slide 2"},
		{"bold and code", "Use **`go vet`** and *then* ~~not~~ [the tests](https://go.dev)", "", "Use go vet and then not the tests"},
		{"autolink", "See https://example.com/x now", "", "See https://example.com/x now"},
		{"soft break", "One line\nwrapped in the source", "", "One line wrapped in the source"},
		{"hard break", "First line  \nsecond line", "", "First line"},
		{"backslash break", "First line\\\nsecond line", "", "First line"},
		{"list", "- first item\n- second item", "", "first item"},
		{"quote", "> **Quoted** words", "", "Quoted words"},
		{"table", "| Left | Right |\n|---|---|\n| a | b |", "", "Left"},
		{"code", "```go\n\nfunc main() {}\n```", "", "func main() {}"},
		{"raw HTML", "<div class=\"box\">\n<p>Hello <b>there</b></p>\n</div>", "", "Hello there"},
		{"raw HTML image, then text", "<img src=\"a.png\">\n\nAfter", "", "After"},
		{"inline HTML", "Line <span class=\"x\">with</span> a span<br>", "", "Line with a span"},
		{"fragment", "<!-- fragment -->\nLater", "", "Later"},
		{"notes are not shown", "![x](x.png)\n\nNote: spoken only", "", "Slide 2"},
		{"long text", long, "", "Every slide lands on its exact frame, whatever the frame…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"deck.md": {Data: []byte("# First\n---\n" + tt.slide + "\n")}}
			d, err := LoadFS(fsys, "deck.md", Options{})
			if err != nil {
				t.Fatal(err)
			}
			s := d.Slides[1]
			if s.Title != tt.title {
				t.Errorf("Title = %q, want %q", s.Title, tt.title)
			}
			if got := s.ChapterTitle(2); got != tt.want {
				t.Errorf("ChapterTitle(2) = %q, want %q", got, tt.want)
			}
			if got := d.Slides[0].ChapterTitle(1); got != "First" {
				t.Errorf("first slide: ChapterTitle(1) = %q", got)
			}
		})
	}
}

func TestChapterTitleOtherSources(t *testing.T) {
	reveal := `<html><head><title>Talk</title></head><body><div class="reveal"><div class="slides">
<section><h2>Heading</h2></section>
<section><p>Only <em>text</em> here</p><aside class="notes">said</aside></section>
<section><img src="a.png"></section>
</div></div><script src="reveal.js"></script></body></html>`
	fsys := fstest.MapFS{
		"talk.html": {Data: []byte(reveal)},
		"deck.yaml": {Data: []byte(`slides:
  - markdown: "![x](blue.png)"
  - markdown: "Inline words"
  - file: blue.png
  - file: page.html
  - file: titled.html
  - url: https://example.com/live
`)},
		"blue.png":    {Data: []byte("png")},
		"page.html":   {Data: []byte("<p>static words</p>")},
		"titled.html": {Data: []byte("<title>Titled page</title>")},
	}
	tests := []struct {
		deck string
		want []string // ChapterTitle of every slide
	}{
		// A reveal.js section without a heading already has its text as
		// Title; one without text gets its number.
		{"talk.html", []string{"Heading", "Only text here", "Slide 3"}},
		// An image's Title is its file name; a page is not read for text.
		{"deck.yaml", []string{"Slide 1", "Inline words", "blue.png", "Slide 4", "Titled page", "https://example.com/live"}},
	}
	for _, tt := range tests {
		d, err := LoadFS(fsys, tt.deck, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i, s := range d.Slides {
			got = append(got, s.ChapterTitle(i+1))
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: %q, want %q", tt.deck, got, tt.want)
		}
	}
}

func TestClipText(t *testing.T) {
	tests := []struct {
		in    string
		limit int
		want  string
	}{
		{"short", 10, "short"},
		{"exactly ten", 11, "exactly ten"},
		{"  spaces   collapse  ", 20, "spaces collapse"},
		{"one two three four", 10, "one two…"},
		{"one two, three four", 10, "one two…"},    // the comma goes with the cut
		{"abcdefgh ijkl", 10, "abcdefgh…"},         // the space right after the cut ends a word
		{"ab cdefghijklmnop", 10, "ab cdefgh…"},    // a word boundary before half the limit: cut mid-word
		{"supercalifragilistic", 10, "supercali…"}, // one long word
		{"ünïcödé wörds ärë fïnë", 12, "ünïcödé…"}, // runes, not bytes
	}
	for _, tt := range tests {
		got := clipText(tt.in, tt.limit)
		if got != tt.want {
			t.Errorf("clipText(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
		}
		if n := len([]rune(got)); n > tt.limit {
			t.Errorf("clipText(%q, %d) = %q: %d characters", tt.in, tt.limit, got, n)
		}
	}
}
