package deck

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/deckreel/deckreel/assets"
)

// A deck manifest (deck.yaml or deck.json) is the job spec of a render: an
// ordered list of sources, each shown for a duration and entered with a
// transition, plus everything else a render needs:
//
//	title: Quarterly update
//	size: 1920x1080
//	fps: 30
//	output: update.mp4
//	crf: 20
//	preset: medium
//	theme: dark              # for Markdown entries
//	duration: 5s             # default: per slide of Markdown and reveal.js entries,
//	                         # per entry for pages and images
//	transition: fade 500ms   # default transition into each entry but the first
//	slides:
//	  - file: intro.md       # a Markdown deck: all its slides
//	  - markdown: |          # inline Markdown
//	      # One more thing
//	    duration: 4s
//	  - file: chart.png      # an image, fitted to the frame
//	    transition: wipe-left 700ms
//	  - file: anim/index.html  # a page, animated or not
//	    duration: 6s
//	  - file: talk/index.html  # a reveal.js deck: all its steps
//	  - file: slides.pdf     # a PDF (or .pptx, .odp): a slide per page
//	    pages: 2-4           # default: all of them
//	    notes: [Page two., Page three., Page four.]
//	  - url: https://example.com/live
//
// An entry's transition is how it enters, replacing the entry before it;
// it takes its time out of the entry's own. Files must be inside the
// manifest's directory.

var (
	manifestKeys = []string{"title", "size", "fps", "output", "crf", "preset", "theme", "duration", "transition", "lang", "voice", "slides"}
	entryKeys    = []string{"file", "markdown", "url", "type", "duration", "transition", "title", "notes", "background", "audio", "voice", "fit", "pages"}
	entryTypes   = []string{"markdown", "reveal", "html", "image", "pdf", "office", "marp", "impress", "shower", "webslides", "keyboard"}
	presets      = []string{"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"}
)

// manifestDeck loads deck.yaml or deck.json.
func (l *loader) manifestDeck(name string, src []byte, base *overlay) (*Deck, error) {
	file := l.display(name)
	root, err := l.parseManifest(name, src, file)
	if err != nil {
		return nil, err
	}
	at := func(n *node) pos { return pos{file: file, line: n.line, col: n.col} }
	d := &Deck{Kind: Manifest}
	// The manifest's slides are keyed entry by entry; the rest of it is
	// deck-wide.
	l.keyed = append(l.keyed, name)
	top, err := l.readManifest(d, root, at)
	if err != nil {
		return nil, err
	}
	entries, err := slideEntries(top.slides, root, file, at)
	if err != nil {
		return nil, err
	}
	def := entryDefaults{fallback: l.entryFallback(top.duration), transition: top.transition, theme: top.theme, file: file, manifest: name}
	d.Theme = cmp.Or(l.opts.Theme, top.theme)
	for i, en := range entries {
		if err := l.ctx.Err(); err != nil {
			return nil, err
		}
		if err := l.addManifestEntry(d, i+1, en, def, base, at); err != nil {
			return nil, err
		}
	}
	retime(d.Steps)
	return d, nil
}

// parseManifest parses the manifest named name (file in messages), JSON or
// YAML by its extension, and checks that it is a mapping, the only shape
// whose keys the rest of the load can read.
func (l *loader) parseManifest(name string, src []byte, file string) (*node, error) {
	var root *node
	var err error
	if strings.EqualFold(path.Ext(name), ".json") {
		root, err = parseJSON(l.ctx, src)
	} else {
		root, err = parseYAML(l.ctx, src, 0)
	}
	if err != nil {
		return nil, yamlError(err, file)
	}
	l.warnUTF8(src, file, 0)
	if root.kind != mapNode {
		return nil, pos{file: file, line: root.line, col: root.col}.errorf("a deck manifest is a mapping with a \"slides\" list, not %s", root.kindName())
	}
	return root, nil
}

// manifestSettings are the top-level settings of a manifest that are not
// the deck's own: its slides list, and the defaults its entries inherit.
type manifestSettings struct {
	slides     *node
	duration   time.Duration
	transition Transition
	theme      string
}

