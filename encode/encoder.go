package encode

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/deckreel/deckreel/internal/proc"
)

// errFFmpegQuit cancels the encoder's context after ffmpeg stopped reading
// frames on its own; it never reaches callers (they get an *FFmpegError).
var errFFmpegQuit = errors.New("ffmpeg stopped reading frames")

// Encoder feeds raw frames to one ffmpeg process that encodes them into a
// temporary file, which Close renames onto Options.Output.
//
// WriteFrame and Close must be called from one goroutine (the one that owns
// the frame order). Frames may be called from any goroutine, and Abort may be
// called from another goroutine to interrupt a WriteFrame that is blocked
// because ffmpeg is not reading.
//
// The Encoder starts no goroutines of its own. os/exec runs one that copies
// ffmpeg's stderr and one that watches the context; both end when ffmpeg has
// been waited for, which Close and Abort always do. Until one of them is
// called the ffmpeg process, those goroutines and the temporary file remain.
type Encoder struct {
	opts       Options // defaults applied; Output as the caller gave it
	outPath    string  // absolute Output
	tmpPath    string  // absolute temporary file, same directory
	frameBytes int

	// ctx is done when the caller's context is, when Abort is called, or
	// when ffmpeg quit by itself; os/exec then runs cmd.Cancel.
	ctx    context.Context
	cancel context.CancelCauseFunc
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *tailWriter

	frames atomic.Int64

	// In skip mode (see skip.go): the muxing ffmpeg, its log, the repeat
	// counts on their way to the pump, and the pump's end and error.
	mux       *exec.Cmd
	muxStderr *tailWriter
	runs      runQueue
	pumpDone  chan struct{}
	pumpErr   error

	waitOnce sync.Once
	waitErr  error

	// failed is the error of the first failed write. WriteFrame sets it and
	// Close reads it, which the single-writer rule keeps from overlapping.
	failed error

	finishMu sync.Mutex  // serialises Close and Abort
	finished atomic.Bool // Close or Abort has begun
}

// Start validates opts, creates the temporary file next to opts.Output and
// starts ffmpeg reading raw frames from a pipe. Nothing is written to
// opts.Output until Close succeeds.
//
// The caller must call Close (to keep the video) or Abort (to discard it)
// exactly once; `defer enc.Abort()` followed by `return enc.Close()` is the
// usual pattern, since Abort after Close does nothing.
//
// ctx bounds the whole encode: when it is done, ffmpeg is stopped as by
// Abort (stdin closed and SIGINT, then SIGKILL after GracePeriod) and
// WriteFrame and Close return errors wrapping context.Cause(ctx). The
// temporary file is removed by the Close or Abort that must still follow.
func Start(ctx context.Context, opts Options) (*Encoder, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	o := opts.withDefaults()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("start encoding %s: %w", o.Output, context.Cause(ctx))
	}
	bin, err := exec.LookPath(o.FFmpeg)
	if err != nil {
		return nil, fmt.Errorf("start encoding %s: find ffmpeg: %w", o.Output, err)
	}
	out, err := filepath.Abs(o.Output)
	if err != nil {
		return nil, fmt.Errorf("start encoding %s: %w", o.Output, err)
	}
	seq := o.sequence()
	var tmp string
	if seq {
		// A PNG sequence is a directory, made in a hidden temporary one
		// and moved into place by Close.
		tmp, err = CreateSequenceDir(out)
	} else {
		tmp, err = createTemp(out)
	}
	if err != nil {
		return nil, fmt.Errorf("start encoding %s: %w", o.Output, err)
	}

	ctx, cancel := context.WithCancelCause(ctx)
	e := &Encoder{
		opts:       o,
		outPath:    out,
		tmpPath:    tmp,
		frameBytes: o.FrameBytes(),
		ctx:        ctx,
		cancel:     cancel,
		stderr:     newTailWriter(stderrTailSize, o.Stderr),
	}
	var args []string
	if o.skipRepeats() {
		args = encodeArgs(o)
	} else if args, err = ffmpegArgs(o, o.target(tmp)); err != nil {
		return nil, errors.Join(fmt.Errorf("start encoding %s: %w", o.Output, err), os.Remove(tmp))
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		cancel(nil)
		return nil, errors.Join(fmt.Errorf("start encoding %s: %w", o.Output, err), e.removeTemp())
	}
	var encOut io.ReadCloser
	if o.skipRepeats() {
		if encOut, err = cmd.StdoutPipe(); err != nil {
			cancel(nil)
			return nil, errors.Join(fmt.Errorf("start encoding %s: %w", o.Output, err), e.removeTemp())
		}
	}
	cmd.Stderr = e.stderr
	// Stopping is graceful first, because a SIGKILLed ffmpeg leaves an MP4
	// without its index: end of input lets it finish normally, and SIGINT
	// makes it finish even if it is stuck somewhere other than reading.
	// Only if it is still running GracePeriod later does os/exec kill it.
	cmd.Cancel = func() error {
		_ = stdin.Close() // unblocks a WriteFrame stuck on a full pipe
		return cmd.Process.Signal(os.Interrupt)
	}
	cmd.WaitDelay = o.GracePeriod
	if err := cmd.Start(); err != nil {
		cancel(nil)
		return nil, errors.Join(fmt.Errorf("start encoding %s: start ffmpeg: %w", o.Output, err), e.removeTemp())
	}
	e.cmd, e.stdin = cmd, stdin
	if encOut != nil {
		if err := e.startMuxer(bin, encOut); err != nil {
			cancel(err)
			e.wait()
			return nil, errors.Join(fmt.Errorf("start encoding %s: %w", o.Output, err), e.removeTemp())
		}
	}
	hdr, err := mkvHeader(o.Width, o.Height, o.PixFmt)
	if err == nil {
		_, err = stdin.Write(hdr)
	}
	if err != nil {
		werr := e.writeFailed("write stream header", err)
		return nil, errors.Join(werr, e.removeTemp())
	}
	return e, nil
}

