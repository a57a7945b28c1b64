package encode

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests drive the Encoder against fake ffmpegs (see fake_test.go);
// integration_test.go runs the real one.

func solidFrame(o Options, v byte) []byte {
	return bytes.Repeat([]byte{v}, o.FrameBytes())
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// assertNoTemp fails if a temporary file is left in dir.
func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	left, err := filepath.Glob(filepath.Join(dir, ".*deckreel-*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Errorf("temporary files left behind: %q", left)
	}
}

func assertContent(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if string(got) != want {
		t.Errorf("%s = %q, want %q", path, got, want)
	}
}

// assertGone fails if ffmpeg's process still exists (even as a zombie).
func assertGone(t *testing.T, pid int) {
	t.Helper()
	if s := processState(t, pid); s != "" {
		t.Errorf("ffmpeg (pid %d) still exists in state %s", pid, s)
	}
}

func TestCloseRenamesOnSuccess(t *testing.T) {
	o := fakeOptions(t, "ok")
	dir := filepath.Dir(o.Output)
	enc, err := Start(testContext(t), o)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Abort()
	pid := enc.cmd.Process.Pid

	tmp := enc.tmpPath
	if filepath.Dir(tmp) != dir || !strings.HasPrefix(filepath.Base(tmp), ".out.mp4.deckreel-") || filepath.Ext(tmp) != ".mp4" {
		t.Errorf("temporary file %s: want a hidden .mp4 next to %s", tmp, o.Output)
	}
	if err := enc.WriteFrame(solidFrame(o, 1), 1); err != nil {
		t.Fatal(err)
	}
	if err := enc.WriteFrame(solidFrame(o, 2), 4); err != nil {
		t.Fatal(err)
	}
	if got := enc.Frames(); got != 5 {
		t.Errorf("Frames() = %d, want 5", got)
	}
	if _, err := os.Stat(o.Output); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("output exists before Close: %v", err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}

	assertContent(t, o.Output, streamBytes(t, o, 1, 4)) // 5 frames of 64x48x4
	if fi, err := os.Stat(o.Output); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("output mode: %v, %v; want 0644", fi.Mode(), err)
	}
	assertNoTemp(t, dir)
	assertGone(t, pid)

	if err := enc.Abort(); err != nil {
		t.Errorf("Abort after Close = %v, want nil", err)
	}
	if err := enc.WriteFrame(solidFrame(o, 3), 1); !errors.Is(err, ErrClosed) {
		t.Errorf("WriteFrame after Close = %v, want ErrClosed", err)
	}
	if err := enc.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close = %v, want ErrClosed", err)
	}
}

func TestOutputWithoutExtension(t *testing.T) {
	o := fakeOptions(t, "ok")
	o.Output = strings.TrimSuffix(o.Output, ".mp4")
	enc, err := Start(testContext(t), o)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Abort()
	if filepath.Ext(enc.tmpPath) != ".mp4" {
		t.Errorf("temporary file %s: want .mp4 so ffmpeg picks the MP4 muxer", enc.tmpPath)
	}
	if err := enc.WriteFrame(solidFrame(o, 1), 1); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	assertContent(t, o.Output, streamBytes(t, o, 1))
}

