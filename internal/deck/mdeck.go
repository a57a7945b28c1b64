package deck

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"

	"github.com/deckreel/deckreel/assets"
)

// mdOptions are the settings a Markdown file inherits from where it is used.
type mdOptions struct {
	// override beats the file's front-matter duration (the command line for
	// a deck, the entry's duration in a manifest); fallback is used when
	// neither it nor the front matter says.
	override, fallback time.Duration
	// theme is used when the file and the command line name none.
	theme string
	// inline is Markdown written in a manifest: no front matter, and its
	// lines are counted from line.
	inline bool
	line   int
	// file names the source in messages.
	file string
}

// mdPart is a compiled Markdown file: one page that shows all its slides.
type mdPart struct {
	title, theme       string
	width, height, fps int
	narration          Narration
	slides             []Slide
	steps              []Step // Index, local, frag, Duration, Transition set
	entry, schedule    string
	// settings is the digest of what the page's slides share: front
	// matter, theme and code CSS, the base of relative references.
	settings string
}

// frontMatter is a Markdown deck's YAML front matter, applied.
type frontMatter struct {
	title, theme, footer, highlight string
	width, height, fps              int
	duration                        time.Duration
	transition                      *Transition
	paginate                        bool
	themeLine                       int
	narration                       Narration
}

var sizeRE = regexp.MustCompile(`^\s*(\d+)\s*[xX×]\s*(\d+)\s*$`)

// parseSize reads "1280x720"; both sides must be even (H.264 in yuv420p)
// and between 16 and 7680.
func parseSize(s string) (w, h int, err error) {
	m := sizeRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, fmt.Errorf("bad size %q (want WIDTHxHEIGHT, e.g. 1920x1080)", s)
	}
	w, _ = strconv.Atoi(m[1])
	h, _ = strconv.Atoi(m[2])
	switch {
	case w < 16 || h < 16 || w > 7680 || h > 7680:
		return 0, 0, fmt.Errorf("size %q is out of range: each side must be between 16 and 7680", s)
	case w%2 != 0 || h%2 != 0:
		return 0, 0, fmt.Errorf("size %q: video needs an even width and height", s)
	}
	return w, h, nil
}

func parseFPS(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 240 {
		return 0, fmt.Errorf("bad fps %q (a whole number from 1 to 240)", s)
	}
	return n, nil
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on":
		return true, nil
	case "false", "no", "off", "":
		return false, nil
	}
	return false, fmt.Errorf("bad value %q (true or false)", s)
}

func (l *loader) frontMatter(front *rawSlide, file string) (frontMatter, error) {
	var fm frontMatter
	if front == nil {
		return fm, nil
	}
	n, err := parseYAML(l.ctx, []byte(strings.Join(front.lines, "\n")), front.line-1)
	if err != nil {
		return fm, yamlError(err, file)
	}
	if n.kind == nullNode {
		return fm, nil
	}
	if n.kind != mapNode {
		return fm, pos{file: file, line: n.line, col: n.col}.errorf("front matter must be a mapping of settings (title: ..., theme: ...), not %s", n.kindName())
	}
	for i, k := range n.keys {
		v := n.vals[i]
		at := pos{file: file, line: v.line, col: v.col}
		if v.kind != scalarNode && v.kind != nullNode {
			return fm, at.errorf("front matter %q must be a single value, not %s", k.text, v.kindName())
		}
		var err error
		switch k.text {
		case "title":
			fm.title = v.text
		case "theme":
			fm.theme, fm.themeLine = v.text, v.line
		case "size":
			fm.width, fm.height, err = parseSize(v.text)
		case "fps":
			fm.fps, err = parseFPS(v.text)
		case "duration":
			fm.duration, err = parseDuration(v.text)
		case "transition":
			var t Transition
			t, err = parseTransition(v.text)
			fm.transition = &t
		case "footer":
			fm.footer = v.text
		case "paginate":
			fm.paginate, err = parseBool(v.text)
		case "lang":
			fm.narration.Lang = v.text
		case "voice":
			fm.narration.Voice = v.text
		case "lead-in":
			fm.narration.LeadIn, err = parseDuration(v.text)
		case "tail":
			fm.narration.Tail, err = parseDuration(v.text)
		case "highlight":
			if _, ok := styles.Registry[strings.ToLower(v.text)]; !ok {
				err = fmt.Errorf("unknown highlight style %q (any chroma style: github, github-dark, monokai, dracula, nord, ...)", v.text)
			}
			fm.highlight = strings.ToLower(v.text)
		default:
			l.warn(pos{file: file, line: k.line, col: k.col}.warning("front matter key %q is not used by deckreel (known: %s)", k.text, strings.Join(frontKeys, ", ")))
		}
		if err != nil {
			return fm, at.errorf("%s", keyed(k.text, err))
		}
	}
	return fm, nil
}

