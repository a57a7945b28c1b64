package deck

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// pageRange is the pages of a document an entry shows, 1-based and
// inclusive; to 0 is the last page, from 0 the first.
type pageRange struct{ from, to int }

// parsePageRange reads "3", "2-4" or "2-" (to the end).
func parsePageRange(s string) (pageRange, error) {
	bad := fmt.Errorf("bad page range %q (a page, 2-4, or 2- for the rest)", s)
	a, b, isRange := strings.Cut(strings.TrimSpace(s), "-")
	from, err := strconv.Atoi(strings.TrimSpace(a))
	if err != nil || from < 1 {
		return pageRange{}, bad
	}
	if !isRange {
		return pageRange{from, from}, nil
	}
	if strings.TrimSpace(b) == "" {
		return pageRange{from, 0}, nil
	}
	to, err := strconv.Atoi(strings.TrimSpace(b))
	if err != nil || to < from {
		return pageRange{}, bad
	}
	return pageRange{from, to}, nil
}

// pages resolves the range against a document of n pages.
func (r pageRange) pages(n int) (from, to int, err error) {
	from, to = max(r.from, 1), r.to
	if to == 0 {
		to = n
	}
	if to > n || from > n {
		return 0, 0, fmt.Errorf("pages %d-%d: the document has %d page%s", from, to, n, plural(n))
	}
	return from, to, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// documentDeck is a PDF or an office file on its own: a slide per page,
// each held for --slide-duration, entered with a cut.
func (l *loader) documentDeck(kind Kind, name, file string, base *overlay) (*Deck, error) {
	fallback := DefaultSlideDuration
	if l.opts.SlideDuration > 0 {
		fallback = l.opts.SlideDuration
	}
	e := manifestEntry{num: 1, fallback: fallback, file: file, manifest: name}
	rs, err := l.documentEntry(e, kind, name, file, base)
	if err != nil {
		return nil, err
	}
	d := &Deck{Kind: kind, Title: strings.TrimSuffix(path.Base(name), path.Ext(name))}
	for _, r := range rs {
		if err := d.addEntry(r, Transition{Kind: Cut}, "", r.index, pos{file: file}, pos{file: file}); err != nil {
			return nil, err
		}
	}
	retime(d.Steps)
	return d, nil
}

// docSlide is what a document tells of one of its slides beyond its page:
// an office file's title and speaker notes.
type docSlide struct{ title, notes, audio string }

// documentEntry is the pages of the document rel (display in messages)
// that entry e shows, one image slide each. An office file is converted
// to PDF first, and its slides' titles and notes come along.
func (l *loader) documentEntry(e manifestEntry, kind Kind, rel, display string, base *overlay) ([]*entryResult, error) {
	// Each page is keyed by what it draws: the file itself is in no key.
	l.keyed = append(l.keyed, rel)
	at := pos{file: e.file}
	if e.pagesN != nil {
		at.line, at.col = e.pagesN.line, e.pagesN.col
	}
	var slides []docSlide
	var doc *pdfDoc
	var err error
	if kind == Office {
		doc, slides, err = l.openOffice(rel, display)
	} else {
		doc, err = l.openPDF(l.root, rel, display)
	}
	if err != nil {
		return nil, err
	}
	from, to, err := e.pages.pages(len(doc.Pages))
	if err != nil {
		return nil, at.errorf("slide entry %d: %v", e.num, err)
	}
	if len(e.pageNotes) > to-from+1 {
		l.warn(at.warning("slide entry %d: %d notes for %d pages: the rest are left out", e.num, len(e.pageNotes), to-from+1))
	}
	var rs []*entryResult
	for n := from; n <= to; n++ {
		if err := l.ctx.Err(); err != nil {
			return nil, err
		}
		var ds docSlide
		if n <= len(slides) {
			ds = slides[n-1]
		}
		if i := n - from; i < len(e.pageNotes) {
			ds.notes = e.pageNotes[i]
		} else if i == 0 && e.notes != "" {
			ds.notes = e.notes
		}
		if n == from {
			// The entry's title and narration belong to its first page.
			ds.audio = e.audio
			if e.title != "" {
				ds.title = e.title
			}
		}
		r, err := l.pageSlide(e, doc, n, ds, display, base, kind == Office)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// pageSlide is page n of doc as an image slide. Its title is the one the
// document gives (ds), else the PDF's outline entry, else its first line
// of text, else "Page n". For an office file the outline is left out:
// LibreOffice's names its slides' bookmarks "Slide n" when they have no
// title, and the slides are called slides.
func (l *loader) pageSlide(e manifestEntry, doc *pdfDoc, n int, ds docSlide, display string, base *overlay, office bool) (*entryResult, error) {
	svg := doc.svg(n)
	bg, fit := e.background, e.fit
	if bg == "" {
		bg = "#000"
	}
	if fit == "" {
		fit = "contain"
	}
	var b bytes.Buffer
	err := imageTemplate().Execute(&b, map[string]any{
		"Base": baseHref(svg), "Title": fmt.Sprintf("%s page %d", filepath.Base(display), n), "Src": path.Base(svg),
		"Background": template.CSS(bg), "Fit": template.CSS(fit),
	})
	if err != nil {
		return nil, fmt.Errorf("generate the page of %s page %d: %w", display, n, err)
	}
	entry := l.newPage(".html")
	l.files[entry] = b.Bytes()
	content, err := docPageContent(doc.tree, pageFile(n))
	if err != nil {
		return nil, fmt.Errorf("read the converted page %d of %s: %w", n, display, err)
	}
	p := doc.Pages[n-1]
	title, unit := ds.title, "Page "
	if office {
		unit = "Slide "
	} else if title == "" {
		title = p.Title
	}
	if title == "" {
		title = clipText(p.Text, chapterTitleMax)
	}
	if title == "" {
		title = unit + strconv.Itoa(n)
	}
	dur := e.hold()
	s := Slide{Title: title, Duration: dur, Notes: ds.notes, Background: e.background, Audio: ds.audio,
		File: display, content: content, text: p.Text}
	return &entryResult{
		part: part{kind: Image, src: Source{FS: base, Entry: entry}}, slides: []Slide{s},
		steps: []Step{{Index: "1", Title: title, Duration: dur, Notes: ds.notes}},
		index: strconv.Itoa(n),
	}, nil
}

// docPageContent is the content digest of a converted page: what it draws,
// not where it is in its document, so a page keeps its key when pages
// are added before it.
func docPageContent(tree fs.FS, name string) (string, error) {
	st, err := fs.Stat(tree, name)
	if err != nil {
		return "", err
	}
	k := newDigest("document page")
	if err := k.addFile(tree, name, st.Size()); err != nil {
		return "", err
	}
	return k.sum(), nil
}