// createTemp creates an empty hidden file next to out for ffmpeg to
// overwrite, and returns its path. Creating it ourselves, rather than
// letting ffmpeg do it, makes the name unique; it keeps out's extension
// (or .mp4) because ffmpeg picks the container from it. The name carries
// this process's host and pid (proc.Tag), so that the next render of out
// removes what a killed one left (sweepTemps) and nothing of a live one.
func createTemp(out string) (string, error) {
	dir, base := filepath.Split(out)
	ext := filepath.Ext(base)
	if ext == "" {
		ext = ".mp4"
	}
	temps := tempFiles(base, ext)
	temps.Sweep(dirOrDot(dir))
	f, err := os.CreateTemp(dir, temps.Pattern())
	if err != nil {
		return "", fmt.Errorf("create temporary file: %w", err)
	}
	// CreateTemp makes the file 0600, and the mode survives ffmpeg's
	// overwrite and our rename; a video is normally world-readable.
	err = f.Chmod(0o644)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", errors.Join(fmt.Errorf("prepare temporary file: %w", err), os.Remove(f.Name()))
	}
	return f.Name(), nil
}

// tempFiles are the temporary files of an output named base: hidden,
// next to it, ".talk.mp4.deckreel-host-1234~5678.tmp.mp4" (ffmpeg picks
// the container by the last extension). The tag lets the next render of
// that output sweep what a killed one left, and nothing of a live one.
func tempFiles(base, ext string) proc.Leftovers {
	return proc.Leftovers{Prefix: "." + base + ".deckreel-", Suffix: ".tmp" + ext}
}

// dirOrDot is dir, or "." for the current directory's "".
func dirOrDot(dir string) string {
	if dir == "" {
		return "."
	}
	return dir
}

