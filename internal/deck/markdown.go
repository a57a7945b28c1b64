package deck

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
)

// A Markdown deck is a file of slides separated by lines that are exactly
// "---" (outside fenced code), with optional YAML front matter, directives in
// HTML comments and speaker notes after a "Note:" line:
//
//	---
//	title: My talk
//	theme: dark
//	duration: 5s
//	transition: fade 500ms
//	---
//	# First slide
//	<!-- duration: 8s -->
//	Note: said, never shown.
//	---
//	# Second slide
//
// Because "---" separates slides, a Setext heading underlined with dashes is
// not available; use "## Heading" instead (and "***" for a rule).

// directives lists the known per-slide directives, in the order error
// messages list them.
var directives = []string{"duration", "transition", "background", "audio", "voice", "fragment", "build", "class", "title"}

// frontKeys are the front-matter keys a Markdown deck understands. Others
// draw a warning, not an error: front matter is often shared with other
// tools (static site generators). A deck whose front matter says marp: true
// is Marp's, not ours: see marp.go.
var frontKeys = []string{"title", "theme", "size", "fps", "duration", "transition", "footer", "paginate", "highlight", "lang", "voice", "lead-in", "tail"}

// rawSlide is the source of one slide: its lines and the 1-based line number
// of the first.
type rawSlide struct {
	lines []string
	line  int
}

// splitDeck splits a Markdown deck into its front matter and slides.
func splitDeck(src string, file string) (front *rawSlide, slides []rawSlide, err error) {
	src = strings.TrimPrefix(src, "\ufeff")
	src = strings.ReplaceAll(src, "\r\n", "\n")
	if n := strings.Count(src, "\n"); n >= MaxLines {
		return nil, nil, pos{file: file, line: MaxLines + 1}.errorf("more than %d lines, deckreel's limit for one Markdown file: split the deck", MaxLines)
	}
	lines := strings.Split(src, "\n")
	i := 0
	if len(lines) > 0 && strings.TrimRight(lines[0], " \t") == "---" {
		end := -1
		for j := 1; j < len(lines); j++ {
			if t := strings.TrimRight(lines[j], " \t"); t == "---" || t == "..." {
				end = j
				break
			}
		}
		if end < 0 {
			return nil, nil, pos{file: file, line: 1}.errorf("front matter is not closed: add a line \"---\" after it")
		}
		front = &rawSlide{lines: lines[1:end], line: 2}
		i = end + 1
	}
	cur := rawSlide{line: i + 1}
	var fence fenceState
	for ; i < len(lines); i++ {
		l := lines[i]
		if !fence.in() && strings.TrimRight(l, " \t") == "---" {
			slides = append(slides, cur)
			cur = rawSlide{line: i + 2}
			continue
		}
		fence.feed(l)
		cur.lines = append(cur.lines, l)
	}
	slides = append(slides, cur)
	// Separators at the very start or end leave blank slides nobody means.
	for len(slides) > 0 && blank(slides[len(slides)-1].lines) {
		slides = slides[:len(slides)-1]
	}
	for len(slides) > 0 && blank(slides[0].lines) {
		slides = slides[1:]
	}
	if len(slides) > MaxSlides {
		return nil, nil, checkCount(len(slides), 0, pos{file: file, line: slides[MaxSlides].line, slide: MaxSlides + 1})
	}
	return front, slides, nil
}

func blank(lines []string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			return false
		}
	}
	return true
}

// fenceState tracks fenced code blocks (``` or ~~~) line by line.
type fenceState struct {
	char byte
	n    int
}

var fenceRE = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})")

func (f *fenceState) in() bool { return f.n > 0 }

// feed reports whether line is part of a fence (its opening, body or close).
func (f *fenceState) feed(line string) bool {
	m := fenceRE.FindStringSubmatch(line)
	if f.n == 0 {
		if m != nil && !(m[1][0] == '`' && strings.Contains(line[len(m[0]):], "`")) {
			f.char, f.n = m[1][0], len(m[1])
			return true
		}
		return false
	}
	if m != nil && m[1][0] == f.char && len(m[1]) >= f.n && strings.TrimSpace(line[len(m[0]):]) == "" {
		f.n = 0
	}
	return true
}

