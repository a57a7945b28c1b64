package deck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/yuin/goldmark"
)

// Kind is the type of a deck, or of one entry of a manifest.
type Kind string

// The deck types Load understands.
const (
	Markdown Kind = "markdown" // a .md file of slides
	Reveal   Kind = "reveal"   // an .html page that runs reveal.js
	Manifest Kind = "manifest" // deck.yaml or deck.json: an ordered list of sources
	HTML     Kind = "html"     // any other page, shown for a fixed time
	Image    Kind = "image"    // an image file (manifest entries only)
	PDF      Kind = "pdf"      // a PDF: a slide per page
	Office   Kind = "office"   // a .pptx, .odp, .ppt or .key file, converted to PDF by LibreOffice
	// HTML decks run by other frameworks, stepped by deck-driver.js.
	Marp      Kind = "marp"      // Marp's HTML export (marp-cli's bespoke template)
	Impress   Kind = "impress"   // an impress.js page
	Shower    Kind = "shower"    // a Shower page
	WebSlides Kind = "webslides" // a WebSlides page, stepped by keys
	Keyboard  Kind = "keyboard"  // any HTML deck, stepped with ArrowRight until it stops changing
)

// Kinds lists the values Options.InputType accepts.
var Kinds = []Kind{Markdown, Reveal, Manifest, HTML, PDF, Office, Marp, Impress, Shower, WebSlides, Keyboard}

// htmlDeck reports whether k is a deck in an HTML page run by a framework.
func (k Kind) htmlDeck() bool {
	return k == Reveal || k == Marp || k == Impress || k == Shower || k == WebSlides || k == Keyboard
}

// Options changes how Load reads a deck. The zero value reads the deck as
// its author wrote it.
type Options struct {
	// Theme overrides the theme of Markdown slides: "light", "dark" or the
	// path of a CSS file (relative to the working directory).
	Theme string
	// SlideDuration, when set, replaces the deck-wide default slide
	// duration (front matter "duration", the manifest's "duration",
	// reveal.js's autoSlide). A duration set on a slide still wins.
	SlideDuration time.Duration
	// KeepControls keeps reveal.js's controls, progress bar and slide
	// number on screen.
	KeepControls bool
	// InputType forces the deck type instead of detecting it from the path.
	InputType Kind
	// Marp is the Marp converter (marp-cli) that turns a Marp Markdown
	// deck into HTML: a path or a command name; empty: marp on PATH.
	Marp string
	// IgnorePaths are left out of Deck.SharedKey's hash of the deck's
	// files: the job directory and the output video when they are inside
	// the deck's directory, since they change with every render. For Load
	// they are file paths named as the deck's own path is (absolute, or
	// relative to the working directory); for LoadFS, slash paths in its
	// fsys. A directory is left out with everything in it; a path outside
	// the deck's directory changes nothing. The pages can still load them.
	IgnorePaths []string
}

// Deck is a loaded slide deck: its slides, the steps they are presented in
// and, through Segments, the pages a render captures. A Deck loaded from
// disk holds its directory open: call Close when the render is done.
type Deck struct {
	Kind  Kind
	Path  string // the deck file as the caller named it (a directory resolves to its deck file)
	Title string
	Theme string // the theme of Markdown slides: a theme name or a CSS path

	// Width, Height and FPS are what the deck asks for (front matter
	// "size" and "fps", or the manifest); 0 when it does not say, and the
	// caller's defaults apply. A command-line flag should win over them.
	Width, Height, FPS int
	// Output, CRF and Preset are a manifest's encoding settings ("" or 0
	// when not set).
	Output string
	CRF    int
	Preset string

	// Narration is what the deck says about a narrated render (Markdown
	// front matter lang, voice, lead-in, tail; a manifest's lang and voice):
	// zero values leave the narrator's defaults.
	Narration Narration

	Slides []Slide
	// Steps are what the video shows, in order: one per slide, plus one per
	// fragment or build step. Each starts where the one before ends.
	Steps []Step
	// Warnings are problems that do not stop a render, such as a missing
	// image (it renders as a broken image).
	Warnings []Warning

	parts   []part
	closers []io.Closer

	// For SharedKey: the digest of the deck-wide settings, the deck's
	// directory (nil for a remote page) and the paths in it that the
	// slides' keys cover or the caller ignores.
	settings string
	tree     fs.FS
	unkeyed  map[string]bool
}

