package capture

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deckreel/deckreel/internal/proc"
)

// TestSweepProfiles: a profile a process of this host that is gone left a
// while ago is removed; a live one's stays (proc.Leftovers decides; see its
// tests), and Launch names its profiles so.
func TestSweepProfiles(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip(err)
	}
	host, _ := os.Hostname()
	dead := proc.SafeHost(host) + "-" + strconv.Itoa(cmd.Process.Pid) // exited, and reaped
	old := time.Now().Add(-2 * proc.SweepAge)
	dir := t.TempDir()
	profiles := map[string]bool{ // name: swept
		"deckreel-profile-" + dead + "~123":       true,
		"deckreel-profile-" + proc.Tag() + "~456": false,
		"chromedp-runner1":                        false,
	}
	for name := range profiles {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Join(p, "Default"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	SweepProfiles(dir)
	for name, swept := range profiles {
		_, err := os.Stat(filepath.Join(dir, name))
		if gone := err != nil; gone != swept {
			t.Errorf("%s: gone %v, want %v", name, gone, swept)
		}
	}
	if p := profileDirs().Pattern(); !strings.HasPrefix(p, "deckreel-profile-"+proc.Tag()+"~") {
		t.Errorf("profiles are made as %s", p)
	}
}