// narrationKeys are the front-matter keys of a narrated render, which no
// page draws.
var narrationKeys = []string{"lang", "voice", "lead-in", "tail"}

// drawnFront is the front matter without the lines of narrationKeys: a
// new voice re-renders no slide.
func drawnFront(lines []string) []string {
	var out []string
	for _, ln := range lines {
		k, _, ok := strings.Cut(ln, ":")
		if ok && contains(narrationKeys, strings.TrimSpace(k)) && !strings.HasPrefix(ln, " ") && !strings.HasPrefix(ln, "\t") {
			continue
		}
		out = append(out, ln)
	}
	return out
}

// keyed names the setting in an error about its value, unless the message
// already does ("bad duration ...").
func keyed(key string, err error) string {
	if strings.Contains(err.Error(), key) {
		return err.Error()
	}
	return key + ": " + err.Error()
}

// yamlError turns a parse error into an *Error in file.
func yamlError(err error, file string) error {
	if se, ok := err.(*syntaxError); ok {
		return &Error{File: file, Line: se.line, Column: se.col, Msg: se.msg}
	}
	return &Error{File: file, Msg: err.Error()}
}

// theme is a resolved theme: its CSS and code-highlighting style.
type theme struct {
	name, css, highlight string
}

var highlightRE = regexp.MustCompile(`deckreel:\s*highlight=([A-Za-z0-9_-]+)`)

// resolveTheme finds a theme by name, or reads a .css file: from the deck
// tree (rel to the Markdown file at mdRel) or, for the command line's
// --theme, from the file system.
func (l *loader) resolveTheme(name, mdRel string, fromCLI bool, at pos) (theme, error) {
	if name == "" {
		name = "light"
	}
	if css, ok := assets.DeckTheme(name); ok {
		return themeWithCSS(name, css), nil
	}
	if !strings.HasSuffix(strings.ToLower(name), ".css") {
		return theme{}, at.errorf("unknown theme %q (known: %s, or the path of a .css file)", name, strings.Join(assets.DeckThemes(), ", "))
	}
	var b []byte
	var err error
	if fromCLI {
		b, err = os.ReadFile(name)
	} else {
		p, ok, outside := localRef(mdRel, name)
		switch {
		case !ok || outside:
			return theme{}, at.errorf("theme %q must be a file inside the deck directory", name)
		}
		b, err = readDeckFile(l.root, p, l.display(p), MaxFileSize)
	}
	switch {
	case escapesRoot(err):
		return theme{}, at.errorf("%s", linkOut("theme "+name))
	case err != nil:
		var de *Error
		if errors.As(err, &de) {
			err = errors.New(de.Msg)
		}
		return theme{}, at.errorf("theme %s: %v", name, unwrapPath(err))
	}
	return themeWithCSS(name, string(b)), nil
}

func themeWithCSS(name, css string) theme {
	t := theme{name: name, css: css, highlight: "github"}
	if m := highlightRE.FindStringSubmatch(css); m != nil {
		if _, ok := styles.Registry[strings.ToLower(m[1])]; ok {
			t.highlight = strings.ToLower(m[1])
		}
	}
	return t
}

