package encode

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"syscall"
)

var (
	// ErrAborted is the cause reported by a WriteFrame that was interrupted
	// by a concurrent Abort.
	ErrAborted = errors.New("encoder aborted")

	// ErrClosed is returned by WriteFrame after Close or Abort, and by a
	// second Close.
	ErrClosed = errors.New("encoder already closed")
)

// FFmpegError reports that ffmpeg failed or stopped reading frames. It is
// not used for cancellation: those errors wrap the context's cause.
type FFmpegError struct {
	Output string // the Output the encoder was writing
	Op     string // what the encoder was doing, e.g. "write frame 12"
	Err    error  // usually an *exec.ExitError; the pipe error if ffmpeg exited 0 early
	Stderr string // the end of ffmpeg's log, which usually names the cause
}

func (e *FFmpegError) Error() string {
	if e.DiskFull() {
		// What the user must act on, first; ffmpeg's own words after.
		return fmt.Sprintf("disk full writing %s (ffmpeg: %s)", e.Output, diskFullText)
	}
	msg := fmt.Sprintf("encode %s: %s: ffmpeg: %v", e.Output, e.Op, e.Err)
	if s := strings.TrimSpace(e.Stderr); s != "" {
		// Keep the error on one line; the log is usually one or two lines.
		msg += ": " + strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " | ")), " ")
	}
	return msg
}

func (e *FFmpegError) Unwrap() error { return e.Err }

// diskFullText is how ffmpeg's log says that a write failed with ENOSPC
// (strerror's text, which ffmpeg prints after the failed call).
const diskFullText = "No space left on device"

// DiskFull reports that ffmpeg stopped because the output's disk is full:
// the frames it was sent are not the cause, and the error then reads
// "disk full writing OUTPUT".
func (e *FFmpegError) DiskFull() bool { return strings.Contains(e.Stderr, diskFullText) }

// Is makes errors.Is(err, syscall.ENOSPC) hold for a full disk.
func (e *FFmpegError) Is(target error) bool { return target == syscall.ENOSPC && e.DiskFull() }

// stderrTailSize bounds how much of ffmpeg's log is kept for errors. With
// -loglevel error the log is short; the bound matters only if ffmpeg
// floods it.
const stderrTailSize = 4 << 10

// tailWriter keeps the last max bytes written to it and copies everything
// to tee, if set. It is written by os/exec's copying goroutine and read by
// the encoder, hence the mutex. It never fails: a failing write to ffmpeg's
// stderr pipe would make os/exec stop draining it and ffmpeg would block or
// die of SIGPIPE, so a tee that fails is dropped instead.
type tailWriter struct {
	mu  sync.Mutex
	buf []byte
	max int
	cut bool // bytes were dropped from the front
	tee io.Writer
}

func newTailWriter(max int, tee io.Writer) *tailWriter {
	return &tailWriter{max: max, tee: tee, buf: make([]byte, 0, max)}
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tee != nil {
		if _, err := t.tee.Write(p); err != nil {
			t.tee = nil
		}
	}
	if len(p) >= t.max {
		t.buf = append(t.buf[:0], p[len(p)-t.max:]...)
		t.cut = true
		return len(p), nil
	}
	if over := len(t.buf) + len(p) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
		t.cut = true
	}
	t.buf = append(t.buf, p...)
	return len(p), nil
}

// String returns the kept tail, starting at a line boundary if the front
// was cut so the first line is not a fragment.
func (t *tailWriter) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := string(t.buf)
	if t.cut {
		if i := strings.IndexByte(s, '\n'); i >= 0 && i+1 < len(s) {
			s = s[i+1:]
		}
	}
	return s
}
