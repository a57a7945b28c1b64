package frames

import (
	"fmt"
	"image"
)

// composer maps capture frames, taken in capture order from the reorder
// buffer, to output frames: it passes plain frames on, keeps the tail of a
// page that the next page's transition blends, and blends the transition
// frames. It runs on the reorder goroutine, so it needs no lock and adds no
// second place where order is restored.
//
// Memory: it holds at most one segment's tail frames (the next segment's
// TransitionFrames), in RGBA, and lets them go once that transition is
// written. Runs of identical tail frames share one buffer.
type composer struct {
	tl            *Timeline
	width, height int
	format        Format
	pool          *bufferPool

	tail    [][]byte // RGBA of the tail frames of segment tailOf, by tail frame
	tailErr []error  // why a tail frame never came (a hole), by tail frame
	tailOf  int
}

func newComposer(cfg Config, pool *bufferPool) *composer {
	return &composer{tl: cfg.Timeline, width: cfg.Width, height: cfg.Height, format: cfg.Format, pool: pool, tailOf: -1}
}

// add takes f, the next capture frames in order, and passes the output
// frames they make to emit, in order. Output frames carry output indices.
// f's buffer is handed on to emit, kept as tail, or dropped.
func (c *composer) add(f frame, emit func(frame) error) error {
	if c.tl == nil {
		return emit(f)
	}
	k, i0 := c.tl.locate(f.index)
	s := c.tl.segs[k]
	_, capEnd := c.tl.CaptureRange(k)
	if f.index+f.count > capEnd {
		return fmt.Errorf("shot of %s spans two pages (page %d ends before frame %d)", span(f.index, f.count), k+1, capEnd)
	}
	i1 := i0 + f.count // the page frames [i0, i1)
	out := c.tl.outStart[k]
	if f.err != nil {
		return c.hole(f, k, i0, i1, emit)
	}
	if !f.rgba && (i0 < s.TransitionFrames || i1 > s.Frames) {
		return fmt.Errorf("internal error: %s take part in a transition but were not kept in RGBA", span(f.index, f.count))
	}

	// The transition into this page: one blend per frame.
	for i := i0; i < min(i1, s.TransitionFrames); i++ {
		if c.tailOf == k-1 && c.tail[i] == nil && c.tailErr[i] != nil {
			// The previous page's frame under this one never came.
			if err := emit(frame{index: out + i, count: 1, err: c.tailErr[i]}); err != nil {
				return err
			}
			continue
		}
		if c.tailOf != k-1 || c.tail[i] == nil {
			return fmt.Errorf("internal error: transition frame %d of page %d before the tail of page %d", i, k+1, k)
		}
		prev, next := c.rgba(c.tail[i]), c.rgba(f.pix)
		pix := c.pool.get()
		mixed := blend(s.Blend, prev, next, s.progress(i))
		c.convert(pix, mixed.Pix, mixed.Stride)
		if err := emit(frame{index: out + i, count: 1, pix: pix, blended: true}); err != nil {
			return err
		}
		if i == s.TransitionFrames-1 {
			c.tail, c.tailOf = nil, -1
		}
	}
	// The page alone.
	if a, b := max(i0, s.TransitionFrames), min(i1, s.Frames); a < b {
		pix := f.pix
		if f.rgba {
			// The RGBA buffer may also be kept as tail: the output frame
			// gets a buffer of its own.
			pix = c.pool.get()
			c.convert(pix, f.pix, c.width*4)
		}
		if err := emit(frame{index: out + a, count: b - a, hash: f.hash, pix: pix}); err != nil {
			return err
		}
	}
	// The tail, for the next page's transition.
	if i1 > s.Frames {
		c.keepTail(k)
		for i := max(i0, s.Frames); i < i1; i++ {
			c.tail[i-s.Frames] = f.pix
		}
	}
	return nil
}

// keepTail makes the tail buffers segment k's, if they are not yet.
func (c *composer) keepTail(k int) {
	if c.tailOf != k {
		n := c.tl.segs[k].TailFrames
		c.tail, c.tailErr, c.tailOf = make([][]byte, n), make([]error, n), k
	}
}

// hole passes on a hole of page k's frames [i0, i1): the output frames it
// leaves out, the page's own and the transition frames it was to be
// blended into, become holes; a hole in the tail becomes one when the
// next page's transition reaches it. So a job fails only the chunks of
// those frames.
func (c *composer) hole(f frame, k, i0, i1 int, emit func(frame) error) error {
	s := c.tl.segs[k]
	out := c.tl.outStart[k]
	if a, b := i0, min(i1, s.Frames); a < b {
		// The transition frames of this page that it would have made are
		// holes too: one run with the page's own.
		if err := emit(frame{index: out + a, count: b - a, err: f.err}); err != nil {
			return err
		}
	}
	if i1 > s.Frames {
		c.keepTail(k)
		for i := max(i0, s.Frames); i < i1; i++ {
			c.tail[i-s.Frames], c.tailErr[i-s.Frames] = nil, f.err
		}
	}
	return nil
}

// rgba wraps an RGBA frame buffer as an image.
func (c *composer) rgba(pix []byte) *image.RGBA {
	return &image.RGBA{Pix: pix, Stride: c.width * 4, Rect: image.Rect(0, 0, c.width, c.height)}
}

// convert writes the opaque RGBA frame src (stride bytes per row) into dst
// in the output format.
func (c *composer) convert(dst, src []byte, stride int) {
	switch c.format {
	case YUV420P:
		toYUV420P(dst, src, stride, c.width, c.height)
	default:
		for y := range c.height {
			copy(dst[y*c.width*4:(y+1)*c.width*4], src[y*stride:y*stride+c.width*4])
		}
	}
}
