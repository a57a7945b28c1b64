package deck

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deckreel/deckreel/assets"
)

// deckDir writes files into a temporary directory and makes it the working
// directory, so that messages name the files as the test writes them.
func deckDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

func loadOK(t *testing.T, path string, opts Options) *Deck {
	t.Helper()
	d, err := Load(path, opts)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// pageOf returns the generated page of the deck's first segment.
func pageOf(t *testing.T, d *Deck) string {
	t.Helper()
	segs, err := d.Segments(30)
	if err != nil {
		t.Fatal(err)
	}
	b, err := fs.ReadFile(segs[0].Source.FS, segs[0].Source.Entry)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSplitDeck(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		front  string // front matter lines joined with |, "-" for none
		slides string // first line number and first content line of each slide
	}{
		{"plain", "# A\n---\n# B\n", "-", "1:# A 3:# B"},
		{"front matter", "---\ntitle: x\n---\n# A\n---\n# B", "title: x", "4:# A 6:# B"},
		{"separator in code", "# A\n```\n---\n```\n---\n# B", "-", "1:# A 6:# B"},
		{"tilde fence", "# A\n~~~~\n---\n~~~\n---\n~~~~\n---\n# B", "-", "1:# A 8:# B"},
		{"indented dashes are not separators", "# A\n  ---\n---\n# B", "-", "1:# A 4:# B"},
		{"trailing separator", "# A\n---\n# B\n---\n\n", "-", "1:# A 3:# B"},
		{"CRLF", "# A\r\n---\r\n# B\r\n", "-", "1:# A 3:# B"},
		{"BOM", "\ufeff# A\n---\n# B", "-", "1:# A 3:# B"},
		{"trailing spaces", "# A\n---   \n# B", "-", "1:# A 3:# B"},
		{"backticks in a backtick info string make no fence", "# A\n```go `x`\n---\n# B", "-", "1:# A 4:# B"},
		{"backticks in a tilde info string", "# A\n~~~go title=`x`\n---\n~~~\n---\n# B", "-", "1:# A 6:# B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			front, slides, err := splitDeck(tt.src, "talk.md")
			if err != nil {
				t.Fatal(err)
			}
			gotFront := "-"
			if front != nil {
				gotFront = strings.Join(front.lines, "|")
			}
			var got []string
			for _, s := range slides {
				first := ""
				for _, l := range s.lines {
					if strings.TrimSpace(l) != "" {
						first = l
						break
					}
				}
				got = append(got, fmt.Sprintf("%d:%s", s.line, first))
			}
			if gotFront != tt.front || strings.Join(got, " ") != tt.slides {
				t.Errorf("front %q slides %q, want %q %q", gotFront, strings.Join(got, " "), tt.front, tt.slides)
			}
		})
	}
}

func TestScanSlide(t *testing.T) {
	src := []string{
		"# Title <!-- a comment stays -->",
		"<!-- duration: 8s -->",
		"<!--",
		"transition: fade 1s",
		"background: #123",
		"-->",
		"Text with `<!-- build -->` in code.",
		"```html",
		"<!-- duration: 1s -->",
		"```",
		"<!-- fragment -->",
		"More",
		"Note: first line of notes",
		"second line <!-- class: title -->",
	}
	sc, err := scanSlide(rawSlide{lines: src, line: 10}, pos{file: "talk.md", slide: 2})
	if err != nil {
		t.Fatal(err)
	}
	var ds []string
	for _, d := range sc.directives {
		ds = append(ds, fmt.Sprintf("%s=%s@%d", d.key, d.value, d.line))
	}
	want := "duration=8s@11 transition=fade 1s@13 background=#123@14 fragment=@20 class=title@23"
	if got := strings.Join(ds, " "); got != want {
		t.Errorf("directives %q, want %q", got, want)
	}
	if sc.notes != "first line of notes\nsecond line" {
		t.Errorf("notes %q", sc.notes)
	}
	lines := strings.Split(sc.content, "\n")
	if len(lines) != 12 {
		t.Fatalf("content has %d lines, want the 12 before the notes:\n%s", len(lines), sc.content)
	}
	for i, want := range map[int]string{
		0: "# Title <!-- a comment stays -->", 1: "", 2: "", 5: "", 8: "<!-- duration: 1s -->", 10: fragmentMarker,
	} {
		if lines[i] != want {
			t.Errorf("content line %d = %q, want %q", i+1, lines[i], want)
		}
	}
}

