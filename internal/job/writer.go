package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/deckreel/deckreel/internal/pool"
)

// Encoder encodes one chunk; *encode.Encoder implements it. Close must
// write the video atomically (synced and renamed into place) and Abort must
// leave nothing at the path.
type Encoder interface {
	WriteFrame(pix []byte, count int) error
	Close() error
	Abort() error
}

// StartFunc starts an encoder writing the chunk of frames r to path. ctx
// bounds the encode: when it ends, the encoder must stop (and WriteFrame
// return).
type StartFunc func(ctx context.Context, path string, r pool.Range) (Encoder, error)

// WriterConfig configures a [ChunkWriter].
type WriterConfig struct {
	// Chunks are the chunks to render, sorted, without repeats. The frames
	// the writer receives (as frames or holes) are exactly theirs, in order.
	Chunks []int
	// Start starts the encoder of one chunk.
	Start StartFunc
	// Closing bounds how many finished chunks may be finishing (ffmpeg
	// flushing and writing the index) while the next one is written; a
	// writer that reaches the bound waits. Zero means 1.
	Closing int
	// Verify, if set, checks a chunk's finished video (its frames) before
	// the chunk is recorded as done, and returns what it found, which the
	// done record keeps (see Job.DoneProbe); an error fails the chunk.
	Verify func(ctx context.Context, path string, r pool.Range) (json.RawMessage, error)
	// Logf, if set, is told about each chunk that is done or failed.
	Logf func(format string, args ...any)
}

// ChunkFailure is a chunk that could not be rendered.
type ChunkFailure struct {
	Chunk  int
	Frames pool.Range
	Err    error
}

// WriteResult is what a [ChunkWriter] rendered.
type WriteResult struct {
	Done   []int          // chunks whose videos are in place, sorted
	Failed []ChunkFailure // sorted by chunk
}

// ChunkWriter is the frame sink of a job render: it encodes the frames it
// is given into one file per chunk, starting an encoder at each chunk's
// first frame and finishing it (in the background) at its last, and
// records each chunk as done or failed in the job. A chunk fails when some
// of its frames could not be captured (a hole, see [ChunkWriter.Hole]) or
// its encoder failed; the writer then drops the rest of that chunk's frames
// and goes on with the next chunk, so one bad slide costs only its chunks.
//
// WriteFrame and Hole are called from one goroutine, in frame order (it is
// a frames.HoleSink): together they cover exactly the frames of the
// chunks, which follow each other without the gaps between them. The
// caller must end with Close (after the last frame) or Abort, which wait
// for the chunks being finished.
type ChunkWriter struct {
	job  *Job
	ctx  context.Context
	cfg  WriterConfig
	logf func(string, ...any)

	// Written by the WriteFrame goroutine only.
	ci      int     // index in cfg.Chunks of the chunk being written
	pos     int     // the next frame expected
	enc     Encoder // of the chunk being written; nil before its first frame
	stopCtx func() bool
	cancel  context.CancelFunc
	failure error // why the chunk being written failed; nil while it is fine
	closing *errgroup.Group

	mu     sync.Mutex // guards result, written by the closing goroutines
	result WriteResult
}

// NewChunkWriter returns a writer for the given chunks of j. ctx is the
// render's: when it ends, the chunk being written is abandoned, while
// chunks already complete are still finished, which takes ffmpeg a moment.
func NewChunkWriter(ctx context.Context, j *Job, cfg WriterConfig) (*ChunkWriter, error) {
	if !slices.IsSorted(cfg.Chunks) || len(slices.Compact(slices.Clone(cfg.Chunks))) != len(cfg.Chunks) {
		return nil, fmt.Errorf("chunk writer: chunks %v are not sorted and distinct", cfg.Chunks)
	}
	for _, c := range cfg.Chunks {
		if c < 0 || c >= j.Chunks() {
			return nil, fmt.Errorf("chunk writer: chunk %d is not in the job (chunks 0-%d)", c, j.Chunks()-1)
		}
	}
	if cfg.Closing <= 0 {
		cfg.Closing = 1
	}
	w := &ChunkWriter{job: j, ctx: ctx, cfg: cfg, logf: cfg.Logf, closing: new(errgroup.Group)}
	if w.logf == nil {
		w.logf = func(string, ...any) {}
	}
	w.closing.SetLimit(cfg.Closing)
	if len(cfg.Chunks) > 0 {
		w.pos = j.ChunkRange(cfg.Chunks[0]).Start
	}
	return w, nil
}

// WriteFrame writes pix as the next count frames (see frames.FrameSink).
// A run of identical frames may span several chunks; the writer splits it.
// It returns an error only for frames past the last chunk or when ctx has
// ended: a failed chunk is recorded, not returned.
func (w *ChunkWriter) WriteFrame(pix []byte, count int) error {
	return w.advance(count, func(n int) error {
		if err := w.startEncoder(); err != nil {
			return err
		}
		if err := w.enc.WriteFrame(pix, n); err != nil {
			return fmt.Errorf("encode chunk %d: %w", w.chunk(), err)
		}
		return nil
	})
}

// Hole reports that the next count frames will never come: their capture
// failed for good with err. The chunks they belong to fail with it (see
// frames.HoleSink).
func (w *ChunkWriter) Hole(count int, err error) error {
	return w.advance(count, func(n int) error {
		return fmt.Errorf("capture frames %d-%d: %w", w.pos, w.pos+n-1, err)
	})
}

