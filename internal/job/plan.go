package job

import (
	"fmt"
	"regexp"
	"sort"

	"github.com/deckreel/deckreel/internal/pool"
)

// Chunk is one chunk of a job's plan: output frames [Start, End) and the
// key that names its video. The key is a hash of everything that decides
// the chunk's pixels (the caller computes it: the slide's sources, its
// timing, its neighbours in a transition, size, frame rate, encoder), so a
// chunk whose key is unchanged after an edit keeps its video, and one whose
// key changed is rendered again: its old video has another name.
type Chunk struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Key   string `json:"key"`
}

// Len returns the chunk's number of frames.
func (c Chunk) Len() int { return c.End - c.Start }

// keyPattern is what a key may look like: it names files, so nothing that a
// path could misread.
var keyPattern = regexp.MustCompile(`^[0-9a-z][0-9a-z_-]{0,63}$`)

// FixedPlan cuts frames into chunks of size frames (the last may be
// shorter), keyed by key(start, end). It is the plan of a page, which has
// no slides to follow.
func FixedPlan(frames, size int, key func(start, end int) string) []Chunk {
	if size <= 0 {
		return nil
	}
	var plan []Chunk
	for s := 0; s < frames; s += size {
		e := min(s+size, frames)
		plan = append(plan, Chunk{Start: s, End: e, Key: key(s, e)})
	}
	return plan
}

// CutPlan cuts frames into chunks at the given boundaries (sorted or not;
// 0, frames and repeats are ignored), then cuts every piece longer than
// size into nearly equal chunks of at most size frames, and keys each with
// key. A deck's plan cuts at slide starts and at the end of each slide's
// transition in, so an edit of one slide touches only its own chunks and
// the transition out of it.
func CutPlan(frames, size int, cuts []int, key func(start, end int) string) []Chunk {
	bounds := append([]int{0, frames}, cuts...)
	sort.Ints(bounds)
	var plan []Chunk
	for i := 1; i < len(bounds); i++ {
		s, e := bounds[i-1], bounds[i]
		if s < 0 || e > frames || e <= s {
			continue
		}
		n := 1
		if size > 0 {
			n = (e - s + size - 1) / size
		}
		for k := range n {
			cs, ce := s+(e-s)*k/n, s+(e-s)*(k+1)/n
			plan = append(plan, Chunk{Start: cs, End: ce, Key: key(cs, ce)})
		}
	}
	return plan
}

// checkPlan reports the first problem that makes plan unusable for a video
// of frames frames: the chunks must tile [0, frames) in order and have
// distinct, well-formed keys.
func checkPlan(plan []Chunk, frames int) error {
	if len(plan) == 0 {
		return fmt.Errorf("the plan has no chunks")
	}
	keys := make(map[string]int, len(plan))
	next := 0
	for i, c := range plan {
		switch {
		case c.Start != next:
			return fmt.Errorf("chunk %d starts at frame %d, want %d", i, c.Start, next)
		case c.End <= c.Start:
			return fmt.Errorf("chunk %d (frames %d-%d) is empty", i, c.Start, c.End)
		case !keyPattern.MatchString(c.Key):
			return fmt.Errorf("chunk %d has a bad key %q", i, c.Key)
		}
		if j, dup := keys[c.Key]; dup {
			return fmt.Errorf("chunks %d and %d have the same key %s", j, i, c.Key)
		}
		keys[c.Key] = i
		next = c.End
	}
	if next != frames {
		return fmt.Errorf("the chunks end at frame %d, want %d", next, frames)
	}
	return nil
}

// planRange is the frames of a plan's chunk, as the pool counts them.
func (c Chunk) planRange() pool.Range { return pool.Range{Start: c.Start, End: c.End} }
