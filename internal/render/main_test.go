package render

import (
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/deckreel/deckreel/capture"
	"github.com/deckreel/deckreel/internal/mediatest"
)

// requireTools skips an integration test when Chrome or ffmpeg is missing,
// except under CI, where a missing binary is a failure: integration tests
// are never skipped silently there.
func requireTools(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: skipped with -short")
	}
	mediatest.RequireFFmpeg(t)
	if _, _, err := capture.FindBrowser("auto"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Chrome is required in CI: %v", err)
		}
		t.Skip(err)
	}
}

// TestMain checks that no test leaves a Chrome or ffmpeg process behind.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if out, err := exec.Command("pgrep", "-P", strconv.Itoa(os.Getpid())).Output(); err == nil && len(out) > 0 {
			os.Stderr.WriteString("leftover child processes: " + string(out))
			code = 1
		}
	}
	os.Exit(code)
}
