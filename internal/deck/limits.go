package deck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"
	"unicode/utf8"
)

// Limits on what a deck may hold. A deck comes from anyone (a render
// service, a CI job), so every parser stops at a size, a count and a depth
// that no deck written by a person reaches, with an *Error that says which
// limit and where, instead of taking minutes and gigabytes first.
const (
	// MaxFileSize bounds a Markdown deck and a page (reveal.js or plain)
	// read as a deck: 16 MiB is thousands of slides of text. Images and
	// other files the pages load are not read by the loader and have no
	// limit here.
	MaxFileSize = 16 << 20
	// MaxManifestSize bounds deck.json: 4 MiB holds 10,000 entries with
	// inline Markdown.
	MaxManifestSize = 4 << 20
	// MaxYAMLSize bounds deck.yaml and a Markdown deck's front matter.
	// A YAML manifest of 10,000 entries of a file and a duration is about
	// 400 kB; the YAML parser needs about 250 bytes of memory per token
	// and up to a second per MiB, which cannot be interrupted, so YAML is
	// held to less than JSON.
	MaxYAMLSize = 1 << 20
	// MaxSourceBytes bounds all the deck text the loader reads and
	// compiles for one deck, counting a file or an inline text each time
	// an entry uses it (YAML aliases can name one long text many times).
	MaxSourceBytes = 64 << 20
	// MaxSlides bounds the slides of a deck, all entries of a manifest
	// together: 10,000 slides of the default 5 s are 14 hours of video,
	// and each Markdown slide keeps about 25 kB of generated page.
	MaxSlides = 10_000
	// MaxSteps bounds the steps of a deck (slides and their fragments):
	// ten fragments for every slide of a deck at MaxSlides.
	MaxSteps = 100_000
	// MaxLines bounds the lines of one Markdown file: 100 lines for every
	// slide of a deck at MaxSlides. Each line costs a string header before
	// any slide is read.
	MaxLines = 1_000_000
	// MaxNesting bounds how deep lists and mappings nest in a manifest or
	// front matter. A manifest needs three levels; without a bound a YAML
	// file nested 50,000 deep took 13.6 s and 3.9 GB to be refused by the
	// parser. (HTML is bounded by its parser: 512 open elements.)
	MaxNesting = 100
	// MaxDocumentSize bounds a PDF or an office file (.pptx, .odp) read
	// as a deck: 512 MiB holds hundreds of slides of full-screen photos.
	// It is copied to a temporary file, not held in memory.
	MaxDocumentSize = 512 << 20
	// MaxPageSize bounds the SVG of one PDF page (its images are in it,
	// base64): a page past it is a bomb, not a slide.
	MaxPageSize = 128 << 20
	// MaxZipEntries and MaxZipPart bound an office file's zip: the
	// entries of its directory, and the uncompressed bytes read from one
	// part (a slide's or notes' XML), since a zip's stated sizes can lie.
	MaxZipEntries = 20_000
	MaxZipPart    = 16 << 20
	// OfficeTimeout bounds one LibreOffice conversion to PDF; PageTimeout
	// one page's conversion to SVG, and the read of a PDF's outline and
	// text. A file that takes longer is refused as too complex.
	OfficeTimeout = 3 * time.Minute
	PageTimeout   = time.Minute
)

// readDeckFile reads the deck file name in fsys, refusing one larger than
// limit with an *Error (file names it); other errors are the file
// system's (see readError).
func readDeckFile(fsys fs.FS, name, file string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > limit {
		return nil, tooLarge(file, st.Size(), limit)
	}
	// The size can change, or not be known (a FIFO): read one byte past
	// the limit to tell.
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, tooLarge(file, int64(len(b)), limit)
	}
	return b, nil
}

func tooLarge(file string, size, limit int64) *Error {
	more := ""
	if size > limit+1 {
		more = fmt.Sprintf(" (%s)", formatBytes(size))
	}
	return &Error{File: file, Msg: fmt.Sprintf("file is too large%s: a deck file may have at most %s", more, formatBytes(limit))}
}

func formatBytes(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}

// readError is the *Error of a deck file that readDeckFile could not read.
func readError(file string, err error) *Error {
	var de *Error
	if errors.As(err, &de) {
		return de
	}
	if escapesRoot(err) {
		return &Error{File: file, Msg: "the file is a symbolic link out of the deck's directory, which deckreel does not serve: name the file it points to, or copy it into the directory"}
	}
	return &Error{File: file, Msg: fmt.Sprintf("read: %v", unwrapPath(err))}
}

// escapesRoot reports whether err is os.Root refusing a path that leaves
// the deck's directory, through a symbolic link or "..". The os package
// does not export that error, only its text.
func escapesRoot(err error) bool {
	for err != nil {
		if err.Error() == "path escapes from parent" {
			return true
		}
		err = errors.Unwrap(err)
	}
	return false
}

// linkOut is the message for what is refused because it is a symbolic link
// out of the deck's directory: the page server, like the loader, serves
// only that directory.
func linkOut(what string) string {
	return what + ": links out of the deck's directory are not served (copy the file into the directory)"
}

// charge counts n more bytes of deck text read for the deck, at p, and
// fails past MaxSourceBytes or once ctx is done.
func (l *loader) charge(n int, p pos) error {
	if err := l.ctx.Err(); err != nil {
		return err
	}
	l.read += int64(n)
	if l.read > MaxSourceBytes {
		return p.errorf("the deck's files and inline texts come to more than %s, deckreel's limit for one deck", formatBytes(MaxSourceBytes))
	}
	return nil
}

// checkCount fails when a deck has more than MaxSlides slides or MaxSteps
// steps; p is where the one past the limit starts.
func checkCount(slides, steps int, p pos) error {
	switch {
	case slides > MaxSlides:
		return p.errorf("more than %d slides, deckreel's limit for one deck: split it into several videos", MaxSlides)
	case steps > MaxSteps:
		return p.errorf("more than %d steps (slides and fragments), deckreel's limit for one deck: split it into several videos", MaxSteps)
	}
	return nil
}

// warnUTF8 warns when src, the deck file file, is not valid UTF-8: deckreel
// reads decks as UTF-8, so a Latin-1 file shows garbled text (its titles,
// its slides) without stopping the render. lineOffset is added to the line
// (for text that starts below line 1).
func (l *loader) warnUTF8(src []byte, file string, lineOffset int) {
	if utf8.Valid(src) {
		return
	}
	line, col := 1, 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			l.warn(pos{file: file, line: line + lineOffset, col: col}.warning(
				"not valid UTF-8 (byte 0x%02x): deckreel reads decks as UTF-8, so some text will look garbled; save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)", src[i]))
			return
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
}

// checkContext is called for every item by loops over many cheap items (the
// values of a JSON manifest), and checks ctx every 256th, so that
// cancelling a load takes effect in milliseconds however large the deck.
// Loops over slides check ctx for every slide.
func checkContext(ctx context.Context, i int) error {
	if i%256 != 0 {
		return nil
	}
	return ctx.Err()
}
