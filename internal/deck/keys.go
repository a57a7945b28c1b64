package deck

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/deckreel/deckreel/assets"
)

// Content keys let a render keep the video of the slides that did not
// change. What a stretch of video shows is decided by the deck's shared key
// (Deck.SharedKey: the settings and files that any slide can show), the keys
// of the slides it shows (Slide.Key: each slide's own source) and the
// timeline and render settings, which the caller adds, with the slides'
// positions. Keys hash content and paths relative to the deck's directory,
// never where the directory is, so a copy of a deck has the keys of the
// original, in any process.
//
// What goes where:
//
//   - A Markdown slide's key is what its page is given for it: its rendered
//     HTML, class and background (so its text and directives, but not the
//     blank lines around it), its number in its page (a theme can style a
//     slide by it; with paginate, the page's slide count too) and its
//     page's settings (front matter, theme and code CSS). The Markdown file
//     itself is left out of the shared files, so editing one slide changes
//     that slide's key alone.
//   - Speaker notes are in no key: no page draws them. A render that burns
//     them into the frames as captions (--captions burn) must add them to
//     its own keys; internal/render does.
//   - A reveal.js section's key is its whole page: sections are not read
//     statically enough to split, so editing a reveal.js deck changes every
//     one of its slides.
//   - A manifest entry's slides add the entry's own settings (every key but
//     the inline Markdown, whose slides count as Markdown slides), and a
//     page or image entry the file's content. The manifest is left out of
//     the shared files; its deck-wide settings are in the shared key.
//   - A PDF page's key is its converted SVG (what it draws, not its page
//     number), and the PDF or office file is left out of the shared files:
//     editing one page of a deck changes that page's key alone, if the
//     converter draws the other pages as before (poppler and LibreOffice do).
//   - Every other file in the deck's directory (images, CSS, scripts, pages
//     and reveal.js decks, which another page may load) is in the shared
//     key: editing one changes all of the deck's video. Hidden files and
//     directories (".git", names starting with ".") and
//     Options.IgnorePaths are left out, as the snapshot of a job leaves them out;
//     a linked directory counts by its name only.
//
// A page that loads a deck's Markdown source at run time (reveal.js's
// Markdown plugin with data-markdown="file.md") is not seen to depend on it,
// and a remote page (a URL) is keyed by its address, not what it serves.

// digest builds a content key: SHA-256 over labelled, length-prefixed
// fields, so that two different lists of fields never hash the same bytes.
type digest struct{ h hash.Hash }

func newDigest(label string) *digest {
	d := &digest{h: sha256.New()}
	return d.add(label)
}

func (d *digest) add(fields ...string) *digest {
	for _, f := range fields {
		d.length(int64(len(f)))
		io.WriteString(d.h, f)
	}
	return d
}

func (d *digest) addBytes(b []byte) *digest {
	d.length(int64(len(b)))
	d.h.Write(b)
	return d
}

func (d *digest) length(n int64) {
	var b [binary.MaxVarintLen64]byte
	d.h.Write(b[:binary.PutVarint(b[:], n)])
}

// addFile streams the file name of fsys, of the given size, into the digest
// without holding it in memory.
func (d *digest) addFile(fsys fs.FS, name string, size int64) error {
	f, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	d.length(size)
	n, err := io.Copy(d.h, f)
	if err != nil {
		return err
	}
	if n != size {
		return fmt.Errorf("%s changed while it was read (%d bytes, then %d)", name, size, n)
	}
	return nil
}

// sum is the digest in hex. (Not encoding/hex: the package's tests have a
// hex of their own.)
func (d *digest) sum() string { return fmt.Sprintf("%x", d.h.Sum(nil)) }

func formatDuration(t time.Duration) string { return strconv.FormatInt(int64(t), 10) }

// SharedKey returns the hex SHA-256 of everything in the deck's sources that
// can change the pixels of every slide: the deck's type, its deck-wide
// settings (a Markdown deck's front matter and theme CSS, a manifest's
// settings), the Options that shape pages (KeepControls, SlideDuration;
// Theme counts as the CSS it resolves to), deckreel's own page templates
// and scripts, and the name and content of every file in the deck's
// directory except the Markdown sources and manifest that the slides' keys
// cover, hidden files and Options.IgnorePaths. See Slide.Key for the rest,
// and keys.go for what goes where.
//
// It reads every byte of the deck's directory, each time it is called: call
// it once per render, and before Close. It fails when a file cannot be
// read.
func (d *Deck) SharedKey() (string, error) {
	k := newDigest("deckreel shared key 1").add(d.settings)
	// The generated pages are made of these; a newer deckreel may draw the
	// same deck differently.
	k.add(assets.DeckBaseCSS(), assets.DeckTemplate(), assets.DeckPlayer(), assets.ImageTemplate(), assets.RevealDriver(), assets.DeckDriver())
	if d.tree == nil {
		return k.sum(), nil
	}
	err := fs.WalkDir(d.tree, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		if strings.HasPrefix(e.Name(), ".") || d.unkeyed[p] {
			if e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if e.IsDir() {
			return nil
		}
		// A link counts as what it points to, as the page server sees it.
		info, err := fs.Stat(d.tree, p)
		switch {
		case err != nil && e.Type()&fs.ModeSymlink != 0:
			// Dangling, or out of the deck: no page can load it either.
			k.add("unresolved link", p)
			return nil
		case err != nil:
			return err
		case info.IsDir():
			// Not followed: a link can make a
			// cycle.
			k.add("linked directory", p)
			return nil
		case !info.Mode().IsRegular():
			k.add("special file", p)
			return nil
		}
		k.add("file", p)
		return k.addFile(d.tree, p, info.Size())
	})
	if err != nil {
		return "", fmt.Errorf("hash the files of deck %s: %w", d.Path, err)
	}
	return k.sum(), nil
}

// finishKeys sets every slide's Key from what its source contributed
// (Slide.content) and how the slide is finally shown: its transition and
// duration, which a manifest or the command line may have set.
func finishKeys(slides []Slide) {
	for i := range slides {
		s := &slides[i]
		s.Key = newDigest("deckreel slide key 1").add(
			s.content, string(s.Transition.Kind), formatDuration(s.Transition.Duration), formatDuration(s.Duration),
		).sum()
	}
}

// ignoredOnDisk turns Options.IgnorePaths, file paths as the caller names
// them, into slash paths inside the deck directory dir. Paths outside it,
// and dir itself, are dropped.
func ignoredOnDisk(dir string, paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("resolve deck directory %s: %w", dir, err)
	}
	var out []string
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("resolve ignored path %s: %w", p, err)
		}
		rel, err := filepath.Rel(root, abs)
		if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		out = append(out, filepath.ToSlash(rel))
	}
	return out, nil
}

// ignoredInFS turns Options.IgnorePaths, slash paths in an fs.FS, into
// paths inside the deck directory dir of that FS.
func ignoredInFS(dir string, paths []string) []string {
	var out []string
	for _, p := range paths {
		p = path.Clean(p)
		if dir != "." {
			var ok bool
			if p, ok = strings.CutPrefix(p, dir+"/"); !ok {
				continue
			}
		}
		if p != "." && p != ".." && !strings.HasPrefix(p, "../") {
			out = append(out, p)
		}
	}
	return out
}
