package narrate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/deckreel/deckreel/internal/proc"
)

// Cache is a directory of synthesized speech: one WAV per utterance, named
// by the hash of what made it (engine, version, voice, language, text), and
// one per slide's joined clip. Files are written whole (a temporary file
// renamed into place), so concurrent renders, and shards of one job
// sharing its directory, never read half a file; two that miss the same
// utterance at once both synthesize it, and the second rename wins with
// the same sound.
type Cache struct{ Dir string }

// DefaultCacheDir is $XDG_CACHE_HOME/deckreel/tts (os.UserCacheDir).
func DefaultCacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the cache directory for speech (set --tts-cache): %w", err)
	}
	return filepath.Join(dir, "deckreel", "tts"), nil
}

// hashKey hashes the parts of a cache key.
func hashKey(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s\x00", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))[:40]
}

// path is where the file of key with extension ext lives, in a
// subdirectory per kind ("utterances", "slides", "files").
func (c Cache) path(kind, key, ext string) string {
	return filepath.Join(c.Dir, kind, key[:2], key+ext)
}

// has reports whether the cache holds path.
func (c Cache) has(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// The temporary files and directories of a cache carry the tag of the
// process writing them, at the cache's root (one file system with every
// file, so a rename is atomic), so that sweep removes what a killed render
// left.
var (
	tempFiles = proc.Leftovers{Prefix: ".tmp-"}
	tempDirs  = proc.Leftovers{Prefix: ".synth-", Dir: true}
)

// sweep removes the temporary files of renders that were killed.
func (c Cache) sweep() {
	tempFiles.Sweep(c.Dir)
	tempDirs.Sweep(c.Dir)
}

// put writes data to path atomically.
func (c Cache) put(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return &CacheError{Err: err}
	}
	f, err := os.CreateTemp(c.Dir, tempFiles.Pattern())
	if err != nil {
		return &CacheError{Err: err}
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return &CacheError{Err: fmt.Errorf("write %s: %w", path, err)}
	}
	return nil
}

// tempDir makes a directory for one synthesis's raw output, inside the
// cache so that the normalized result is renamed within one file system.
func (c Cache) tempDir() (string, error) {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return "", &CacheError{Err: err}
	}
	dir, err := os.MkdirTemp(c.Dir, tempDirs.Pattern())
	if err != nil {
		return "", &CacheError{Err: err}
	}
	return dir, nil
}

// CacheError is a cache directory that cannot be written (a read-only or
// full file system): the caller can say where else to put it.
type CacheError struct{ Err error }

func (e *CacheError) Error() string { return "speech cache: " + e.Err.Error() }
func (e *CacheError) Unwrap() error { return e.Err }
