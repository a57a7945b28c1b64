package deck

import (
	"bytes"
	"cmp"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/deckreel/deckreel/assets"
)

// A reveal.js deck is read statically: the step list is what reveal.js
// shows when it is presented and next() is called from the first slide to
// the last. Horizontal sections, vertical stacks (sections in a section) and
// fragments are counted as reveal.js 4-6 count them: fragments grouped by
// data-fragment-index, in index order, then the unindexed ones in document
// order; sections with data-visibility="hidden" are skipped. Each step is
// held for its data-autoslide (the current fragment group's, then the
// slide's, then the stack's, as reveal.js picks it) or the default.
//
// Slides generated at run time (reveal.js's Markdown plugin, slides built
// by scripts) cannot be counted this way; data-markdown sections draw a
// warning.

var (
	revealScriptRE = regexp.MustCompile(`(?i)["'/]reveal(?:\.esm)?\.m?js["'?#]`)
	revealClassRE  = regexp.MustCompile(`(?i)class\s*=\s*["'][^"']*\breveal\b`)
	revealInitRE   = regexp.MustCompile(`Reveal\.initialize\s*\(|new\s+Reveal\s*\(`)
	cfgAutoSlideRE = regexp.MustCompile(`\bautoSlide\s*:\s*(\d+)`)
	cfgTransRE     = regexp.MustCompile(`\btransition\s*:\s*['"]([\w-]+)['"]`)
	cfgSpeedRE     = regexp.MustCompile(`\btransitionSpeed\s*:\s*['"](\w+)['"]`)
	cfgAutoAnimRE  = regexp.MustCompile(`\bautoAnimateDuration\s*:\s*([\d.]+)`)
)

// isReveal reports whether an HTML page runs reveal.js: it loads reveal.js
// (reveal.js, reveal.esm.js, reveal.mjs) or has a .reveal element and calls
// Reveal.initialize.
func isReveal(src []byte) bool {
	return revealScriptRE.Match(src) || (revealClassRE.Match(src) && revealInitRE.Match(src))
}

// revealConfig is what deckreel reads from the deck's Reveal.initialize
// options, when they are written literally.
type revealConfig struct {
	autoSlide       time.Duration
	transition      string
	speed           time.Duration
	autoAnimateTime time.Duration
}

func readRevealConfig(src []byte) revealConfig {
	c := revealConfig{transition: "slide", speed: 800 * time.Millisecond, autoAnimateTime: time.Second}
	if m := cfgAutoSlideRE.FindSubmatch(src); m != nil {
		if n, err := strconv.Atoi(string(m[1])); err == nil && n > 0 {
			c.autoSlide = time.Duration(n) * time.Millisecond
		}
	}
	if m := cfgTransRE.FindSubmatch(src); m != nil {
		c.transition = string(m[1])
	}
	if m := cfgSpeedRE.FindSubmatch(src); m != nil {
		c.speed = revealSpeed(string(m[1]), c.speed)
	}
	if m := cfgAutoAnimRE.FindSubmatch(src); m != nil {
		if f, err := strconv.ParseFloat(string(m[1]), 64); err == nil && f > 0 {
			c.autoAnimateTime = time.Duration(f * float64(time.Second))
		}
	}
	return c
}

func revealSpeed(s string, def time.Duration) time.Duration {
	switch s {
	case "fast":
		return 400 * time.Millisecond
	case "slow":
		return 1200 * time.Millisecond
	case "default":
		return 800 * time.Millisecond
	}
	return def
}

// revealFragment is how long reveal.js's CSS fades a fragment in.
const revealFragment = 200 * time.Millisecond

// revealSlide is one presented section.
type revealSlide struct {
	el, parent *html.Node
	h, v       int // 0-based
	stacked    bool
	line       int
}

// revealOptions are the settings a reveal.js deck inherits from where it is
// used.
type revealOptions struct {
	override time.Duration // beats the deck's autoSlide: --slide-duration, or the manifest entry's duration
	fallback time.Duration
	file     string
}

// hold is how long a step is held when it does not say, for a deck whose
// own default (reveal.js's autoSlide) is autoSlide (0: none).
func (o revealOptions) hold(autoSlide time.Duration) time.Duration {
	switch {
	case o.override > 0:
		return o.override
	case autoSlide > 0:
		return autoSlide
	case o.fallback > 0:
		return o.fallback
	}
	return DefaultSlideDuration
}