// codeCSS is the CSS of a code-highlighting style. Writing it takes about a
// millisecond, as long as rendering a slide: a manifest of many inline
// Markdown entries asks for the same style once per entry, so the loader
// keeps what it wrote.
func (l *loader) codeCSS(style string) string {
	if css, ok := l.styleCSS[style]; ok {
		return css
	}
	var b bytes.Buffer
	f := html.New(html.WithClasses(true))
	_ = f.WriteCSS(&b, styles.Get(style))
	if l.styleCSS == nil {
		l.styleCSS = map[string]string{}
	}
	l.styleCSS[style] = b.String()
	return b.String()
}

// pageSlide is one slide as the page template sees it.
type pageSlide struct {
	Number     int
	Class      string
	Background template.CSS
	HTML       template.HTML
}

// pageData is what the Markdown page template is executed with.
type pageData struct {
	Lang, Title, Base, Schedule, Footer string
	Paginate                            bool
	BaseCSS, CodeCSS, ThemeCSS          template.CSS
	Player                              template.JS
	Slides                              []pageSlide
}

var imageExt = regexp.MustCompile(`(?i)\.(png|jpe?g|gif|webp|svg|avif|bmp)$`)

// compileMarkdown reads one Markdown file (or inline Markdown) at rel in the
// deck tree and generates its page in l.files.
func (l *loader) compileMarkdown(rel, src string, o mdOptions) (*mdPart, error) {
	front, raws, err := splitMarkdown(src, o)
	if err != nil {
		return nil, err
	}
	fm, err := l.frontMatter(front, o.file)
	if err != nil {
		return nil, err
	}
	th, err := l.markdownTheme(rel, fm, o)
	if err != nil {
		return nil, err
	}
	code := l.codeCSS(th.highlight)
	out := &mdPart{
		title: fm.title, theme: th.name, width: fm.width, height: fm.height, fps: fm.fps, narration: fm.narration,
		settings: markdownSettings(rel, th, code, front),
	}
	if !o.inline {
		l.keyed = append(l.keyed, rel)
	}
	data := pageData{
		Lang: "en", Base: baseHref(rel), Footer: fm.footer, Paginate: fm.paginate,
		BaseCSS: template.CSS(assets.DeckBaseCSS()), CodeCSS: template.CSS(code),
		ThemeCSS: template.CSS(th.css), Player: template.JS(assets.DeckPlayer()),
	}
	def := fm.slideDefaults(o)
	for i, rs := range raws {
		ms, err := l.markdownSlide(rel, i, rs, def, o.file)
		if err != nil {
			return nil, err
		}
		data.Slides = append(data.Slides, ms.page)
		out.slides = append(out.slides, ms.slide)
		out.steps = append(out.steps, markdownSteps(ms.slide, i, ms.steps)...)
		if err := checkCount(0, len(out.steps), ms.at); err != nil {
			return nil, err
		}
	}
	if len(out.slides) == 0 {
		return nil, &Error{File: o.file, Line: o.line, Msg: "empty deck: it has no slides"}
	}
	keyMarkdownSlides(out.slides, data.Slides, out.settings, fm.paginate)
	if out.title == "" {
		out.title = out.slides[0].Title
	}
	if err := l.writeMarkdownPage(out, data, o.file); err != nil {
		return nil, err
	}
	return out, nil
}

// splitMarkdown cuts src into its front matter and slides. Markdown written
// in a manifest has no front matter, and its lines are counted from where
// the entry's text starts, so that messages point into the manifest.
func splitMarkdown(src string, o mdOptions) (*rawSlide, []rawSlide, error) {
	if !o.inline {
		return splitDeck(src, o.file)
	}
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var raws []rawSlide
	var fence fenceState
	cur := rawSlide{line: o.line}
	for i, ln := range lines {
		if !fence.in() && strings.TrimRight(ln, " \t") == "---" {
			raws = append(raws, cur)
			cur = rawSlide{line: o.line + i + 1}
			continue
		}
		fence.feed(ln)
		cur.lines = append(cur.lines, ln)
	}
	raws = append(raws, cur)
	if len(raws) > MaxSlides {
		return nil, nil, checkCount(len(raws), 0, pos{file: o.file, line: raws[MaxSlides].line})
	}
	return nil, raws, nil
}

