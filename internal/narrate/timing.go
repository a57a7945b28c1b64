package narrate

import (
	"fmt"
	"time"

	"github.com/deckreel/deckreel/internal/deck"
)

// timeSteps returns the step durations of d narrated by n: see
// [slideSteps]. The warnings are cues the slides have no step for.
func timeSteps(d *deck.Deck, n *Narration, tail time.Duration) ([]time.Duration, []string) {
	var durs []time.Duration
	var warns []string
	for i := 0; i < len(d.Steps); {
		slide := d.Steps[i].Slide
		j := i
		var orig, least []time.Duration
		for ; j < len(d.Steps) && d.Steps[j].Slide == slide; j++ {
			orig = append(orig, d.Steps[j].Duration)
			least = append(least, max(minStep, d.Steps[j].Transition.Duration))
		}
		sp := n.Slides[slide-1]
		durs = append(durs, slideSteps(orig, least, sp, n.LeadIn, tail)...)
		if extra := len(sp.Cues) - (len(orig) - 1); extra > 0 && sp.Length > 0 {
			sl := d.Slides[slide-1]
			warns = append(warns, fmt.Sprintf("%s:%d: slide %d: the notes have %d %s cue(s) but the slide has %d build step(s) after its first: the last %d cue(s) do nothing",
				sl.File, sl.Line, slide, len(sp.Cues), NextCue, len(orig)-1, extra))
		}
		i = j
	}
	return durs, warns
}

// slideSteps times one slide's steps around its speech. orig are the
// steps' durations as the deck has them, least the shortest each may be
// (its transition in). Without speech nothing changes. Otherwise step k+1
// starts where the speech reaches cue k (lead-in + the cue's time in the
// clip), a step no cue starts keeps its own duration after the one before,
// and the last step ends at the latest of the slide's own end, the end of
// its speech plus tail, and the last step's start plus its own duration
// (or its least, when a cue started it).
func slideSteps(orig, least []time.Duration, sp Speech, leadIn, tail time.Duration) []time.Duration {
	if sp.Length <= 0 {
		return orig
	}
	starts := make([]time.Duration, len(orig))
	var total time.Duration
	for _, d := range orig {
		total += d
	}
	for k := 1; k < len(orig); k++ {
		at := starts[k-1] + orig[k-1]
		if k-1 < len(sp.Cues) {
			at = leadIn + sp.Cues[k-1]
		}
		starts[k] = max(at, starts[k-1]+least[k-1])
	}
	last := len(orig) - 1
	lastLen := orig[last]
	if last > 0 && last-1 < len(sp.Cues) {
		lastLen = least[last]
	}
	end := max(total, leadIn+sp.Length+tail, starts[last]+lastLen)
	out := make([]time.Duration, len(orig))
	for k := range orig {
		next := end
		if k+1 < len(orig) {
			next = starts[k+1]
		}
		out[k] = next - starts[k]
	}
	return out
}
