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
	var front *rawSlide
	var raws []rawSlide
	var err error
	if o.inline {
		lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
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
			return nil, checkCount(len(raws), 0, pos{file: o.file, line: raws[MaxSlides].line})
		}
	} else if front, raws, err = splitDeck(src, o.file); err != nil {
		return nil, err
	}
	fm, err := l.frontMatter(front, o.file)
	if err != nil {
		return nil, err
	}
	out := &mdPart{title: fm.title, width: fm.width, height: fm.height, fps: fm.fps, narration: fm.narration}

	// Theme: the command line, the file, where the file is used, light.
	var th theme
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
		return nil, err
	}
	out.theme = th.name
	if fm.highlight != "" {
		th.highlight = fm.highlight
	}

	defDur := o.fallback
	if fm.duration > 0 {
		defDur = fm.duration
	}
	if o.override > 0 {
		defDur = o.override
	}
	defTrans := Transition{Kind: Cut}
	if fm.transition != nil {
		defTrans = *fm.transition
	}
	if l.md == nil {
		l.md = newMarkdown()
	}

	// What every slide of the page shares. The front matter goes in as
	// written; the theme as its CSS, wherever it came from.
	code := l.codeCSS(th.highlight)
	shared := newDigest("markdown page").add(baseHref(rel), th.css, code)
	if front != nil {
		shared.add(strings.Join(drawnFront(front.lines), "\n"))
	}
	out.settings = shared.sum()
	if !o.inline {
		l.keyed = append(l.keyed, rel)
	}

	data := pageData{
		Lang: "en", Base: baseHref(rel), Footer: fm.footer, Paginate: fm.paginate,
		BaseCSS: template.CSS(assets.DeckBaseCSS()), CodeCSS: template.CSS(code),
		ThemeCSS: template.CSS(th.css), Player: template.JS(assets.DeckPlayer()),
	}
	for i, rs := range raws {
		n := i + 1
		at := pos{file: o.file, line: rs.line, slide: n}
		// A slide with highlighted code can take tens of milliseconds.
		if err := l.ctx.Err(); err != nil {
			return nil, err
		}
		sc, err := scanSlide(rs, at)
		if err != nil {
			return nil, err
		}
		set, err := applyDirectives(sc.directives, at)
		if err != nil {
			return nil, err
		}
		r, err := renderSlide(l.md, sc.content, rs.line, set.build)
		if err != nil {
			return nil, at.errorf("render Markdown: %v", err)
		}
		for _, line := range r.markers {
			l.warn(pos{file: o.file, line: line, slide: n}.warning("<!-- fragment --> inside a list or quote is ignored (use <!-- build --> for lists)"))
		}
		if set.build && r.steps == 1 {
			l.warn(at.warning("<!-- build --> but the slide has no list"))
		}
		for _, img := range r.images {
			l.checkRef(rel, img.src, "image", pos{file: o.file, line: img.line, slide: n})
		}
		s := Slide{
			Title: set.title, Notes: sc.notes, Background: set.background, Audio: set.audio, Voice: set.voice,
			File: o.file, Line: rs.line, Duration: defDur, Transition: defTrans, text: r.text,
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
		if i == 0 {
			// Nothing comes before the first slide of a page.
			s.Transition = Transition{Kind: Cut}
		}
		if s.Transition.Kind != Cut && s.Transition.Duration > s.Duration/time.Duration(r.steps) {
			return nil, at.errorf("transition %s is longer than the slide's first step (%s)", s.Transition, s.Duration/time.Duration(r.steps))
		}
		var bg template.CSS
		if s.Background != "" {
			if imageExt.MatchString(strings.SplitN(s.Background, "?", 2)[0]) {
				l.checkRef(rel, s.Background, "background image", at)
				bg = template.CSS(`background-image: url("` + s.Background + `")`)
			} else {
				bg = template.CSS("background: " + s.Background)
			}
		}
		if s.Audio != "" {
			l.checkRef(rel, s.Audio, "audio file", at)
		}
		class := strings.TrimSpace(r.layout + " " + set.class)
		data.Slides = append(data.Slides, pageSlide{Number: n, Class: class, Background: bg, HTML: r.html})
		out.slides = append(out.slides, s)
		// The slide's steps share its duration, ending exactly at its end.
		for k := 0; k < r.steps; k++ {
			st := Step{
				Index: strconv.Itoa(n), Title: s.Title, Notes: s.Notes, local: i, frag: k,
				Duration:   s.Duration*time.Duration(k+1)/time.Duration(r.steps) - s.Duration*time.Duration(k)/time.Duration(r.steps),
				Transition: s.Transition,
			}
			if k > 0 {
				st.Index = fmt.Sprintf("%d fragment %d", n, k)
				st.Transition = Transition{Kind: "fragment", Duration: FragmentDuration}
				st.Notes = ""
			}
			out.steps = append(out.steps, st)
		}
		if err := checkCount(0, len(out.steps), at); err != nil {
			return nil, err
		}
	}
	if len(out.slides) == 0 {
		return nil, &Error{File: o.file, Line: o.line, Msg: "empty deck: it has no slides"}
	}
	// Raw HTML that can restyle or script the whole page (a <style>,
	// <script> or <link> in one slide: the slides share one page) decides
	// every slide's pixels, so it goes into every slide's key.
	pageWide := newDigest("markdown page-wide html")
	for _, ps := range data.Slides {
		if h := strings.ToLower(string(ps.HTML)); strings.Contains(h, "<style") || strings.Contains(h, "<script") || strings.Contains(h, "<link") {
			pageWide.add(string(ps.HTML))
		}
	}
	wideKey := pageWide.sum()
	for i, ps := range data.Slides {
		// A slide is keyed by what the page gets, its rendered HTML, not
		// its Markdown: blank lines around it change nothing, and a newer
		// goldmark that renders it differently changes its key. Its number
		// is drawn in data-slide (a theme can style by it) and, with
		// paginate, as "n / total". Notes are not on the page.
		k := newDigest("markdown slide").add(out.settings, wideKey, strconv.Itoa(ps.Number), ps.Class, string(ps.Background), string(ps.HTML))
		if fm.paginate {
			k.add(strconv.Itoa(len(data.Slides)))
		}
		out.slides[i].content = k.sum()
	}
	if out.title == "" {
		out.title = out.slides[0].Title
	}
	data.Title = out.title
	out.entry = l.newPage(".html")
	out.schedule = strings.TrimSuffix(out.entry, ".html") + ".schedule.js"
	data.Schedule = "/" + out.schedule
	var page bytes.Buffer
	// The page is mostly its CSS and player; sized up front, it is not
	// grown (and kept) at up to twice its length.
	size := len(data.BaseCSS) + len(data.CodeCSS) + len(data.ThemeCSS) + len(data.Player) + 4096
	for _, ps := range data.Slides {
		size += len(ps.HTML) + 128
	}
	page.Grow(size)
	if err := deckTemplate().Execute(&page, data); err != nil {
		return nil, fmt.Errorf("generate the page of %s: %w", o.file, err)
	}
	l.files[out.entry] = page.Bytes()
	return out, nil
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