// revealPart is a compiled page run by a deck framework: a reveal.js deck,
// or one that deck-driver.js steps (compileFramework).
type revealPart struct {
	title    string
	slides   []Slide
	steps    []Step
	schedule string
	present  *presentable
}

// compileReveal reads a reveal.js deck at rel in the deck tree and shadows
// it in l.files with a copy that loads the driver.
func (l *loader) compileReveal(rel string, src []byte, o revealOptions) (*revealPart, error) {
	doc, err := html.Parse(bytes.NewReader(src))
	if err != nil {
		// x/net/html refuses more than 512 open elements, which bounds
		// the recursive walks below.
		return nil, &Error{File: o.file, Msg: fmt.Sprintf("parse HTML: %v", err)}
	}
	pres, err := presentedSlides(doc, src, o.file)
	if err != nil {
		return nil, err
	}
	// Sections are not read statically enough to tell what each one
	// shows: every slide is keyed by the whole page.
	content := pageContent(Reveal, rel, src)
	out, guesses, err := l.countReveal(pres, readRevealConfig(src), o, content)
	if err != nil {
		return nil, err
	}
	if len(out.slides) == 0 {
		return nil, &Error{File: o.file, Msg: "empty deck: the reveal.js deck has no slides"}
	}
	out.title = cmp.Or(htmlTitle(src), out.slides[0].Title)
	out.present = &presentable{kind: Reveal, opts: o, lines: map[[2]int]int{}, content: content, record: recordSchedule(Reveal), guesses: guesses}
	for _, rs := range pres {
		out.present.lines[[2]int{rs.h, rs.v}] = rs.line
	}
	out.schedule = l.serveWithDriver(rel, src, "reveal-driver.js", assets.RevealDriver())
	return out, nil
}

// presentedSlides are the sections of doc that reveal.js presents, in the
// order it presents them: each horizontal slide, or each slide of its
// vertical stack. file names src in messages.
func presentedSlides(doc *html.Node, src []byte, file string) ([]revealSlide, error) {
	root := findElement(doc, func(n *html.Node) bool { return hasClass(n, "reveal") })
	var slidesEl *html.Node
	if root != nil {
		slidesEl = findElement(root, func(n *html.Node) bool { return n != root && hasClass(n, "slides") })
	}
	if slidesEl == nil {
		return nil, &Error{File: file, Msg: `not a reveal.js deck: no <div class="reveal"><div class="slides"> element`}
	}
	lineOf := sectionLineOf(doc, src)
	var pres []revealSlide
	for h, sec := range childSections(slidesEl) {
		vs := childSections(sec)
		if len(vs) == 0 {
			pres = append(pres, revealSlide{el: sec, parent: slidesEl, h: h, line: lineOf(sec)})
		}
		for v, vsec := range vs {
			pres = append(pres, revealSlide{el: vsec, parent: sec, h: h, v: v, stacked: true, line: lineOf(vsec)})
		}
	}
	if len(pres) > MaxSlides {
		return nil, checkCount(len(pres), 0, pos{file: file, line: pres[MaxSlides].line, slide: MaxSlides + 1})
	}
	return pres, nil
}

// sectionLineOf returns the source line of a <section> of doc, parsed from
// src. The parsed tree keeps no positions, so the tokenizer's lines are
// matched to the sections in document order; where the parser repaired
// the markup and the counts differ, no line (0) beats a wrong one.
func sectionLineOf(doc *html.Node, src []byte) func(*html.Node) int {
	lines := sectionLines(src)
	order := map[*html.Node]int{}
	i := 0
	walkElements(doc, func(n *html.Node) {
		if n.DataAtom == atom.Section {
			order[n] = i
			i++
		}
	})
	return func(n *html.Node) int {
		if k, ok := order[n]; ok && len(lines) == len(order) {
			return lines[k]
		}
		return 0
	}
}

