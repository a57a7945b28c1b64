package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deckreel/deckreel/internal/proc"
)

// TestOutputIsDevice: a character device as the output (made with mknod,
// as /dev/null is: 1,3) is refused with exit 2 and left as it was; before,
// the temporary video was renamed over it. mknod needs root; CI runs as
// root.
// TestOutputFormatNotFromName: -o video.bin --format mp4 writes an MP4,
// whatever the name (the temporary file's extension named no format).
func TestOutputFormatNotFromName(t *testing.T) {
	out := filepath.Join(t.TempDir(), "video.bin")
	res := runCLI(t, "render", writePage(t, "<p>hi</p>"), "--duration", "1s", "--size", "320x180", "-o", out, "--format", "mp4")
	if res.code != 0 {
		t.Fatalf("exit %d; stderr: %s", res.code, res.stderr)
	}
	probe, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=format_name", "-of", "csv=p=0", out).Output()
	if err != nil || !strings.Contains(string(probe), "mp4") {
		t.Errorf("ffprobe says %q (%v), want an MP4", probe, err)
	}
}

func TestOutputIsDevice(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mknod needs root (CI runs as root): the FIFO case of TestBadInput runs unprivileged")
	}
	dir := t.TempDir()
	dev := filepath.Join(dir, "null")
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Skipf("mknod: %v (a container without CAP_MKNOD)", err)
	}
	before, err := os.Lstat(dev)
	if err != nil {
		t.Fatal(err)
	}
	page := writePage(t, "<p>hi</p>")
	res := runCLI(t, "render", page, "--duration", "1s", "-o", dev)
	if res.code != 2 || !strings.Contains(res.stderr, "is not a regular file (a character device)") {
		t.Errorf("exit %d, want 2 and a message naming the device; stderr: %s", res.code, res.stderr)
	}
	after, err := os.Lstat(dev)
	if err != nil || after.Mode() != before.Mode() ||
		after.Sys().(*syscall.Stat_t).Rdev != before.Sys().(*syscall.Stat_t).Rdev {
		t.Errorf("the device was replaced: %v, %v", after, err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".null.*")); len(left) > 0 {
		t.Errorf("temporary files left: %q", left)
	}
}

// TestDeckOutputLinks: a manifest's output: cannot leave the deck's
// directory through a symbolic link, to a directory or as the file
// itself; refused with exit 2 naming the manifest's line, and the file
// outside is untouched. A link that stays inside is followed.
func TestDeckOutputLinks(t *testing.T) {
	outside := t.TempDir()
	victim := filepath.Join(outside, "victim.mp4")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, output string
		setup        func(dir string) error
		want         string
	}{
		{"directory link out", "out/x.mp4", func(dir string) error { return os.Symlink(outside, filepath.Join(dir, "out")) },
			"leads out of the deck's directory through a symbolic link"},
		{"file link out", "x.mp4", func(dir string) error { return os.Symlink(victim, filepath.Join(dir, "x.mp4")) },
			"is a symbolic link"},
		{"missing directory", "nope/x.mp4", func(string) error { return nil }, "which does not exist"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := tt.setup(dir); err != nil {
				t.Fatal(err)
			}
			manifest := filepath.Join(dir, "deck.yaml")
			body := fmt.Sprintf("size: 320x240\nfps: 5\noutput: %s\nslides:\n  - markdown: \"# hi\"\n    duration: 1s\n", tt.output)
			if err := os.WriteFile(manifest, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			res := runCLI(t, "render", manifest)
			if res.code != 2 || !strings.Contains(res.stderr, manifest+":3: output") || !strings.Contains(res.stderr, tt.want) {
				t.Errorf("exit %d, want 2 with %s:3 and %q; stderr: %s", res.code, manifest, tt.want, res.stderr)
			}
			if b, err := os.ReadFile(victim); err != nil || string(b) != "precious" {
				t.Errorf("the file outside the deck changed: %q %v", b, err)
			}
			if left, _ := filepath.Glob(filepath.Join(outside, ".*")); len(left) > 0 {
				t.Errorf("files written outside the deck: %q", left)
			}
		})
	}
}