// markdownTheme resolves the page's theme: the command line, the file,
// where the file is used, light. The command line's theme is no file's
// setting, so its error names the flag instead of a file and line.
func (l *loader) markdownTheme(rel string, fm frontMatter, o mdOptions) (theme, error) {
	var th theme
	var err error
	switch {
	case l.opts.Theme != "":
		th, err = l.resolveTheme(l.opts.Theme, rel, true, pos{})
		if err != nil {
			err = fmt.Errorf("--theme: %s", err.(*Error).Msg)
		}
	case fm.theme != "":
		th, err = l.resolveTheme(fm.theme, rel, false, pos{file: o.file, line: fm.themeLine})
	default:
		th, err = l.resolveTheme(o.theme, rel, false, pos{file: o.file})
	}
	if err != nil {
		return theme{}, err
	}
	if fm.highlight != "" {
		th.highlight = fm.highlight
	}
	return th, nil
}

// markdownSettings is the digest of what every slide of the page shares,
// which goes into every slide's key. The front matter goes in as written;
// the theme as its CSS, wherever it came from.
func markdownSettings(rel string, th theme, code string, front *rawSlide) string {
	shared := newDigest("markdown page").add(baseHref(rel), th.css, code)
	if front != nil {
		shared.add(strings.Join(drawnFront(front.lines), "\n"))
	}
	return shared.sum()
}

// slideDefaults are how long a slide of a page is shown and how it enters
// when it does not say.
type slideDefaults struct {
	duration   time.Duration
	transition Transition
}

// slideDefaults resolves the page's defaults once for all its slides: where
// the file is used can override the front matter's duration, or fill in
// for it.
func (fm frontMatter) slideDefaults(o mdOptions) slideDefaults {
	def := slideDefaults{duration: o.fallback, transition: Transition{Kind: Cut}}
	if fm.duration > 0 {
		def.duration = fm.duration
	}
	if o.override > 0 {
		def.duration = o.override
	}
	if fm.transition != nil {
		def.transition = *fm.transition
	}
	return def
}

// mdSlide is one compiled slide of a Markdown page.
type mdSlide struct {
	slide Slide
	page  pageSlide // the slide as the page template draws it
	steps int       // 1 + its build steps
	at    pos
}

// markdownSlide compiles rs, the slide at index i of the page at rel in the
// deck tree, named file in messages.
func (l *loader) markdownSlide(rel string, i int, rs rawSlide, def slideDefaults, file string) (mdSlide, error) {
	at := pos{file: file, line: rs.line, slide: i + 1}
	// A slide with highlighted code can take tens of milliseconds.
	if err := l.ctx.Err(); err != nil {
		return mdSlide{}, err
	}
	sc, err := scanSlide(rs, at)
	if err != nil {
		return mdSlide{}, err
	}
	set, err := applyDirectives(sc.directives, at)
	if err != nil {
		return mdSlide{}, err
	}
	if l.md == nil {
		l.md = newMarkdown()
	}
	r, err := renderSlide(l.md, sc.content, rs.line, set.build)
	if err != nil {
		return mdSlide{}, at.errorf("render Markdown: %v", err)
	}
	l.warnRendered(rel, r, set.build, at)
	s := def.slide(set, sc, r, i == 0)
	s.File, s.Line = file, rs.line
	if s.Transition.Kind != Cut && s.Transition.Duration > s.Duration/time.Duration(r.steps) {
		return mdSlide{}, at.errorf("transition %s is longer than the slide's first step (%s)", s.Transition, s.Duration/time.Duration(r.steps))
	}
	bg := l.backgroundCSS(rel, s.Background, at)
	if s.Audio != "" {
		l.checkRef(rel, s.Audio, "audio file", at)
	}
	class := strings.TrimSpace(r.layout + " " + set.class)
	return mdSlide{slide: s, page: pageSlide{Number: i + 1, Class: class, Background: bg, HTML: r.html}, steps: r.steps, at: at}, nil
}

