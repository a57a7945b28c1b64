package pool

import (
	"math"
	"sort"
)

// batchSize is the size of the next new batch before the window and the
// range end clip it: MinBatch until a batch has been measured, so that a
// slow deck does not start with a huge first batch, then enough frames to
// take about TargetBatchTime, within [MinBatch, MaxBatch]. p.mu must be held.
func (p *Pool) batchSize() int {
	if p.perFrame <= 0 {
		return p.cfg.MinBatch
	}
	n := p.cfg.TargetBatchTime / p.perFrame // a frame count, typed as a Duration
	if n > math.MaxInt32 {
		n = math.MaxInt32 // keep the conversion below safe; clamped anyway
	}
	return min(max(int(n), p.cfg.MinBatch), p.cfg.MaxBatch)
}

// limit is the frame a new batch must not extend past. p.mu must be held.
func (p *Pool) limit() int {
	if p.position > math.MaxInt-p.cfg.Window {
		return math.MaxInt
	}
	return p.position + p.cfg.Window
}

// cut takes the next new batch off the front of p.pending, or reports false
// if the window has no room for it yet. p.mu must be held and p.pending must
// not be empty.
//
// A batch is clipped to the range end and to the window, but is not cut
// smaller than MinBatch unless it is the whole rest of its range: a sliver
// at the window edge would cost a tab round trip for a frame or two, and
// waiting for the consumer is cheaper. That wait always ends: when the
// lowest uncut frame is at the window position the room is a whole Window,
// which New checked is at least MinBatch; otherwise the frame at the
// position has been handed out and will be done (then consumed and
// advanced past), retried, or failed for good (then skipped).
func (p *Pool) cut() (Range, bool) {
	r := p.pending[0]
	room := p.limit() - r.Start
	n := min(p.batchSize(), r.Len(), room)
	if n < p.cfg.MinBatch && n != r.Len() {
		return Range{}, false
	}
	b := Range{Start: r.Start, End: r.Start + n}
	if b.End == r.End {
		p.pending = p.pending[1:]
	} else {
		p.pending[0].Start = b.End
	}
	return b, true
}

// skipUnrendered moves pos past every frame directly ahead of it that the
// consumer will never receive: frames between (or before) the ranges, and
// frames that failed for good. Past the last range it stops. p.mu must be
// held.
func (p *Pool) skipUnrendered(pos int) int {
	for {
		moved := false
		// The first range that has frames at or after pos.
		if i := sort.Search(len(p.ranges), func(i int) bool { return p.ranges[i].End > pos }); i < len(p.ranges) && p.ranges[i].Start > pos {
			pos, moved = p.ranges[i].Start, true
		}
		// The first failed batch that has frames at or after pos.
		if i := sort.Search(len(p.failed), func(i int) bool { return p.failed[i].End > pos }); i < len(p.failed) && p.failed[i].Start <= pos {
			pos, moved = p.failed[i].End, true
		}
		if !moved {
			return pos
		}
	}
}