// Slide is one slide of a deck. In a reveal.js deck every section that is
// shown (a horizontal slide or one slide of a vertical stack) is a slide.
type Slide struct {
	Title      string
	Duration   time.Duration // the slide's steps together
	Transition Transition    // how the slide enters
	Notes      string        // speaker notes; never drawn
	Background string        // a colour or an image path, from the background directive
	Audio      string        // from the audio directive: the slide's narration clip
	Voice      string        // the slide's voice for narrated renders (voice directive, a manifest entry's voice); "" for the deck's
	File       string        // the file the slide comes from, and its line
	Line       int
	Source     Source // the page that shows the slide
	// Key is the hex SHA-256 of what decides the slide's own pixels, apart
	// from what Deck.SharedKey covers: for a Markdown slide, its rendered
	// HTML (its text and directives), number in its page and its page's
	// settings (front matter, theme); for a reveal.js section, its
	// whole page (editing a reveal.js deck changes all of its keys); for a
	// manifest entry, also the entry's settings and, for a page or an
	// image, the file's content; for every slide, its transition and
	// duration. Speaker notes are not in it (no page draws them): a render
	// that burns them in as captions must key them itself. Nor is where
	// the slide is in the deck: two slides of the same text may share a
	// key, and the caller adds positions and timing. A copy of the deck,
	// anywhere, has the same keys.
	Key string

	// content is the digest of the slide's source, which finishKeys turns
	// into Key.
	content string
	// text is the slide's first line of visible text without markup, for
	// ChapterTitle; "" when the slide has none or it is not known (pages,
	// images and URLs are not read for text).
	text string
}

// Narration is a deck's own settings for a narrated render. None of them
// changes a pixel, so none is in a slide's key.
type Narration struct {
	// Lang is the language of the notes (front matter "lang": en, de,
	// fr-fr, ...), which picks the voice when none is named.
	Lang string
	// Voice names the voice to speak with, in the engine's own terms.
	Voice string
	// LeadIn is the silence before a slide's speech, Tail the silence
	// after it before the next slide (front matter "lead-in", "tail").
	LeadIn, Tail time.Duration
}

// Step is one state the video shows: a slide, or a slide with one more
// fragment visible.
type Step struct {
	Slide int // 1-based: Deck.Slides[Slide-1]
	// Index names the step as the deck's author counts: "3", "3 fragment 1"
	// in a Markdown deck, "3.2 fragment 1" in a reveal.js stack; in a
	// manifest, entries with more than one step prefix it: "2:3.1".
	Index      string
	Title      string
	Start      time.Duration
	Duration   time.Duration
	Transition Transition // how this step enters
	Notes      string

	part  int    // index into Deck.parts
	local int    // 0-based slide within the part
	frag  int    // 0 for the slide's first step, then its fragment number
	key   string // a keyboard-stepped deck: the key that brings the step on
}

// End is the time the step ends: the next step's Start.
func (s Step) End() time.Duration { return s.Start + s.Duration }

// Frames returns the first and last frame (inclusive) of the step at fps,
// using FrameAt's rounding. A step shorter than a frame has last < first.
func (s Step) Frames(fps int) (first, last int) {
	return FrameAt(s.Start, fps), FrameAt(s.End(), fps) - 1
}

// Source is what one segment captures: a page inside FS, or a remote URL.
type Source struct {
	// FS is the tree to serve (the deck's directory with deckreel's
	// generated pages on top); nil for a URL.
	FS fs.FS
	// Entry is the slash path inside FS of the page to load.
	Entry string
	// URL is a remote page, when FS is nil.
	URL string
}

// part is a run of slides shown by one page: one segment of the video.
type part struct {
	kind       Kind
	src        Source
	transition Transition // into the part
	schedule   string     // path of the schedule script the page loads; "" for none
	keep       bool       // reveal: keep controls
	// present is set for a page run by a deck framework, whose steps
	// Present records in a browser.
	present *presentable
}

// Duration is the length of the deck: the end of its last step.
func (d *Deck) Duration() time.Duration {
	if len(d.Steps) == 0 {
		return 0
	}
	return d.Steps[len(d.Steps)-1].End()
}

// Frames is the number of frames of the deck's video at fps.
func (d *Deck) Frames(fps int) int { return FrameAt(d.Duration(), fps) }

// Close releases the deck's directory. The Sources of its slides and
// segments must not be used after.
func (d *Deck) Close() error {
	var errs []error
	for _, c := range d.closers {
		errs = append(errs, c.Close())
	}
	d.closers = nil
	return errors.Join(errs...)
}

