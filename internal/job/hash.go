package job

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// HashInput returns the content hash of a render's input, for [Create] and
// [Job.Check]:
//
//   - an http(s) URL hashes as its text: deckreel cannot see a remote
//     site's files, so a changed remote page is not detected;
//   - a file hashes as its content. The files it loads from its directory
//     are not included: that directory often holds unrelated files, the
//     output video or the job itself. Give a deck as a directory to have
//     its assets covered;
//   - a directory hashes as the names, modes and contents of every file in
//     it, recursively, in lexical order; hidden files and directories (names
//     starting with ".") and the paths in skip (the job directory and the
//     output, when they are inside the deck) are left out.
//
// It reads every byte of the input once.
func HashInput(input string, skip ...string) (string, error) {
	if u, err := url.Parse(input); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		return hashString("url\x00" + input), nil
	}
	st, err := os.Stat(input)
	if err != nil {
		return "", fmt.Errorf("hash input %s: %w", input, err)
	}
	h := sha256.New()
	if !st.IsDir() {
		h.Write([]byte("file\x00"))
		if err := hashFile(h, input); err != nil {
			return "", fmt.Errorf("hash input %s: %w", input, err)
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	skipped := make(map[string]bool, len(skip))
	for _, s := range skip {
		if abs, err := filepath.Abs(s); err == nil {
			skipped[abs] = true
		}
	}
	root, err := filepath.Abs(input)
	if err != nil {
		return "", fmt.Errorf("hash input %s: %w", input, err)
	}
	h.Write([]byte("dir\x00"))
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != root && (strings.HasPrefix(d.Name(), ".") || skipped[path]) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		info, err := os.Stat(path) // follows a symlink, as the server does
		if err != nil {
			return err
		}
		// Name, mode and length first, so that no two trees hash the same
		// stream of bytes.
		fmt.Fprintf(h, "%s\x00%o\x00%d\x00", filepath.ToSlash(rel), info.Mode().Perm(), info.Size())
		if !info.Mode().IsRegular() {
			return nil // a linked directory, socket or device: its name is all there is
		}
		return hashFile(h, path)
	})
	if err != nil {
		return "", fmt.Errorf("hash input %s: %w", input, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func hashFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

func hashString(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