// countReveal counts the slides and steps of pres as reveal.js presents
// them with the deck's configuration cfg, each slide's content being
// content. It also returns the warnings about what cannot be counted
// statically, which Present makes moot.
func (l *loader) countReveal(pres []revealSlide, cfg revealConfig, o revealOptions, content string) (*revealPart, []Warning, error) {
	out := &revealPart{}
	def := o.hold(cfg.autoSlide)
	prevAutoAnimate := false
	var guesses []Warning
	for k, rs := range pres {
		at := pos{file: o.file, line: rs.line, slide: k + 1}
		if err := l.ctx.Err(); err != nil {
			return nil, nil, err
		}
		if _, ok := attr(rs.el, "data-markdown"); ok {
			w := at.warning("section uses reveal.js's Markdown plugin: its slides and fragments cannot be counted before it runs, so it counts as one slide until the deck is stepped in a browser")
			l.warn(w)
			guesses = append(guesses, w)
		}
		s := rs.slide(o.file, content)
		var autoAnimate bool
		s.Transition, autoAnimate = cfg.entrance(rs.el, k == 0, prevAutoAnimate)
		prevAutoAnimate = autoAnimate
		steps := l.revealSteps(rs, k, s, def, at)
		for _, st := range steps {
			s.Duration += st.Duration
		}
		out.slides = append(out.slides, s)
		out.steps = append(out.steps, steps...)
		if err := checkCount(0, len(out.steps), at); err != nil {
			return nil, nil, err
		}
	}
	return out, guesses, nil
}

// slide is what rs shows, as far as its markup says: how it enters and how
// long it is shown are the steps' to say. file names the deck in messages.
func (rs revealSlide) slide(file, content string) Slide {
	s := Slide{Title: sectionTitle(rs.el), Notes: sectionNotes(rs.el), File: file, Line: rs.line, text: textOf(rs.el), content: content}
	for _, a := range []string{"data-background-color", "data-background-image", "data-background", "data-background-gradient"} {
		if v, ok := attr(rs.el, a); ok && s.Background == "" {
			s.Background = v
		}
	}
	return s
}

// index is the slide's number as reveal.js's URLs write it: "h", or "h.v"
// in a vertical stack, counted from 1.
func (rs revealSlide) index() string {
	idx := strconv.Itoa(rs.h + 1)
	if rs.stacked {
		idx += "." + strconv.Itoa(rs.v+1)
	}
	return idx
}

// entrance is how the slide el enters, as reveal.js picks it: the first
// slide cuts in; a slide that auto-animates after one that does too
// morphs from it; any other slide takes its own or the deck's transition.
// It also reports whether el auto-animates, which decides how the next
// slide enters.
func (c revealConfig) entrance(el *html.Node, first, prevAutoAnimate bool) (Transition, bool) {
	_, autoAnimate := attr(el, "data-auto-animate")
	switch {
	case first:
		return Transition{Kind: Cut}, autoAnimate
	case autoAnimate && prevAutoAnimate:
		d := c.autoAnimateTime
		if v, ok := attr(el, "data-auto-animate-duration"); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f > 0 {
				d = time.Duration(f * float64(time.Second))
			}
		}
		return Transition{Kind: "auto-animate", Duration: d}, autoAnimate
	}
	return c.slideTransition(el), autoAnimate
}

// slideTransition is the slide el's own transition, or the deck's, at its
// own speed or the deck's; reveal.js's "none" is a cut.
func (c revealConfig) slideTransition(el *html.Node) Transition {
	name := c.transition
	if v, ok := attr(el, "data-transition"); ok && strings.TrimSpace(v) != "" {
		name = strings.Fields(v)[0]
	}
	speed := c.speed
	if v, ok := attr(el, "data-transition-speed"); ok {
		speed = revealSpeed(v, speed)
	}
	if name == "none" {
		return Transition{Kind: Cut}
	}
	return Transition{Kind: TransitionKind(name), Duration: speed}
}

