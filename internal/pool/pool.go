package pool

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// ErrDrained is returned by [Pool.Next] once every frame is done or has
// failed for good: nothing is queued and nothing is in flight. A worker that
// gets it should exit; every later call to Next returns it too.
var ErrDrained = errors.New("pool: all frames done or failed")

// Defaults for the zero fields of [Config].
const (
	DefaultMinBatch        = 4
	DefaultMaxBatch        = 120
	DefaultTargetBatchTime = 1500 * time.Millisecond
	DefaultMaxAttempts     = 3
)

// ewmaWeight is the weight of the newest per-frame sample in the estimate.
// Batch times jitter (a GC pause, a slide with heavy animation), so one
// sample must not swing the batch size from MinBatch to MaxBatch; with 0.3 a
// lasting change of pace is still followed within a handful of batches.
const ewmaWeight = 0.3

// Range is a half-open frame range [Start, End).
type Range struct{ Start, End int }

// Len returns the number of frames in r.
func (r Range) Len() int { return r.End - r.Start }

// String formats r as "[Start,End)" for error messages and test output.
func (r Range) String() string { return fmt.Sprintf("[%d,%d)", r.Start, r.End) }

// Batch is a unit of work handed to one worker. The worker must report it
// exactly once, with [Pool.Done] or [Pool.Fail], and must not change it.
type Batch struct {
	Range
	Attempt int // 0 on the first try, 1 on the first retry, and so on
}

// FailedBatch is a batch that failed for good: its frames will never be
// captured.
type FailedBatch struct {
	Range
	Attempts int   // tries made, including the last one
	Err      error // the error of the last try, as given to [Pool.Fail]
}

// Config configures a [Pool]. Zero fields other than Ranges and Window take
// the defaults above.
type Config struct {
	// Ranges are the frames to render, sorted and non-overlapping; each
	// must be non-empty. A full render is one Range{0, N}; a resumed render
	// or a shard gives several. No ranges at all means nothing to do: Next
	// returns ErrDrained at once.
	Ranges []Range
	// Window bounds memory: a batch may only end at or before the consumer
	// position plus Window, so at most Window frames are in flight or
	// captured but not yet consumed. It is required and must be at least
	// MinBatch; a few MaxBatch is a sensible size. It counts frame indices,
	// so a gap between two ranges inside the window uses part of it.
	Window int
	// MinBatch and MaxBatch bound the size of new batches, in frames.
	// MinBatch is also the size used before anything has been measured.
	MinBatch, MaxBatch int
	// TargetBatchTime is how long one batch should take to capture. Short
	// batches cost a round trip to the tab each; long ones make retries
	// expensive and the window lumpy.
	TargetBatchTime time.Duration
	// MaxAttempts is the number of tries per batch, the first included,
	// before it is failed for good.
	MaxAttempts int
	// Now is the clock, for tests; nil means time.Now. It only feeds
	// [Stats.OldestInFlight]: batch times come from the caller's Done.
	Now func() time.Time
}

// flight is what the pool remembers about a batch handed out by Next.
type flight struct {
	end, attempt int
	since        time.Time
}

// Pool schedules frame-range batches for a set of capture workers. It is
// safe for concurrent use; create it with [New].
//
// # Failures and the window
//
// A batch that fails for good leaves a hole in the output that the consumer
// can never fill. The pool treats such frames, like frames between two
// Ranges, as already consumed: the window is measured from the consumer
// position moved past every failed or unrendered frame directly ahead of it
// (see [Stats.Position]). That costs no memory, since those frames will
// never be buffered, and it means a permanent failure never stalls the
// workers: Next goes on handing out the frames after the hole. Frames that
// are done but not yet consumed do count, since they are held in memory.
//
// The pool cannot unblock the consumer, though. When Fail returns false the
// caller must tell its consumer that the batch's frames will never arrive,
// and the consumer must skip them (and call Advance past them) instead of
// waiting; otherwise the window fills up behind the hole and every worker
// waits in Next for an Advance that never comes. [Pool.Failed] lists the
// holes at the end.
type Pool struct {
	cfg    Config
	ranges []Range // cfg.Ranges, copied; used to skip the gaps between them

	mu sync.Mutex
	// changed is closed and replaced on every state change that may let a
	// blocked Next proceed: a context-aware sync.Cond. waiters counts the
	// calls to Next that hold it, so that a change nobody waits for costs
	// no allocation.
	changed  chan struct{}
	waiters  int
	pending  []Range        // frames not yet cut into batches, in order
	retries  retryQueue     // failed batches with attempts left
	inFlight map[int]flight // batches handed out, by Start
	failed   []FailedBatch  // failed for good, sorted by Start
	consumed int            // the consumer position, as told by Advance
	position int            // consumed moved past failed and unrendered frames
	perFrame time.Duration  // EWMA of capture time per frame; 0 until measured

	doneFrames, failedFrames, inFlightFrames, retryFrames, pendingFrames int
}

