package encode

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// fakeEnv selects a fake ffmpeg behaviour. When it is set, the test binary
// is not running tests: it was started by an Encoder as its "ffmpeg", with
// ffmpeg's arguments (the helper-process pattern of os/exec's own tests).
const fakeEnv = "DECKREEL_FAKE_FFMPEG"

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeEnv); mode != "" {
		os.Exit(fakeFFmpeg(mode, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakeFFmpeg pretends to be ffmpeg and returns the exit code. Modes:
//
//	ok            read all input, write a summary to the output, exit 0
//	fail-at-eof   read all input, complain, exit 1
//	fail-midway   read 20000 bytes, complain, exit 1
//	disk-full     read 20000 bytes, fail as ffmpeg does on ENOSPC, exit 1
//	quit-midway   read 20000 bytes, exit 0
//	graceful      stop promptly on SIGINT (exit 255) or end of input (exit 0)
//	stall         never read input; default SIGINT handling (dies)
//	hang          ignore SIGINT and SIGTERM, read all input, then sleep
//
// The last three print "ready" once their signal handling is in place.
func fakeFFmpeg(mode string, args []string) int {
	var out string
	for _, a := range args {
		if p, ok := strings.CutPrefix(a, "file:"); ok {
			out = p
		}
	}
	switch mode {
	case "ok":
		n, err := io.Copy(io.Discard, os.Stdin)
		if err != nil {
			fmt.Fprintln(os.Stderr, "fake ffmpeg: read:", err)
			return 1
		}
		if err := os.WriteFile(out, fmt.Appendf(nil, "bytes=%d\n", n), 0o666); err != nil {
			fmt.Fprintln(os.Stderr, "fake ffmpeg: write:", err)
			return 1
		}
		return 0
	case "fail-at-eof":
		_, _ = io.Copy(io.Discard, os.Stdin)
		fmt.Fprintln(os.Stderr, "[mp4 @ 0x1] fake: could not write header")
		return 1
	case "disk-full":
		_, _ = io.CopyN(io.Discard, os.Stdin, 20000)
		fmt.Fprintf(os.Stderr, "[mp4 @ 0x1] Error writing packet: No space left on device\nError writing trailer of file:%s: No space left on device\n", out)
		return 1
	case "fail-midway", "quit-midway":
		_, _ = io.CopyN(io.Discard, os.Stdin, 20000)
		if mode == "quit-midway" {
			return 0
		}
		fmt.Fprintln(os.Stderr, "fake: simulated encoder failure")
		return 1
	case "graceful":
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt)
		fmt.Fprintln(os.Stderr, "ready")
		eof := make(chan struct{})
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			close(eof)
		}()
		select {
		case <-sig:
			return 255 // what ffmpeg returns after SIGINT
		case <-eof:
			return 0
		}
	case "stall":
		fmt.Fprintln(os.Stderr, "ready")
		time.Sleep(time.Hour)
		return 0
	case "hang":
		signal.Ignore(os.Interrupt, syscall.SIGTERM)
		fmt.Fprintln(os.Stderr, "ready")
		_, _ = io.Copy(io.Discard, os.Stdin)
		time.Sleep(time.Hour)
		return 0
	}
	fmt.Fprintf(os.Stderr, "fake ffmpeg: unknown mode %q\n", mode)
	return 2
}

// fakeOptions makes Encoders started by this test run the fake in mode.
// Tests using it must not be parallel (the mode is an environment
// variable).
func fakeOptions(t *testing.T, mode string) Options {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(fakeEnv, mode)
	// Under -race a child that exits 0 sleeps a second first, by default.
	t.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	return Options{
		FFmpeg:      exe,
		Width:       64,
		Height:      48,
		FPS:         30,
		Output:      t.TempDir() + "/out.mp4",
		GracePeriod: 5 * time.Second,
		// The fake stands in for the one-process path; the two-process
		// skip path (skip.go) is tested with the real ffmpeg.
		VFR: true,
	}
}

// readySignal is an ffmpeg Stderr that closes ready when the fake reports
// that its signal handling is in place, so a test cannot signal it too soon.
type readySignal struct {
	once  sync.Once
	ready chan struct{}
}

func newReadySignal() *readySignal { return &readySignal{ready: make(chan struct{})} }

func (r *readySignal) Write(p []byte) (int, error) {
	if strings.Contains(string(p), "ready") {
		r.once.Do(func() { close(r.ready) })
	}
	return len(p), nil
}

func (r *readySignal) wait(t *testing.T) {
	t.Helper()
	select {
	case <-r.ready:
	case <-time.After(10 * time.Second):
		t.Fatal("fake ffmpeg never became ready")
	}
}