// Load reads the deck at path. The type comes from opts.InputType or, when
// that is empty, from the path: a .md file is a Markdown deck, deck.yaml,
// .yml or .json a manifest, an .html page that loads reveal.js a reveal.js
// deck and any other .html page a plain page; a directory uses deck.yaml,
// deck.yml, deck.json, deck.md or index.html, the first it has; an http(s)
// URL is a plain remote page.
//
// Problems in the deck are returned as *Error (with the file and line);
// problems that do not stop a render are in Deck.Warnings. The caller must
// Close the deck. Every file and count is bounded (see MaxFileSize and the
// limits after it), so a hostile deck fails fast with an *Error.
func Load(p string, opts Options) (*Deck, error) {
	return LoadContext(context.Background(), p, opts)
}

// LoadContext is Load that stops when ctx is done, within milliseconds at
// any point of the load, and returns ctx's error. A large deck takes
// seconds to compile: this is how SIGINT stops it.
func LoadContext(ctx context.Context, p string, opts Options) (*Deck, error) {
	if err := checkOptions(opts); err != nil {
		return nil, err
	}
	if u, err := url.Parse(p); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		if opts.InputType != "" && opts.InputType != HTML {
			return nil, fmt.Errorf("%s: a remote deck can only be read as a plain page (html), not %s", p, opts.InputType)
		}
		return remoteDeck(p, opts), nil
	}
	st, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &Error{File: p, Msg: "no such file or directory"}
		}
		return nil, err
	}
	dir, name := filepath.Dir(p), filepath.Base(p)
	if st.IsDir() {
		dir = p
		name, err = pickDeckFile(os.DirFS(p), opts.InputType)
		if err != nil {
			return nil, &Error{File: p, Msg: err.Error()}
		}
	}
	ignore, err := ignoredOnDisk(dir, opts.IgnorePaths)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open deck directory: %w", err)
	}
	d, err := load(ctx, root.FS(), name, dir, opts, ignore)
	if err != nil {
		_ = root.Close()
		return nil, err
	}
	d.closers = append(d.closers, root)
	return d, nil
}

// LoadFS reads the deck name (a slash path; "." for the root directory) in
// fsys, which is also the tree its pages are served from, as Load does. It
// is how embedded decks (assets.SampleDeck) are loaded.
func LoadFS(fsys fs.FS, name string, opts Options) (*Deck, error) {
	if err := checkOptions(opts); err != nil {
		return nil, err
	}
	if st, err := fs.Stat(fsys, name); err != nil {
		return nil, &Error{File: name, Msg: "no such file or directory"}
	} else if st.IsDir() {
		sub, err := fs.Sub(fsys, name)
		if err != nil {
			return nil, err
		}
		pick, err := pickDeckFile(sub, opts.InputType)
		if err != nil {
			return nil, &Error{File: name, Msg: err.Error()}
		}
		return load(context.Background(), sub, pick, name, opts, ignoredInFS(path.Clean(name), opts.IgnorePaths))
	}
	// The deck's directory is the root its pages are served from.
	dir := path.Dir(name)
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil, err
	}
	return load(context.Background(), sub, path.Base(name), dir, opts, ignoredInFS(dir, opts.IgnorePaths))
}

// kindList is Kinds for messages.
func kindList() string {
	var names []string
	for _, k := range Kinds {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}

func checkOptions(opts Options) error {
	if opts.InputType != "" {
		ok := false
		for _, k := range Kinds {
			ok = ok || k == opts.InputType
		}
		if !ok {
			return fmt.Errorf("unknown input type %q (known: %s)", opts.InputType, kindList())
		}
	}
	if opts.SlideDuration < 0 || opts.SlideDuration > MaxDuration {
		return fmt.Errorf("slide duration %s is out of range", opts.SlideDuration)
	}
	return nil
}

// deckFiles are the files a directory deck is looked for in, in order.
var deckFiles = []string{"deck.yaml", "deck.yml", "deck.json", "deck.md", "index.html"}

func pickDeckFile(fsys fs.FS, kind Kind) (string, error) {
	for _, n := range deckFiles {
		k := kindFromName(n)
		if kind != "" && k != kind && !(kind.htmlDeck() && k == HTML) {
			continue
		}
		if st, err := fs.Stat(fsys, n); err == nil && !st.IsDir() {
			return n, nil
		}
	}
	return "", fmt.Errorf("no deck here: a deck directory needs one of %s", strings.Join(deckFiles, ", "))
}

// kindFromName guesses a deck's type from its file name; "" when unknown.
// An .html page is HTML until its content says reveal.js.
func kindFromName(name string) Kind {
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown":
		return Markdown
	case ".yaml", ".yml", ".json":
		return Manifest
	case ".html", ".htm", ".xhtml":
		return HTML
	case ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif", ".bmp":
		return Image
	case ".pdf":
		return PDF
	case ".pptx", ".pptm", ".ppsx", ".ppt", ".pps", ".odp", ".key":
		return Office
	}
	return ""
}

