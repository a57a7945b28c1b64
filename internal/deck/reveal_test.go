package deck

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

func TestIsReveal(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{`<script src="dist/reveal.js"></script>`, true},
		{`<script src="https://cdn.jsdelivr.net/npm/reveal.js@5/dist/reveal.js?v=1"></script>`, true},
		{`<script type="module">import Reveal from './dist/reveal.esm.js';</script>`, true},
		{`<script type="module">import Reveal from "reveal.js/dist/reveal.mjs"</script>`, true},
		{`<div class="reveal"><div class="slides"></div></div><script src="bundle.js"></script><script>Reveal.initialize()</script>`, true},
		{`<div class="deck reveal"></div><script>const d = new Reveal(el)</script>`, true},
		{`<div class="reveal">no init</div>`, false},
		{`<p>revealing.js is not reveal</p><script src="unreveal.json"></script>`, false},
		{`<html><body>Hello</body></html>`, false},
	}
	for _, tt := range tests {
		if got := isReveal([]byte(tt.src)); got != tt.want {
			t.Errorf("isReveal(%s) = %v", tt.src, got)
		}
	}
}

func TestFragmentGroups(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"none", `<p>x</p>`, ""},
		{"document order", `<p class="fragment">a</p><p class="fragment">b</p>`, "a|b"},
		{"indices first, then unindexed", `<p class="fragment">u</p><p class="fragment" data-fragment-index="2">two</p><p class="fragment" data-fragment-index="0">zero</p>`, "zero|two|u"},
		{"shared index", `<p class="fragment" data-fragment-index="1">a</p><p class="fragment" data-fragment-index="1">b</p>`, "a,b"},
		{"gaps close up", `<p class="fragment" data-fragment-index="7">x</p><p class="fragment" data-fragment-index="3">y</p>`, "y|x"},
		{"parseInt", `<p class="fragment" data-fragment-index=" 2abc">a</p><p class="fragment" data-fragment-index="1.9">b</p>`, "b|a"},
		{"lost like in reveal.js", `<p class="fragment" data-fragment-index="x">nan</p><p class="fragment" data-fragment-index="-1">neg</p><p class="fragment">ok</p>`, "ok"},
		{"nested", `<div class="fragment">out<span class="fragment">in</span></div>`, "outin|in"},
		{"disabled", `<p class="fragment disabled">d</p><p class="fragment">e</p>`, "e"},
		{"class must match exactly", `<p class="fragmented">a</p><p class="my-fragment">b</p>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader("<section>" + tt.body + "</section>"))
			if err != nil {
				t.Fatal(err)
			}
			sec := findElement(doc, func(n *html.Node) bool { return n.Data == "section" })
			var groups []string
			for _, g := range fragmentGroups(sec) {
				var names []string
				for _, n := range g {
					names = append(names, textOf(n))
				}
				groups = append(groups, strings.ReplaceAll(strings.Join(names, ","), " ", ""))
			}
			if got := strings.Join(groups, "|"); got != tt.want {
				t.Errorf("groups %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRevealSteps(t *testing.T) {
	deckDir(t, map[string]string{"talk.html": `<!DOCTYPE html>
<html><head><title>Talk</title></head>
<body>
<div class="reveal">
  <div class="slides">
    <section><h1>Intro</h1></section>
    <section data-autoslide="3000">
      <section><h2>Stack A</h2></section>
      <section data-autoslide="1000"><h2>Stack B</h2>
        <p class="fragment" data-autoslide="250">x</p>
        <p class="fragment">y</p>
      </section>
    </section>
    <section data-visibility="hidden"><h2>Hidden</h2></section>
    <section data-auto-animate><h2>Move</h2></section>
    <section data-auto-animate data-auto-animate-duration="2"><h2>Move more</h2></section>
    <section data-transition="zoom" data-transition-speed="fast"><h2>Zoom</h2><aside class="notes">Say it.</aside></section>
    <section data-visibility="uncounted" data-transition="none"><h2>Backup</h2></section>
  </div>
</div>
<script src="dist/reveal.js"></script>
<script>
  Reveal.initialize({ transition: 'fade', transitionSpeed: 'slow', autoSlide: 4000, hash: true });
</script>
</body></html>
`})
	tests := []struct {
		opts Options
		want []string
	}{
		{Options{}, []string{
			"1 Intro 0s 4s cut",
			"2.1 Stack A 4s 3s fade 1.2s",                    // the stack's autoslide
			"2.2 Stack B 7s 1s fade 1.2s",                    // the slide's own beats the stack's
			"2.2 fragment 1 Stack B 8s 250ms fragment 200ms", // the fragment's own
			"2.2 fragment 2 Stack B 8.25s 1s fragment 200ms", // else the slide's
			"3 Move 9.25s 4s fade 1.2s",                      // the deck's autoSlide
			"4 Move more 13.25s 4s auto-animate 2s",
			"5 Zoom 17.25s 4s zoom 400ms",
			"6 Backup 21.25s 4s cut",
		}},
		{Options{SlideDuration: 2 * time.Second}, []string{ // the command line beats autoSlide, not data-autoslide
			"1 Intro 0s 2s cut", "2.1 Stack A 2s 3s fade 1.2s", "2.2 Stack B 5s 1s fade 1.2s",
			"2.2 fragment 1 Stack B 6s 250ms fragment 200ms", "2.2 fragment 2 Stack B 6.25s 1s fragment 200ms",
			"3 Move 7.25s 2s fade 1.2s", "4 Move more 9.25s 2s auto-animate 2s", "5 Zoom 11.25s 2s zoom 400ms", "6 Backup 13.25s 2s cut",
		}},
	}
	for _, tt := range tests {
		d := loadOK(t, "talk.html", tt.opts)
		if d.Kind != Reveal || d.Title != "Talk" {
			t.Errorf("%s %q", d.Kind, d.Title)
		}
		var got []string
		for _, s := range d.Steps {
			got = append(got, fmt.Sprintf("%s %s %s %s %s", s.Index, s.Title, s.Start, s.Duration, s.Transition))
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%+v steps:\n%s\nwant:\n%s", tt.opts, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
		if d.Slides[5].Notes != "Say it." || d.Slides[1].Line != 8 || d.Slides[2].Line != 9 {
			t.Errorf("slides: notes %q, lines %d %d", d.Slides[5].Notes, d.Slides[1].Line, d.Slides[2].Line)
		}
	}
	d := loadOK(t, "talk.html", Options{KeepControls: true})
	segs, err := d.Segments(30)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := fs.ReadFile(segs[0].Source.FS, "_deckreel/1.schedule.js")
	want := `window.__deckreelReveal = {"fps":30,"frames":[0,120,210,240,248,278,398,518,638],"keepControls":true};`
	if strings.TrimSpace(string(js)) != want {
		t.Errorf("schedule\n%s\nwant\n%s", js, want)
	}
	driver, err := fs.ReadFile(segs[0].Source.FS, "_deckreel/reveal-driver.js")
	if err != nil || !strings.Contains(string(driver), "__deckreelReveal") {
		t.Errorf("driver: %v", err)
	}
}

func TestRevealWarnings(t *testing.T) {
	deckDir(t, map[string]string{"talk.html": `<div class="reveal"><div class="slides">
<section data-markdown="slides.md"></section>
<section data-autoslide="0"><h2>Stop</h2></section>
</div></div><script src="reveal.js"></script>`})
	d := loadOK(t, "talk.html", Options{})
	var got []string
	for _, w := range d.Warnings {
		got = append(got, w.String())
	}
	want := []string{
		`talk.html:2: slide 1: section uses reveal.js's Markdown plugin: its slides and fragments cannot be counted before it runs, so it counts as one slide until the deck is stepped in a browser`,
		`talk.html:3: slide 2: data-autoslide="0" does not advance in reveal.js; holding the step for 5s`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	deckDir(t, map[string]string{"empty.html": `<div class="reveal"><div class="slides"></div></div><script src="reveal.js"></script>`, "bare.html": `<script src="reveal.js"></script>`})
	for name, want := range map[string]string{
		"empty.html": "empty.html: empty deck: the reveal.js deck has no slides",
		"bare.html":  `bare.html: not a reveal.js deck: no <div class="reveal"><div class="slides"> element`,
	} {
		if _, err := Load(name, Options{}); err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %s", name, err, want)
		}
	}
}