// maskCodeSpans blanks the inside of `code spans` on a line, so that a
// comment shown as code is not read as a directive.
func maskCodeSpans(line string) string {
	b := []byte(line)
	for i := 0; i < len(b); {
		if b[i] != '`' {
			i++
			continue
		}
		n := 0
		for i+n < len(b) && b[i+n] == '`' {
			n++
		}
		fence := strings.Repeat("`", n)
		end := strings.Index(line[i+n:], fence)
		if end < 0 {
			i += n
			continue
		}
		for j := i + n; j < i+n+end; j++ {
			b[j] = ' '
		}
		i += 2*n + end
	}
	return string(b)
}

// directive is one key: value found in an HTML comment.
type directive struct {
	key, value string
	bare       bool // written without a colon: <!-- build -->
	line       int
}

var (
	directiveLine = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_-]*)\s*(?::\s*(.*?))?\s*$`)
	notesLine     = regexp.MustCompile(`(?i)^notes?:\s*(.*)$`)
)

// fragmentMarker replaces a <!-- fragment --> directive in the Markdown
// given to goldmark, which parses it as an HTML block.
const fragmentMarker = "<!--deckreel:fragment-->"

// scannedSlide is a slide's Markdown with directives taken out and notes
// split off.
type scannedSlide struct {
	content    string // Markdown; same line count as the slide up to the notes
	notes      string
	directives []directive
}

// scanSlide finds a slide's directives and speaker notes. Line numbers stay
// those of the file: a directive comment is blanked, not removed.
func scanSlide(rs rawSlide, p pos) (scannedSlide, error) {
	var out scannedSlide
	lines := append([]string(nil), rs.lines...)
	var fence fenceState
	notesAt := -1
	for i := 0; i < len(lines); i++ {
		if fence.feed(lines[i]) {
			continue
		}
		if notesAt < 0 && notesLine.MatchString(strings.TrimSpace(lines[i])) {
			notesAt = i
		}
		// Comments, possibly spanning lines. i moves to the comment's last
		// line when it spans several.
		for col := 0; ; {
			start := strings.Index(maskCodeSpans(lines[i])[col:], "<!--")
			if start < 0 {
				break
			}
			start += col
			endLine, endCol := i, -1
			if e := strings.Index(lines[i][start+4:], "-->"); e >= 0 {
				endCol = start + 4 + e
			} else {
				for j := i + 1; j < len(lines); j++ {
					if e := strings.Index(lines[j], "-->"); e >= 0 {
						endLine, endCol = j, e
						break
					}
				}
			}
			at := pos{file: p.file, line: rs.line + i, slide: p.slide}
			if endCol < 0 {
				return out, at.errorf("HTML comment is not closed (missing -->)")
			}
			var body string
			if endLine == i {
				body = lines[i][start+4 : endCol]
			} else {
				parts := append([]string{lines[i][start+4:]}, lines[i+1:endLine]...)
				body = strings.Join(append(parts, lines[endLine][:endCol]), "\n")
			}
			ds, err := parseDirectives(body, at)
			if err != nil {
				return out, err
			}
			if ds == nil { // an ordinary comment stays
				i, col = endLine, endCol+3
				continue
			}
			alone := strings.TrimSpace(lines[i][:start]) == "" && strings.TrimSpace(lines[endLine][endCol+3:]) == ""
			replacement := ""
			for _, d := range ds {
				if d.key != "fragment" {
					continue
				}
				if !alone || len(ds) > 1 {
					return out, at.errorf("<!-- fragment --> must be on a line of its own")
				}
				if notesAt >= 0 {
					return out, at.errorf("<!-- fragment --> after the speaker notes")
				}
				replacement = fragmentMarker
			}
			out.directives = append(out.directives, ds...)
			// Blank the comment, keeping the line count.
			if endLine == i {
				lines[i] = lines[i][:start] + replacement + lines[i][endCol+3:]
				col = start + len(replacement)
				continue
			}
			lines[i] = lines[i][:start] + replacement
			for j := i + 1; j < endLine; j++ {
				lines[j] = ""
			}
			lines[endLine] = lines[endLine][endCol+3:]
			i, col = endLine, 0
		}
	}
	if notesAt >= 0 {
		m := notesLine.FindStringSubmatch(strings.TrimSpace(lines[notesAt]))
		notes := append([]string{m[1]}, lines[notesAt+1:]...)
		out.notes = strings.TrimSpace(strings.Join(notes, "\n"))
		lines = lines[:notesAt]
	}
	out.content = strings.Join(lines, "\n")
	return out, nil
}

// parseDirectives reads the text of an HTML comment. It returns nil for an
// ordinary comment. A comment is a directive when its lines are all
// "key: value" with a lowercase key, or it is a single known bare word
// (<!-- build -->); a bare word one typo away from a directive is reported.
func parseDirectives(body string, at pos) ([]directive, error) {
	if strings.TrimSpace(body) == "" {
		return nil, nil
	}
	var out []directive
	first := true // the first line with text decides what the comment is
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		lineAt := pos{file: at.file, line: at.line + i, slide: at.slide}
		m := directiveLine.FindStringSubmatch(l)
		colon := strings.Contains(l, ":")
		if m == nil || (colon && strings.ToLower(m[1]) != m[1]) {
			if first {
				return nil, nil
			}
			return nil, lineAt.errorf("comment mixes directives with other text: %q", l)
		}
		key := m[1]
		if !colon && isKnown(strings.ToLower(key)) {
			key = strings.ToLower(key) // <!-- Build -->
		}
		d := directive{key: key, value: m[2], bare: !colon, line: lineAt.line}
		if !isKnown(key) {
			s := suggest(key, directives)
			if !colon {
				if s != "" && strings.ToLower(key) == key {
					return nil, lineAt.errorf("unknown directive %q (did you mean %q?)", key, s)
				}
				if first {
					return nil, nil
				}
			}
			if s != "" {
				return nil, lineAt.errorf("unknown directive %q, did you mean %q? (known: %s)", key, s, strings.Join(directives, ", "))
			}
			return nil, lineAt.errorf("unknown directive %q (known: %s)", key, strings.Join(directives, ", "))
		}
		if !colon && key != "fragment" && key != "build" {
			return nil, lineAt.errorf("directive %q needs a value: <!-- %s: ... -->", key, key)
		}
		first = false
		out = append(out, d)
	}
	return out, nil
}

func isKnown(key string) bool {
	for _, k := range directives {
		if k == key {
			return true
		}
	}
	return false
}

// suggest returns the known word within two edits of w, if any.
func suggest(w string, known []string) string {
	w = strings.ToLower(w)
	if len(w) < 3 {
		return ""
	}
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(w, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// slideSettings are a slide's directives, applied.
type slideSettings struct {
	duration   time.Duration // 0: the deck default
	transition *Transition   // nil: the deck default
	background string
	audio      string
	voice      string
	build      bool
	class      string
	title      string
}

var classRE = regexp.MustCompile(`^[A-Za-z0-9_ -]+$`)

func applyDirectives(ds []directive, p pos) (slideSettings, error) {
	var s slideSettings
	seen := map[string]int{}
	for _, d := range ds {
		at := pos{file: p.file, line: d.line, slide: p.slide}
		if first, ok := seen[d.key]; ok && d.key != "fragment" {
			return s, at.errorf("directive %q given twice (first on line %d)", d.key, first)
		}
		seen[d.key] = d.line
		v := strings.TrimSpace(d.value)
		switch d.key {
		case "duration":
			dur, err := parseDuration(v)
			if err != nil {
				return s, at.errorf("%v", err)
			}
			s.duration = dur
		case "transition":
			t, err := parseTransition(v)
			if err != nil {
				return s, at.errorf("%v", err)
			}
			s.transition = &t
		case "background":
			if v == "" || strings.ContainsAny(v, ";{}<>\"\\") {
				return s, at.errorf("bad background %q (use a colour such as #123 or an image path)", v)
			}
			s.background = v
		case "audio":
			if v == "" {
				return s, at.errorf("directive \"audio\" needs a file")
			}
			s.audio = v
		case "voice":
			if v == "" {
				return s, at.errorf("directive \"voice\" needs a voice name (such as en-us+f3)")
			}
			s.voice = v
		case "fragment":
			if v != "" {
				return s, at.errorf("directive \"fragment\" takes no value")
			}
		case "build":
			switch strings.ToLower(v) {
			case "", "true", "yes", "on":
				s.build = true
			case "false", "no", "off":
				s.build = false
			default:
				return s, at.errorf("bad build %q (use <!-- build --> or build: false)", v)
			}
		case "class":
			if !classRE.MatchString(v) {
				return s, at.errorf("bad class %q (CSS class names separated by spaces)", v)
			}
			s.class = v
		case "title":
			s.title = v
		}
	}
	return s, nil
}

// markdown renders slide Markdown with goldmark: GitHub tables,
// strikethrough, task lists and autolinks; fenced code highlighted by chroma
// with CSS classes (the theme's code style supplies the colours); raw HTML
// passed through, since a deck is its author's own page.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			highlighting.NewHighlighting(
				highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
			),
		),
		goldmark.WithRendererOptions(html.WithUnsafe()),
	)
}

// renderedSlide is one slide's HTML and what was learnt rendering it.
type renderedSlide struct {
	html    template.HTML
	title   string
	text    string // the first line of visible text (see firstText)
	steps   int    // 1 + the number of build steps
	layout  string
	images  []imageRef
	markers []int // lines of fragment markers that were ignored
}

type imageRef struct {
	src  string
	line int
}

var htmlImgRE = regexp.MustCompile(`(?is)<img\s[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)')`)