// warnRendered warns about what a slide asks for that its rendering cannot
// give: fragments goldmark would have to split a block for, builds with
// nothing to build, images that will not load.
func (l *loader) warnRendered(rel string, r renderedSlide, build bool, at pos) {
	for _, line := range r.markers {
		p := at
		p.line = line
		l.warn(p.warning("<!-- fragment --> inside a list or quote is ignored (use <!-- build --> for lists)"))
	}
	if build && r.steps == 1 {
		l.warn(at.warning("<!-- build --> but the slide has no list"))
	}
	for _, img := range r.images {
		p := at
		p.line = img.line
		l.checkRef(rel, img.src, "image", p)
	}
}

// slide is the slide its directives set, scanned as sc and rendered as r,
// with the page's defaults where they say nothing.
func (def slideDefaults) slide(set slideSettings, sc scannedSlide, r renderedSlide, first bool) Slide {
	s := Slide{
		Title: set.title, Notes: sc.notes, Background: set.background, Audio: set.audio, Voice: set.voice,
		Duration: def.duration, Transition: def.transition, text: r.text,
	}
	if s.Title == "" {
		s.Title = r.title
	}
	if set.duration > 0 {
		s.Duration = set.duration
	}
	if set.transition != nil {
		s.Transition = *set.transition
	}
	if first {
		// Nothing comes before the first slide of a page.
		s.Transition = Transition{Kind: Cut}
	}
	return s
}

// backgroundCSS is the style of a slide's background: a directive names an
// image or a CSS background, told apart by the file extension, and only an
// image is a file that must be in the deck.
func (l *loader) backgroundCSS(rel, bg string, at pos) template.CSS {
	switch {
	case bg == "":
		return ""
	case imageExt.MatchString(strings.SplitN(bg, "?", 2)[0]):
		l.checkRef(rel, bg, "background image", at)
		return template.CSS(`background-image: url("` + bg + `")`)
	}
	return template.CSS("background: " + bg)
}

// markdownSteps are the steps of s, the slide at index local of its page,
// whose builds make steps in all. They share its duration, so that the
// last ends exactly at its end; only the first shows its notes and enters
// with its transition, the others bring in a build.
func markdownSteps(s Slide, local, steps int) []Step {
	n := local + 1
	out := make([]Step, 0, steps)
	for k := 0; k < steps; k++ {
		st := Step{
			Index: strconv.Itoa(n), Title: s.Title, Notes: s.Notes, local: local, frag: k,
			Duration:   s.Duration*time.Duration(k+1)/time.Duration(steps) - s.Duration*time.Duration(k)/time.Duration(steps),
			Transition: s.Transition,
		}
		if k > 0 {
			st.Index = fmt.Sprintf("%d fragment %d", n, k)
			st.Transition = Transition{Kind: "fragment", Duration: FragmentDuration}
			st.Notes = ""
		}
		out = append(out, st)
	}
	return out
}

// keyMarkdownSlides sets the content key of each slide from its drawn form
// in page and the page's settings. A slide is keyed by what the page gets,
// its rendered HTML, not its Markdown: blank lines around it change
// nothing, and a newer goldmark that renders it differently changes its
// key. Its number is drawn in data-slide (a theme can style by it) and,
// with paginate, as "n / total". Notes are not on the page.
func keyMarkdownSlides(slides []Slide, page []pageSlide, settings string, paginate bool) {
	wide := pageWideKey(page)
	for i, ps := range page {
		k := newDigest("markdown slide").add(settings, wide, strconv.Itoa(ps.Number), ps.Class, string(ps.Background), string(ps.HTML))
		if paginate {
			k.add(strconv.Itoa(len(page)))
		}
		slides[i].content = k.sum()
	}
}

