package encode

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

// TestSweepTemps: starting a video, a poster or a PNG sequence removes the
// temporary file a killed render of this host left next to that output a
// while ago (proc.Leftovers decides which; see its tests), and names its
// own so that the next one can.
func TestSweepTemps(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip(err)
	}
	host, _ := os.Hostname()
	dead := proc.SafeHost(host) + "-" + strconv.Itoa(cmd.Process.Pid) // exited, and reaped
	old := time.Now().Add(-2 * proc.SweepAge)
	for _, tt := range []struct {
		name, out, leftover string
		dir                 bool
		create              func(out string) (string, error)
	}{
		{name: "video", out: "talk.mp4", leftover: ".talk.mp4.deckreel-" + dead + "~123.tmp.mp4", create: createTemp},
		{name: "sequence", out: "frames", leftover: ".frames.deckreel-" + dead + "~123.tmp", dir: true, create: CreateSequenceDir},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			left := filepath.Join(dir, tt.leftover)
			var err error
			if tt.dir {
				err = os.Mkdir(left, 0o755)
			} else {
				err = os.WriteFile(left, nil, 0o644)
			}
			if err == nil {
				err = os.Chtimes(left, old, old)
			}
			if err != nil {
				t.Fatal(err)
			}
			tmp, err := tt.create(filepath.Join(dir, tt.out))
			if err != nil {
				t.Fatal(err)
			}
			defer os.RemoveAll(tmp)
			if _, err := os.Lstat(left); err == nil {
				t.Errorf("%s was not swept", tt.leftover)
			}
			if want := "." + tt.out + ".deckreel-" + proc.Tag() + "~"; !strings.HasPrefix(filepath.Base(tmp), want) {
				t.Errorf("temporary %s does not start with %s", filepath.Base(tmp), want)
			}
		})
	}
}
