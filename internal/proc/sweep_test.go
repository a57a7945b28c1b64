package proc

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// deadTag is the tag of a process of this host that has exited.
func deadTag(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip(err)
	}
	host, _ := os.Hostname()
	return SafeHost(host) + "-" + strconv.Itoa(cmd.Process.Pid) // exited, and reaped
}

// TestSweep: only a leftover of exactly our form, of a process of this
// host that is gone, of the right kind, untouched for a minute, is removed;
// a link named like one is removed neither with what it points to nor alone.
func TestSweep(t *testing.T) {
	dead := deadTag(t)
	// Entries are made now and swept with a cutoff a second ahead, so
	// that links, whose own time cannot be set, count as old; a fresh
	// entry is dated an hour ahead.
	future := time.Now().Add(time.Hour)
	type entry struct {
		kind  string // file, dir or link
		fresh bool   // changed just now
		swept bool
	}
	for _, tt := range []struct {
		name    string
		l       Leftovers
		entries map[string]entry
	}{
		{
			name: "files",
			l:    Leftovers{Prefix: ".talk.mp4.deckreel-", Suffix: ".tmp.mp4"},
			entries: map[string]entry{
				".talk.mp4.deckreel-" + dead + "~123.tmp.mp4":      {kind: "file", swept: true},
				".talk.mp4.deckreel-" + dead + "~124.tmp.mp4":      {kind: "file", fresh: true},
				".talk.mp4.deckreel-" + Tag() + "~456.tmp.mp4":     {kind: "file"},
				".talk.mp4.deckreel-otherhost-1~789.tmp.mp4":       {kind: "file"},
				".other.mp4.deckreel-" + dead + "~123.tmp.mp4":     {kind: "file"},
				".talk.mp4.deckreel-12345.tmp.mp4":                 {kind: "file"}, // no tag: cannot tell
				".talk.mp4.deckreel-" + dead + "~12a.tmp.mp4":      {kind: "file"},
				".talk.mp4.deckreel-" + dead + "~.tmp.mp4":         {kind: "file"},
				".talk.mp4.deckreel-" + dead + "~123.tmp.mp4.keep": {kind: "file"},
				"x.talk.mp4.deckreel-" + dead + "~123.tmp.mp4":     {kind: "file"},
				".talk.mp4.deckreel-" + dead + "~125.tmp.mp4" + "": {kind: "dir"},
				".talk.mp4.deckreel-" + dead + "~126.tmp.mp4" + "": {kind: "link"},
				"talk.mp4": {kind: "file"},
			},
		},
		{
			name: "directories",
			l:    Leftovers{Prefix: "deckreel-profile-", Dir: true},
			entries: map[string]entry{
				"deckreel-profile-" + dead + "~1":       {kind: "dir", swept: true},
				"deckreel-profile-" + dead + "~2":       {kind: "dir", fresh: true},
				"deckreel-profile-" + dead + "~3":       {kind: "link"},
				"deckreel-profile-" + dead + "~4":       {kind: "file"},
				"deckreel-profile-" + Tag() + "~5":      {kind: "dir"},
				"deckreel-profile-otherhost-1~6":        {kind: "dir"},
				"deckreel-profile-" + dead:              {kind: "dir"},
				"chromedp-runner1":                      {kind: "dir"},
				"deckreel-profile-" + dead + "~7-extra": {kind: "dir"},
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			// What a link points to: it must survive, with its content.
			target := t.TempDir()
			keep := filepath.Join(target, "precious")
			if err := os.WriteFile(keep, []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			for name, e := range tt.entries {
				p := filepath.Join(dir, name)
				var err error
				switch e.kind {
				case "file":
					err = os.WriteFile(p, nil, 0o644)
				case "dir":
					err = os.MkdirAll(filepath.Join(p, "Default"), 0o755)
				case "link":
					err = os.Symlink(target, p)
				}
				if err == nil && e.fresh {
					err = os.Chtimes(p, future, future)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if removed := tt.l.Sweep(dir); len(removed) != 0 {
				t.Fatalf("Sweep removed %q made a moment ago", removed)
			}
			removed := tt.l.sweep(dir, time.Now().Add(time.Second))
			for name, e := range tt.entries {
				_, err := os.Lstat(filepath.Join(dir, name))
				if gone := err != nil; gone != e.swept {
					t.Errorf("%s (%s): gone %v, want %v", name, e.kind, gone, e.swept)
				}
			}
			if _, err := os.Stat(keep); err != nil {
				t.Errorf("a link's target lost its file: %v", err)
			}
			if len(removed) != 1 {
				t.Errorf("removed %q, want one", removed)
			}
		})
	}
}