// pageWideKey is the digest of the raw HTML in page that can restyle or
// script the whole page (a <style>, <script> or <link> in one slide: the
// slides share one page). It decides every slide's pixels, so it goes into
// every slide's key.
func pageWideKey(page []pageSlide) string {
	wide := newDigest("markdown page-wide html")
	for _, ps := range page {
		if h := strings.ToLower(string(ps.HTML)); strings.Contains(h, "<style") || strings.Contains(h, "<script") || strings.Contains(h, "<link") {
			wide.add(string(ps.HTML))
		}
	}
	return wide.sum()
}

// writeMarkdownPage generates the page of out in l.files from data, with
// the name of the schedule the render writes next to it; file names the
// source in messages.
func (l *loader) writeMarkdownPage(out *mdPart, data pageData, file string) error {
	data.Title = out.title
	out.entry = l.newPage(".html")
	out.schedule = strings.TrimSuffix(out.entry, ".html") + ".schedule.js"
	data.Schedule = "/" + out.schedule
	var page bytes.Buffer
	page.Grow(data.size())
	if err := deckTemplate().Execute(&page, data); err != nil {
		return fmt.Errorf("generate the page of %s: %w", file, err)
	}
	l.files[out.entry] = page.Bytes()
	return nil
}

// size is about how long the page is. The page is mostly its CSS and
// player; sized up front, it is not grown (and kept) at up to twice its
// length.
func (d pageData) size() int {
	n := len(d.BaseCSS) + len(d.CodeCSS) + len(d.ThemeCSS) + len(d.Player) + 4096
	for _, ps := range d.Slides {
		n += len(ps.HTML) + 128
	}
	return n
}

var deckTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("deck").Parse(assets.DeckTemplate()))
})

// baseHref is the <base href> that makes references in a generated page
// resolve as they would next to the file at rel.
func baseHref(rel string) string {
	dir := path.Dir(rel)
	if dir == "." {
		return "/"
	}
	return (&url.URL{Path: "/" + dir + "/"}).EscapedPath()
}

// checkRef warns when a reference to a local file does not resolve.
func (l *loader) checkRef(rel, ref, what string, at pos) {
	p, ok, outside := localRef(rel, ref)
	if !ok {
		return
	}
	if outside {
		l.warn(at.warning("%s %s is outside the deck directory and will not load", what, ref))
		return
	}
	st, err := fs.Stat(l.root, p)
	switch {
	case escapesRoot(err):
		l.warn(at.warning("%s", linkOut(what+" "+ref)))
	case err != nil || st.IsDir():
		l.warn(at.warning("%s %s not found (looked for %s)", what, ref, l.display(p)))
	}
}

// markdownDeck loads a Markdown deck file.
func (l *loader) markdownDeck(name string, src []byte, base *overlay) (*Deck, error) {
	file := l.display(name)
	l.warnUTF8(src, file, 0)
	fallback := DefaultSlideDuration
	mp, err := l.compileMarkdown(name, string(src), mdOptions{override: l.opts.SlideDuration, fallback: fallback, file: file})
	if err != nil {
		return nil, err
	}
	l.settings.add(mp.settings)
	d := &Deck{Kind: Markdown, Title: mp.title, Theme: mp.theme, Width: mp.width, Height: mp.height, FPS: mp.fps, Narration: mp.narration}
	src2 := Source{FS: base, Entry: mp.entry}
	d.parts = []part{{kind: Markdown, src: src2, transition: Transition{Kind: Cut}, schedule: mp.schedule}}
	for i := range mp.slides {
		mp.slides[i].Source = src2
	}
	d.Slides = mp.slides
	for _, st := range mp.steps {
		st.Slide = st.local + 1
		d.Steps = append(d.Steps, st)
	}
	retime(d.Steps)
	return d, nil
}