// renderSlide renders a scanned slide. firstLine is the file line of the
// content's first line.
func renderSlide(md goldmark.Markdown, content string, firstLine int, build bool) (renderedSlide, error) {
	src := []byte(content)
	lineAt := func(off int) int { return firstLine + bytes.Count(src[:min(off, len(src))], []byte("\n")) }
	doc := md.Parser().Parse(text.NewReader(src))
	var out renderedSlide

	// Find the title, images and stray markers.
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch v := n.(type) {
		case *ast.Heading:
			if out.title == "" {
				out.title = plainText(v, src)
			}
		case *ast.Image:
			out.images = append(out.images, imageRef{src: string(v.Destination), line: lineAt(inlineOffset(v, src))})
		case *ast.HTMLBlock:
			if isMarker(v, src) && v.Parent() != doc {
				out.markers = append(out.markers, lineAt(v.Lines().At(0).Start))
			}
			for i := 0; i < v.Lines().Len(); i++ {
				seg := v.Lines().At(i)
				out.images = append(out.images, htmlImages(seg.Value(src), lineAt(seg.Start))...)
			}
		case *ast.RawHTML:
			for i := 0; i < v.Segments.Len(); i++ {
				seg := v.Segments.At(i)
				out.images = append(out.images, htmlImages(seg.Value(src), lineAt(seg.Start))...)
			}
		}
		return ast.WalkContinue, nil
	})

	out.text = firstText(doc, src)

	// Assign steps: blocks after the k-th fragment marker appear at step k;
	// in a build slide each item of a top-level list is a step of its own.
	type block struct {
		n    ast.Node
		step int
	}
	var blocks []block
	step := 0
	kinds := map[string]int{}
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		if hb, ok := c.(*ast.HTMLBlock); ok && isMarker(hb, src) {
			step++
			continue
		}
		if l, ok := c.(*ast.List); ok && build {
			for it := l.FirstChild(); it != nil; it = it.NextSibling() {
				step++
				it.SetAttributeString("data-step", fmt.Sprint(step))
			}
			blocks = append(blocks, block{c, 0})
			kinds["list"]++
			continue
		}
		blocks = append(blocks, block{c, step})
		switch v := c.(type) {
		case *ast.Heading:
			if v.Level == 1 {
				kinds["h1"]++
			}
			kinds["heading"]++
		case *ast.Paragraph:
			if hasImage(v) {
				kinds["image"]++
			}
			kinds["paragraph"]++
		default:
			kinds["other"]++
		}
	}
	out.steps = step + 1
	// A slide of a level-1 heading and a few short lines is a title slide.
	if kinds["h1"] == 1 && kinds["other"] == 0 && kinds["list"] == 0 && kinds["image"] == 0 &&
		kinds["heading"]+kinds["paragraph"] <= 4 && len(blocks) > 0 {
		if h, ok := blocks[0].n.(*ast.Heading); ok && h.Level == 1 {
			out.layout = "title"
		}
	}

	var buf bytes.Buffer
	open := 0
	for _, b := range blocks {
		if b.step != open {
			if open > 0 {
				buf.WriteString("</div>\n")
			}
			if b.step > 0 {
				fmt.Fprintf(&buf, "<div class=\"step\" data-step=\"%d\">\n", b.step)
			}
			open = b.step
		}
		if p, ok := b.n.(*ast.Paragraph); ok && onlyImages(p) {
			buf.WriteString(`<div class="figure">`)
			if err := md.Renderer().Render(&buf, src, b.n); err != nil {
				return out, err
			}
			buf.WriteString("</div>\n")
			continue
		}
		if err := md.Renderer().Render(&buf, src, b.n); err != nil {
			return out, err
		}
	}
	if open > 0 {
		buf.WriteString("</div>\n")
	}
	out.html = template.HTML(buf.String())
	return out, nil
}