// TestFFmpegFailure checks that when ffmpeg fails, the error quotes its log,
// the encoder stays failed, the old output survives and nothing is left.
func TestFFmpegFailure(t *testing.T) {
	for _, tc := range []struct {
		mode       string
		failsWrite bool   // WriteFrame fails (rather than Close)
		wantOp     string // FFmpegError.Op prefix
		wantStderr string
		wantExit   int // -1: no exit error expected (ffmpeg exited 0)
	}{
		{"fail-midway", true, "write frame ", "simulated encoder failure", 1},
		{"quit-midway", true, "write frame ", "", -1},
		{"fail-at-eof", false, "finish", "could not write header", 1},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			o := fakeOptions(t, tc.mode)
			if err := os.WriteFile(o.Output, []byte("precious"), 0o644); err != nil {
				t.Fatal(err)
			}
			enc, err := Start(testContext(t), o)
			if err != nil {
				t.Fatal(err)
			}
			defer enc.Abort()
			pid := enc.cmd.Process.Pid

			// 200 frames are far more than the fakes read or the pipe holds.
			var writeErr error
			for i := 0; i < 200 && writeErr == nil; i++ {
				writeErr = enc.WriteFrame(solidFrame(o, byte(i)), 1)
			}
			if tc.failsWrite != (writeErr != nil) {
				t.Fatalf("WriteFrame error = %v, want failure: %v", writeErr, tc.failsWrite)
			}
			var err2 error
			if tc.failsWrite {
				err2 = enc.WriteFrame(solidFrame(o, 0), 1)
				if err2 != writeErr {
					t.Errorf("WriteFrame after failure = %v, want the same error %v", err2, writeErr)
				}
			}
			closeErr := enc.Close()
			if closeErr == nil {
				t.Fatal("Close succeeded after ffmpeg failed")
			}
			err = closeErr
			if tc.failsWrite {
				err = writeErr
				if !errors.Is(closeErr, writeErr) {
					t.Errorf("Close = %v, want the write error %v", closeErr, writeErr)
				}
			}

			var fe *FFmpegError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not an *FFmpegError", err, err)
			}
			if !strings.HasPrefix(fe.Op, tc.wantOp) || !strings.Contains(fe.Stderr, tc.wantStderr) || !strings.Contains(err.Error(), tc.wantStderr) {
				t.Errorf("error %q: want op %q… and stderr containing %q", err, tc.wantOp, tc.wantStderr)
			}
			var ee *exec.ExitError
			switch {
			case tc.wantExit < 0 && errors.As(err, &ee):
				t.Errorf("error %v: unexpected exit error", err)
			case tc.wantExit >= 0 && (!errors.As(err, &ee) || ee.ExitCode() != tc.wantExit):
				t.Errorf("error %v: want exit status %d", err, tc.wantExit)
			}

			assertContent(t, o.Output, "precious")
			assertNoTemp(t, filepath.Dir(o.Output))
			assertGone(t, pid)
			if err := enc.Abort(); err != nil {
				t.Errorf("Abort after failed Close = %v", err)
			}
		})
	}
}

