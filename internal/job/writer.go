package job

import (
	"context"
	"errors"
	"fmt"
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

// StartFunc starts an encoder writing a chunk of frames frames to path.
// ctx bounds the encode: when it ends, the encoder must stop (and
// WriteFrame return).
type StartFunc func(ctx context.Context, path string, frames int) (Encoder, error)

// WriterConfig configures a [ChunkWriter].
type WriterConfig struct {
	// Chunks are the chunks to render, sorted, without repeats. The frames
	// the writer receives are exactly theirs, in order, minus the holes
	// reported with [ChunkWriter.Hole].
	Chunks []int
	// Start starts the encoder of one chunk.
	Start StartFunc
	// Closing bounds how many finished chunks may be finishing (ffmpeg
	// flushing and writing the index) while the next one is written; a
	// writer that reaches the bound waits. Zero means 1.
	Closing int
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
// of its frames could not be captured (a hole) or its encoder failed; the
// writer then drops the rest of that chunk's frames and goes on with the
// next chunk, so one bad slide costs only its chunks.
//
// WriteFrame is called from one goroutine, in frame order (it is a
// frames.FrameSink); Hole may be called from any. The caller must end with
// Close (after the last frame) or Abort, which wait for the chunks being
// finished.
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

	mu     sync.Mutex
	holes  []hole // sorted by start, disjoint
	result WriteResult
}

type hole struct {
	pool.Range
	err error
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

// Hole reports that frames r will never arrive (their capture failed for
// good): the chunks they belong to fail with err. It must be called before
// the frames stage learns of the hole (before the Skip shot is sent), so
// that the writer knows of it by the time frames after it arrive.
func (w *ChunkWriter) Hole(r pool.Range, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	i, _ := slices.BinarySearchFunc(w.holes, r.Start, func(h hole, s int) int { return h.Start - s })
	w.holes = slices.Insert(w.holes, i, hole{r, err})
	// Merge overlaps, so that lookups can assume disjoint holes.
	merged := w.holes[:1]
	for _, h := range w.holes[1:] {
		last := &merged[len(merged)-1]
		if h.Start <= last.End {
			last.End = max(last.End, h.End)
			continue
		}
		merged = append(merged, h)
	}
	w.holes = merged
}

// holeAt returns the hole containing frame f, if any, and otherwise the
// start of the next hole after f (or -1).
func (w *ChunkWriter) holeAt(f int) (h hole, in bool, next int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	i := holeIndex(w.holes, f)
	if i < len(w.holes) && w.holes[i].Start <= f {
		return w.holes[i], true, -1
	}
	if i < len(w.holes) {
		return hole{}, false, w.holes[i].Start
	}
	return hole{}, false, -1
}

// holeIndex returns the index of the first hole that ends after f.
func holeIndex(hs []hole, f int) int {
	i, _ := slices.BinarySearchFunc(hs, f+1, func(h hole, t int) int { return h.End - t })
	return i
}

// WriteFrame writes pix as the next count frames (see frames.FrameSink).
// A run of identical frames may span a hole or several chunks; the writer
// splits it. It returns an error only for frames past the last chunk or
// when ctx has ended: a failed chunk is recorded, not returned.
func (w *ChunkWriter) WriteFrame(pix []byte, count int) error {
	for count > 0 {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		if w.ci >= len(w.cfg.Chunks) {
			return fmt.Errorf("chunk writer: %d frames past the last chunk", count)
		}
		n, err := w.step(count, func(n int) error {
			if err := w.enc.WriteFrame(pix, n); err != nil {
				return fmt.Errorf("encode chunk %d: %w", w.chunk(), err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		count -= n
	}
	return nil
}

// step moves the writer through the current chunk: past a hole at pos
// (returning 0 frames used), or over up to count frames, which it hands to
// write unless the chunk has failed. It finishes the chunk at its end.
func (w *ChunkWriter) step(count int, write func(n int) error) (int, error) {
	r := w.job.ChunkRange(w.chunk())
	h, in, next := w.holeAt(w.pos)
	if in {
		w.fail(fmt.Errorf("capture frames %d-%d: %w", max(h.Start, r.Start), min(h.End, r.End)-1, h.err))
		w.pos = min(h.End, r.End)
		return 0, w.endOfChunk(r)
	}
	n := min(count, r.End-w.pos)
	if next >= 0 {
		n = min(n, next-w.pos)
	}
	if w.failure == nil {
		if err := w.startEncoder(); err != nil {
			w.fail(err)
		} else if err := write(n); err != nil {
			if w.ctx.Err() != nil {
				return 0, w.ctx.Err()
			}
			w.fail(err)
		}
	}
	w.pos += n
	return n, w.endOfChunk(r)
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
	enc, err := w.cfg.Start(ctx, w.job.ChunkPath(w.chunk()), w.job.ChunkRange(w.chunk()).Len())
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
		if err := w.job.MarkDone(c); err != nil {
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

// Close is called after the last frame: it fails the chunks that the holes
// at the end cover, waits for every chunk being finished and returns what
// was rendered. Frames that never arrived and were not reported as holes
// are an error (the frames stage ended early), and so is a failure to
// record a chunk's state.
func (w *ChunkWriter) Close() (WriteResult, error) {
	var err error
	for w.ci < len(w.cfg.Chunks) && err == nil {
		if _, in, _ := w.holeAt(w.pos); !in {
			err = fmt.Errorf("chunk writer: frame %d (chunk %d) never arrived", w.pos, w.chunk())
			break
		}
		_, err = w.step(0, nil)
	}
	if err != nil {
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