// readManifest applies the top-level keys of root to d and returns the
// rest. Every key but the slides and the narration's goes into the deck's
// shared key: it may change the pixels of any slide.
func (l *loader) readManifest(d *Deck, root *node, at func(*node) pos) (manifestSettings, error) {
	m := manifestSettings{transition: Transition{Kind: Cut}}
	for i, k := range root.keys {
		v := root.vals[i]
		if k.text != "slides" && v.kind != scalarNode {
			return m, at(v).errorf("%q must be a single value, not %s", k.text, v.kindName())
		}
		if k.text != "slides" && k.text != "lang" && k.text != "voice" {
			// The narration's settings draw nothing.
			l.settings.add(k.text, v.text)
		}
		known, err := m.set(d, k.text, v)
		if !known {
			return m, at(k).errorf("unknown key %q%s (known: %s)", k.text, didYouMean(k.text, manifestKeys), strings.Join(manifestKeys, ", "))
		}
		if err != nil {
			return m, at(v).errorf("%s", keyed(k.text, err))
		}
	}
	return m, nil
}

// set applies the top-level setting key, to d or to m, and reports whether
// manifests have such a key; an error is about the value, for the caller
// to place at it.
func (m *manifestSettings) set(d *Deck, key string, v *node) (known bool, err error) {
	switch key {
	case "title":
		d.Title = v.text
	case "size":
		d.Width, d.Height, err = parseSize(v.text)
	case "fps":
		d.FPS, err = parseFPS(v.text)
	case "output":
		d.Output, err = v.text, checkOutput(v.text)
	case "crf":
		d.CRF, err = parseCRF(v.text)
	case "preset":
		d.Preset = v.text
		if !contains(presets, v.text) {
			err = fmt.Errorf("unknown preset %q (known: %s)", v.text, strings.Join(presets, ", "))
		}
	case "theme":
		m.theme = v.text
	case "duration":
		m.duration, err = parseDuration(v.text)
	case "transition":
		m.transition, err = parseTransition(v.text)
	case "lang":
		d.Narration.Lang = v.text
	case "voice":
		d.Narration.Voice = v.text
	case "slides":
		m.slides = v
	default:
		return false, nil
	}
	return true, err
}

