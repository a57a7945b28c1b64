package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/render"
)

// deckOutput is where a manifest's output: setting writes: inside the
// deck's directory, which a deck, coming from anyone, cannot leave. The
// parser has refused absolute paths and "..": what is left to refuse is a
// symbolic link on the way out (a directory, or the file itself), which
// would let a deck overwrite any file its user can write. The command
// line's -o is not checked: the user may write anywhere.
func deckOutput(d *deck.Deck) (string, error) {
	dir := filepath.Dir(d.Path)
	rel := filepath.FromSlash(d.Output)
	refuse := func(why string) error {
		return &render.InputError{Err: fmt.Errorf("%s: output %q %s (-o can write anywhere)", settingAt(d.Path, "output"), d.Output, why)}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", fmt.Errorf("check the deck's output: %w", err)
	}
	defer root.Close()
	if parent := filepath.Dir(rel); parent != "." {
		st, err := root.Stat(parent)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return "", refuse(fmt.Sprintf("is in %s, which does not exist", filepath.ToSlash(parent)))
		case err != nil:
			// os.Root refuses a link that leads out of the directory.
			return "", refuse("leads out of the deck's directory through a symbolic link")
		case !st.IsDir():
			return "", refuse(fmt.Sprintf("is in %s, which is not a directory", filepath.ToSlash(parent)))
		}
	}
	if st, err := root.Lstat(rel); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		return "", refuse("is a symbolic link: the video would replace it, or write where it points")
	}
	return filepath.Join(dir, rel), nil
}

// settingKey matches a line that sets key in YAML (key: at the start of
// the line) or JSON ("key": anywhere).
func settingKey(key string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(key) + `\s*:|"` + regexp.QuoteMeta(key) + `"\s*:`)
}

// settingAt is "file:line" of the first line of a manifest that sets key,
// or the file alone: deck.Deck keeps a setting's value, not its line.
func settingAt(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return path
	}
	defer f.Close()
	re := settingKey(key)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if re.Match(sc.Bytes()) {
			return path + ":" + strconv.Itoa(line)
		}
	}
	return path
}