// loader reads one deck: its root directory, options and what it has
// generated so far. It lives for one call of load, whose context it holds
// for the loops that check it.
type loader struct {
	ctx      context.Context
	root     fs.FS
	dir      string // the root as the caller named it, to name files in messages
	opts     Options
	md       goldmark.Markdown
	files    map[string][]byte // generated files, slash paths
	warnings []Warning
	pages    int               // generated pages so far, to name them
	styleCSS map[string]string // code-highlighting CSS by style, see codeCSS
	read     int64             // bytes of deck text read and compiled, see charge
	// settings collects the deck-wide settings for SharedKey; keyed are
	// the source files that slide keys cover instead (slash paths).
	settings *digest
	keyed    []string
	// For documents (PDF, office files): the trees of converted pages by
	// where they are mounted, what the deck must close, and the load's
	// temporary directory ("" until needed).
	mounts  map[string]fs.FS
	closers []io.Closer
	tmp     string
}

// display is the name of a file of the deck in messages.
func (l *loader) display(name string) string {
	if l.dir == "" || l.dir == "." {
		return filepath.FromSlash(name)
	}
	return filepath.Join(l.dir, filepath.FromSlash(name))
}

func (l *loader) warn(w Warning) { l.warnings = append(l.warnings, w) }

// newPage returns the path of a new generated page or script.
func (l *loader) newPage(ext string) string {
	l.pages++
	return fmt.Sprintf("%s/%d%s", generatedDir, l.pages, ext)
}

// load reads the deck name in root; ignore are the tree paths of
// Options.IgnorePaths.
func load(ctx context.Context, root fs.FS, name, dir string, opts Options, ignore []string) (*Deck, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l := &loader{ctx: ctx, root: root, dir: dir, opts: opts, files: map[string][]byte{}}
	// Options.Theme counts through the CSS it resolves to, not its path.
	l.settings = newDigest("deck settings").add(strconv.FormatBool(opts.KeepControls), formatDuration(opts.SlideDuration))
	kind := opts.InputType
	if kind == "" {
		kind = kindFromName(name)
	}
	file := l.display(name)
	base := &overlay{base: root}
	d, err := l.compile(kind, name, file, base)
	if err != nil {
		l.closeAll()
		return nil, err
	}
	if len(d.Steps) == 0 {
		l.closeAll()
		return nil, &Error{File: file, Msg: "empty deck: it has no slides"}
	}
	d.closers = append(d.closers, l.closers...)
	d.Path = file
	d.Warnings = append(d.Warnings, l.warnings...)
	d.settings = l.settings.add(string(d.Kind)).sum()
	d.tree = root
	d.unkeyed = map[string]bool{}
	for _, p := range append(l.keyed, ignore...) {
		d.unkeyed[p] = true
	}
	// Narration is sound, which no page draws: the chunks of a job carry
	// none (the join adds it), so re-recording a slide changes no picture.
	for _, s := range d.Slides {
		if s.Audio != "" {
			d.unkeyed[path.Clean(strings.TrimPrefix(filepath.ToSlash(s.Audio), "./"))] = true
		}
	}
	finishKeys(d.Slides)
	// Every part's pages see all the generated files: they share one tree.
	final := base.with(l.files).mount(l.mounts)
	for i := range d.parts {
		if d.parts[i].src.FS == fs.FS(base) {
			d.parts[i].src.FS = final
		}
	}
	for i := range d.Slides {
		if d.Slides[i].Source.FS == fs.FS(base) {
			d.Slides[i].Source.FS = final
		}
	}
	return d, nil
}

