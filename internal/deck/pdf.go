package deck

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"github.com/deckreel/deckreel/internal/proc"
)

// A PDF deck is one slide per page. Each page is converted once, by
// poppler's pdftocairo, to an SVG that Chrome draws as vectors at the
// output size (text and shapes stay sharp at any size, the page's images
// keep their own resolution), and is then shown as a manifest shows an
// image: so segments, transitions, keys and jobs see ordinary image
// slides. pdftohtml reads the outline and each page's first line of text,
// for the slides' titles. The pages are kept in the conversion cache by
// the PDF's content hash, so a second load (a job's shard, a resume) only
// hashes the file.

// pdfFormat names the layout of a cached conversion; a deckreel that
// converts differently uses a new one.
const pdfFormat = "pdf-1"

// pdfPage is one converted page.
type pdfPage struct {
	Title string `json:"title,omitempty"` // from the outline
	Text  string `json:"text,omitempty"`  // its first line of text
}

// pdfDoc is a PDF converted into pages: page n (1-based) is the SVG at
// dir/page-n.svg in the deck's tree.
type pdfDoc struct {
	dir   string // slash path under generatedDir where the pages are mounted
	tree  fs.FS  // the conversion's directory
	Pages []pdfPage
}

// svg is the tree path of page n's SVG.
func (p *pdfDoc) svg(n int) string { return p.dir + "/" + pageFile(n) }

func pageFile(n int) string { return "page-" + strconv.Itoa(n) + ".svg" }

