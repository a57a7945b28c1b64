package frames

import (
	"fmt"
	"slices"
)

// Blend names how the frames of a transition between two segments are
// mixed. The names are the deck transition names.
type Blend string

// The blends [Run] composites.
const (
	// Fade cross-fades: the new page over the old one at opacity p.
	Fade Blend = "fade"
	// WipeLeft reveals the new page from the right edge: columns at or
	// right of Width*(1-p) show the new page, the rest the old one.
	WipeLeft Blend = "wipe-left"
	// SlideLeft slides the new page in from the right, pushing the old one
	// out to the left by Width*p pixels.
	SlideLeft Blend = "slide-left"
)

// Segment is one page of a [Timeline]: a run of output frames captured from
// one page, which may enter with a transition that blends it over the
// previous segment's page.
type Segment struct {
	// Frames is the number of output frames of the segment (at least 1).
	Frames int
	// TransitionFrames is the length of the transition into the segment:
	// its first TransitionFrames output frames blend the previous page's
	// tail under this page. 0 is a cut; it must be 0 for the first segment
	// and no more than Frames.
	TransitionFrames int
	// Blend and Ease say how: output frame i < TransitionFrames of the
	// segment shows Blend at progress Ease(i/TransitionFrames). A nil Ease
	// is linear.
	Blend Blend
	Ease  func(p float64) float64
	// TailFrames is how many frames past Frames the page is captured for
	// the next segment's transition; it must equal the next segment's
	// TransitionFrames (0 for the last segment).
	TailFrames int
}

// Timeline maps the capture frames of a multi-page render to the output
// frames. Capture frames are the segments' own frames, one segment after
// the other: segment k's page frames 0 .. Frames+TailFrames-1 are capture
// frames CaptureStart(k) onwards. Its frame i < Frames is output frame
// OutputStart(k)+i (blended with the previous page's tail frame i while
// i < TransitionFrames); its tail frames are only blended into the next
// segment. A nil *Timeline is the identity: one page, capture frame n is
// output frame n.
//
// A Timeline is immutable and safe for concurrent use.
type Timeline struct {
	segs     []Segment
	capStart []int // capture frame of each segment's page frame 0, plus the end
	outStart []int // output frame of each segment's frame 0, plus the end
}

// NewTimeline checks segs and returns their timeline.
func NewTimeline(segs []Segment) (*Timeline, error) {
	if len(segs) == 0 {
		return nil, fmt.Errorf("frames: a timeline needs at least one segment")
	}
	t := &Timeline{segs: append([]Segment(nil), segs...), capStart: make([]int, len(segs)+1), outStart: make([]int, len(segs)+1)}
	for k, s := range segs {
		next := 0
		if k+1 < len(segs) {
			next = segs[k+1].TransitionFrames
		}
		switch {
		case s.Frames < 1:
			return nil, fmt.Errorf("frames: segment %d has %d frames, want at least 1", k+1, s.Frames)
		case s.TransitionFrames < 0 || s.TransitionFrames > s.Frames:
			return nil, fmt.Errorf("frames: segment %d: transition of %d frames does not fit its %d frames", k+1, s.TransitionFrames, s.Frames)
		case k == 0 && s.TransitionFrames != 0:
			return nil, fmt.Errorf("frames: the first segment cannot have a transition in")
		case s.TailFrames != next:
			return nil, fmt.Errorf("frames: segment %d has %d tail frames, but the next segment's transition takes %d", k+1, s.TailFrames, next)
		}
		if s.TransitionFrames > 0 {
			switch s.Blend {
			case Fade, WipeLeft, SlideLeft:
			default:
				return nil, fmt.Errorf("frames: segment %d: unknown blend %q", k+1, s.Blend)
			}
		}
		t.capStart[k+1] = t.capStart[k] + s.Frames + s.TailFrames
		t.outStart[k+1] = t.outStart[k] + s.Frames
	}
	return t, nil
}

// Segments returns the number of segments.
func (t *Timeline) Segments() int { return len(t.segs) }

// CaptureRange returns the capture frames [start, end) of segment k's page.
func (t *Timeline) CaptureRange(k int) (start, end int) { return t.capStart[k], t.capStart[k+1] }

// CaptureFrames is the number of capture frames: every segment's frames
// and tail frames.
func (t *Timeline) CaptureFrames() int { return t.capStart[len(t.segs)] }

// OutputFrames is the number of output frames.
func (t *Timeline) OutputFrames() int { return t.outStart[len(t.segs)] }