// compile reads the deck file name (file in messages) as kind.
func (l *loader) compile(kind Kind, name, file string, base *overlay) (*Deck, error) {
	if kind == PDF || kind == Office {
		// Binary and large: converted from the file, never read whole.
		return l.documentDeck(kind, name, file, base)
	}
	limit := int64(MaxFileSize)
	if kind == Manifest {
		limit = MaxManifestSize
	}
	src, err := readDeckFile(l.root, name, file, limit)
	if err != nil {
		return nil, readError(file, err)
	}
	if err := l.charge(len(src), pos{file: file}); err != nil {
		return nil, err
	}
	switch kind {
	case Markdown:
		if isMarpSource(src) {
			return l.marpDeck(name, src, base)
		}
		return l.markdownDeck(name, src, base)
	case Manifest:
		return l.manifestDeck(name, src, base)
	case Marp:
		if kindFromName(name) == Markdown {
			return l.marpDeck(name, src, base)
		}
		return l.frameworkDeck(name, src, kind, base)
	case HTML, Reveal, Impress, Shower, WebSlides, Keyboard:
		if kind == HTML {
			kind = detectFramework(src)
		}
		switch kind {
		case Reveal:
			return l.revealDeck(name, src, base)
		case HTML:
			return l.pageDeck(name, src, base), nil
		}
		return l.frameworkDeck(name, src, kind, base)
	}
	return nil, &Error{File: file, Msg: "unknown deck type (want a .md, .html, .pdf, .pptx, .odp, deck.yaml or deck.json file, a directory, or --input-type)"}
}

// closeAll closes what a failed load opened.
func (l *loader) closeAll() {
	for _, c := range l.closers {
		_ = c.Close()
	}
	l.closers = nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// remoteDeck is a remote page shown for the slide duration.
func remoteDeck(u string, opts Options) *Deck {
	dur := opts.SlideDuration
	if dur == 0 {
		dur = DefaultSlideDuration
	}
	src := Source{URL: u}
	d := &Deck{
		Kind: HTML, Path: u, Title: u,
		Slides: []Slide{{Title: u, Duration: dur, Transition: Transition{Kind: Cut}, File: u, Source: src, content: urlContent(u)}},
		Steps:  []Step{{Slide: 1, Index: "1", Title: u, Duration: dur, Transition: Transition{Kind: Cut}}},
		parts:  []part{{kind: HTML, src: src, transition: Transition{Kind: Cut}}},
		// Only the page's address is known: what the site serves is not.
		settings: newDigest("remote deck").add(strconv.FormatBool(opts.KeepControls), formatDuration(opts.SlideDuration)).sum(),
	}
	finishKeys(d.Slides)
	return d
}

// urlContent is the content digest of a remote page: its address.
func urlContent(u string) string { return newDigest("url").add(u).sum() }

// pageContent is the content digest of a local page or reveal.js deck at
// rel in the deck tree.
func pageContent(kind Kind, rel string, src []byte) string {
	return newDigest("page").add(string(kind), rel).addBytes(src).sum()
}

// pageDeck is a local page that is not a reveal.js deck, shown for the slide
// duration.
func (l *loader) pageDeck(name string, src []byte, base *overlay) *Deck {
	dur := l.opts.SlideDuration
	if dur == 0 {
		dur = DefaultSlideDuration
	}
	title := htmlTitle(src)
	s := Source{FS: base, Entry: name}
	return &Deck{
		Kind: HTML, Title: title,
		Slides: []Slide{{Title: title, Duration: dur, Transition: Transition{Kind: Cut}, File: l.display(name), Line: 1, Source: s, content: pageContent(HTML, name, src)}},
		Steps:  []Step{{Slide: 1, Index: "1", Title: title, Duration: dur, Transition: Transition{Kind: Cut}}},
		parts:  []part{{kind: HTML, src: s, transition: Transition{Kind: Cut}}},
	}
}

// SetStepDurations gives the steps new durations, one per step in order
// (a narrated render times slides by their speech): every step's start,
// every slide's duration and every slide's key (which holds its duration)
// follow. It fails, changing nothing, when the count is wrong or a
// duration is not positive.
func (d *Deck) SetStepDurations(durs []time.Duration) error {
	if len(durs) != len(d.Steps) {
		return fmt.Errorf("set step durations: %d durations for %d steps", len(durs), len(d.Steps))
	}
	for i, t := range durs {
		if t <= 0 || t > MaxDuration {
			return fmt.Errorf("set step durations: step %s: duration %s is out of range", d.Steps[i].Index, t)
		}
	}
	for i := range d.Slides {
		d.Slides[i].Duration = 0
	}
	for i, t := range durs {
		d.Steps[i].Duration = t
		d.Slides[d.Steps[i].Slide-1].Duration += t
	}
	retime(d.Steps)
	finishKeys(d.Slides)
	return nil
}

// retime sets every step's start from the durations, in order.
func retime(steps []Step) {
	var t time.Duration
	for i := range steps {
		steps[i].Start = t
		t += steps[i].Duration
	}
}
