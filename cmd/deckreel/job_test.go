package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deckreel/deckreel/internal/mediatest"
)

// The job tests of a page render a 6 s animated page at 10 fps in 1 s
// chunks and hurt the render in the ways machines do (the deck job tests,
// in deckjob_test.go, take a deck through every path of a job), then check
// that the result equals a clean job render. Job renders are deterministic (fixed epoch, one encode
// per chunk), so "equal" is byte for byte, and the decoded frames are
// compared too.

const animatedPage = `<!doctype html><body style="margin:0;background:#113">
<div id="b" style="position:absolute;top:60px;width:40px;height:40px;background:#fc3"></div>
<div id="t" style="position:absolute;top:10px;left:10px;color:#fff;font:20px sans-serif"></div>
<script>
function f(ts){document.getElementById('b').style.left=(ts/20)+'px';
document.getElementById('t').textContent=(Date.now()%100000)+' '+ts.toFixed(1);requestAnimationFrame(f)}
requestAnimationFrame(f)</script></body>`

func jobArgs(page, dir, out string, extra ...string) []string {
	args := []string{"render", page, "--duration", "6s", "--fps", "10", "--size", "320x180",
		"--job", dir, "--chunk", "1s", "-o", out, "--progress", "plain", "--workers", "2",
		"--clock", "2026-03-01T12:00:00Z",
		// A tab whose renderer was killed may never hear of it; the batch
		// timeout is what recovers it, and must come well within the
		// tests' two minutes.
		"--batch-timeout", "20s"}
	return append(args, extra...)
}

// cleanJob renders the page once as a job and returns the video's bytes.
func cleanJob(t *testing.T, page string) []byte {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "clean.mp4")
	if res := runCLI(t, jobArgs(page, filepath.Join(dir, "job"), out)...); res.code != 0 {
		t.Fatalf("clean job render: exit %d: %s", res.code, res.stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func sameVideo(t *testing.T, got string, want []byte) {
	t.Helper()
	data, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	info, err := mediatest.ProbeVideo(context.Background(), got)
	if err != nil {
		t.Fatal(err)
	}
	if info.Frames != 60 {
		t.Errorf("%s has %d frames, want 60", got, info.Frames)
	}
	if !bytes.Equal(data, want) {
		gotFrames, err1 := mediatest.ExtractFrames(context.Background(), got)
		wantPath := filepath.Join(t.TempDir(), "want.mp4")
		os.WriteFile(wantPath, want, 0o644)
		wantFrames, err2 := mediatest.ExtractFrames(context.Background(), wantPath)
		if err1 != nil || err2 != nil {
			t.Fatalf("decode: %v %v", err1, err2)
		}
		for i := range min(len(gotFrames), len(wantFrames)) {
			if !bytes.Equal(gotFrames[i].Pix, wantFrames[i].Pix) {
				t.Errorf("frame %d differs from the clean render", i)
			}
		}
		t.Errorf("%s differs from the clean job render (%d vs %d bytes)", got, len(data), len(want))
	}
}

// runningJob is a job render of animatedPage started in the background and
// past its first finished chunk.
type runningJob struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	marker string
	dir    string
	out    string
}

func startJobRender(t *testing.T, ctx context.Context, page, name string) runningJob {
	t.Helper()
	j := runningJob{
		marker: fmt.Sprintf("%s-%d", name, time.Now().UnixNano()),
		dir:    filepath.Join(t.TempDir(), "job"),
		out:    filepath.Join(t.TempDir(), "out.mp4"),
	}
	j.cmd, _, j.stderr = deckreel(t, ctx, j.marker, jobArgs(page, j.dir, j.out)...)
	if err := j.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForChunk(t, j.dir, j.stderr)
	return j
}

// TestRendererCrashRecovers kills a Chrome renderer mid-render: the run
// must replace it, retry the batch and produce the right video by itself.
func TestRendererCrashRecovers(t *testing.T) {
	requireTools(t)
	page := writePage(t, animatedPage)
	want := cleanJob(t, page)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	j := startJobRender(t, ctx, page, "crash")
	cmd, stderr, marker, out := j.cmd, j.stderr, j.marker, j.out
	// Kill every renderer of the render (Chrome may keep a spare one), so
	// that a tab in use certainly crashes.
	killed := 0
	for _, p := range processesWith("DECKREEL_TEST_MARKER=" + marker) {
		if strings.Contains(p, "--type=renderer") {
			pid, _ := strconv.Atoi(strings.Fields(p)[0])
			if syscall.Kill(pid, syscall.SIGKILL) == nil {
				killed++
			}
		}
	}
	t.Logf("killed %d renderers", killed)
	if killed == 0 {
		t.Log("the render finished before a renderer could be killed")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("render after a renderer crash: %v: %s", err, stderr.String())
	}
	assertNoLeftovers(t, marker)
	if killed > 0 && !strings.Contains(stderr.String(), "retrying") {
		t.Errorf("no retry reported after the crash: %s", stderr.String())
	}
	sameVideo(t, out, want)
}

func waitForChunk(t *testing.T, dir string, stderr *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m, _ := filepath.Glob(filepath.Join(dir, "chunks", "*.mp4")); len(m) > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no chunk done after 60 s: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestJobFailedRangeRerun renders a page that throws in its third second
// only: that chunk is reported failed (exit 1, with the rerun command), the
// rest is saved; after the page is fixed, --frames renders the failed
// frames and completes the job.
func TestJobFailedRangeRerun(t *testing.T) {
	requireTools(t)
	broken := strings.Replace(animatedPage, "requestAnimationFrame(f)</script>",
		"requestAnimationFrame(f);setTimeout(function(){throw new Error('slide three is broken')},2050)</script>", 1)
	page := writePage(t, broken)
	dir := filepath.Join(t.TempDir(), "job")
	out := filepath.Join(t.TempDir(), "out.mp4")
	res := runCLI(t, jobArgs(page, dir, out, "--page-errors", "fail")...)
	if res.code != 1 {
		t.Fatalf("exit %d, want 1 (some ranges failed): %s", res.code, res.stderr)
	}
	for _, want := range []string{"slide three is broken", "20-29", "deckreel"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr does not mention %q: %s", want, res.stderr)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("an incomplete job wrote %s", out)
	}
	st := runCLI(t, "status", dir)
	if !strings.Contains(st.stdout+st.stderr, "failed") {
		t.Errorf("status does not show the failed range: %s%s", st.stdout, st.stderr)
	}
	// Fix the page and render the failed frames again.
	if err := os.WriteFile(page, []byte(animatedPage), 0o644); err != nil {
		t.Fatal(err)
	}
	res = runCLI(t, jobArgs(page, dir, out, "--page-errors", "fail", "--frames", "20-29")...)
	if res.code != 0 {
		t.Fatalf("rerun: exit %d: %s", res.code, res.stderr)
	}
	info, err := mediatest.ProbeVideo(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	if info.Frames != 60 {
		t.Errorf("%d frames after the rerun, want 60", info.Frames)
	}
}