func TestAbortKillsHungFFmpegAfterGracePeriod(t *testing.T) {
	const grace = 300 * time.Millisecond
	o := fakeOptions(t, "hang")
	o.GracePeriod = grace
	ready := newReadySignal()
	o.Stderr = ready
	if err := os.WriteFile(o.Output, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	enc, err := Start(testContext(t), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.WriteFrame(solidFrame(o, 1), 3); err != nil {
		t.Fatal(err)
	}
	ready.wait(t)

	start := time.Now()
	if err := enc.Abort(); err != nil {
		t.Errorf("Abort = %v", err)
	}
	if took := time.Since(start); took < grace || took > grace+5*time.Second {
		t.Errorf("Abort took %v, want about the grace period %v", took, grace)
	}
	if ws, ok := enc.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Errorf("hung ffmpeg ended with %v, want killed", enc.cmd.ProcessState)
	}
	assertContent(t, o.Output, "precious")
	assertNoTemp(t, filepath.Dir(o.Output))
	assertGone(t, enc.cmd.Process.Pid)
}

func TestAbortStopsHealthyFFmpegWithoutKill(t *testing.T) {
	o := fakeOptions(t, "graceful")
	o.GracePeriod = time.Minute
	ready := newReadySignal()
	o.Stderr = ready
	enc, err := Start(testContext(t), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.WriteFrame(solidFrame(o, 1), 3); err != nil {
		t.Fatal(err)
	}
	ready.wait(t)

	start := time.Now()
	if err := enc.Abort(); err != nil {
		t.Errorf("Abort = %v", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("Abort took %v; a healthy ffmpeg should stop at once", took)
	}
	if ps := enc.cmd.ProcessState; !ps.Exited() {
		t.Errorf("ffmpeg ended with %v, want a normal exit (never SIGKILL first)", ps)
	}
	assertNoTemp(t, filepath.Dir(o.Output))
	if _, err := os.Stat(o.Output); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("output after Abort: %v, want none", err)
	}
}

func TestAbortUnblocksWriteFrame(t *testing.T) {
	o := fakeOptions(t, "stall") // never reads, so the pipe fills up
	ready := newReadySignal()
	o.Stderr = ready
	enc, err := Start(testContext(t), o)
	if err != nil {
		t.Fatal(err)
	}
	ready.wait(t)

	writeErr := make(chan error, 1)
	go func() { // owned by this test, which receives its result below
		for {
			if err := enc.WriteFrame(solidFrame(o, 7), 1); err != nil {
				writeErr <- err
				return
			}
		}
	}()
	// Wait until the writer is stuck on the full pipe (64 KiB: 5 frames).
	for deadline := time.Now().Add(10 * time.Second); enc.Frames() < 4; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d frames written", enc.Frames())
		}
		time.Sleep(10 * time.Millisecond)
	}

	if err := enc.Abort(); err != nil {
		t.Errorf("Abort = %v", err)
	}
	select {
	case err := <-writeErr:
		if !errors.Is(err, ErrAborted) {
			t.Errorf("blocked WriteFrame returned %v, want ErrAborted", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("WriteFrame still blocked after Abort")
	}
	assertNoTemp(t, filepath.Dir(o.Output))
}

// TestContextCancelStopsFFmpeg checks that cancelling Start's context alone
// stops ffmpeg (gracefully, or by killing it after the grace period), and
// that the Close that follows reports the cancellation and cleans up.
func TestContextCancelStopsFFmpeg(t *testing.T) {
	for _, tc := range []struct {
		mode    string
		grace   time.Duration
		minTook time.Duration
	}{
		{"graceful", time.Minute, 0},
		{"hang", 300 * time.Millisecond, 300 * time.Millisecond},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			o := fakeOptions(t, tc.mode)
			o.GracePeriod = tc.grace
			ready := newReadySignal()
			o.Stderr = ready
			ctx, cancel := context.WithCancel(testContext(t))
			defer cancel()
			enc, err := Start(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			defer enc.Abort()
			pid := enc.cmd.Process.Pid
			if err := enc.WriteFrame(solidFrame(o, 1), 2); err != nil {
				t.Fatal(err)
			}
			ready.wait(t)

			start := time.Now()
			cancel()
			// ffmpeg must stop before anyone calls Close or Abort; it stays
			// a zombie until it is waited for.
			for deadline := start.Add(tc.grace + 5*time.Second); ; time.Sleep(10 * time.Millisecond) {
				if s := processState(t, pid); s == "Z" || s == "" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("ffmpeg still running %v after cancel", time.Since(start))
				}
			}
			if took := time.Since(start); took < tc.minTook {
				t.Errorf("ffmpeg stopped after %v, before the grace period %v", took, tc.minTook)
			}

			if err := enc.WriteFrame(solidFrame(o, 2), 1); !errors.Is(err, context.Canceled) {
				t.Errorf("WriteFrame after cancel = %v, want context.Canceled", err)
			}
			if err := enc.Close(); !errors.Is(err, context.Canceled) {
				t.Errorf("Close after cancel = %v, want context.Canceled", err)
			}
			assertNoTemp(t, filepath.Dir(o.Output))
			assertGone(t, pid)
			if _, err := os.Stat(o.Output); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("output after cancel: %v, want none", err)
			}
		})
	}
}

func TestWriteFrameRejectsBadInput(t *testing.T) {
	o := fakeOptions(t, "ok")
	enc, err := Start(testContext(t), o)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Abort()
	for _, tc := range []struct {
		name  string
		pix   []byte
		count int
		want  string
	}{
		{"short", make([]byte, 10), 1, "got 10 bytes, want 12288 for 64x48 rgba"},
		{"long", make([]byte, 12289), 1, "got 12289 bytes"},
		{"zero count", solidFrame(o, 1), 0, "repeat count must be at least 1; got 0"},
		{"negative count", solidFrame(o, 1), -3, "got -3"},
	} {
		if err := enc.WriteFrame(tc.pix, tc.count); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: WriteFrame = %v, want error containing %q", tc.name, err, tc.want)
		}
	}
	// Rejected frames do not harm the encoder.
	if err := enc.WriteFrame(solidFrame(o, 1), 2); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	assertContent(t, o.Output, streamBytes(t, o, 2))
}

