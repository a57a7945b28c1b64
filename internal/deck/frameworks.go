package deck

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"

	"github.com/deckreel/deckreel/assets"
)

// HTML decks run by frameworks other than reveal.js are stepped by
// deck-driver.js: Marp's HTML export through its keyboard handling,
// impress.js and Shower through their APIs, WebSlides and any other deck (--input-type
// keyboard) with the keys a presenter would press (ArrowRight, then Space,
// ArrowDown and PageDown for a deck that ignores it) until the page stops
// changing. Their steps come from
// Present, which records them in a browser; Load counts what the markup
// shows as a first guess (a Marp slide and its list fragments, an
// impress.js step and its substeps, one slide for a keyboard deck).

var (
	marpRE         = regexp.MustCompile(`bespoke-marp`)
	marpitSVGRE    = regexp.MustCompile(`data-marpit-svg`)
	impressInitRE  = regexp.MustCompile(`impress\s*\(\s*(?:["'][^"']*["']\s*)?\)\s*\.\s*init\s*\(|["'/]impress(?:\.min)?\.js["'?#]`)
	impressStepRE  = regexp.MustCompile(`(?i)class\s*=\s*["'][^"']*\bstep\b`)
	webslidesRE    = regexp.MustCompile(`(?i)id\s*=\s*["']webslides["']`)
	webslidesJSRE  = regexp.MustCompile(`(?i)["'/]webslides(?:\.min)?\.js["'?#]|new\s+WebSlides\s*\(`)
	showerRE       = regexp.MustCompile(`(?i)<body[^>]*\bclass\s*=\s*["'][^"']*\bshower\b`)
	showerJSRE     = regexp.MustCompile(`(?i)["'/](?:shower(?:\.min)?\.js|@shower/core/[^"']*\.js)["'?#]`)
	frameworkNames = map[Kind]string{Marp: "Marp", Impress: "impress.js", Shower: "Shower", WebSlides: "WebSlides", Keyboard: "keyboard-stepped"}
)

// detectFramework is the framework an HTML page runs, by its markup: Reveal,
// Marp, Impress, or HTML for a plain page.
func detectFramework(src []byte) Kind {
	switch {
	case isReveal(src):
		return Reveal
	case marpRE.Match(src) && marpitSVGRE.Match(src):
		return Marp
	case impressInitRE.Match(src) && impressStepRE.Match(src):
		return Impress
	case webslidesRE.Match(src) && webslidesJSRE.Match(src):
		return WebSlides
	case showerRE.Match(src) && showerJSRE.Match(src):
		return Shower
	}
	return HTML
}

// frameworkDeck loads an HTML deck run by kind's framework.
func (l *loader) frameworkDeck(name string, src []byte, kind Kind, base *overlay) (*Deck, error) {
	fp, err := l.compileFramework(name, src, kind, revealOptions{override: l.opts.SlideDuration, file: l.display(name)})
	if err != nil {
		return nil, err
	}
	return fp.deck(kind, Source{FS: base, Entry: name}, l.opts.KeepControls), nil
}

// compileFramework reads a deck run by kind's framework at rel in the deck
// tree, counts its steps from its markup and shadows it in l.files with a
// copy that loads the driver.
func (l *loader) compileFramework(rel string, src []byte, kind Kind, o revealOptions) (*revealPart, error) {
	doc, err := html.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, &Error{File: o.file, Msg: fmt.Sprintf("parse HTML: %v", err)}
	}
	pr := &presentable{kind: kind, opts: o, content: pageContent(kind, rel, src), record: recordSchedule(kind)}
	guess := staticSteps(doc, kind)
	if len(guess.Steps) == 0 {
		return nil, &Error{File: o.file, Msg: fmt.Sprintf("empty deck: the %s deck has no slides", frameworkNames[kind])}
	}
	slides, steps, err := pr.rebuild(guess)
	if err != nil {
		return nil, err
	}
	out := &revealPart{title: htmlTitle(src), slides: slides, steps: steps, present: pr}
	if out.title == "" {
		out.title = slides[0].Title
	}
	out.schedule = l.serveWithDriver(rel, src, "deck-driver.js", assets.DeckDriver())
	return out, nil
}

// staticSteps counts a framework deck's steps from its markup, the guess
// Present replaces.
func staticSteps(doc *html.Node, kind Kind) Recording {
	var rec Recording
	add := func(h int, el *html.Node, frags int, notes string) {
		st := RecordedStep{H: h, F: -1, Title: sectionTitle(el), Text: textOf(el), Notes: notes, Autoslide: -1, Transition: "page"}
		if kind == Impress {
			st.Transition = "impress"
			if v, ok := attr(el, "data-autoplay"); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil && f > 0 {
					st.Autoslide = f * 1000
				}
			}
		}
		for f := -1; f < frags; f++ {
			st.F = f
			rec.Steps = append(rec.Steps, st)
		}
	}
	switch kind {
	case Marp:
		notes := map[int]string{}
		walkElements(doc, func(n *html.Node) {
			if hasClass(n, "bespoke-marp-note") {
				if v, ok := attr(n, "data-index"); ok {
					if i, err := strconv.Atoi(v); err == nil {
						notes[i] = strings.TrimSpace(textOf(n))
					}
				}
			}
		})
		h := 0
		walkElements(doc, func(n *html.Node) {
			if _, ok := attr(n, "data-marpit-svg"); !ok {
				return
			}
			frags := 0
			walkElements(n, func(c *html.Node) {
				if _, ok := attr(c, "data-marpit-fragment"); ok {
					frags++
				}
			})
			add(h, n, frags, notes[h])
			h++
		})
	case Impress:
		h := 0
		walkElements(doc, func(n *html.Node) {
			if !hasClass(n, "step") {
				return
			}
			subs := 0
			walkElements(n, func(c *html.Node) {
				if c != n && hasClass(c, "substep") {
					subs++
				}
			})
			notes := ""
			if el := findElement(n, func(c *html.Node) bool { return c != n && hasClass(c, "notes") }); el != nil {
				notes = textOf(el)
			}
			add(h, n, subs, notes)
			h++
		})
	case Shower:
		h := 0
		walkElements(doc, func(n *html.Node) {
			if n.Data != "section" || !hasClass(n, "slide") {
				return
			}
			steps := 0
			walkElements(n, func(c *html.Node) {
				if c != n && hasClass(c, "next") {
					steps++
				}
			})
			add(h, n, steps, "")
			h++
		})
	case WebSlides:
		root := findElement(doc, func(n *html.Node) bool { v, _ := attr(n, "id"); return v == "webslides" })
		if root != nil {
			for i, sec := range childSections(root) {
				add(i, sec, 0, "")
			}
		}
	case Keyboard:
		if body := findElement(doc, func(n *html.Node) bool { return n.Data == "body" }); body != nil {
			add(0, body, 0, "")
		}
	}
	return rec
}