func TestInjectHead(t *testing.T) {
	const s = "<S>"
	tests := []struct{ in, want string }{
		{"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>x</title></head>", "<!DOCTYPE html><html lang=en><head><S><meta charset=utf-8><title>x</title></head>"},
		{"<!doctype html>\n<!-- c -->\n<HEAD >\n<script>a()</script>", "<!doctype html>\n<!-- c -->\n<HEAD ><S>\n<script>a()</script>"},
		{"<!DOCTYPE html><title>x</title><body>", "<!DOCTYPE html><S><title>x</title><body>"},
		{"<div class=reveal></div>", "<S><div class=reveal></div>"},
		{"", "<S>"},
	}
	for _, tt := range tests {
		if got := string(injectHead([]byte(tt.in), s)); got != tt.want {
			t.Errorf("injectHead(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestJSParseInt(t *testing.T) {
	for in, want := range map[string]int{"3": 3, " 12px": 12, "+4": 4, "-2": -2, "1.9": 1, "007": 7} {
		if got, ok := jsParseInt(in); !ok || got != want {
			t.Errorf("jsParseInt(%q) = %d, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "x1", "NaN", "  "} {
		if _, ok := jsParseInt(in); ok {
			t.Errorf("jsParseInt(%q) parsed", in)
		}
	}
}