// openPDF converts the PDF name of fsys (file in messages) into pages, or
// finds them in the cache, and mounts them in the deck's tree.
func (l *loader) openPDF(fsys fs.FS, name, file string) (*pdfDoc, error) {
	tmp, err := l.scratch()
	if err != nil {
		return nil, err
	}
	in := filepath.Join(tmp, "in.pdf")
	sum, err := copyHashed(fsys, name, file, in)
	if err != nil {
		return nil, err
	}
	dir, err := l.cached(pdfFormat, sum, func(out string) error { return convertPDF(l.ctx, in, file, out) })
	if err != nil {
		return nil, err
	}
	doc := &pdfDoc{dir: generatedDir + "/pdf/" + sum[:20]}
	meta, err := os.ReadFile(filepath.Join(dir, "pages.json"))
	if err == nil {
		err = json.Unmarshal(meta, &doc.Pages)
	}
	if err != nil {
		return nil, fmt.Errorf("read the converted pages of %s in %s: %w", file, dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open the converted pages of %s: %w", file, err)
	}
	l.closers = append(l.closers, root)
	doc.tree = root.FS()
	if l.mounts == nil {
		l.mounts = map[string]fs.FS{}
	}
	l.mounts[doc.dir] = doc.tree
	return doc, nil
}

// convertPDF writes the pages of the PDF in (file in messages) into out:
// page-n.svg for every page and pages.json with their titles and text.
func convertPDF(ctx context.Context, in, file, out string) error {
	pages, err := readPDFText(ctx, in, file)
	if err != nil {
		return err
	}
	if len(pages) == 0 {
		return &Error{File: file, Msg: "the PDF has no pages"}
	}
	if len(pages) > MaxSlides {
		return &Error{File: file, Msg: fmt.Sprintf("%d pages, more than %d, deckreel's limit for one deck", len(pages), MaxSlides)}
	}
	// One pdftocairo per page: its SVG output holds one page. Two at a
	// time is what a render's machine spares while it loads.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(2)
	for n := 1; n <= len(pages); n++ {
		g.Go(func() error { return convertPage(gctx, in, file, n, filepath.Join(out, pageFile(n))) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	meta, err := json.Marshal(pages)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "pages.json"), meta, 0o644)
}

// convertPage writes page n of the PDF in as SVG to dst, drawn on white
// paper as every PDF viewer draws it (cairo leaves the page transparent,
// and the slide's page shows black around a page of another shape).
func convertPage(ctx context.Context, in, file string, n int, dst string) error {
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer f.Close()
	limit := &bounded{w: f, limit: MaxPageSize}
	w := &paper{w: limit}
	page := strconv.Itoa(n)
	_, err = tool{file: file, name: "pdftocairo", args: []string{"-svg", "-f", page, "-l", page, in, "-"},
		stdout: w, timeout: PageTimeout}.run(ctx)
	switch {
	case errors.Is(err, errMissingTool):
		return missingPoppler(file)
	case limit.over:
		return &Error{File: file, Slide: n, Msg: fmt.Sprintf("page %d is larger than %s as SVG, deckreel's limit for one page", n, formatBytes(MaxPageSize))}
	case err != nil:
		return err
	case !w.done:
		return fmt.Errorf("convert %s: page %d: pdftocairo wrote no SVG", file, n)
	}
	return f.Close()
}

// paper inserts a white rectangle as the first thing an SVG draws, right
// after its <svg ...> start tag.
type paper struct {
	w    io.Writer
	head []byte // the output up to the start tag's end, while looking for it
	done bool
}

var svgStart = regexp.MustCompile(`<svg[^>]*>`)

func (p *paper) Write(b []byte) (int, error) {
	if p.done {
		return p.w.Write(b)
	}
	p.head = append(p.head, b...)
	loc := svgStart.FindIndex(p.head)
	if loc == nil {
		if len(p.head) > 64<<10 {
			return 0, errors.New("no <svg> start tag in the first 64 KiB")
		}
		return len(b), nil
	}
	p.done = true
	out := append(append(append([]byte{}, p.head[:loc[1]]...), `<rect width="100%" height="100%" fill="#fff"/>`...), p.head[loc[1]:]...)
	if _, err := p.w.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}

// pdfXML is what pdftohtml -xml prints: text by page, then the outline.
type pdfXML struct {
	Pages []struct {
		Number int       `xml:"number,attr"`
		Text   []pdfText `xml:"text"`
	} `xml:"page"`
	Outline *pdfOutline `xml:"outline"`
}

// pdfText is one run of text of a page, in pdftohtml's markup.
type pdfText struct {
	Top   int    `xml:"top,attr"`
	Inner string `xml:",innerxml"`
}

type pdfOutline struct {
	Items []struct {
		Page int    `xml:"page,attr"`
		Text string `xml:",chardata"`
	} `xml:"item"`
	Outlines []*pdfOutline `xml:"outline"`
}

// maxPDFText bounds what pdftohtml may print for the titles: the text of
// every page, which a deck of slides keeps short.
const maxPDFText = 64 << 20

// readPDFText reads every page's outline title (the first entry that
// points at it, outer levels first) and first line of text.
func readPDFText(ctx context.Context, in, file string) ([]pdfPage, error) {
	var out strings.Builder
	limit := &bounded{w: &out, limit: maxPDFText}
	_, err := tool{file: file, name: "pdftohtml", args: []string{"-xml", "-i", "-q", "-nodrm", "-stdout", in},
		stdout: limit, timeout: PageTimeout}.run(ctx)
	switch {
	case errors.Is(err, errMissingTool):
		return nil, missingPoppler(file)
	case limit.over:
		return nil, &Error{File: file, Msg: fmt.Sprintf("the PDF has more than %s of text, deckreel's limit for one deck", formatBytes(maxPDFText))}
	case err != nil:
		return nil, notPDF(file, err)
	}
	pages, err := parsePDFXML(out.String())
	if err != nil {
		return nil, fmt.Errorf("convert %s: read pdftohtml's text: %w", file, err)
	}
	return pages, nil
}

// parsePDFXML reads pdftohtml's XML. A PDF's text can hold what XML may
// not (control characters, broken UTF-8), which pdftohtml passes through:
// those are dropped first.
func parsePDFXML(s string) ([]pdfPage, error) {
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xfffe || r == 0xffff {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	var x pdfXML
	dec := xml.NewDecoder(strings.NewReader(s))
	dec.Strict = false
	if err := dec.Decode(&x); err != nil {
		return nil, err
	}
	pages := make([]pdfPage, len(x.Pages))
	for i, p := range x.Pages {
		pages[i].Text = topLine(p.Text)
	}
	outlineTitles(x.Outline, pages)
	return pages, nil
}

// topLine joins the texts of the page's topmost line: pdftohtml cuts a
// line where its font changes.
func topLine(texts []pdfText) string {
	var words []string
	for _, t := range texts {
		s := strings.TrimSpace(stripTags(t.Inner))
		if s == "" {
			continue
		}
		if len(words) > 0 && abs(t.Top-texts[0].Top) > 4 {
			break
		}
		words = append(words, s)
	}
	return strings.Join(words, " ")
}

var tags = regexp.MustCompile(`<[^>]*>`)

// stripTags is the text of pdftohtml's markup (<b>, <i>, <a>) with its
// entities decoded.
func stripTags(s string) string {
	s = tags.ReplaceAllString(s, "")
	r := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&apos;", "'")
	return r.Replace(s)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// outlineTitles gives each page the title of the first outline item that
// points at it, breadth first: a section's entry beats its subsections'.
func outlineTitles(o *pdfOutline, pages []pdfPage) {
	level := []*pdfOutline{o}
	for len(level) > 0 {
		var next []*pdfOutline
		for _, o := range level {
			if o == nil {
				continue
			}
			for _, it := range o.Items {
				t := strings.Join(strings.Fields(it.Text), " ")
				if it.Page >= 1 && it.Page <= len(pages) && pages[it.Page-1].Title == "" && t != "" {
					pages[it.Page-1].Title = t
				}
			}
			next = append(next, o.Outlines...)
		}
		level = next
	}
}

func missingPoppler(file string) *Error {
	return &Error{File: file, Msg: "reading a PDF needs poppler's pdftocairo and pdftohtml, which are not installed: apt-get install --no-install-recommends poppler-utils (or run .ci/install-deps.sh)"}
}

func notPDF(file string, err error) *Error {
	return &Error{File: file, Msg: fmt.Sprintf("cannot read it as a PDF: %v", err)}
}

// copyHashed copies the file name of fsys (file in messages) to dst,
// refusing one past MaxDocumentSize, and returns its SHA-256 in hex.
func copyHashed(fsys fs.FS, name, file, dst string) (string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return "", readError(file, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > MaxDocumentSize {
		return "", tooLarge(file, st.Size(), MaxDocumentSize)
	}
	out, err := os.Create(dst)
	if err != nil {
		return "", err
	}
	defer out.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(f, MaxDocumentSize+1))
	if err != nil {
		return "", readError(file, err)
	}
	if n > MaxDocumentSize {
		return "", tooLarge(file, n, MaxDocumentSize)
	}
	return fmt.Sprintf("%x", h.Sum(nil)), out.Close()
}

// scratch is the load's temporary directory, made on first use and
// removed by Deck.Close (or when the load fails).
func (l *loader) scratch() (string, error) {
	if l.tmp != "" {
		return l.tmp, nil
	}
	// What a killed render left goes first.
	scratchDirs().Sweep(os.TempDir())
	dir, err := os.MkdirTemp("", scratchDirs().Pattern())
	if err != nil {
		return "", fmt.Errorf("make a directory to convert the deck in: %w", err)
	}
	l.tmp = dir
	l.closers = append(l.closers, removeDir(dir))
	return dir, nil
}

// scratchDirs are the loads' temporary directories:
// "deckreel-convert-host-1234~5678" (proc.Tag and MkdirTemp's digits).
func scratchDirs() proc.Leftovers { return proc.Leftovers{Prefix: "deckreel-convert-", Dir: true} }

// newConversions are conversions under way in the cache, renamed into
// place when done: ".new-host-1234~5678".
func newConversions() proc.Leftovers { return proc.Leftovers{Prefix: ".new-", Dir: true} }

type removeDir string

func (d removeDir) Close() error { return os.RemoveAll(string(d)) }

// cached returns the directory holding the conversion of the content sum
// in format, running convert into a new directory when the cache has none.
// The cache is os.UserCacheDir()/deckreel; a conversion appears there
// whole (renamed into place once complete) or not at all, so renders in
// parallel may share it. Without a usable cache the conversion goes into
// the load's scratch directory.
func (l *loader) cached(format, sum string, convert func(out string) error) (string, error) {
	base := ""
	if c, err := os.UserCacheDir(); err == nil {
		base = filepath.Join(c, "deckreel", format)
		if os.MkdirAll(base, 0o755) != nil {
			base = ""
		}
	}
	if base == "" {
		tmp, err := l.scratch()
		if err != nil {
			return "", err
		}
		base = filepath.Join(tmp, format)
		if err := os.MkdirAll(base, 0o755); err != nil {
			return "", err
		}
	}
	dir := filepath.Join(base, sum)
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return dir, nil
	}
	newConversions().Sweep(base)
	tmp, err := os.MkdirTemp(base, newConversions().Pattern())
	if err != nil {
		return "", fmt.Errorf("convert: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := convert(tmp); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another render finished the same conversion first.
		if st, serr := os.Stat(dir); serr == nil && st.IsDir() {
			return dir, nil
		}
		return "", fmt.Errorf("convert: keep the result: %w", err)
	}
	return dir, nil
}