// htmlImages finds the <img src> of raw HTML on a line.
func htmlImages(b []byte, line int) []imageRef {
	var out []imageRef
	for _, m := range htmlImgRE.FindAllSubmatch(b, -1) {
		src := m[1]
		if src == nil {
			src = m[2]
		}
		out = append(out, imageRef{src: string(src), line: line})
	}
	return out
}

func isMarker(n *ast.HTMLBlock, src []byte) bool {
	var b bytes.Buffer
	for i := 0; i < n.Lines().Len(); i++ {
		s := n.Lines().At(i)
		b.Write(s.Value(src))
	}
	return strings.TrimSpace(b.String()) == fragmentMarker
}

func hasImage(n ast.Node) bool {
	found := false
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if _, ok := c.(*ast.Image); ok && entering {
			found = true
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return found
}

// onlyImages reports a paragraph of images (and spaces) only: it is laid out
// as a figure that takes the slide's free height.
func onlyImages(p *ast.Paragraph) bool {
	n := 0
	for c := p.FirstChild(); c != nil; c = c.NextSibling() {
		switch v := c.(type) {
		case *ast.Image:
			n++
		case *ast.Text:
			if !v.SoftLineBreak() && !v.HardLineBreak() && v.Segment.Len() > 0 {
				return false
			}
		default:
			return false
		}
	}
	return n > 0
}

// plainText is the text of an inline tree, without markup.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch v := c.(type) {
		case *ast.Text:
			b.Write(v.Value(src))
			if v.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(v.Value)
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// firstText is the first line of visible text of a slide's document
// without markup: the text of its first block that has any (a heading,
// paragraph, list item, table cell, code block or raw HTML) up to its first
// hard line break; soft breaks are spaces, as the page shows them. Images
// are not text: their alt text is only seen when they fail to load.
func firstText(doc ast.Node, src []byte) string {
	var found string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || n.Type() != ast.TypeBlock {
			return ast.WalkContinue, nil
		}
		switch v := n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			for i := 0; i < v.Lines().Len() && found == ""; i++ {
				seg := v.Lines().At(i)
				found = strings.TrimSpace(string(seg.Value(src)))
			}
		case *ast.HTMLBlock:
			var b bytes.Buffer
			for i := 0; i < v.Lines().Len(); i++ {
				seg := v.Lines().At(i)
				b.Write(seg.Value(src))
			}
			found = htmlText(b.Bytes())
		default:
			if c := n.FirstChild(); c == nil || c.Type() != ast.TypeInline {
				return ast.WalkContinue, nil // a container: look inside
			}
			found = firstLine(n, src)
		}
		if found != "" {
			return ast.WalkStop, nil
		}
		return ast.WalkSkipChildren, nil
	})
	return found
}

