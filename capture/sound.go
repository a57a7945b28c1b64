package capture

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/deckreel/deckreel/internal/soundtrack"
)

// The sound of a page: what its <video> and <audio> elements play, on the
// page's virtual clock, so that the soundtrack can play the same files at
// the same times. The browser itself plays nothing (its output is not
// captured, and it would play in real time): the time-control script keeps
// each element's play state (see timecontrol.js), and a pre-pass steps the
// page through its frames without drawing them, recording each change of
// that state. Recording state rather than samples makes the pass cheap (a
// step without a picture) and exact: the times of play(), pause() and an
// element's end are known to the millisecond, not to the frame.

// SoundState is one media element's play state as the page's script
// reports it (sounds() in timecontrol.js). Times are virtual milliseconds
// from the page's frame 0.
type SoundState struct {
	// Key tells the elements apart, those of iframes included.
	Key string `json:"key"`
	// Src is the element's current source URL.
	Src string `json:"src"`
	// On reports that it is heard: playing, not muted, volume above 0.
	On bool `json:"on"`
	// Start is when it last started playing (or was seeked or changed
	// rate while playing); Base its position then, in seconds.
	Start float64 `json:"start"`
	Base  float64 `json:"base"`
	Rate  float64 `json:"rate"`
	// Volume is the element's volume (0 to 1).
	Volume float64 `json:"volume"`
	Loop   bool    `json:"loop"`
	// Duration is the source's length in seconds; -1 while unknown.
	Duration float64 `json:"duration"`
	// Stop is when it last stopped playing (a pause, its end); -1 if it
	// never did.
	Stop float64 `json:"stop"`
}

// SoundChange is the state of every media element of the page from Frame
// on, until the next change.
type SoundChange struct {
	Frame  int          `json:"frame"`
	Sounds []SoundState `json:"sounds"`
}

// scanChunk is how many frames one call to the page's scan steps: a call
// of a few seconds of page time answers well inside a batch timeout, and a
// long page costs one call per chunk rather than one per frame.
const scanChunk = 120

// ScanSound steps the page from its current frame up to frame to (which
// must not be behind it) without drawing, and returns the changes of its
// media elements' play state on the way. timeout (0: none) bounds each
// call to the page, of scanChunk frames, as the batch timeout bounds a
// batch: a page that does not answer in time is a *HungError.
func (t *Tab) ScanSound(ctx context.Context, to int, timeout time.Duration) ([]SoundChange, error) {
	if to < t.frame {
		return nil, fmt.Errorf("scan to frame %d: tab is already at frame %d", to, t.frame)
	}
	type scanResult struct {
		Frame   int           `json:"frame"`
		Changes []SoundChange `json:"changes"`
		Notices []Notice      `json:"notices"`
	}
	var all []SoundChange
	for t.frame < to {
		next := min(to, t.frame+scanChunk)
		cctx, cancel := ctx, context.CancelFunc(func() {})
		if timeout > 0 {
			cctx, cancel = context.WithTimeout(ctx, timeout)
		}
		sctx, stop := t.bind(cctx)
		res, err := chromedp.Run(sctx, chromedp.Evaluate[scanResult](
			fmt.Sprintf("window.__deckreel.scan(%d, %d)", next, t.opts.FPS), chromedp.EvalAwaitPromise))
		stop()
		if err != nil {
			err = t.stepError(cctx, fmt.Sprintf("scan the sound of frames up to %d", next), err)
			cancel()
			return nil, err
		}
		cancel()
		t.frame = next
		t.notify(res.Notices)
		all = append(all, res.Changes...)
	}
	return all, nil
}

// SoundSpan is a stretch of page time during which one element is heard
// playing continuously from one source.
type SoundSpan struct {
	// Src is the element's source URL.
	Src string
	// At and Until bound the stretch, in page time.
	At, Until time.Duration
	// Offset is the position in the source at At.
	Offset time.Duration
	// Rate and Volume are the element's playbackRate and volume at At.
	Rate, Volume float64
	// Gains are the volumes it changed to while it played (a fade), in
	// order, each from its time on.
	Gains []GainPoint
	// Loop reports that the source starts again at its end (Offset is
	// then within the first run).
	Loop bool
}

// GainPoint is a volume from a time of the page on.
type GainPoint struct {
	At     time.Duration
	Volume float64
}

// gainStep is the least change of volume a span records: a fade made of
// a change per frame keeps one point per half percent, not one per frame.
const gainStep = 0.005

// addGain records that sp's volume is v from at on, unless that is too
// close to the volume it has.
func (sp *SoundSpan) addGain(at time.Duration, v float64) {
	last := sp.Volume
	if n := len(sp.Gains); n > 0 {
		last = sp.Gains[n-1].Volume
	}
	if math.Abs(v-last) >= gainStep || (v != last && (v == 0 || v == 1)) {
		sp.Gains = append(sp.Gains, GainPoint{at, v})
	}
}