func TestCloseWithoutFrames(t *testing.T) {
	o := fakeOptions(t, "ok")
	enc, err := Start(testContext(t), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err == nil || !strings.Contains(err.Error(), "no frames") {
		t.Errorf("Close = %v, want a no-frames error", err)
	}
	if _, err := os.Stat(o.Output); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("output: %v, want none", err)
	}
	assertNoTemp(t, filepath.Dir(o.Output))
}

// TestDiskFull: ffmpeg stopping on ENOSPC is reported as a full disk,
// naming the output, not as ffmpeg stopping to read frames.
func TestDiskFull(t *testing.T) {
	o := fakeOptions(t, "disk-full")
	enc, err := Start(testContext(t), o)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100 && err == nil; i++ {
		err = enc.WriteFrame(solidFrame(o, 1), 1)
	}
	if err == nil {
		err = enc.Close()
	} else {
		_ = enc.Abort()
	}
	if err == nil {
		t.Fatal("the encoder succeeded on a full disk")
	}
	if want := "disk full writing " + o.Output; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want it to start with %q", err, want)
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("errors.Is(%v, ENOSPC) is false", err)
	}
	assertNoTemp(t, filepath.Dir(o.Output))
}

func TestStderrIsTeed(t *testing.T) {
	o := fakeOptions(t, "fail-at-eof")
	var log bytes.Buffer // written by os/exec's goroutine, read after Close has waited for it
	o.Stderr = &log
	enc, err := Start(testContext(t), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.WriteFrame(solidFrame(o, 1), 1); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err == nil {
		t.Fatal("Close succeeded")
	}
	if !strings.Contains(log.String(), "could not write header") {
		t.Errorf("Stderr got %q, want ffmpeg's log", log.String())
	}
}

func TestStartErrors(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name   string
		ctx    context.Context
		modify func(*Options)
		is     error  // if set, errors.Is must hold
		want   string // if set, the message must contain it
	}{
		{"invalid options", context.Background(), func(o *Options) { o.Width = 63 }, nil, "even width and height"},
		{"ffmpeg not in PATH", context.Background(), func(o *Options) { o.FFmpeg = "deckreel-no-such-ffmpeg" }, exec.ErrNotFound, "find ffmpeg"},
		{"ffmpeg path missing", context.Background(), func(o *Options) { o.FFmpeg = "/nonexistent/ffmpeg" }, fs.ErrNotExist, "find ffmpeg"},
		{"no output directory", context.Background(), func(o *Options) { o.Output = filepath.Join(filepath.Dir(o.Output), "missing", "out.mp4") }, fs.ErrNotExist, "create temporary file"},
		{"cancelled", cancelled, func(*Options) {}, context.Canceled, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := fakeOptions(t, "ok")
			tc.modify(&o)
			enc, err := Start(tc.ctx, o)
			if err == nil {
				_ = enc.Abort()
				t.Fatal("Start succeeded")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("Start = %v, want errors.Is %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Start = %v, want it to mention %q", err, tc.want)
			}
			entries, _ := os.ReadDir(filepath.Dir(o.Output))
			if len(entries) > 0 {
				t.Errorf("Start left files: %v", entries)
			}
		})
	}
}

// streamBytes is what the fake ffmpeg reports for a stream of runs of the
// given lengths: the Matroska header, one block per run, and one more for a
// last run longer than a frame (see WriteFrame).
func streamBytes(t *testing.T, o Options, runs ...int) string {
	t.Helper()
	o = o.withDefaults()
	hdr, err := mkvHeader(o.Width, o.Height, o.PixFmt)
	if err != nil {
		t.Fatal(err)
	}
	var block bytes.Buffer
	if err := writeMKVFrame(&block, 0, 0, nil); err != nil {
		t.Fatal(err)
	}
	blocks := 0
	for i, r := range runs {
		blocks++
		if r > 1 && !o.VFR && (o.Frames == 0 || i == len(runs)-1) {
			blocks++
		}
	}
	return fmt.Sprintf("bytes=%d\n", len(hdr)+blocks*(block.Len()+o.FrameBytes()))
}