// firstLine is the text of a block's inlines up to the first hard line
// break, spaces collapsed.
func firstLine(block ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(block, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch v := c.(type) {
		case *ast.Image:
			return ast.WalkSkipChildren, nil
		case *ast.AutoLink:
			b.Write(v.Label(src))
		case *ast.Text:
			b.Write(v.Value(src))
			if v.HardLineBreak() {
				return ast.WalkStop, nil
			}
			if v.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(v.Value)
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// inlineOffset is the byte offset of an inline node: its first text, or the
// start of its block.
func inlineOffset(n ast.Node, src []byte) int {
	off := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			off = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if off >= 0 {
		return off
	}
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			return p.Lines().At(0).Start
		}
	}
	return 0
}

// localRef resolves a link or image reference written in the file at rel
// (a slash path inside the deck tree) to a slash path inside the tree. ok is
// false for URLs (http:, data:, ...) and anchors; outside is true for a path
// that leaves the tree.
func localRef(rel, ref string) (p string, ok, outside bool) {
	if ref == "" || strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "//") {
		return "", false, false
	}
	u, err := url.Parse(ref)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "", false, false
	}
	q := u.Path
	if q == "" {
		return "", false, false
	}
	if strings.HasPrefix(q, "/") {
		q = path.Clean(q[1:])
	} else {
		q = path.Join(path.Dir(rel), q)
	}
	if q == ".." || strings.HasPrefix(q, "../") {
		return q, true, true
	}
	return q, true, false
}
