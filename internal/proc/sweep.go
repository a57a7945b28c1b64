package proc

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SweepAge is how long a leftover must have been left alone before a sweep
// removes it. The pid test alone is enough on one machine; the delay
// covers what it cannot see, such as another container that shares the
// directory, its host name and pid numbers, whose files are being written.
const SweepAge = time.Minute

// Leftovers name the temporary files or directories this program makes
// and a killed run leaves behind: Prefix, the [Tag] of the process that
// made them, "~", the digits os.CreateTemp puts for "*", and Suffix.
// Anything else, however alike, is never touched.
type Leftovers struct {
	Prefix, Suffix string
	// Dir is set for directories (removed with all they hold, links in
	// them removed, not followed), clear for regular files.
	Dir bool
}

// Pattern is the os.CreateTemp or os.MkdirTemp pattern of this process's
// leftovers.
func (l Leftovers) Pattern() string { return l.Prefix + Tag() + "~*" + l.Suffix }

// Sweep removes from dir the leftovers of processes of this host that are
// gone, when they have not changed for SweepAge. A live process's, another
// host's, a symbolic link, or a file of the wrong kind stays. It returns
// what it removed; best effort: what cannot be read or removed stays.
func (l Leftovers) Sweep(dir string) []string {
	return l.sweep(dir, time.Now().Add(-SweepAge))
}

// sweep removes the leftovers last changed before cutoff.
func (l Leftovers) sweep(dir string, cutoff time.Time) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		if !l.matches(e.Name()) {
			continue
		}
		// ReadDir does not follow links: a link's type is ModeSymlink.
		if l.Dir != e.IsDir() || (!l.Dir && !e.Type().IsRegular()) {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(cutoff) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if l.Dir {
			err = os.RemoveAll(p)
		} else {
			err = os.Remove(p)
		}
		if err == nil {
			removed = append(removed, p)
		}
	}
	return removed
}

// matches reports a name of exactly the leftovers' form whose tag names
// a process of this host that is gone.
func (l Leftovers) matches(name string) bool {
	mid, ok := strings.CutPrefix(name, l.Prefix)
	if !ok {
		return false
	}
	if mid, ok = strings.CutSuffix(mid, l.Suffix); !ok {
		return false
	}
	i := strings.LastIndexByte(mid, '~')
	if i < 0 || i == len(mid)-1 {
		return false
	}
	for _, r := range mid[i+1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return Dead(mid[:i])
}