// WriteFrame sends one raw frame to ffmpeg count times (count >= 1 repeats
// an unchanged frame, e.g. while a slide is static). pix must be exactly
// Options.FrameBytes long, in Options.PixFmt layout (for JPEG, one JPEG
// file); frames are encoded in the order written, each lasting 1/FPS. pix
// is not retained.
//
// WriteFrame blocks while ffmpeg is busy: that is the back-pressure that
// slows capture down to encoding speed. If ffmpeg has died, the error is an
// *FFmpegError quoting the end of its log, ffmpeg has been reaped and the
// Encoder is dead: every later WriteFrame and Close return the same error.
// A wrong length or count is reported without harming the Encoder.
func (e *Encoder) WriteFrame(pix []byte, count int) error {
	if e.finished.Load() {
		return fmt.Errorf("encode %s: write frame %d: %w", e.opts.Output, e.frames.Load(), ErrClosed)
	}
	if e.failed != nil {
		return e.failed
	}
	if len(pix) == 0 {
		return fmt.Errorf("encode %s: write frame %d: empty frame", e.opts.Output, e.frames.Load())
	}
	if e.frameBytes > 0 && len(pix) != e.frameBytes {
		return fmt.Errorf("encode %s: write frame %d: got %d bytes, want %d for %dx%d %s",
			e.opts.Output, e.frames.Load(), len(pix), e.frameBytes, e.opts.Width, e.opts.Height, e.opts.PixFmt)
	}
	if count < 1 {
		return fmt.Errorf("encode %s: write frame %d: repeat count must be at least 1; got %d", e.opts.Output, e.frames.Load(), count)
	}
	// The frame goes once, with its duration; ffmpeg repeats it. ffmpeg
	// repeats a frame only up to the next one's timestamp, though, and
	// ignores the last frame's duration; so a run that may be the last is
	// sent again at its last frame (when Options.Frames is known, only the
	// run that ends the video).
	n := e.frames.Load()
	end := n + int64(count)
	if e.mux != nil {
		// Skip mode: x264 gets the frame once, the pump writes the repeats.
		e.runs.push(count)
		if err := e.writeAt(n, end, pix); err != nil {
			return err
		}
		e.frames.Store(end)
		return nil
	}
	if err := e.writeAt(n, end, pix); err != nil {
		return err
	}
	if count > 1 && !e.opts.VFR && (e.opts.Frames == 0 || end == int64(e.opts.Frames)) {
		if err := e.writeAt(end-1, end, pix); err != nil {
			return err
		}
	}
	e.frames.Store(end)
	return nil
}

// writeAt sends pix to show from frame from until frame to.
func (e *Encoder) writeAt(from, to int64, pix []byte) error {
	fps := e.opts.FPS
	start := frameMicros(from, fps)
	if err := writeMKVFrame(e.stdin, start, frameMicros(to, fps)-start, pix); err != nil {
		e.failed = e.writeFailed(fmt.Sprintf("write frame %d", from), err)
		return e.failed
	}
	return nil
}

// writeFailed turns a failed write to ffmpeg's stdin into the error to
// report, after making sure ffmpeg has exited and been reaped, so that
// its whole log has been read.
func (e *Encoder) writeFailed(op string, writeErr error) error {
	if e.ctx.Err() != nil {
		// Cancel closed stdin under us: cancellation or Abort, not ffmpeg.
		e.wait()
		return fmt.Errorf("encode %s: %s: %w", e.opts.Output, op, context.Cause(e.ctx))
	}
	// ffmpeg closed its end of the pipe, so it has exited or is about to.
	// Stop it gracefully in case it is still alive, and wait for it.
	e.cancel(errFFmpegQuit)
	err := e.wait()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		// ffmpeg exited 0 (or was reaped as we cancelled) without reading
		// everything; the write error is the only evidence.
		err = fmt.Errorf("quit early: %w", writeErr)
	}
	return &FFmpegError{Output: e.opts.Output, Op: op, Err: err, Stderr: e.stderrTail()}
}

// Frames reports how many frames (counting repeats) have been written to
// ffmpeg so far. It is safe to call from any goroutine.
func (e *Encoder) Frames() int {
	return int(e.frames.Load())
}