// revealSteps are the steps of rs, the slide at index k showing s: the
// slide itself, held for its data-autoslide, then its stack's, then def;
// then a step per fragment group, held for the first data-autoslide among
// its fragments or as long as the slide.
func (l *loader) revealSteps(rs revealSlide, k int, s Slide, def time.Duration, at pos) []Step {
	idx := rs.index()
	hold, ok := l.autoslide(rs.el, def, at)
	if !ok {
		if hold, ok = l.autoslide(rs.parent, def, at); !ok {
			hold = def
		}
	}
	steps := []Step{{Index: idx, Title: s.Title, Notes: s.Notes, Duration: hold, Transition: s.Transition, local: k}}
	for g, members := range fragmentGroups(rs.el) {
		d := hold
		for _, m := range members {
			if v, ok := l.autoslide(m, def, at); ok {
				d = v
				break
			}
		}
		steps = append(steps, Step{
			Index: fmt.Sprintf("%s fragment %d", idx, g+1), Title: s.Title, Duration: d,
			Transition: Transition{Kind: "fragment", Duration: revealFragment}, local: k, frag: g + 1,
		})
	}
	return steps
}

// autoslide is n's data-autoslide, and whether it has one. A value on which
// reveal.js never advances cannot be waited out in a video, so the step is
// held for def instead, with a warning.
func (l *loader) autoslide(n *html.Node, def time.Duration, at pos) (time.Duration, bool) {
	v, ok := attr(n, "data-autoslide")
	if !ok {
		return 0, false
	}
	ms, ok := jsParseInt(v)
	if !ok || ms <= 0 {
		l.warn(at.warning("data-autoslide=%q does not advance in reveal.js; holding the step for %s", v, def))
		return def, true
	}
	return time.Duration(ms) * time.Millisecond, true
}

// serveWithDriver shadows the page at rel in l.files with a copy whose head
// loads a new schedule and then the driver js, named driver under the
// generated directory, before any of the page's own scripts, so that the
// driver is there when the framework starts. It returns the schedule's
// path, for the render to write.
func (l *loader) serveWithDriver(rel string, src []byte, driver, js string) string {
	schedule := l.newPage(".schedule.js")
	driver = generatedDir + "/" + driver
	l.files[driver] = []byte(js)
	l.files[rel] = injectHead(src, fmt.Sprintf(`<script src="/%s"></script><script src="/%s"></script>`, schedule, driver))
	return schedule
}

// revealDeck loads a reveal.js deck file.
func (l *loader) revealDeck(name string, src []byte, base *overlay) (*Deck, error) {
	rp, err := l.compileReveal(name, src, revealOptions{override: l.opts.SlideDuration, file: l.display(name)})
	if err != nil {
		return nil, err
	}
	return rp.deck(Reveal, Source{FS: base, Entry: name}, l.opts.KeepControls), nil
}

// part is the compiled page (a reveal.js deck, or one of another
// framework) as a part of a deck of kind, served from src.
func (rp *revealPart) part(kind Kind, src Source, keep bool) part {
	return part{kind: kind, src: src, transition: Transition{Kind: Cut}, schedule: rp.schedule, keep: keep, present: rp.present}
}

// deck is the compiled page as a deck of its own.
func (rp *revealPart) deck(kind Kind, src Source, keep bool) *Deck {
	d := &Deck{Kind: kind, Title: rp.title, parts: []part{rp.part(kind, src, keep)}}
	for i := range rp.slides {
		rp.slides[i].Source = src
	}
	d.Slides = rp.slides
	for _, st := range rp.steps {
		st.Slide = st.local + 1
		d.Steps = append(d.Steps, st)
	}
	retime(d.Steps)
	return d
}

