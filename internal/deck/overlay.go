package deck

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"maps"
	"path"
	"strings"
	"time"
)

// generatedDir is the directory, at the root of every deck's file tree,
// that holds the pages and scripts deckreel generates. A real file of the
// same path in the deck directory is shadowed.
const generatedDir = "_deckreel"

// overlay is a read-only fs.FS that serves generated files on top of a base
// tree (the deck's directory). A generated file also shadows a base file of
// the same name, which is how a reveal.js page gets its driver script.
type overlay struct {
	files map[string][]byte // slash paths, no leading slash
	base  fs.FS             // nil: nothing but the generated files
	// mounts are generated trees too large to hold in memory (the pages
	// of a PDF, in the conversion cache), by the directory they appear
	// at: a path under a key opens the rest of it in that tree.
	mounts map[string]fs.FS
}

// with returns a new overlay with more generated files; o is unchanged.
func (o *overlay) with(files map[string][]byte) *overlay {
	n := &overlay{files: maps.Clone(o.files), base: o.base, mounts: o.mounts}
	if n.files == nil {
		n.files = map[string][]byte{}
	}
	maps.Copy(n.files, files)
	return n
}

// mount returns o with the trees of mounts shown at their directories
// (slash paths under generatedDir); o is unchanged.
func (o *overlay) mount(mounts map[string]fs.FS) *overlay {
	n := o.with(nil)
	n.mounts = maps.Clone(o.mounts)
	if n.mounts == nil {
		n.mounts = map[string]fs.FS{}
	}
	maps.Copy(n.mounts, mounts)
	return n
}

// epoch is the modification time of generated files.
var epoch = time.Unix(0, 0).UTC()

func (o *overlay) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if b, ok := o.files[name]; ok {
		return &memFile{Reader: bytes.NewReader(b), info: memInfo{name: path.Base(name), size: int64(len(b))}}, nil
	}
	for dir, t := range o.mounts {
		if rest, ok := strings.CutPrefix(name, dir+"/"); ok {
			return t.Open(rest)
		}
	}
	if o.base != nil {
		f, err := o.base.Open(name)
		if err == nil || !isNotExist(err) {
			return f, err
		}
	}
	// A directory that only holds generated files.
	prefix := name + "/"
	if name == "." {
		prefix = ""
	}
	for p := range o.files {
		if strings.HasPrefix(p, prefix) {
			return &memFile{Reader: bytes.NewReader(nil), info: memInfo{name: path.Base(name), dir: true}}, nil
		}
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func isNotExist(err error) bool { return err != nil && errors.Is(err, fs.ErrNotExist) }

// memFile is an open generated file. It can seek, which http.FileServerFS
// needs for range requests.
type memFile struct {
	*bytes.Reader
	info memInfo
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }
func (f *memFile) ReadDir(n int) ([]fs.DirEntry, error) {
	if !f.info.dir {
		return nil, &fs.PathError{Op: "readdir", Path: f.info.name, Err: fs.ErrInvalid}
	}
	// Generated directories are not listed.
	if n > 0 {
		return nil, io.EOF
	}
	return nil, nil
}

type memInfo struct {
	name string
	size int64
	dir  bool
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) ModTime() time.Time { return epoch }
func (i memInfo) IsDir() bool        { return i.dir }
func (i memInfo) Sys() any           { return nil }
func (i memInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