// Close ends the input, waits for ffmpeg to finish the file, checks that
// it exited 0, syncs the file to disk and renames it onto Options.Output,
// replacing any file there atomically. On any failure the temporary file
// is removed, Output is left untouched and the error says why: an
// *FFmpegError if ffmpeg failed, or an error wrapping the context's cause
// if it was cancelled (even if ffmpeg had just finished).
//
// Close takes as long as ffmpeg needs to flush its encoder and, for
// +faststart, rewrite the file with the index first; it is bounded only by
// the context given to Start. Close with no frames written fails, rather
// than leave an empty video.
func (e *Encoder) Close() error {
	e.finishMu.Lock()
	defer e.finishMu.Unlock()
	if e.finished.Swap(true) {
		return fmt.Errorf("encode %s: close: %w", e.opts.Output, ErrClosed)
	}
	defer e.cancel(nil) // ffmpeg has been waited for by then; release the context

	if e.failed != nil {
		return errors.Join(e.failed, e.removeTemp())
	}
	// End of input: ffmpeg flushes the encoder, writes the index and exits.
	closeErr := e.stdin.Close()
	waitErr := e.wait()
	if e.ctx.Err() != nil {
		return errors.Join(fmt.Errorf("encode %s: finish: %w", e.opts.Output, context.Cause(e.ctx)), e.removeTemp())
	}
	if waitErr != nil {
		return errors.Join(&FFmpegError{Output: e.opts.Output, Op: "finish", Err: waitErr, Stderr: e.stderrTail()}, e.removeTemp())
	}
	if closeErr != nil {
		return errors.Join(fmt.Errorf("encode %s: finish: close ffmpeg's input: %w", e.opts.Output, closeErr), e.removeTemp())
	}
	if e.frames.Load() == 0 {
		return errors.Join(fmt.Errorf("encode %s: finish: no frames were written", e.opts.Output), e.removeTemp())
	}
	if e.opts.sequence() {
		if err := CommitSequenceDir(e.tmpPath, e.outPath); err != nil {
			return errors.Join(fmt.Errorf("encode %s: finish: %w", e.opts.Output, err), e.removeTemp())
		}
		return nil
	}
	if err := syncFile(e.tmpPath); err != nil {
		return errors.Join(fmt.Errorf("encode %s: finish: %w", e.opts.Output, err), e.removeTemp())
	}
	if err := os.Rename(e.tmpPath, e.outPath); err != nil {
		return errors.Join(fmt.Errorf("encode %s: finish: move video into place: %w", e.opts.Output, err), e.removeTemp())
	}
	// Make the rename itself durable. Best effort: the video is already in
	// place and complete, and some file systems cannot sync a directory.
	_ = syncFile(filepath.Dir(e.outPath))
	return nil
}

// Abort stops ffmpeg and removes the temporary file, leaving
// Options.Output untouched. It stops ffmpeg as a cancelled context does:
// stdin is closed and SIGINT sent, and only if ffmpeg is still running
// after GracePeriod is it killed; so Abort takes at most about
// GracePeriod. A WriteFrame blocked in another goroutine returns an error
// wrapping ErrAborted.
//
// Abort after Close (or a second Abort) does nothing and returns nil; an
// Abort racing with Close waits for Close to finish and then does nothing
// (cancel the context to cut a slow Close short). The
// error reports only failure to remove the temporary file: ffmpeg's exit
// status means nothing once it has been told to stop.
func (e *Encoder) Abort() error {
	e.finishMu.Lock()
	defer e.finishMu.Unlock()
	if e.finished.Swap(true) {
		return nil
	}
	e.cancel(ErrAborted)
	e.wait()
	return e.removeTemp()
}

// wait waits for ffmpeg exactly once, however many paths need it to have
// exited, and returns what exec.Cmd.Wait returned.
//
// In skip mode it also waits for the pump (which must finish reading the
// encoder's output before the encoder is waited for) and the muxer, and
// reports the first failure.
func (e *Encoder) wait() error {
	e.waitOnce.Do(func() {
		if e.mux == nil {
			e.waitErr = e.cmd.Wait()
			return
		}
		<-e.pumpDone
		encErr := e.cmd.Wait()
		muxErr := e.mux.Wait()
		switch {
		case encErr != nil:
			e.waitErr = encErr
		case e.pumpErr != nil:
			e.waitErr = e.pumpErr
		case muxErr != nil:
			e.waitErr = fmt.Errorf("mux: %w", muxErr)
		}
	})
	return e.waitErr
}

// stderrTail is the end of the log of every ffmpeg this encoder runs.
func (e *Encoder) stderrTail() string {
	if e.muxStderr == nil {
		return e.stderr.String()
	}
	return e.stderr.String() + e.muxStderr.String()
}

func (e *Encoder) removeTemp() error {
	if err := os.RemoveAll(e.tmpPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove temporary file: %w", err)
	}
	return nil
}

// syncFile flushes path (a file written by ffmpeg, or a directory) to
// disk, so that a crash after the rename cannot leave an empty Output.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}