// fragmentGroups returns a slide's fragments grouped as reveal.js steps
// through them: by data-fragment-index (parsed like JavaScript's parseInt;
// negative or unparsable indices are lost, as in reveal.js), ascending,
// then each unindexed fragment in document order. Disabled fragments do
// not count.
func fragmentGroups(slide *html.Node) [][]*html.Node {
	indexed := map[int][]*html.Node{}
	var keys []int
	var unordered [][]*html.Node
	walkElements(slide, func(n *html.Node) {
		if n == slide || !hasClass(n, "fragment") || hasClass(n, "disabled") {
			return
		}
		v, ok := attr(n, "data-fragment-index")
		if !ok {
			unordered = append(unordered, []*html.Node{n})
			return
		}
		i, ok := jsParseInt(v)
		if !ok || i < 0 {
			return
		}
		if _, seen := indexed[i]; !seen {
			keys = append(keys, i)
		}
		indexed[i] = append(indexed[i], n)
	})
	sortInts(keys)
	var out [][]*html.Node
	for _, k := range keys {
		out = append(out, indexed[k])
	}
	return append(out, unordered...)
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

var jsIntRE = regexp.MustCompile(`^\s*([+-]?\d+)`)

// jsParseInt parses like JavaScript's parseInt(s, 10).
func jsParseInt(s string) (int, bool) {
	m := jsIntRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

// childSections are the <section> children of n that reveal.js shows.
func childSections(n *html.Node) []*html.Node {
	var out []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == atom.Section {
			if v, _ := attr(c, "data-visibility"); v == "hidden" {
				continue
			}
			out = append(out, c)
		}
	}
	return out
}

func attr(n *html.Node, key string) (string, bool) {
	if n == nil {
		return "", false
	}
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func hasClass(n *html.Node, class string) bool {
	if n.Type != html.ElementNode {
		return false
	}
	v, _ := attr(n, "class")
	for _, c := range strings.Fields(v) {
		if c == class {
			return true
		}
	}
	return false
}

func walkElements(n *html.Node, fn func(*html.Node)) {
	if n.Type == html.ElementNode {
		fn(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walkElements(c, fn)
	}
}

func findElement(n *html.Node, match func(*html.Node) bool) *html.Node {
	var found *html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if found != nil {
			return
		}
		if n.Type == html.ElementNode && match(n) {
			found = n
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return found
}

// textOf is the visible text of n with spaces collapsed, skipping notes,
// scripts and styles.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
			return
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style || n.DataAtom == atom.Aside || n.DataAtom == atom.Template) {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func sectionTitle(sec *html.Node) string {
	h := findElement(sec, func(n *html.Node) bool {
		switch n.DataAtom {
		case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			return true
		}
		return false
	})
	t := ""
	if h != nil {
		t = textOf(h)
	}
	if t == "" {
		t = textOf(sec)
	}
	if r := []rune(t); len(r) > 60 {
		t = string(r[:59]) + "…"
	}
	return t
}

func sectionNotes(sec *html.Node) string {
	if v, ok := attr(sec, "data-notes"); ok {
		return v
	}
	if n := findElement(sec, func(n *html.Node) bool { return n.DataAtom == atom.Aside && hasClass(n, "notes") }); n != nil {
		var b strings.Builder
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.TextNode {
				b.WriteString(n.Data)
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(n)
		return strings.TrimSpace(b.String())
	}
	return ""
}

// sectionLines returns the line of every <section> start tag, in source
// order.
func sectionLines(src []byte) []int {
	z := html.NewTokenizer(bytes.NewReader(src))
	line := 1
	var out []int
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		raw := z.Raw()
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			if name, _ := z.TagName(); string(name) == "section" {
				out = append(out, line)
			}
		}
		line += bytes.Count(raw, []byte("\n"))
	}
}

// htmlTitle is the page's <title>.
func htmlTitle(src []byte) string {
	doc, err := html.Parse(bytes.NewReader(src))
	if err != nil {
		return ""
	}
	if t := findElement(doc, func(n *html.Node) bool { return n.DataAtom == atom.Title }); t != nil {
		return textOf(t)
	}
	return ""
}

// htmlText is the visible text of a piece of HTML (see textOf): "" for
// markup without text, such as a comment or an <img>.
func htmlText(src []byte) string {
	doc, err := html.Parse(bytes.NewReader(src))
	if err != nil {
		return ""
	}
	return textOf(doc)
}

// injectHead inserts snippet at the start of the document's head, before
// any of the page's own scripts: after <head>, or before the first element
// that belongs in it or in the body.
func injectHead(src []byte, snippet string) []byte {
	z := html.NewTokenizer(bytes.NewReader(src))
	off := 0
	at := -1
	for at < 0 {
		tt := z.Next()
		if tt == html.ErrorToken {
			at = len(src)
			break
		}
		raw := len(z.Raw())
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			name, _ := z.TagName()
			switch string(name) {
			case "html":
			case "head":
				at = off + raw
			default:
				at = off
			}
		}
		off += raw
	}
	out := make([]byte, 0, len(src)+len(snippet))
	out = append(out, src[:at]...)
	out = append(out, snippet...)
	return append(out, src[at:]...)
}
