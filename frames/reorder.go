package frames

import (
	"container/heap"
	"context"
	"fmt"
)

// reorder is the one place where frame order is restored. It runs on a
// single goroutine, which is also the only one that calls the sink.
//
// Frames wait in a min-heap keyed by index until every frame before them
// has arrived. The heap holds no more than the sender put ahead of next,
// which the window (moved by OnAdvance) bounds.
//
// The last run of identical frames is held back rather than written at
// once: only the next frame can tell whether the run goes on, and merging
// must not depend on the order in which workers finish. Holding one run
// cannot stall capture, because OnAdvance already counts the held frames as
// taken.
type reorder struct {
	sink      FrameSink
	onAdvance func(pos int)
	pool      *bufferPool
	end       int       // 0 if unknown
	ranges    []Range   // the frames that come; nil: all from next
	compose   *composer // capture frames in order -> output frames

	next    int        // the first frame not yet taken out of waiting
	waiting frameHeap  // frames at or after next
	held    *heldFrame // the run written last or next; nil before the first frame
}

// heldFrame is a run of identical frames not yet written to the sink.
type heldFrame struct {
	first, count int
	hash         uint64
	blended      bool // a transition frame: never merged
	pix          []byte
}

func newReorder(cfg Config, sink FrameSink, pool *bufferPool) *reorder {
	return &reorder{
		sink:      sink,
		onAdvance: cfg.OnAdvance,
		pool:      pool,
		end:       cfg.End,
		ranges:    cfg.Ranges,
		next:      cfg.Start,
		compose:   newComposer(cfg, pool),
	}
}

// run takes frames from in, in any order, and writes them to the sink in
// order, until in is closed (nil, or a MissingFrameError if frames are
// missing), the sink fails, or ctx ends.
func (r *reorder) run(ctx context.Context, in <-chan frame) error {
	for {
		var f frame
		select {
		case <-ctx.Done():
			return ctx.Err()
		case got, ok := <-in:
			if !ok {
				return r.finish()
			}
			f = got
		}
		if err := r.add(f); err != nil {
			return err
		}
	}
}

// add puts f in order and writes every frame that is no longer waiting for
// an earlier one.
func (r *reorder) add(f frame) error {
	if f.index < r.next {
		return fmt.Errorf("shot of %s: %w (frames before %d were already received)", span(f.index, f.count), errOverlap, r.next)
	}
	if r.end > 0 && f.index+f.count > r.end {
		return fmt.Errorf("shot of %s: past the end frame %d", span(f.index, f.count), r.end-1)
	}
	heap.Push(&r.waiting, f)

	start := r.next
	for len(r.waiting) > 0 && r.waiting[0].index <= r.next {
		f := heap.Pop(&r.waiting).(frame)
		if f.index < r.next {
			// Only possible for a frame that came in before the one that
			// now covers it.
			return fmt.Errorf("shot of %s: %w (overlaps frames up to %d)", span(f.index, f.count), errOverlap, r.next-1)
		}
		r.next += f.count
		r.skipGap()
		if err := r.take(f); err != nil {
			return err
		}
	}
	if r.next != start && r.onAdvance != nil {
		r.onAdvance(r.next)
	}
	return nil
}

// skipGap moves next past the gap between two ranges when it has reached
// the end of one: the frames of the gap never come.
func (r *reorder) skipGap() {
	for len(r.ranges) > 0 && r.next >= r.ranges[0].End {
		r.ranges = r.ranges[1:]
		if len(r.ranges) > 0 && r.next < r.ranges[0].Start {
			r.next = r.ranges[0].Start
		}
	}
}

// take passes f, the next capture frame in order, through the composer,
// which turns it into output frames (the same frame when there is no
// timeline).
func (r *reorder) take(f frame) error {
	return r.compose.add(f, r.merge)
}

// merge merges f, the next output frame, into the held run if it is the
// same image, or writes the held run and holds f instead.
func (r *reorder) merge(f frame) error {
	switch {
	case f.err != nil:
		// Everything before the hole is written first, so the sink learns
		// of it in order.
		if err := r.flush(); err != nil {
			return err
		}
		hs, ok := r.sink.(HoleSink)
		if !ok {
			return fmt.Errorf("capture %s: %w", span(f.index, f.count), f.err)
		}
		if err := hs.Hole(f.count, f.err); err != nil {
			return fmt.Errorf("hole of %s: %w", span(f.index, f.count), err)
		}
	case r.held != nil && !r.held.blended && !f.blended && r.held.hash == f.hash:
		r.held.count += f.count
		r.pool.put(f.pix)
	default:
		if err := r.flush(); err != nil {
			return err
		}
		r.held = &heldFrame{first: f.index, count: f.count, hash: f.hash, blended: f.blended, pix: f.pix}
	}
	return nil
}

// flush writes the held run, if any, and recycles its buffer.
func (r *reorder) flush() error {
	h := r.held
	if h == nil {
		return nil
	}
	r.held = nil
	if err := r.sink.WriteFrame(h.pix, h.count); err != nil {
		return fmt.Errorf("write %s: %w", span(h.first, h.count), err)
	}
	r.pool.put(h.pix)
	return nil
}

// finish is called when the input has ended: it checks that no frame is
// missing and writes the held run.
func (r *reorder) finish() error {
	if len(r.waiting) > 0 || (r.end > 0 && r.next < r.end) {
		return &MissingFrameError{Index: r.next}
	}
	return r.flush()
}

// frameHeap is a min-heap of frames by index, for container/heap.
type frameHeap []frame

func (h frameHeap) Len() int           { return len(h) }
func (h frameHeap) Less(i, j int) bool { return h[i].index < h[j].index }
func (h frameHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *frameHeap) Push(x any)        { *h = append(*h, x.(frame)) }
func (h *frameHeap) Pop() any {
	old := *h
	f := old[len(old)-1]
	old[len(old)-1] = frame{} // drop the pixel reference
	*h = old[:len(old)-1]
	return f
}