// New validates cfg, fills in its defaults and returns a pool ready for
// [Pool.Next]. The pool keeps a copy of cfg.Ranges.
func New(cfg Config) (*Pool, error) {
	if cfg.MinBatch == 0 {
		cfg.MinBatch = DefaultMinBatch
	}
	if cfg.MaxBatch == 0 {
		cfg.MaxBatch = DefaultMaxBatch
	}
	if cfg.TargetBatchTime == 0 {
		cfg.TargetBatchTime = DefaultTargetBatchTime
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	switch {
	case cfg.MinBatch < 0:
		return nil, fmt.Errorf("pool: MinBatch %d is negative", cfg.MinBatch)
	case cfg.MaxBatch < cfg.MinBatch:
		return nil, fmt.Errorf("pool: MaxBatch %d is less than MinBatch %d", cfg.MaxBatch, cfg.MinBatch)
	case cfg.TargetBatchTime < 0:
		return nil, fmt.Errorf("pool: TargetBatchTime %v is negative", cfg.TargetBatchTime)
	case cfg.MaxAttempts < 0:
		return nil, fmt.Errorf("pool: MaxAttempts %d is negative", cfg.MaxAttempts)
	case cfg.Window <= 0:
		return nil, fmt.Errorf("pool: Window must be set (got %d)", cfg.Window)
	case cfg.Window < cfg.MinBatch:
		// Otherwise a batch of MinBatch frames could never fit and the
		// workers would wait forever.
		return nil, fmt.Errorf("pool: Window %d is less than MinBatch %d", cfg.Window, cfg.MinBatch)
	}
	for i, r := range cfg.Ranges {
		switch {
		case r.Start < 0:
			return nil, fmt.Errorf("pool: range %d %v starts before frame 0", i, r)
		case r.End <= r.Start:
			return nil, fmt.Errorf("pool: range %d %v is empty", i, r)
		case i > 0 && r.Start < cfg.Ranges[i-1].End:
			return nil, fmt.Errorf("pool: range %d %v overlaps or precedes range %d %v; ranges must be sorted and disjoint",
				i, r, i-1, cfg.Ranges[i-1])
		}
	}

	p := &Pool{
		ranges:   slices.Clone(cfg.Ranges),
		pending:  slices.Clone(cfg.Ranges),
		changed:  make(chan struct{}),
		inFlight: make(map[int]flight),
	}
	p.cfg = cfg
	p.cfg.Ranges = p.ranges
	for _, r := range p.ranges {
		p.pendingFrames += r.Len()
	}
	if len(p.ranges) > 0 {
		p.consumed = p.ranges[0].Start
	}
	p.position = p.consumed
	return p, nil
}

// Next blocks until a batch is available and returns it; the caller must
// report it with Done or Fail. Retries go first, lowest start first; then a
// new batch is cut from the lowest frame not yet handed out (see
// [Config.Window] and [Config.TargetBatchTime] for its size). Next waits
// while the window is full, and also while there is nothing to hand out but
// batches are still in flight, since they may fail and come back.
//
// It returns [ErrDrained] once every frame is done or failed for good, and
// ctx.Err() as soon as ctx ends, even if work is available. A batch that is
// never reported keeps the pool from draining: the workers would wait for it
// until their context ends.
func (p *Pool) Next(ctx context.Context) (Batch, error) {
	p.mu.Lock()
	for {
		if err := ctx.Err(); err != nil {
			p.mu.Unlock()
			return Batch{}, err
		}
		b, ok, err := p.take()
		if ok || err != nil {
			p.mu.Unlock()
			return b, err
		}
		changed := p.changed
		p.waiters++
		p.mu.Unlock()
		select {
		case <-ctx.Done():
			p.mu.Lock()
			p.waiters--
			p.mu.Unlock()
			return Batch{}, ctx.Err()
		case <-changed:
		}
		p.mu.Lock()
		p.waiters--
	}
}

// take hands out the next batch if there is one, without blocking. It
// returns ok false and a nil error when the caller has to wait. p.mu must be
// held.
func (p *Pool) take() (Batch, bool, error) {
	var b Batch
	switch {
	case len(p.retries) > 0:
		// No window check: the batch was cut inside an earlier window, and
		// the window never moves back.
		b = heap.Pop(&p.retries).(Batch)
		p.retryFrames -= b.Len()
	case len(p.pending) > 0:
		r, ok := p.cut()
		if !ok {
			return Batch{}, false, nil
		}
		b = Batch{Range: r}
		p.pendingFrames -= b.Len()
	case len(p.inFlight) == 0:
		return Batch{}, false, ErrDrained
	default:
		return Batch{}, false, nil
	}
	p.inFlight[b.Start] = flight{end: b.End, attempt: b.Attempt, since: p.cfg.Now()}
	p.inFlightFrames += b.Len()
	return b, true, nil
}

// Done reports that b was captured; elapsed is how long that took, and feeds
// the batch-size estimate (a non-positive elapsed is not used). Done panics
// if b is not in flight: reporting a batch twice, or one that Next did not
// return, is a bug in the caller that would corrupt the schedule.
func (p *Pool) Done(b Batch, elapsed time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.land(b, "Done")
	p.doneFrames += b.Len()
	if elapsed > 0 {
		sample := elapsed / time.Duration(b.Len())
		if p.perFrame == 0 {
			p.perFrame = sample
		} else {
			p.perFrame = time.Duration(ewmaWeight*float64(sample) + (1-ewmaWeight)*float64(p.perFrame))
		}
		// A sample below a nanosecond still means "measured, and fast".
		p.perFrame = max(p.perFrame, 1)
	}
	p.broadcast()
}

// Fail reports that b could not be captured because of err. If retry is true
// and the batch has tries left, it is queued ahead of new work and Fail
// returns true. Otherwise it fails for good, is listed by [Pool.Failed], and
// Fail returns false: the caller must then make its consumer skip the batch's
// frames (see [Pool]). Pass retry false for errors that a retry cannot fix,
// such as a cancelled context. Like Done, Fail panics if b is not in flight.
func (p *Pool) Fail(b Batch, err error, retry bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.land(b, "Fail")
	defer p.broadcast()
	attempts := b.Attempt + 1
	if retry && attempts < p.cfg.MaxAttempts {
		heap.Push(&p.retries, Batch{Range: b.Range, Attempt: attempts})
		p.retryFrames += b.Len()
		return true
	}
	i, _ := slices.BinarySearchFunc(p.failed, b.Start, func(f FailedBatch, start int) int { return f.Start - start })
	p.failed = slices.Insert(p.failed, i, FailedBatch{Range: b.Range, Attempts: attempts, Err: err})
	p.failedFrames += b.Len()
	p.position = p.skipUnrendered(p.position)
	return false
}

// land removes b from the in-flight set, panicking if it is not there.
// p.mu must be held.
func (p *Pool) land(b Batch, verb string) {
	f, ok := p.inFlight[b.Start]
	if !ok || f.end != b.End || f.attempt != b.Attempt {
		panic(fmt.Sprintf("pool: %s for batch %v attempt %d, which is not in flight", verb, b.Range, b.Attempt))
	}
	delete(p.inFlight, b.Start)
	p.inFlightFrames -= b.Len()
}

// Advance tells the pool that the consumer has used every frame before pos,
// which moves the window and wakes waiting workers. The consumer starts at
// the first range's Start; a pos at or behind its current position is
// ignored. Advance does not cancel work: frames before pos that were not
// handed out yet are still scheduled.
func (p *Pool) Advance(pos int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pos <= p.consumed {
		return
	}
	p.consumed = pos
	if pos > p.position {
		p.position = p.skipUnrendered(pos)
		p.broadcast()
	}
}

// Failed returns the batches that failed for good so far, sorted by start.
// The slice is a copy.
func (p *Pool) Failed() []FailedBatch {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.failed)
}

