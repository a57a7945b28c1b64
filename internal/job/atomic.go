package job

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// writeFileAtomic replaces path with data so that a crash at any instant
// leaves either the old file or the new one, never a mix: the data goes to a
// temporary file in the same directory, which is synced, renamed onto path,
// and then the directory is synced so that the rename itself survives a power
// cut. A temporary file left behind by a crash is named ".<base>.*.tmp" and
// is ignored by every reader.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := writeTemp(path, data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return errors.Join(fmt.Errorf("write %s: %w", path, err), os.Remove(tmp))
	}
	return syncDir(filepath.Dir(path))
}

// createFileAtomic is writeFileAtomic that fails with an error matching
// fs.ErrExist, and leaves the file alone, if path already exists. Two
// processes creating path at once get exactly one winner: the complete
// temporary file is hard-linked to path, which (unlike a rename) never
// replaces an existing file. On file systems without hard links it falls
// back to a check and a rename, which leaves a small window for a race.
func createFileAtomic(path string, data []byte) error {
	tmp, err := writeTemp(path, data)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	err = os.Link(tmp, path)
	if err != nil && !errors.Is(err, os.ErrExist) {
		if _, serr := os.Lstat(path); serr == nil {
			return fmt.Errorf("create %s: %w", path, os.ErrExist)
		}
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

// writeTemp writes data to a new synced temporary file next to path and
// returns its name.
func writeTemp(path string, data []byte) (string, error) {
	dir, base := filepath.Split(path)
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", errors.Join(fmt.Errorf("write %s: %w", path, err), os.Remove(f.Name()))
	}
	return f.Name(), nil
}

// removeDurable removes path, if it exists, and syncs its directory.
func removeDurable(path string) error {
	if err := os.Remove(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes the entries of dir (a rename, a new file) durable. Some file
// systems cannot sync a directory; that is not an error worth failing a
// render for, since the files themselves are synced.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	_ = d.Sync()
	return d.Close()
}