// checkOutput checks the manifest's output path, so that a bad one fails
// at its line rather than after the render.
func checkOutput(p string) error {
	switch {
	case path.IsAbs(p) || strings.HasPrefix(p, `\`) || !filepath.IsLocal(filepath.FromSlash(p)):
		// A deck comes from anyone; only the command line may write
		// outside the deck's directory.
		return fmt.Errorf("output %q must be a path inside the deck's directory (-o can write anywhere)", p)
	case !strings.EqualFold(path.Ext(p), ".mp4"):
		return fmt.Errorf("output %q must be an .mp4 file", p)
	}
	return nil
}

// parseCRF reads the manifest's crf, so that a value the encoder refuses
// fails at its line rather than when ffmpeg starts.
func parseCRF(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 51 {
		return n, fmt.Errorf("crf %q must be a whole number from 1 to 51", s)
	}
	return n, nil
}

// slideEntries are the items of the manifest's slides list. Whether the
// list is missing, null or empty, the deck is empty, and the error says so
// in those words.
func slideEntries(slides, root *node, file string, at func(*node) pos) ([]*node, error) {
	if slides == nil || slides.kind == nullNode || (slides.kind == seqNode && len(slides.items) == 0) {
		p := pos{file: file, line: root.line}
		if slides != nil {
			p = at(slides)
		}
		return nil, p.errorf("empty deck: the manifest lists no slides (add a \"slides\" list)")
	}
	if slides.kind != seqNode {
		return nil, at(slides).errorf("\"slides\" must be a list, not %s", slides.kindName())
	}
	if len(slides.items) > MaxSlides {
		return nil, checkCount(len(slides.items), 0, at(slides.items[MaxSlides]))
	}
	return slides.items, nil
}

// entryFallback is the deck-wide hold of a slide that does not say, given
// the manifest's duration: the command line beats the manifest.
func (l *loader) entryFallback(manifest time.Duration) time.Duration {
	fallback := DefaultSlideDuration
	if manifest > 0 {
		fallback = manifest
	}
	if l.opts.SlideDuration > 0 {
		fallback = l.opts.SlideDuration
	}
	return fallback
}

// entryDefaults are what every entry of a manifest inherits.
type entryDefaults struct {
	fallback   time.Duration
	transition Transition
	theme      string
	// file names the manifest in messages; manifest is its path in the
	// deck tree, which the entries' files are relative to.
	file, manifest string
}

// addManifestEntry compiles slide entry en, number num, and appends what
// it shows to d.
func (l *loader) addManifestEntry(d *Deck, num int, en *node, def entryDefaults, base *overlay, at func(*node) pos) error {
	entry, nodes, err := parseEntry(en, num, at)
	if err != nil {
		return err
	}
	entry.fallback, entry.theme, entry.file, entry.manifest = def.fallback, def.theme, def.file, def.manifest
	t, first := l.entryTransitions(def.transition, nodes, num == 1, at)
	rs, err := l.compileEntry(entry, nodes, base)
	if err != nil {
		return err
	}
	ep, tp := at(en), at(en)
	if nodes.transN != nil {
		tp = at(nodes.transN)
	}
	key := entryDigest(en)
	for j, r := range rs {
		in, index := t, strconv.Itoa(num)
		if j == 0 {
			in = first
		}
		if len(rs) > 1 {
			index += ":" + r.index
		}
		if err := d.addEntry(r, in, key, index, ep, tp); err != nil {
			return err
		}
	}
	return nil
}

// entryTransitions are how an entry's results enter: t, its own transition
// or the manifest's, but the first of them with first. Nothing comes
// before the deck's first entry, so that one cuts in, and a transition its
// author wrote for it draws a warning rather than vanishing.
func (l *loader) entryTransitions(def Transition, n entryNodes, firstEntry bool, at func(*node) pos) (t, first Transition) {
	t = def
	if n.trans != nil {
		t = *n.trans
	}
	if !firstEntry {
		return t, t
	}
	if n.trans != nil && n.trans.Kind != Cut {
		l.warn(at(n.transN).warning("slide entry 1: a transition into the first slide is ignored"))
	}
	return t, Transition{Kind: Cut}
}

// compileEntry compiles an entry by what it names. Only a file can make
// several results: a document shows a slide per page.
func (l *loader) compileEntry(e manifestEntry, n entryNodes, base *overlay) ([]*entryResult, error) {
	var r *entryResult
	var err error
	switch {
	case n.url != nil:
		r, err = l.urlEntry(e, n.url)
	case n.md != nil:
		r, err = l.inlineEntry(e, n.md, base)
	default:
		return l.fileEntry(e, n.file, base)
	}
	if err != nil {
		return nil, err
	}
	return one(r), nil
}

// manifestEntry is one entry's settings.
type manifestEntry struct {
	num                                  int
	typ                                  Kind
	dur, fallback                        time.Duration
	theme, title, notes, background, fit string
	audio, voice                         string
	file, manifest                       string
	// For a document (PDF, office file): the pages shown, and notes
	// page by page when the entry lists them.
	pages     pageRange
	pagesN    *node
	pageNotes []string
}

// entryNodes are the nodes of an entry that its compilation points at.
type entryNodes struct {
	file, md, url *node
	trans         *Transition
	transN        *node
}

// entryResult is one compiled entry, or one page of a document entry
// (whose index is then the page's number).
type entryResult struct {
	part   part
	title  string
	slides []Slide
	steps  []Step
	index  string
}

// parseEntry reads the settings of the slide entry en, number num.
func parseEntry(en *node, num int, at func(*node) pos) (manifestEntry, entryNodes, error) {
	e := manifestEntry{num: num}
	var n entryNodes
	ep := at(en)
	ep.slide = 0
	if en.kind != mapNode {
		return e, n, ep.errorf("slide entry %d must be a mapping (file: ..., duration: ...), not %s", num, en.kindName())
	}
	for i, k := range en.keys {
		v := en.vals[i]
		if k.text == "notes" && v.kind == seqNode {
			notes, err := noteList(v, num, at)
			if err != nil {
				return e, n, err
			}
			e.pageNotes = notes
			continue
		}
		if v.kind != scalarNode {
			return e, n, at(v).errorf("slide entry %d: %q must be a single value, not %s", num, k.text, v.kindName())
		}
		var err error
		switch k.text {
		case "file":
			n.file = v
		case "markdown":
			n.md = v
		case "url":
			n.url = v
		case "type":
			e.typ = Kind(v.text)
			if !contains(entryTypes, v.text) {
				err = fmt.Errorf("unknown type %q (known: %s)", v.text, strings.Join(entryTypes, ", "))
			}
		case "duration":
			e.dur, err = parseDuration(v.text)
		case "transition":
			var t Transition
			t, err = parseTransition(v.text)
			n.trans, n.transN = &t, v
		case "title":
			e.title = v.text
		case "notes":
			e.notes = v.text
		case "background":
			e.background = v.text
			if strings.ContainsAny(v.text, ";{}<>\"\\") {
				err = fmt.Errorf("bad background %q (a CSS colour)", v.text)
			}
		case "fit":
			e.fit = v.text
			if !contains([]string{"contain", "cover"}, v.text) {
				err = fmt.Errorf("bad fit %q (contain or cover)", v.text)
			}
		case "audio":
			e.audio = v.text
		case "voice":
			e.voice = v.text
		case "pages":
			e.pages, err = parsePageRange(v.text)
			e.pagesN = v
		default:
			return e, n, at(k).errorf("slide entry %d: unknown key %q%s (known: %s)", num, k.text, didYouMean(k.text, entryKeys), strings.Join(entryKeys, ", "))
		}
		if err != nil {
			return e, n, at(v).errorf("slide entry %d: %s", num, keyed(k.text, err))
		}
	}
	given := 0
	for _, g := range []*node{n.file, n.md, n.url} {
		if g != nil {
			given++
		}
	}
	if given != 1 {
		return e, n, ep.errorf("slide entry %d needs exactly one of file, markdown or url", num)
	}
	if (e.pagesN != nil || e.pageNotes != nil) && n.file == nil {
		return e, n, ep.errorf("slide entry %d: pages and a list of notes are for a PDF or office file", num)
	}
	return e, n, nil
}

// noteList reads a list of notes, one per page.
func noteList(v *node, num int, at func(*node) pos) ([]string, error) {
	notes := make([]string, 0, len(v.items))
	for _, it := range v.items {
		switch it.kind {
		case scalarNode:
			notes = append(notes, it.text)
		case nullNode:
			notes = append(notes, "")
		default:
			return nil, at(it).errorf("slide entry %d: notes: each item is one page's notes, not %s", num, it.kindName())
		}
	}
	return notes, nil
}

// entryDigest is the entry's settings as written: inline Markdown counts
// slide by slide, as the slides of a Markdown file do; notes, never on a
// page, not at all; nor do pages, so that showing one more page of a PDF
// keeps the keys of the others.
func entryDigest(en *node) string {
	id := newDigest("manifest entry")
	for i, k := range en.keys {
		v := en.vals[i].text
		switch k.text {
		case "notes", "pages", "voice":
			continue
		case "markdown":
			v = ""
		}
		id.add(k.text, v)
	}
	return id.sum()
}

// addEntry appends one compiled entry r to d: its part, its slides (whose
// keys add the entry's settings, entryKey), and its steps, named index
// (and the step's own index after a colon when r has several). Its first
// slide enters with t, which fails at tp when longer than the entry.
func (d *Deck) addEntry(r *entryResult, t Transition, entryKey, index string, ep, tp pos) error {
	if t.Kind != Cut {
		var total time.Duration
		for _, st := range r.steps {
			total += st.Duration
		}
		if t.Duration > total {
			return tp.errorf("slide entry %s: transition %s is longer than the entry (%s)", index, t, total)
		}
	}
	if err := checkCount(len(d.Slides)+len(r.slides), len(d.Steps)+len(r.steps), ep); err != nil {
		return err
	}
	pi := len(d.parts)
	r.part.transition = t
	fix := &entryFix{key: entryKey, trans: t, index: index}
	if r.part.present != nil {
		// Stepped in a browser, the entry's steps are made again.
		r.part.present.entry = fix
	}
	d.parts = append(d.parts, r.part)
	first := len(d.Slides)
	fix.apply(r.slides, r.steps)
	for i := range r.slides {
		r.slides[i].Source = r.part.src
	}
	d.Slides = append(d.Slides, r.slides...)
	for _, st := range r.steps {
		st.part = pi
		st.Slide = first + st.local + 1
		d.Steps = append(d.Steps, st)
	}
	if d.Title == "" && r.title != "" {
		d.Title = r.title
	}
	return nil
}

// entryFix is what a manifest does to the slides and steps of one entry:
// its settings go into every slide's content, its transition brings in its
// first slide, and its index prefixes its steps' indices (see addEntry).
type entryFix struct {
	key   string // the digest of the entry's settings
	trans Transition
	index string
}

// apply does it to slides and steps as the entry compiled them.
func (f *entryFix) apply(slides []Slide, steps []Step) {
	for i := range slides {
		slides[i].content = newDigest("entry slide").add(f.key, slides[i].content).sum()
	}
	if len(slides) > 0 {
		slides[0].Transition = f.trans
	}
	for i := range steps {
		if len(steps) > 1 {
			steps[i].Index = f.index + ":" + steps[i].Index
		} else {
			steps[i].Index = f.index
		}
		if i == 0 {
			steps[i].Transition = f.trans
		}
	}
}

// hold is how long a single-step entry (a page or an image) is shown.
func (e manifestEntry) hold() time.Duration {
	if e.dur > 0 {
		return e.dur
	}
	return e.fallback
}

// single is an entry of one step: a page, an image or a URL. content is
// the digest of what it shows.
func (e manifestEntry) single(p part, title, file string, line int, content string) *entryResult {
	if e.title != "" {
		title = e.title
	}
	s := Slide{Title: title, Duration: e.hold(), Notes: e.notes, Background: e.background, Audio: e.audio, Voice: e.voice, File: file, Line: line, content: content}
	return &entryResult{
		part: p, title: title, slides: []Slide{s},
		steps: []Step{{Index: "1", Title: title, Duration: s.Duration, Notes: e.notes}},
	}
}

func (l *loader) urlEntry(e manifestEntry, n *node) (*entryResult, error) {
	at := pos{file: e.file, line: n.line, col: n.col}
	if !strings.HasPrefix(n.text, "http://") && !strings.HasPrefix(n.text, "https://") {
		return nil, at.errorf("slide entry %d: url %q must start with http:// or https://", e.num, n.text)
	}
	if e.typ != "" && e.typ != HTML {
		return nil, at.errorf("slide entry %d: a url can only be shown as a page (type: html)", e.num)
	}
	return e.single(part{kind: HTML, src: Source{URL: n.text}}, n.text, e.file, n.line, urlContent(n.text)), nil
}

func (l *loader) inlineEntry(e manifestEntry, n *node, base *overlay) (*entryResult, error) {
	if e.typ != "" && e.typ != Markdown {
		return nil, pos{file: e.file, line: n.line, col: n.col}.errorf("slide entry %d: inline markdown cannot have type %s", e.num, e.typ)
	}
	line := n.line
	if n.block {
		line++
	}
	if err := l.charge(len(n.text), pos{file: e.file, line: n.line, col: n.col}); err != nil {
		return nil, err
	}
	mp, err := l.compileMarkdown(e.manifest, n.text, mdOptions{override: e.dur, fallback: e.fallback, theme: e.theme, inline: true, line: line, file: e.file})
	if err != nil {
		return nil, err
	}
	return e.markdownResult(mp, base), nil
}

func (e manifestEntry) markdownResult(mp *mdPart, base *overlay) *entryResult {
	if e.title != "" && len(mp.slides) > 0 {
		mp.slides[0].Title = e.title
		for i := range mp.steps {
			if mp.steps[i].local == 0 {
				mp.steps[i].Title = e.title
			}
		}
	}
	if e.notes != "" && len(mp.slides) > 0 && mp.slides[0].Notes == "" {
		mp.slides[0].Notes = e.notes
		mp.steps[0].Notes = e.notes
	}
	if e.audio != "" && len(mp.slides) > 0 && mp.slides[0].Audio == "" {
		mp.slides[0].Audio = e.audio
	}
	// The entry's voice speaks the slides that name none of their own.
	for i := range mp.slides {
		if mp.slides[i].Voice == "" {
			mp.slides[i].Voice = e.voice
		}
	}
	p := part{kind: Markdown, src: Source{FS: base, Entry: mp.entry}, schedule: mp.schedule}
	return &entryResult{part: p, title: mp.title, slides: mp.slides, steps: mp.steps}
}

func (l *loader) fileEntry(e manifestEntry, n *node, base *overlay) ([]*entryResult, error) {
	at := pos{file: e.file, line: n.line, col: n.col}
	raw := n.text
	if raw == "" {
		return nil, at.errorf("slide entry %d: file is empty", e.num)
	}
	slashed := strings.ReplaceAll(raw, `\`, "/")
	if path.IsAbs(slashed) || (len(raw) > 1 && raw[1] == ':') {
		return nil, at.errorf("slide entry %d: file %s points outside the deck directory (an absolute path); use a path relative to %s", e.num, raw, e.file)
	}
	rel := path.Clean(path.Join(path.Dir(e.manifest), slashed))
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return nil, at.errorf("slide entry %d: file %s points outside the deck directory", e.num, raw)
	}
	st, err := fs.Stat(l.root, rel)
	if err != nil {
		if escapesRoot(err) {
			return nil, at.errorf("slide entry %d: %s", e.num, linkOut("file "+raw))
		}
		return nil, at.errorf("slide entry %d: file %s not found", e.num, raw)
	}
	if st.IsDir() {
		sub, err := fs.Sub(l.root, rel)
		if err != nil {
			return nil, err
		}
		name, err := pickDeckFile(sub, "")
		if err != nil || kindFromName(name) == Manifest {
			return nil, at.errorf("slide entry %d: directory %s has no deck.md or index.html", e.num, raw)
		}
		rel = path.Join(rel, name)
	}
	kind := e.typ
	if kind == "" {
		kind = kindFromName(rel)
	}
	display := l.display(rel)
	read := func() ([]byte, error) {
		src, err := readDeckFile(l.root, rel, display, MaxFileSize)
		switch {
		case err == nil:
			return src, l.charge(len(src), at)
		case escapesRoot(err):
			return nil, at.errorf("slide entry %d: %s", e.num, linkOut("file "+raw))
		}
		var de *Error
		if errors.As(err, &de) {
			return nil, at.errorf("slide entry %d: %s: %s", e.num, raw, de.Msg)
		}
		return nil, at.errorf("slide entry %d: read %s: %v", e.num, raw, unwrapPath(err))
	}
	switch kind {
	case Markdown:
		src, err := read()
		if err != nil {
			return nil, err
		}
		l.warnUTF8(src, display, 0)
		mp, err := l.compileMarkdown(rel, string(src), mdOptions{override: e.dur, fallback: e.fallback, theme: e.theme, file: display})
		if err != nil {
			return nil, err
		}
		return one(e.markdownResult(mp, base)), nil
	case HTML, Reveal, Marp, Impress, Shower, WebSlides, Keyboard:
		src, err := read()
		if err != nil {
			return nil, err
		}
		if e.typ == "" {
			kind = detectFramework(src)
		}
		override := cmp.Or(e.dur, l.opts.SlideDuration)
		opts := revealOptions{override: override, fallback: e.fallback, file: display}
		var rp *revealPart
		switch kind {
		case HTML:
			return one(e.single(part{kind: HTML, src: Source{FS: base, Entry: rel}}, htmlTitle(src), display, 1, pageContent(HTML, rel, src))), nil
		case Reveal:
			rp, err = l.compileReveal(rel, src, opts)
		default:
			rp, err = l.compileFramework(rel, src, kind, opts)
		}
		if err != nil {
			return nil, err
		}
		if e.title != "" {
			rp.slides[0].Title = e.title
			rp.present.title = e.title
		}
		p := rp.part(kind, Source{FS: base, Entry: rel}, l.opts.KeepControls)
		return one(&entryResult{part: p, title: rp.title, slides: rp.slides, steps: rp.steps}), nil
	case Image:
		entry := l.newPage(".html")
		bg := e.background
		if bg == "" {
			bg = "#000"
		}
		fit := e.fit
		if fit == "" {
			fit = "contain"
		}
		var b bytes.Buffer
		err := imageTemplate().Execute(&b, map[string]any{
			"Base": baseHref(rel), "Title": path.Base(rel), "Src": path.Base(rel),
			"Background": template.CSS(bg), "Fit": template.CSS(fit),
		})
		if err != nil {
			return nil, fmt.Errorf("generate the page of %s: %w", display, err)
		}
		l.files[entry] = b.Bytes()
		content, err := imageContent(l.root, rel)
		if err != nil {
			return nil, at.errorf("slide entry %d: read %s: %v", e.num, raw, unwrapPath(err))
		}
		r := e.single(part{kind: Image, src: Source{FS: base, Entry: entry}}, path.Base(rel), display, 0, content)
		r.slides[0].Background = e.background
		return one(r), nil
	case PDF, Office:
		return l.documentEntry(e, kind, rel, display, base)
	}
	return nil, at.errorf("slide entry %d: cannot tell what %s is (add type: %s)", e.num, raw, strings.Join(entryTypes, ", "))
}

func one(r *entryResult) []*entryResult { return []*entryResult{r} }

// imageContent is the content digest of the image at rel in the deck tree,
// read without holding it in memory.
func imageContent(fsys fs.FS, rel string) (string, error) {
	st, err := fs.Stat(fsys, rel)
	if err != nil {
		return "", err
	}
	k := newDigest("image").add(rel)
	if err := k.addFile(fsys, rel, st.Size()); err != nil {
		return "", err
	}
	return k.sum(), nil
}

var imageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("image").Parse(assets.ImageTemplate()))
})

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func didYouMean(w string, known []string) string {
	if s := suggest(w, known); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}