// Stats is a snapshot of the pool for progress reports. The frame counts
// add up to the number of frames in [Config.Ranges].
type Stats struct {
	Done     int // frames captured
	Failed   int // frames failed for good
	InFlight int // frames handed out and not yet reported
	Retrying int // frames queued for a retry
	Pending  int // frames not yet cut into batches

	// Position is where the window starts: the consumer position moved
	// past failed frames and the gaps between ranges.
	Position int
	// PerFrame is the estimated capture time per frame; 0 until the first
	// Done.
	PerFrame time.Duration
	// BatchSize is the size the next new batch would have before the window
	// and range ends clip it.
	BatchSize int
	// OldestInFlight is how long the oldest batch in flight has been out; a
	// large value hints at a stuck tab. It is 0 when nothing is in flight.
	OldestInFlight time.Duration
}

// Stats returns a snapshot of the pool. It costs a walk over the batches in
// flight, which are at most one per worker.
func (p *Pool) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Stats{
		Done:      p.doneFrames,
		Failed:    p.failedFrames,
		InFlight:  p.inFlightFrames,
		Retrying:  p.retryFrames,
		Pending:   p.pendingFrames,
		Position:  p.position,
		PerFrame:  p.perFrame,
		BatchSize: p.batchSize(),
	}
	if len(p.inFlight) > 0 {
		now := p.cfg.Now()
		for _, f := range p.inFlight {
			s.OldestInFlight = max(s.OldestInFlight, now.Sub(f.since))
		}
	}
	return s
}

// broadcast wakes every Next waiting for a state change. p.mu must be held.
func (p *Pool) broadcast() {
	if p.waiters == 0 {
		return // nobody holds p.changed: it can stay open
	}
	close(p.changed)
	p.changed = make(chan struct{})
}
