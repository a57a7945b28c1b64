package deck

import (
	"encoding/json"
	"fmt"
	"io/fs"
)

// Segment is one page captured for a run of frames of the output video.
// Segments tile the timeline: segment k covers output frames [Start,
// Start+Frames), and the next starts where it ends.
//
// A transition between segments is composited by the caller. It takes the
// first TransitionFrames frames of the segment's own range: output frame
// Start+i, for i < TransitionFrames, blends frame Frames_prev+i of the
// previous segment's page (its page keeps running past its range, see
// TailFrames) under frame i of this one, at progress
// TransitionIn.Kind.Ease(i/TransitionFrames). So frame Start still looks
// like the previous segment, and frame Start+TransitionFrames is the first
// that shows this segment alone.
type Segment struct {
	Source Source
	// Start is the first output frame of the segment; the segment's page
	// shows its own frame 0 there.
	Start  int
	Frames int
	// TransitionIn is how the segment enters; TransitionFrames is its length
	// in frames (0 for a cut and for the first segment).
	TransitionIn     Transition
	TransitionFrames int
	// TailFrames is how many frames past Frames the page must be captured
	// for the next segment's transition (the next segment's
	// TransitionFrames): capture local frames [0, Frames+TailFrames).
	TailFrames int
	Title      string
	Kind       Kind
}

// Segments returns the pages to capture at fps and their frame ranges. A
// slide starts at FrameAt(its start, fps); each segment's page carries the
// schedule of its steps for this frame rate, so Segments must be called
// with the frame rate of the render.
//
// It fails when fps is out of range or a segment would be shorter than one
// frame.
func (d *Deck) Segments(fps int) ([]Segment, error) {
	if fps < 1 || fps > 240 {
		return nil, fmt.Errorf("fps must be between 1 and 240, got %d", fps)
	}
	segs := make([]Segment, len(d.parts))
	files := map[*overlay]map[string][]byte{}
	next := 0 // first step of the part
	for pi, p := range d.parts {
		first := next
		for next < len(d.Steps) && d.Steps[next].part == pi {
			next++
		}
		steps := d.Steps[first:next]
		if len(steps) == 0 {
			return nil, fmt.Errorf("internal error: segment %d has no steps", pi+1)
		}
		start := FrameAt(steps[0].Start, fps)
		end := FrameAt(steps[len(steps)-1].End(), fps)
		if end <= start {
			return nil, &Error{File: d.Slides[steps[0].Slide-1].File, Line: d.Slides[steps[0].Slide-1].Line, Slide: steps[0].Slide,
				Msg: fmt.Sprintf("lasts %s, less than one frame at %d fps", steps[len(steps)-1].End()-steps[0].Start, fps)}
		}
		seg := Segment{Source: p.src, Start: start, Frames: end - start, TransitionIn: p.transition, Title: d.Slides[steps[0].Slide-1].Title, Kind: p.kind}
		if pi > 0 {
			seg.TransitionFrames = min(p.transition.Frames(fps), seg.Frames)
			segs[pi-1].TailFrames = seg.TransitionFrames
		}
		if seg.TransitionFrames == 0 {
			seg.TransitionIn = Transition{Kind: Cut}
		}
		if p.schedule != "" {
			ov, ok := p.src.FS.(*overlay)
			if !ok {
				return nil, fmt.Errorf("internal error: segment %d has a schedule but no generated tree", pi+1)
			}
			js, err := scheduleScript(p, steps, start, fps)
			if err != nil {
				return nil, err
			}
			if files[ov] == nil {
				files[ov] = map[string][]byte{}
			}
			files[ov][p.schedule] = js
		}
		segs[pi] = seg
	}
	// Each tree gets its schedules; segments sharing a tree share the new one.
	trees := map[*overlay]fs.FS{}
	for ov, f := range files {
		trees[ov] = ov.with(f)
	}
	for i := range segs {
		if ov, ok := segs[i].Source.FS.(*overlay); ok {
			if t, ok := trees[ov]; ok {
				segs[i].Source.FS = t
			}
		}
	}
	return segs, nil
}

// scheduleStep is one step of a Markdown page's schedule.
type scheduleStep struct {
	Frame  int    `json:"frame"`  // local frame the step starts on
	Slide  int    `json:"slide"`  // 0-based slide of the page
	Step   int    `json:"step"`   // 0: the slide enters; k: its k-th build step
	Kind   string `json:"kind"`   // transition kind
	Frames int    `json:"frames"` // transition length in frames
}

// scheduleScript is the script that gives a segment's page its steps, in
// frames of the segment (its first frame is 0).
func scheduleScript(p part, steps []Step, start, fps int) ([]byte, error) {
	var v any
	var global string
	switch p.kind {
	case Markdown:
		global = "__deckreelSchedule"
		var ss []scheduleStep
		for _, st := range steps {
			first, last := st.Frames(fps)
			n := max(last-first+1, 0)
			s := scheduleStep{Frame: first - start, Slide: st.local, Step: st.frag, Kind: string(st.Transition.Kind)}
			if st.frag > 0 {
				s.Kind, s.Frames = "fragment", min(FrameAt(FragmentDuration, fps), n)
			} else if st.local > 0 {
				s.Frames = min(st.Transition.Frames(fps), n)
			} else {
				s.Kind = string(Cut)
			}
			ss = append(ss, s)
		}
		v = struct {
			FPS   int            `json:"fps"`
			Steps []scheduleStep `json:"steps"`
		}{fps, ss}
	case Reveal:
		global = "__deckreelReveal"
		frames := make([]int, len(steps))
		for i, st := range steps {
			frames[i] = FrameAt(st.Start, fps) - start
		}
		v = struct {
			FPS          int   `json:"fps"`
			Frames       []int `json:"frames"`
			KeepControls bool  `json:"keepControls"`
		}{fps, frames, p.keep}
	case Marp, Impress, Shower, WebSlides, Keyboard:
		global = "__deckreelDeck"
		frames := make([]int, len(steps))
		keys := make([]string, len(steps))
		for i, st := range steps {
			frames[i], keys[i] = FrameAt(st.Start, fps)-start, st.key
		}
		v = struct {
			Framework    string   `json:"framework"`
			FPS          int      `json:"fps"`
			Frames       []int    `json:"frames"`
			Keys         []string `json:"keys"`
			KeepControls bool     `json:"keepControls"`
		}{string(p.kind), fps, frames, keys, p.keep}
	default:
		return nil, fmt.Errorf("internal error: no schedule for a %s page", p.kind)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return fmt.Appendf(nil, "window.%s = %s;\n", global, b), nil
}
