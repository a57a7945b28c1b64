package deck

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// A Markdown file whose front matter says marp: true is a Marp deck: its
// directives (theme: gaia, <!-- _class: lead -->, ![bg right](x.png)) mean
// nothing to deckreel's own Markdown, so it is never read as such. Marp's
// own converter (marp-cli) turns it into the HTML that Marp shows, which is
// then a Marp HTML deck like any export; without the converter the load
// fails with the one command that installs it.

// marpKeyRE is the front matter line that makes a Markdown file a Marp deck.
var marpKeyRE = regexp.MustCompile(`^\s*marp\s*:\s*(?:true|yes|on)\s*(?:#.*)?$`)

// isMarpSource reports whether a Markdown file is a Marp deck: its front
// matter (between a first line "---" and the next) says marp: true.
func isMarpSource(src []byte) bool {
	lines := strings.Split(strings.TrimPrefix(string(src), "\ufeff"), "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return false
	}
	for _, ln := range lines[1:] {
		ln = strings.TrimRight(ln, "\r")
		if strings.TrimSpace(ln) == "---" {
			return false
		}
		if marpKeyRE.MatchString(ln) {
			return true
		}
	}
	return false
}

// marpTimeout bounds one run of marp-cli, which starts Node.js.
const marpTimeout = 2 * time.Minute

// marpDeck converts the Marp deck name (its source src) with marp-cli and
// loads the HTML it writes as a Marp deck. The HTML is served in place of a
// file beside the Markdown, so the deck's relative image paths resolve.
func (l *loader) marpDeck(name string, src []byte, base *overlay) (*Deck, error) {
	file := l.display(name)
	out, err := l.runMarp(src, file)
	if err != nil {
		return nil, err
	}
	// The generated page sits beside the Markdown, named for it.
	gen := path.Join(path.Dir(name), "."+path.Base(name)+".marp.html")
	if err := l.charge(len(out), pos{file: file}); err != nil {
		return nil, err
	}
	l.files[gen] = out
	d, err := l.frameworkDeck(gen, out, Marp, base)
	if err != nil {
		return nil, err
	}
	lines := marpSlideLines(src)
	for i := range d.Slides {
		d.Slides[i].File = file
		d.Slides[i].Line = 0
		if i < len(lines) {
			d.Slides[i].Line = lines[i]
		}
	}
	d.parts[0].present.opts.file = file
	d.parts[0].present.lines = map[[2]int]int{}
	for i, ln := range lines {
		d.parts[0].present.lines[[2]int{i, 0}] = ln
	}
	return d, nil
}

// runMarp runs marp-cli (Options.Marp, else marp on PATH) on src, through
// the conversion tools' runner (deadline, process group, capped messages),
// and returns the HTML it wrote. The Markdown is given on stdin, so marp
// reads no other file of the deck (its images stay relative links the page
// loads).
func (l *loader) runMarp(src []byte, file string) ([]byte, error) {
	// In the load's scratch directory, which a killed render's next run
	// sweeps.
	scratch, err := l.scratch()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(scratch, "marp-")
	if err != nil {
		return nil, fmt.Errorf("convert the Marp deck %s: %w", file, err)
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "deck.html")
	bin := cmp.Or(l.opts.Marp, "marp")
	_, err = tool{file: "the Marp deck", name: bin, args: []string{"--stdin", "--output", out},
		stdin: bytes.NewReader(src), timeout: marpTimeout}.run(l.ctx)
	switch {
	case errors.Is(err, errMissingTool):
		return nil, &Error{File: file, Msg: fmt.Sprintf(
			"a Marp deck (its front matter says marp: true), which deckreel renders with Marp's own converter, and %s was not found: "+
				"install it with `npm install -g @marp-team/marp-cli` (or point --marp at it), or export the deck yourself with "+
				"`npx @marp-team/marp-cli %s -o %s` and render the HTML",
			bin, filepath.Base(file), strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))+".html")}
	case err != nil && l.ctx.Err() != nil:
		return nil, l.ctx.Err()
	case err != nil:
		// The converter refused the deck: bad input, as for our own
		// Markdown.
		return nil, &Error{File: file, Msg: err.Error()}
	}
	html, err := readDeckFile(os.DirFS(dir), "deck.html", file, MaxFileSize)
	if err != nil {
		return nil, &Error{File: file, Msg: fmt.Sprintf("convert the Marp deck with %s: read its output: %v", bin, unwrapPath(err))}
	}
	return html, nil
}

// marpSlideLines is the line each slide of a Marp source starts on: after
// the front matter, and after each --- line outside fenced code.
func marpSlideLines(src []byte) []int {
	lines := strings.Split(string(src), "\n")
	i := 0
	if len(lines) > 0 && strings.TrimSpace(strings.TrimPrefix(lines[0], "\ufeff")) == "---" {
		for i = 1; i < len(lines) && strings.TrimSpace(lines[i]) != "---"; i++ {
		}
		i++
	}
	out := []int{i + 1}
	fence := ""
	for ; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		switch {
		case fence != "":
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
		case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
			fence = t[:3]
		case t == "---":
			out = append(out, i+2)
		}
	}
	return out
}
