package job

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// ErrSource is matched by the errors of [Snapshot] that come from the input
// rather than the job directory: a file that cannot be read, too many
// files. Running again cannot help.
var ErrSource = errors.New("cannot copy the input")

// Snapshot limits: a job copies its input's directory, so a page saved in
// a crowded directory (a home or Downloads folder) is refused rather than
// copied whole.
const (
	MaxSnapshotFiles = 20000
	MaxSnapshotBytes = 4 << 30
)

// Sources is what a snapshot copies: the tree the pages are served from
// and the loose files a render also reads (a theme's CSS, the music).
type Sources struct {
	// Tree is the input's directory; nil for none (a URL). Hidden files and
	// directories (names starting with ".") are left out, as are the slash
	// paths for which Skip reports true (the job directory, the output).
	Tree fs.FS
	Skip func(name string) bool
	// Files are copied beside the tree under the given names (plain file
	// names), from local paths.
	Files map[string]string
	// Salt is mixed into the hash: what names the input besides its files
	// (a URL, the entry's name).
	Salt string
}

// Snapshot dirs inside a revision's source directory.
const (
	snapTree  = "tree"
	snapFiles = "files"
)

// TreeDir and FilesDir return the directories of a snapshot at source (a
// job's [Job.Source]): the copy of the tree and the loose files.
func TreeDir(source string) string  { return filepath.Join(source, snapTree) }
func FilesDir(source string) string { return filepath.Join(source, snapFiles) }

// Snapshot copies src into the job directory dir, under
// SourcesDir/<hash>, and returns the content hash and that path relative to
// dir (a [Revision]'s InputHash and Source). It first reads the input to
// hash it, writing nothing: the shards of a job and every run on an
// unchanged input find the snapshot made and stop there. Otherwise it
// copies the input into a temporary directory, hashing it again, and
// renames that into place (if the input changed between the two reads,
// the copy is refused and the next run tries again). Hashing covers names,
// lengths and contents in lexical order, so the same files hash alike
// wherever they are.
func Snapshot(dir string, src Sources) (hash, source string, err error) {
	if hash, err = copySources(src, ""); err != nil {
		return "", "", fmt.Errorf("snapshot the input: %w", err)
	}
	source = filepath.Join(SourcesDir, hash[:32])
	final := filepath.Join(dir, source)
	if _, err := os.Stat(final); err == nil {
		return hash, source, nil
	}
	sources := filepath.Join(dir, SourcesDir)
	if err := os.MkdirAll(sources, 0o755); err != nil {
		return "", "", fmt.Errorf("snapshot the input: %w", err)
	}
	tmp, err := os.MkdirTemp(sources, ".new-*")
	if err != nil {
		return "", "", fmt.Errorf("snapshot the input: %w", err)
	}
	defer os.RemoveAll(tmp) // gone after the rename, unless it failed
	again, err := copySources(src, tmp)
	if err != nil {
		return "", "", fmt.Errorf("snapshot the input: %w", err)
	}
	if again != hash {
		return "", "", errors.New("snapshot the input: it changed while it was copied; run again")
	}
	if err := syncDir(tmp); err != nil {
		return "", "", fmt.Errorf("snapshot the input: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		if _, serr := os.Stat(final); serr == nil {
			return hash, source, nil // made by another process at the same time
		}
		return "", "", fmt.Errorf("snapshot the input: %w", err)
	}
	return hash, source, syncDir(sources)
}

