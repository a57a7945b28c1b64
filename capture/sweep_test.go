package capture

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/deckreel/deckreel/internal/proc"
)

// TestSweepProfiles: a profile made by a process of this host that is gone
// is removed; a live one's, another host's and other directories stay.
func TestSweepProfiles(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip(err)
	}
	host, _ := os.Hostname()
	dead := proc.SafeHost(host) + "-" + strconv.Itoa(cmd.Process.Pid) // exited, and reaped
	dir := t.TempDir()
	profiles := map[string]bool{ // name: swept
		profilePrefix + dead + "~123":       true,
		profilePrefix + proc.Tag() + "~456": false,
		profilePrefix + "otherhost-1~789":   false,
		"chromedp-runner1":                  false,
		profilePrefix + "garbage":           false,
	}
	for name := range profiles {
		if err := os.MkdirAll(filepath.Join(dir, name, "Default"), 0o755); err != nil {
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
}