func TestMarkdownTimeline(t *testing.T) {
	deckDir(t, map[string]string{"talk.md": `---
title: Timeline
theme: dark
size: 1280x720
fps: 25
duration: 2s
transition: fade 400ms
---
# One
Note: hello
---
## Two
<!-- duration: 3s -->
<!-- build -->
- a
- b
---
<!-- transition: cut -->
<!-- title: Custom -->
### Three
Intro

<!-- fragment -->

Later
`})
	d := loadOK(t, "talk.md", Options{})
	if d.Kind != Markdown || d.Title != "Timeline" || d.Theme != "dark" || d.Width != 1280 || d.Height != 720 || d.FPS != 25 {
		t.Errorf("deck %s %q %q %dx%d@%d", d.Kind, d.Title, d.Theme, d.Width, d.Height, d.FPS)
	}
	var got []string
	for _, s := range d.Steps {
		got = append(got, fmt.Sprintf("%s|%s|%d|%s|%s|%s", s.Index, s.Title, s.Slide, s.Start, s.Duration, s.Transition))
	}
	want := []string{
		"1|One|1|0s|2s|cut",
		"2|Two|2|2s|1s|fade 400ms",
		"2 fragment 1|Two|2|3s|1s|fragment 300ms",
		"2 fragment 2|Two|2|4s|1s|fragment 300ms",
		"3|Custom|3|5s|1s|cut",
		"3 fragment 1|Custom|3|6s|1s|fragment 300ms",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d.Slides[0].Notes != "hello" || d.Steps[0].Notes != "hello" || d.Slides[1].Duration != 3*time.Second || d.Slides[2].Line != 18 {
		t.Errorf("slides: %+v", d.Slides)
	}
	if d.Duration() != 7*time.Second || d.Frames(25) != 175 {
		t.Errorf("duration %s, %d frames", d.Duration(), d.Frames(25))
	}
	p := pageOf(t, d)
	for _, want := range []string{
		`<li data-step="1">a</li>`, `<li data-step="2">b</li>`,
		`<div class="step" data-step="1">`, `<h3>Three</h3>`, `<base href="/">`,
	} {
		if !strings.Contains(p, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	for _, unwanted := range []string{"hello", "duration:", "build", fragmentMarker} {
		if strings.Contains(pageOf(t, d)[strings.Index(p, `<div id="stage">`):strings.Index(p, "<script>// deckreel")], unwanted) {
			t.Errorf("slides contain %q", unwanted)
		}
	}
}

func TestMarkdownRendering(t *testing.T) {
	deckDir(t, map[string]string{
		"slides/talk.md":   "# Big title\n\nA subtitle\n---\n## Code\n```go\nfunc main() {}\n```\n---\n| a | b |\n|--:|---|\n| 1 | 2 |\n---\n![alt](img/x.png)\n",
		"slides/img/x.png": "png",
	})
	d := loadOK(t, "slides/talk.md", Options{})
	if len(d.Warnings) != 0 {
		t.Errorf("warnings: %v", d.Warnings)
	}
	p := pageOf(t, d)
	for _, want := range []string{
		`<section class="slide title" data-slide="1">`, // a level-1 heading and a line: a title slide
		`<pre class="chroma"><code><span class="line"><span class="cl"><span class="kd">func</span>`,
		`.chroma .kd {`, // the code style's CSS
		`<th style="text-align:right">a</th>`,
		`<div class="figure"><p><img src="img/x.png" alt="alt"></p>`,
		`<base href="/">`, // the deck's directory is the root
		`window.__deckreelSchedule`,
	} {
		if !strings.Contains(p, want) && !(want == "window.__deckreelSchedule" && strings.Contains(p, "_deckreel/1.schedule.js")) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(p, "http://") && strings.Contains(p, "https://fonts") {
		t.Error("the page must not load web fonts")
	}
}

func TestMarkdownErrors(t *testing.T) {
	known := "(known: duration, transition, background, audio, voice, fragment, build, class, title)"
	tests := []struct {
		name, src, want string
	}{
		{"unknown directive", "# A\n---\n# B\n\n<!-- durration: 8s -->\n",
			`talk.md:5: slide 2: unknown directive "durration", did you mean "duration"? ` + known},
		{"unknown directive far from any", "# A\n<!-- speed: 2 -->\n", `talk.md:2: slide 1: unknown directive "speed" ` + known},
		{"bare typo", "# A\n<!-- fragmnt -->\n", `talk.md:2: slide 1: unknown directive "fragmnt" (did you mean "fragment"?)`},
		{"bad duration", "# A\n---\n# B\n---\n# C\n<!-- duration: 8 seconds -->", `talk.md:6: slide 3: bad duration "8 seconds" (use 8s, 1.5s, 500ms or 1m30s)`},
		{"bad transition", "# A\n<!-- transition: dissolve -->", `talk.md:2: slide 1: unknown transition "dissolve" (known: cut, fade, wipe-left, slide-left)`},
		{"directive in a multi-line comment", "# A\n<!--\nduration: 2s\ntransition: spin\n-->", `talk.md:4: slide 1: unknown transition "spin" (known: cut, fade, wipe-left, slide-left)`},
		{"duplicate", "# A\n<!-- duration: 2s -->\n<!-- duration: 3s -->", `talk.md:3: slide 1: directive "duration" given twice (first on line 2)`},
		{"needs a value", "# A\n<!-- duration -->", `talk.md:2: slide 1: directive "duration" needs a value: <!-- duration: ... -->`},
		{"unclosed comment", "# A\n---\n# B\n<!-- duration: 2s\n", `talk.md:4: slide 2: HTML comment is not closed (missing -->)`},
		{"fragment inline", "# A\nText <!-- fragment -->", `talk.md:2: slide 1: <!-- fragment --> must be on a line of its own`},
		{"transition too long", "# A\n---\n# B\n<!-- duration: 1s -->\n<!-- transition: fade 2s -->", `talk.md:3: slide 2: transition fade 2s is longer than the slide's first step (1s)`},
		{"bad background", "# A\n<!-- background: red; x -->", `talk.md:2: slide 1: bad background "red; x" (use a colour such as #123 or an image path)`},
		{"front matter not closed", "---\ntitle: x\n# A", `talk.md:1: front matter is not closed: add a line "---" after it`},
		{"front matter bad size", "---\ntitle: x\nsize: 1280x721\n---\n# A", `talk.md:3:7: size "1280x721": video needs an even width and height`},
		{"front matter bad fps", "---\nfps: fast\n---\n# A", `talk.md:2:6: bad fps "fast" (a whole number from 1 to 240)`},
		{"front matter bad duration", "---\n\nduration: 3 s\n---\n# A", `talk.md:3:11: bad duration "3 s" (use 8s, 1.5s, 500ms or 1m30s)`},
		{"front matter bad YAML", "---\ntitle: [x\n---\n# A", `talk.md:2:8: invalid YAML: `},
		{"front matter not a mapping", "---\n- a\n---\n# A", `talk.md:2:1: front matter must be a mapping of settings (title: ..., theme: ...), not a list`},
		{"unknown theme", "---\ntheme: solarized\n---\n# A", `talk.md:2: unknown theme "solarized" (known: dark, light, or the path of a .css file)`},
		{"missing theme file", "---\ntheme: mine.css\n---\n# A", `talk.md:2: theme mine.css: no such file or directory`},
		{"empty", "---\ntitle: x\n---\n\n", `talk.md: empty deck: it has no slides`},
		{"empty file", "", `talk.md: empty deck: it has no slides`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deckDir(t, map[string]string{"talk.md": tt.src})
			_, err := Load("talk.md", Options{})
			var de *Error
			if !errors.As(err, &de) {
				t.Fatalf("error %v, want a *deck.Error", err)
			}
			if got := err.Error(); got != tt.want && !(strings.HasSuffix(tt.want, ": ") && strings.HasPrefix(got, tt.want)) {
				t.Errorf("error\n  %s\nwant\n  %s", got, tt.want)
			}
		})
	}
}

func TestMarkdownWarnings(t *testing.T) {
	deckDir(t, map[string]string{
		"talk.md": `---
title: Warnings
layout: talk
---
# One
![ok](img/ok.png)
![missing](img/missing.png)
---
<!-- background: img/bg.jpg -->
# Two
<img src="raw.png">

` + "```html\n<img src=\"in-code.png\">\n```" + `
---
# Three
![up](../outside.png) ![remote](https://example.com/x.png)
- item

  <!-- fragment -->
<!-- build -->
`,
		"img/ok.png": "png",
	})
	d := loadOK(t, "talk.md", Options{})
	var got []string
	for _, w := range d.Warnings {
		got = append(got, w.String())
	}
	sep := string(filepath.Separator)
	want := []string{
		`talk.md:3:1: front matter key "layout" is not used by deckreel (known: title, theme, size, fps, duration, transition, footer, paginate, highlight, lang, voice, lead-in, tail)`,
		`talk.md:7: slide 1: image img/missing.png not found (looked for img` + sep + `missing.png)`,
		`talk.md:11: slide 2: image raw.png not found (looked for raw.png)`,
		`talk.md:9: slide 2: background image img/bg.jpg not found (looked for img` + sep + `bg.jpg)`,
		`talk.md:21: slide 3: <!-- fragment --> inside a list or quote is ignored (use <!-- build --> for lists)`,
		`talk.md:18: slide 3: image ../outside.png is outside the deck directory and will not load`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestMarkdownPrecedence(t *testing.T) {
	deckDir(t, map[string]string{
		"talk.md": "---\ntheme: dark\nduration: 2s\n---\n# A\n---\n# B\n<!-- duration: 7s -->\n",
		"my.css":  "/* deckreel: highlight=monokai */ :root { --bg: #123; }",
		"fm.md":   "---\ntheme: my.css\n---\n# A\n```go\nx := 1\n```\n",
	})
	tests := []struct {
		opts  Options
		theme string
		durs  string
	}{
		{Options{}, "dark", "2s 7s"},
		{Options{SlideDuration: 3 * time.Second}, "dark", "3s 7s"}, // the command line beats front matter, not the slide
		{Options{Theme: "light"}, "light", "2s 7s"},
		{Options{Theme: "my.css"}, "my.css", "2s 7s"},
	}
	for _, tt := range tests {
		d := loadOK(t, "talk.md", tt.opts)
		var durs []string
		for _, s := range d.Slides {
			durs = append(durs, s.Duration.String())
		}
		if d.Theme != tt.theme || strings.Join(durs, " ") != tt.durs {
			t.Errorf("%+v: theme %s, durations %s; want %s, %s", tt.opts, d.Theme, durs, tt.theme, tt.durs)
		}
	}
	d := loadOK(t, "fm.md", Options{})
	if p := pageOf(t, d); !strings.Contains(p, "--bg: #123") || !strings.Contains(p, "/* Keyword */ .chroma .k { color: #66d9ef }") {
		t.Errorf("a theme file and its highlight style are used:\n%s", p[:min(len(p), 3000)])
	}
	if _, err := Load("talk.md", Options{Theme: "nope.css"}); err == nil || !strings.Contains(err.Error(), "--theme: theme nope.css: ") {
		t.Errorf("a missing --theme file: %v", err)
	}
}

// TestSampleDeck checks the embedded sample deck that `deckreel demo`
// renders: it loads without warnings and lasts what its README promises.
func TestSampleDeck(t *testing.T) {
	d, err := LoadFS(assets.SampleDeck(), "deck.md", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Warnings) != 0 {
		t.Errorf("warnings: %v", d.Warnings)
	}
	if d.Kind != Markdown || len(d.Slides) != 6 || len(d.Steps) != 9 || d.Duration() != 25*time.Second || d.Theme != "dark" {
		t.Errorf("sample deck: %s, %d slides, %d steps, %s, theme %s", d.Kind, len(d.Slides), len(d.Steps), d.Duration(), d.Theme)
	}
	segs, err := d.Segments(30)
	if err != nil || len(segs) != 1 || segs[0].Frames != 750 {
		t.Fatalf("segments %+v, %v", segs, err)
	}
	if _, err := fs.Stat(segs[0].Source.FS, "pipeline.svg"); err != nil {
		t.Errorf("the sample's image is served: %v", err)
	}
	var narrated int
	for _, s := range d.Slides {
		if s.Audio != "" {
			narrated++
		}
	}
	if narrated < 2 {
		t.Errorf("%d narrated slides in the sample, want at least 2", narrated)
	}
}