// SoundSpans turns the changes that ScanSound recorded, over frames
// 0 .. frames-1 of a page shown at fps, into the stretches during which
// each element was heard, in order of At. The page's last frame lasts
// until frames/fps. A change seen at frame f happened after frame f-1:
// a start or stop the script timed (play(), pause(), an element's end) is
// placed at its own time, other changes (volume, muted, a removed element)
// at frame f's. Elements that play faster or slower than browsers play
// sound (soundtrack.MinRate to MaxRate) are not heard, as in a browser.
func SoundSpans(changes []SoundChange, fps, frames int) []SoundSpan {
	frameMS := func(f int) float64 { return float64(f) * 1000 / float64(fps) }
	type open struct {
		st   SoundState
		span SoundSpan
	}
	var out []SoundSpan
	opened := map[string]*open{}
	end := func(o *open, until float64) {
		o.span.Until = msDuration(until)
		if o.st.Duration > 0 && !o.st.Loop && o.st.Rate > 0 {
			// Played out before the change was seen.
			rest := (o.st.Duration - o.span.Offset.Seconds()) / o.st.Rate
			o.span.Until = min(o.span.Until, o.span.At+secDuration(rest))
		}
		if o.span.Until > o.span.At {
			out = append(out, o.span)
		}
	}
	begin := func(st SoundState, at float64) {
		pos := st.Base + (at-st.Start)/1000*st.Rate
		if st.Duration > 0 {
			if st.Loop {
				pos = math.Mod(math.Mod(pos, st.Duration)+st.Duration, st.Duration)
			} else if pos >= st.Duration {
				return
			}
		}
		opened[st.Key] = &open{st: st, span: SoundSpan{
			Src: st.Src, At: msDuration(at), Offset: secDuration(max(pos, 0)),
			Rate: st.Rate, Volume: st.Volume, Loop: st.Loop,
		}}
	}
	heard := func(st SoundState) bool {
		return st.On && st.Src != "" && st.Volume > 0 && st.Rate >= soundtrack.MinRate && st.Rate <= soundtrack.MaxRate
	}
	for _, c := range changes {
		if c.Frame < 0 || c.Frame >= frames {
			continue
		}
		now := frameMS(c.Frame)
		prev := frameMS(max(c.Frame-1, 0))
		// when places a time the script reported: its own if it falls
		// between the two frames, otherwise (an older time) the frame's.
		when := func(ms float64) float64 {
			if ms >= prev && ms <= now {
				return ms
			}
			return now
		}
		seen := map[string]SoundState{}
		for _, st := range c.Sounds {
			seen[st.Key] = st
		}
		for key, o := range opened {
			st, ok := seen[key]
			switch {
			case ok && heard(st) && sameRun(o.st, st):
				if st.Volume != o.st.Volume {
					o.span.addGain(msDuration(now), st.Volume)
				}
				o.st = st // its duration may have become known
				continue
			case ok && heard(st):
				// Started again, seeked, or its rate changed: the new run
				// starts when the script says it did; one paused and
				// played again between two frames stopped at its pause.
				if st.Stop >= prev && st.Stop <= st.Start {
					end(o, when(st.Stop))
				} else {
					end(o, when(st.Start))
				}
			case ok && st.Stop >= prev:
				end(o, when(st.Stop))
			default:
				end(o, now)
			}
			delete(opened, key)
		}
		for _, st := range c.Sounds {
			if _, ok := opened[st.Key]; !ok && heard(st) {
				begin(st, when(st.Start))
			}
		}
	}
	last := frameMS(frames)
	for _, o := range opened {
		end(o, last)
	}
	// Ended spans were collected in map order: sorted on everything, so
	// that the soundtrack's graph is the same in every render.
	slices.SortFunc(out, func(a, b SoundSpan) int {
		return cmp.Or(cmp.Compare(a.At, b.At), cmp.Compare(a.Src, b.Src), cmp.Compare(a.Offset, b.Offset),
			cmp.Compare(a.Until, b.Until), cmp.Compare(a.Rate, b.Rate), cmp.Compare(a.Volume, b.Volume))
	})
	return mergeSpans(out)
}

// mergeSpans joins each span to an earlier one of the same element's
// source it simply continues (a page that sets currentTime to where the
// element already is, every frame, to keep it in sync): one clip instead of
// one per frame.
func mergeSpans(spans []SoundSpan) []SoundSpan {
	var out []SoundSpan
	for _, sp := range spans {
		joined := false
		for i := len(out) - 1; i >= 0 && !joined; i-- {
			o := &out[i]
			if o.Src != sp.Src || o.Rate != sp.Rate || o.Loop || sp.Loop || o.Until != sp.At {
				continue
			}
			// Where o's source would be at sp.At, within a millisecond.
			at := o.Offset + time.Duration(float64(o.Until-o.At)*o.Rate)
			if d := at - sp.Offset; d > -time.Millisecond && d < time.Millisecond {
				o.Until = sp.Until
				o.addGain(sp.At, sp.Volume)
				for _, g := range sp.Gains {
					o.addGain(g.At, g.Volume)
				}
				joined = true
			}
		}
		if !joined {
			out = append(out, sp)
		}
	}
	return out
}

// sameRun reports whether two states of an element continue one run of
// playing: same source, started at the same time from the same position,
// at the same rate.
func sameRun(a, b SoundState) bool {
	return a.Src == b.Src && a.Start == b.Start && a.Base == b.Base && a.Rate == b.Rate && a.Loop == b.Loop
}

func msDuration(ms float64) time.Duration {
	return time.Duration(math.Round(ms * float64(time.Millisecond)))
}

func secDuration(s float64) time.Duration {
	return time.Duration(math.Round(s * float64(time.Second)))
}