// copySources hashes src and, unless dst is "", copies it into dst.
func copySources(src Sources, dst string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "deckreel snapshot 1\x00%s\x00", src.Salt)
	if src.Tree != nil {
		tree := ""
		if dst != "" {
			tree = filepath.Join(dst, snapTree)
		}
		if err := copyTree(h, src.Tree, src.Skip, tree); err != nil {
			return "", err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(src.Files)) {
		if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
			return "", fmt.Errorf("bad file name %q", name)
		}
		target := ""
		if dst != "" {
			if err := os.MkdirAll(filepath.Join(dst, snapFiles), 0o755); err != nil {
				return "", err
			}
			target = filepath.Join(dst, snapFiles, name)
		}
		f, err := os.Open(src.Files[name])
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrSource, err)
		}
		info, err := f.Stat()
		if err != nil {
			f.Close()
			return "", fmt.Errorf("%w: %w", ErrSource, err)
		}
		fmt.Fprintf(h, "file\x00%s\x00%d\x00", name, info.Size())
		err = copyHashed(h, f, info.Size(), target)
		f.Close()
		if err != nil {
			return "", fmt.Errorf("%s: %w", src.Files[name], err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// copyTree copies the regular files of tree into dst (or, with dst "",
// only reads them), hashing each name, length and content into h in
// lexical order.
func copyTree(h io.Writer, tree fs.FS, skip func(string) bool, dst string) error {
	c := &copier{h: h, tree: tree, skip: skip, dst: dst}
	err := c.walk(".", 0)
	var pe *fs.PathError
	if err != nil && !errors.Is(err, ErrSource) && errors.As(err, &pe) && (dst == "" || !strings.HasPrefix(pe.Path, dst)) {
		// WalkDir's own errors are about the tree: a directory it cannot
		// read.
		err = &sourceError{err}
	}
	return err
}

// maxLinkDepth bounds how many linked directories deep a snapshot follows
// links: a link to a directory inside the deck is followed (the page
// server follows it too, so its files are the deck's), and a link cycle
// ends here.
const maxLinkDepth = 2

// copier is one copy of a tree: what it has copied so far, for the limits.
type copier struct {
	h     io.Writer
	tree  fs.FS
	skip  func(string) bool
	dst   string
	files int
	bytes int64
}

// walk copies the tree under root (a slash path in c.tree), following
// links to directories up to maxLinkDepth deep.
func (c *copier) walk(root string, depth int) error {
	return fs.WalkDir(c.tree, root, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if name != "." && (strings.HasPrefix(d.Name(), ".") || (c.skip != nil && c.skip(name))) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		target := ""
		if c.dst != "" {
			target = filepath.Join(c.dst, filepath.FromSlash(name))
		}
		if d.IsDir() {
			if target == "" {
				return nil
			}
			return os.MkdirAll(target, 0o755)
		}
		info, err := fs.Stat(c.tree, name) // follows a link inside the tree
		switch {
		case err != nil:
			return nil // a link out of the tree: nothing a page could load
		case info.IsDir() && depth < maxLinkDepth:
			return c.walk(name, depth+1)
		case !info.Mode().IsRegular():
			return nil // a socket, a link cycle
		}
		c.files++
		c.bytes += info.Size()
		switch {
		case c.files > MaxSnapshotFiles:
			return fmt.Errorf("%w: the input's directory has more than %d files; a job copies the directory its deck or page is in, so give the deck a directory of its own", ErrSource, MaxSnapshotFiles)
		case c.bytes > MaxSnapshotBytes:
			return fmt.Errorf("%w: the input's directory holds more than %d GiB; a job copies the directory its deck or page is in, so give the deck a directory of its own", ErrSource, MaxSnapshotBytes>>30)
		}
		f, err := c.tree.Open(name)
		if err != nil {
			return &sourceError{err}
		}
		defer f.Close()
		if target != "" {
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
		}
		fmt.Fprintf(c.h, "%s\x00%d\x00", path.Clean(name), info.Size())
		return copyHashed(c.h, f, info.Size(), target)
	})
}

// sourceError marks an error reading the input (see ErrSource).
type sourceError struct{ err error }

func (e *sourceError) Error() string        { return fmt.Sprintf("%v: %v", ErrSource, e.err) }
func (e *sourceError) Unwrap() []error      { return []error{ErrSource, e.err} }
func (e *sourceError) Is(target error) bool { return target == ErrSource }

// sourceReader tags the errors of reading the input as sourceErrors, so
// that they can be told from errors writing the copy.
type sourceReader struct{ r io.Reader }

func (s sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		err = &sourceError{err}
	}
	return n, err
}

// copyHashed copies r, which must hold size bytes, to a new file at path
// (synced) and into h; with path "", only into h.
func copyHashed(h io.Writer, r io.Reader, size int64, path string) error {
	if path == "" {
		n, err := io.Copy(h, sourceReader{r})
		if err == nil && n != size {
			err = &sourceError{fmt.Errorf("a file changed while it was read (%d bytes, then %d)", size, n)}
		}
		return err
	}
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	n, err := io.Copy(io.MultiWriter(out, h), sourceReader{r})
	if err == nil && n != size {
		err = &sourceError{fmt.Errorf("%s changed while it was copied (%d bytes, then %d)", path, size, n)}
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}