// advance moves the writer over the next count frames, a chunk at a time:
// for each piece, write is called unless the chunk has already failed, and
// an error it returns fails the chunk. Each chunk is finished at its end.
func (w *ChunkWriter) advance(count int, write func(n int) error) error {
	for count > 0 {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		if w.ci >= len(w.cfg.Chunks) {
			return fmt.Errorf("chunk writer: %d frames past the last chunk", count)
		}
		r := w.job.ChunkRange(w.chunk())
		n := min(count, r.End-w.pos)
		if w.failure == nil {
			if err := write(n); err != nil {
				if w.ctx.Err() != nil {
					return w.ctx.Err()
				}
				w.fail(err)
			}
		}
		w.pos += n
		count -= n
		if err := w.endOfChunk(r); err != nil {
			return err
		}
	}
	return nil
}

func (w *ChunkWriter) chunk() int { return w.cfg.Chunks[w.ci] }

func (w *ChunkWriter) startEncoder() error {
	if w.enc != nil {
		return nil
	}
	// The encoder must stop when the render is cancelled while it is being
	// written, but not once the chunk is complete: then it may finish in
	// the background and the chunk is kept. So its context is detached
	// from the render's, and cancelled with it only until then.
	ctx, cancel := context.WithCancel(context.WithoutCancel(w.ctx))
	stop := context.AfterFunc(w.ctx, cancel)
	enc, err := w.cfg.Start(ctx, w.job.ChunkPath(w.chunk()), w.job.ChunkRange(w.chunk()))
	if err != nil {
		stop()
		cancel()
		return fmt.Errorf("start encoder of chunk %d: %w", w.chunk(), err)
	}
	w.enc, w.stopCtx, w.cancel = enc, stop, cancel
	return nil
}

// fail records the first failure of the current chunk and abandons its
// encoder.
func (w *ChunkWriter) fail(err error) {
	if w.failure != nil {
		return
	}
	w.failure = err
	w.abortEncoder()
}

func (w *ChunkWriter) abortEncoder() {
	if w.enc == nil {
		return
	}
	_ = w.enc.Abort()
	w.stopCtx()
	w.cancel()
	w.enc = nil
}

// endOfChunk finishes the current chunk if pos has reached its end, r, and
// moves on to the next.
func (w *ChunkWriter) endOfChunk(r pool.Range) error {
	if w.pos < r.End {
		return nil
	}
	c, enc, failure := w.chunk(), w.enc, w.failure
	stop, cancel := w.stopCtx, w.cancel
	w.enc, w.failure = nil, nil
	w.ci++
	if w.ci < len(w.cfg.Chunks) {
		w.pos = w.job.ChunkRange(w.chunk()).Start
	}
	if failure != nil {
		return w.recordFailure(c, r, failure)
	}
	if stop != nil && !stop() {
		// The render was cancelled just as the chunk was completed: its
		// encoder has been told to stop, so the chunk is lost.
		_ = enc.Abort()
		cancel()
		return w.ctx.Err()
	}
	w.closing.Go(func() error {
		defer cancel()
		if err := enc.Close(); err != nil {
			return w.recordFailure(c, r, fmt.Errorf("finish chunk %d: %w", c, err))
		}
		var probe json.RawMessage
		if w.cfg.Verify != nil {
			var err error
			if probe, err = w.cfg.Verify(context.WithoutCancel(w.ctx), w.job.ChunkPath(c), r); err != nil {
				_ = os.Remove(w.job.ChunkPath(c))
				return w.recordFailure(c, r, fmt.Errorf("check chunk %d: %w", c, err))
			}
		}
		if err := w.job.MarkDone(c, probe); err != nil {
			return err
		}
		w.mu.Lock()
		w.result.Done = append(w.result.Done, c)
		w.mu.Unlock()
		w.logf("chunk %d (frames %d-%d) done", c, r.Start, r.End-1)
		return nil
	})
	return nil
}

func (w *ChunkWriter) recordFailure(c int, r pool.Range, err error) error {
	if w.ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return nil // interrupted, not failed: the chunk stays pending
	}
	w.mu.Lock()
	w.result.Failed = append(w.result.Failed, ChunkFailure{Chunk: c, Frames: r, Err: err})
	w.mu.Unlock()
	w.logf("chunk %d (frames %d-%d) failed: %v", c, r.Start, r.End-1, err)
	if merr := w.job.MarkFailed(c, err); merr != nil {
		return merr
	}
	return nil
}

// Close is called after the last frame: it waits for every chunk being
// finished and returns what was rendered. Frames that never arrived are an
// error (the frames stage ended early), and so is a failure to record a
// chunk's state.
func (w *ChunkWriter) Close() (WriteResult, error) {
	var err error
	if w.ci < len(w.cfg.Chunks) {
		err = fmt.Errorf("chunk writer: frame %d (chunk %d) never arrived", w.pos, w.chunk())
		w.abortEncoder()
	}
	return w.wait(err)
}

// Abort abandons the chunk being written and waits for the chunks being
// finished, which are kept. It returns what was rendered.
func (w *ChunkWriter) Abort() (WriteResult, error) {
	w.abortEncoder()
	return w.wait(nil)
}

func (w *ChunkWriter) wait(err error) (WriteResult, error) {
	err = errors.Join(err, w.closing.Wait())
	w.mu.Lock()
	defer w.mu.Unlock()
	res := w.result
	slices.Sort(res.Done)
	slices.SortFunc(res.Failed, func(a, b ChunkFailure) int { return a.Chunk - b.Chunk })
	return res, err
}
