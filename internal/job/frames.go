package job

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/deckreel/deckreel/internal/pool"
)

// ParseFrames parses a --frames list of a video of total frames: ranges of
// frame numbers separated by commas, each "A-B" (A to B inclusive), "A"
// (one frame) or "A-" (A to the end), frames counted from 0. The result is
// sorted and merged: overlapping or adjacent ranges become one.
func ParseFrames(s string, total int) ([]pool.Range, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("--frames: empty list (want ranges such as 120-239,600-659)")
	}
	var rs []pool.Range
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			return nil, fmt.Errorf("--frames %q: empty range between commas", s)
		}
		a, b, isRange := strings.Cut(part, "-")
		start, err := frameNumber(a, part)
		if err != nil {
			return nil, err
		}
		end := start
		switch {
		case !isRange:
		case strings.TrimSpace(b) == "":
			end = total - 1
		default:
			if end, err = frameNumber(b, part); err != nil {
				return nil, err
			}
		}
		switch {
		case start >= total:
			return nil, fmt.Errorf("--frames %s: the video has frames 0-%d", part, total-1)
		case end >= total:
			return nil, fmt.Errorf("--frames %s: the video has frames 0-%d (use %d- for \"to the end\")", part, total-1, start)
		case end < start:
			return nil, fmt.Errorf("--frames %s: the range ends before it starts", part)
		}
		rs = append(rs, pool.Range{Start: start, End: end + 1})
	}
	slices.SortFunc(rs, func(a, b pool.Range) int { return a.Start - b.Start })
	merged := rs[:1]
	for _, r := range rs[1:] {
		last := &merged[len(merged)-1]
		if r.Start <= last.End {
			last.End = max(last.End, r.End)
			continue
		}
		merged = append(merged, r)
	}
	return merged, nil
}

func frameNumber(s, part string) (int, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || strings.HasPrefix(s, "+") {
		return 0, fmt.Errorf("--frames %s: %q is not a frame number (frames count from 0; ranges are A-B, A or A-)", part, s)
	}
	return n, nil
}

// Selection is the result of [Job.Select]: the chunks marked for a rerun
// and the frames they cover.
type Selection struct {
	Asked  []pool.Range // the frames asked for, sorted and merged
	Chunks []int        // the chunks that hold them
	Frames []pool.Range // the frames of those chunks: Asked rounded out to chunk boundaries
}

// Rounded reports whether the chunks cover more frames than were asked for.
func (s Selection) Rounded() bool { return !slices.Equal(s.Asked, s.Frames) }

// Note says, for the user, what will be rendered: "rendering frames
// 120-239 again as frames 0-299: a job re-renders whole chunks".
func (s Selection) Note() string {
	if !s.Rounded() {
		return fmt.Sprintf("rendering frames %s again", FrameList(s.Frames))
	}
	return fmt.Sprintf("rendering frames %s again as frames %s: a job re-renders whole chunks",
		FrameList(s.Asked), FrameList(s.Frames))
}

// Select parses a --frames list (see [ParseFrames]), rounds it out to whole
// chunks and marks those chunks for a rerun (see [Job.MarkRerun]). Nothing
// is marked if the list is bad.
func (j *Job) Select(frames string) (Selection, error) {
	asked, err := ParseFrames(frames, j.st.Settings.Frames)
	if err != nil {
		return Selection{}, err
	}
	sel := Selection{Asked: asked}
	for _, r := range asked {
		for c := j.ChunkOf(r.Start); c <= j.ChunkOf(r.End-1); c++ {
			if n := len(sel.Chunks); n == 0 || sel.Chunks[n-1] < c {
				sel.Chunks = append(sel.Chunks, c)
			}
		}
	}
	sel.Frames = j.Ranges(sel.Chunks)
	if err := j.MarkRerun(sel.Chunks); err != nil {
		return Selection{}, err
	}
	return sel, nil
}
