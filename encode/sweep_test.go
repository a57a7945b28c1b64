package encode

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/deckreel/deckreel/internal/proc"
)

// TestSweepTemps: the temporary video a killed render of this host left
// next to the output is removed by the next render of that output; a live
// render's, another host's, and files of other names stay.
func TestSweepTemps(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip(err)
	}
	host, _ := os.Hostname()
	dead := proc.SafeHost(host) + "-" + strconv.Itoa(cmd.Process.Pid) // exited, and reaped
	dir := t.TempDir()
	files := map[string]bool{ // name: swept
		".talk.mp4.deckreel-" + dead + "~123.tmp.mp4":       true,
		".talk.mp4.deckreel-" + proc.Tag() + "~456.tmp.mp4": false,
		".talk.mp4.deckreel-otherhost-1~789.tmp.mp4":        false,
		".other.mp4.deckreel-" + dead + "~123.tmp.mp4":      false,
		".talk.mp4.deckreel-12345.tmp.mp4":                  false, // no tag: cannot tell
		"talk.mp4":                                          false,
	}
	for name := range files {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sweepTemps(dir+string(filepath.Separator), "talk.mp4", ".mp4")
	for name, swept := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		if gone := err != nil; gone != swept {
			t.Errorf("%s: gone %v, want %v", name, gone, swept)
		}
	}
}
