package encode

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// sequenceFile matches the names of the files in a PNG sequence.
var sequenceFile = regexp.MustCompile(`^out_[0-9]+\.png$`)

// SequencePattern is the ffmpeg output pattern of a PNG sequence in dir:
// out_00000.png for frame 0, with at least five digits and as many as
// frames needs, so names sort in frame order.
func SequencePattern(dir string, frames int) string {
	digits := max(5, len(fmt.Sprint(max(0, frames-1))))
	return filepath.Join(dir, fmt.Sprintf("out_%%0%dd.png", digits))
}

// CreateSequenceDir creates a hidden temporary directory next to out, the
// directory a PNG sequence is to end up in, for ffmpeg to write the frames
// into; CommitSequenceDir then moves it into place. Until then nothing at
// out changes, so a failed render leaves an earlier sequence whole. On
// failure the caller removes the temporary directory (os.RemoveAll).
func CreateSequenceDir(out string) (string, error) {
	out = filepath.Clean(out)
	if err := checkSequenceTarget(out); err != nil {
		return "", err
	}
	// Named like a video's temporary file, and swept the same way.
	temps := tempFiles(filepath.Base(out), "")
	temps.Dir = true
	temps.Sweep(filepath.Dir(out))
	tmp, err := os.MkdirTemp(filepath.Dir(out), temps.Pattern())
	if err != nil {
		return "", fmt.Errorf("create temporary directory for %s: %w", out, err)
	}
	// MkdirTemp makes it 0700, and the mode survives the rename.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", errors.Join(fmt.Errorf("prepare temporary directory for %s: %w", out, err), os.RemoveAll(tmp))
	}
	return tmp, nil
}

// CommitSequenceDir moves the finished sequence in tmp to out. An existing
// out is replaced only if it holds nothing but a PNG sequence (an earlier
// render's), so a mistyped -o never deletes someone's files: the old
// directory is renamed aside, tmp renamed into place, and the old one
// removed. Between the two renames out briefly does not exist.
func CommitSequenceDir(tmp, out string) error {
	out = filepath.Clean(out)
	if err := checkSequenceTarget(out); err != nil {
		return err
	}
	old := ""
	if _, err := os.Lstat(out); err == nil {
		old = tmp + ".old"
		if err := os.Rename(out, old); err != nil {
			return fmt.Errorf("replace %s: %w", out, err)
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		err = fmt.Errorf("move frames into %s: %w", out, err)
		if old != "" {
			err = errors.Join(err, os.Rename(old, out))
		}
		return err
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("remove the earlier frames of %s: %w", out, err)
		}
	}
	return nil
}

// checkSequenceTarget refuses an out that exists and is not a directory
// holding only a PNG sequence.
func checkSequenceTarget(out string) error {
	st, err := os.Lstat(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("output %s: %w", out, err)
	case !st.IsDir():
		return fmt.Errorf("output %s exists and is not a directory; a PNG sequence needs a directory", out)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return fmt.Errorf("output %s: %w", out, err)
	}
	var others []string
	for _, e := range entries {
		if !e.Type().IsRegular() || !sequenceFile.MatchString(e.Name()) {
			others = append(others, e.Name())
		}
	}
	if len(others) > 0 {
		if len(others) > 3 {
			others = append(others[:3], "…")
		}
		return fmt.Errorf("output directory %s holds files that are not PNG frames (%s); refusing to replace it: choose a new or empty directory", out, strings.Join(others, ", "))
	}
	return nil
}