// locate returns the segment of capture frame n and n's frame on that
// segment's page.
func (t *Timeline) locate(n int) (seg, local int) {
	// Segments are few (one per manifest entry): a linear scan is fine.
	for k := range t.segs {
		if n < t.capStart[k+1] {
			return k, n - t.capStart[k]
		}
	}
	k := len(t.segs) - 1
	return k, n - t.capStart[k]
}

// Mix is how one output frame is made from capture frames.
type Mix struct {
	// Capture is the capture frame the output frame shows.
	Capture int
	// Prev, when Progress < 1, is the capture frame of the previous page
	// blended under it; -1 when the frame is not in a transition.
	Prev int
	// Blend and Progress (eased, 0..1) say how the two are mixed; Progress
	// is 1 outside transitions.
	Blend    Blend
	Progress float64
}

// Output returns how output frame n (0 <= n < OutputFrames) is made.
func (t *Timeline) Output(n int) Mix {
	if t == nil {
		return Mix{Capture: n, Prev: -1, Progress: 1}
	}
	k := len(t.segs) - 1
	for j := range t.segs {
		if n < t.outStart[j+1] {
			k = j
			break
		}
	}
	i := n - t.outStart[k]
	m := Mix{Capture: t.capStart[k] + i, Prev: -1, Progress: 1}
	if s := t.segs[k]; i < s.TransitionFrames {
		m.Prev = t.capStart[k-1] + t.segs[k-1].Frames + i
		m.Blend = s.Blend
		m.Progress = s.progress(i)
	}
	return m
}

// progress is the eased progress of the segment's transition frame i.
func (s Segment) progress(i int) float64 {
	p := float64(i) / float64(s.TransitionFrames)
	if s.Ease != nil {
		p = s.Ease(p)
	}
	return min(max(p, 0), 1)
}

// OutputBefore returns how many output frames are complete once every
// capture frame before pos has been taken: for progress in output frames
// while the window moves in capture frames.
func (t *Timeline) OutputBefore(pos int) int {
	if t == nil {
		return pos
	}
	if pos >= t.CaptureFrames() {
		return t.OutputFrames()
	}
	k, i := t.locate(pos)
	return t.outStart[k] + min(i, t.segs[k].Frames)
}

// needsRGBA reports whether any of the capture frames [n, n+count) takes
// part in a transition (as a tail frame or a frame blended over one): the
// workers then keep the frame in RGBA for the blend.
func (t *Timeline) needsRGBA(n, count int) bool {
	if t == nil {
		return false
	}
	for k, s := range t.segs {
		start := t.capStart[k]
		if overlaps(n, n+count, start, start+s.TransitionFrames) ||
			overlaps(n, n+count, start+s.Frames, start+s.Frames+s.TailFrames) {
			return true
		}
	}
	return false
}

// Blends reports whether any output frame of t is a blend of two pages
// (a transition). A nil *Timeline has none.
func (t *Timeline) Blends() bool {
	if t == nil {
		return false
	}
	for _, s := range t.segs {
		if s.TransitionFrames > 0 {
			return true
		}
	}
	return false
}

func overlaps(a0, a1, b0, b1 int) bool { return a0 < b1 && b0 < a1 && b0 < b1 }

// CaptureRanges returns the capture frames needed to make the output
// frames out (sorted, disjoint): each output frame's own page frame and,
// in a transition, the previous page's tail frame blended under it. The
// result is sorted and disjoint, and no range spans two pages, so a batch
// of it never does either. A nil *Timeline returns out.
func (t *Timeline) CaptureRanges(out []Range) []Range {
	if t == nil {
		return out
	}
	perPage := make([][]Range, len(t.segs))
	for _, r := range out {
		for k, s := range t.segs {
			a, b := max(r.Start, t.outStart[k]), min(r.End, t.outStart[k+1])
			if a >= b {
				continue
			}
			i0, i1 := a-t.outStart[k], b-t.outStart[k]
			if i0 < s.TransitionFrames {
				tail := t.capStart[k-1] + t.segs[k-1].Frames
				perPage[k-1] = append(perPage[k-1], Range{tail + i0, tail + min(i1, s.TransitionFrames)})
			}
			perPage[k] = append(perPage[k], Range{t.capStart[k] + i0, t.capStart[k] + i1})
		}
	}
	var rs []Range
	for _, page := range perPage {
		slices.SortFunc(page, func(a, b Range) int { return a.Start - b.Start })
		first := len(rs)
		for _, r := range page {
			if n := len(rs); n > first && r.Start <= rs[n-1].End {
				rs[n-1].End = max(rs[n-1].End, r.End)
				continue
			}
			rs = append(rs, r)
		}
	}
	return rs
}