// TestKilledRunIsSwept: a render killed with SIGKILL midway leaves its
// temporary video next to the output and its browsers' profiles in the
// temporary directory; the next render of that output removes them (once
// they are a minute old: their times are set back here) and keeps every
// file that only looks like them.
func TestKilledRunIsSwept(t *testing.T) {
	requireTools(t)
	tmp, outDir := t.TempDir(), t.TempDir()
	out := filepath.Join(outDir, "out.mp4")
	page := writePage(t, `<body style="background:#08f"><div id=d></div>
<script>let n = 0; (function tick() { d.textContent = n++; requestAnimationFrame(tick); })();</script></body>`)
	env := append(os.Environ(), "TMPDIR="+tmp)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	marker := fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano())
	cmd, _, stderr := deckreel(t, ctx, marker, "render", page, "--duration", "60s", "--fps", "10", "--size", "320x240",
		"--workers", "1", "-o", out, "--progress", "plain")
	cmd.Env = append(env, "DECKREEL_TEST_MARKER="+marker)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	deadTag := proc.SafeHost(host) + "-" + fmt.Sprint(cmd.Process.Pid) // the killed run's
	tempRe := regexp.MustCompile(`^\.out\.mp4\.deckreel-` + regexp.QuoteMeta(deadTag) + `~[0-9]+\.tmp\.mp4$`)
	profileRe := regexp.MustCompile(`^deckreel-profile-` + regexp.QuoteMeta(deadTag) + `~[0-9]+$`)
	find := func(dir string, re *regexp.Regexp) []string {
		var got []string
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if re.MatchString(e.Name()) {
				got = append(got, filepath.Join(dir, e.Name()))
			}
		}
		return got
	}
	// Midway: frames are being written, so the browser and ffmpeg run.
	for !regexp.MustCompile(`rendered [1-9][0-9]*/600`).MatchString(stderr.String()) {
		if ctx.Err() != nil {
			t.Fatalf("the render never got going: %s", stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	var ee *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &ee) {
		t.Fatalf("the killed render: %v", err)
	}
	// Chrome dies with it (Pdeathsig), ffmpeg at the end of its input;
	// Chrome's own children may linger a moment.
	waitGone(t, marker)
	temps, profiles := find(outDir, tempRe), find(tmp, profileRe)
	if len(temps) != 1 || len(profiles) == 0 {
		t.Fatalf("after SIGKILL: temporary videos %q, profiles %q; want one and some", temps, profiles)
	}
	old := time.Now().Add(-2 * proc.SweepAge)
	for _, p := range append(temps, profiles...) {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}

	// Look-alikes the next run must keep: another output's, a live
	// process's, another host's, a wrong ending, a link, a file where a
	// profile would be a directory, and one too recent to tell.
	dead := filepath.Base(temps[0])
	linked := t.TempDir()
	keepMe := filepath.Join(linked, "keep")
	if err := os.WriteFile(keepMe, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	lookalikes := map[string]string{ // path: kind
		filepath.Join(outDir, ".other.mp4.deckreel-"+deadTag+"~1.tmp.mp4"):  "file",
		filepath.Join(outDir, ".out.mp4.deckreel-"+proc.Tag()+"~2.tmp.mp4"): "file",
		filepath.Join(outDir, ".out.mp4.deckreel-elsewhere-1~3.tmp.mp4"):    "file",
		filepath.Join(outDir, dead+".bak"):                                  "file",
		filepath.Join(outDir, ".out.mp4.deckreel-"+deadTag+"~4.tmp.mp4"):    "link",
		filepath.Join(tmp, "deckreel-profile-"+deadTag+"~5"):                "file",
		filepath.Join(tmp, "deckreel-profile-"+deadTag+"~6"):                "link",
		filepath.Join(tmp, "deckreel-profile-"+deadTag+"~7"):                "fresh",
		filepath.Join(tmp, "deckreel-profile-"+deadTag+"~8x"):               "dir",
		filepath.Join(tmp, "chromedp-runner123"):                            "dir",
	}
	for p, kind := range lookalikes {
		var err error
		switch kind {
		case "file":
			err = os.WriteFile(p, nil, 0o644)
		case "link":
			err = os.Symlink(linked, p)
		case "dir", "fresh":
			err = os.Mkdir(p, 0o755)
		}
		if err == nil && kind != "link" && kind != "fresh" {
			err = os.Chtimes(p, old, old)
		}
		if err != nil {
			t.Fatal(err)
		}
	}

	res := runCLIEnv(t, env, "render", page, "--duration", "0.5s", "--fps", "10", "--size", "320x240", "--workers", "1", "-o", out)
	if res.code != 0 {
		t.Fatalf("the next render: exit %d: %s", res.code, res.stderr)
	}
	for _, p := range append(temps, profiles...) {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s was not swept", p)
		}
	}
	for p, kind := range lookalikes {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s (%s) was removed", p, kind)
		}
	}
	if _, err := os.Stat(keepMe); err != nil {
		t.Errorf("what a link points to was removed: %v", err)
	}
	// The next run's own profiles went with it: only the look-alikes stay.
	if left := find(tmp, regexp.MustCompile(`^deckreel-profile-`)); len(left) != 4 {
		t.Errorf("profiles left: %q, want the four look-alikes", left)
	}
}

// runCLIEnv is runCLI with env as the binary's environment (the marker is
// added).
func runCLIEnv(t *testing.T, env []string, args ...string) result {
	t.Helper()
	res, _ := runDeckreel(t, env, args...)
	return res
}

// waitGone waits a while for the processes a killed run started to end,
// and kills those that did not, saying so.
func waitGone(t *testing.T, marker string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		left := processesWith("DECKREEL_TEST_MARKER=" + marker)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Logf("processes outlived the killed render: %s", strings.Join(left, "; "))
			for _, p := range left {
				if pid, err := strconv.Atoi(strings.Fields(p)[0]); err == nil {
					_ = syscall.Kill(pid, syscall.SIGKILL)
				}
			}
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}
