package deck

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// FrameAt is the frame at which time t falls on a timeline of fps frames per
// second: t × fps rounded to the nearest frame, halves up. It is the one
// rounding rule of deckreel's deck timelines: a step that starts at t shows
// from frame FrameAt(t, fps) and the one before it ends on the frame before,
// so cumulative durations never drift, whatever the frame rate.
func FrameAt(t time.Duration, fps int) int {
	if t <= 0 {
		return 0
	}
	// Integer arithmetic: exact for anything up to days at 240 fps.
	return int((int64(t)*int64(fps) + int64(time.Second)/2) / int64(time.Second))
}

// FrameTime is the time of frame n: the time the virtual clock shows when
// frame n is captured.
func FrameTime(n, fps int) time.Duration {
	return time.Duration(int64(n) * int64(time.Second) / int64(fps))
}

// Defaults used when neither the deck nor the caller says otherwise.
const (
	// DefaultSlideDuration is how long a slide (or reveal.js step) is held.
	DefaultSlideDuration = 5 * time.Second
	// DefaultTransitionDuration is the length of a transition named without
	// one ("fade").
	DefaultTransitionDuration = 500 * time.Millisecond
	// FragmentDuration is the fade-in of a build step in a Markdown deck.
	FragmentDuration = 300 * time.Millisecond
	// MaxDuration bounds any one duration in a deck.
	MaxDuration = 24 * time.Hour
)

// parseDuration reads a duration as deck authors write it: a Go duration
// ("8s", "1.5s", "500ms", "1m30s") or a bare number of seconds ("8").
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(f) || math.IsInf(f, 0) || f > MaxDuration.Seconds() {
			return 0, fmt.Errorf("bad duration %q (use 8s, 1.5s, 500ms or 1m30s)", s)
		}
		d = time.Duration(math.Round(f * float64(time.Second)))
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("bad duration %q (use 8s, 1.5s, 500ms or 1m30s)", s)
		}
	}
	switch {
	case d <= 0:
		return 0, fmt.Errorf("bad duration %q: it must be longer than zero", s)
	case d > MaxDuration:
		return 0, fmt.Errorf("bad duration %q: longer than the %s limit", s, MaxDuration)
	}
	return d, nil
}

// TransitionKind names how a slide replaces the one before it.
type TransitionKind string

// The transitions deckreel composes itself. Reveal.js decks keep their own
// transitions; their steps report reveal's names ("slide", "convex",
// "auto-animate", "fragment") for display only.
const (
	Cut       TransitionKind = "cut"
	Fade      TransitionKind = "fade"
	WipeLeft  TransitionKind = "wipe-left"
	SlideLeft TransitionKind = "slide-left"
)

var transitionKinds = []TransitionKind{Cut, Fade, WipeLeft, SlideLeft}

// Transition is how a slide (or step) enters. It starts at the slide's start
// time and takes Duration out of the slide's own time: frame Start+i of a
// transition that spans n frames shows progress Ease(i/n), so its first frame
// still looks like the slide before and frame Start+n is the first that
// shows only the new slide.
type Transition struct {
	Kind     TransitionKind
	Duration time.Duration
}

func (t Transition) String() string {
	if t.Kind == "" || t.Kind == Cut || t.Duration == 0 {
		if t.Kind == "" {
			return string(Cut)
		}
		return string(t.Kind)
	}
	return fmt.Sprintf("%s %s", t.Kind, t.Duration)
}

// Frames is the number of frames the transition spans at fps.
func (t Transition) Frames(fps int) int {
	if t.Kind == Cut || t.Kind == "" {
		return 0
	}
	return FrameAt(t.Duration, fps)
}

// parseTransition reads "fade 500ms", "wipe-left 1s", "slide-left", "cut"
// (or "none").
func parseTransition(s string) (Transition, error) {
	f := strings.Fields(s)
	if len(f) == 0 || len(f) > 2 {
		return Transition{}, fmt.Errorf("bad transition %q (write a kind and an optional duration: fade 500ms)", s)
	}
	kind := TransitionKind(strings.ToLower(f[0]))
	if kind == "none" {
		kind = Cut
	}
	known := false
	for _, k := range transitionKinds {
		known = known || k == kind
	}
	if !known {
		return Transition{}, fmt.Errorf("unknown transition %q (known: %s)", f[0], joinKinds())
	}
	t := Transition{Kind: kind}
	if kind == Cut {
		if len(f) == 2 {
			return Transition{}, fmt.Errorf("bad transition %q: a cut has no duration", s)
		}
		return t, nil
	}
	t.Duration = DefaultTransitionDuration
	if len(f) == 2 {
		d, err := parseDuration(f[1])
		if err != nil {
			return Transition{}, fmt.Errorf("transition %q: %w", s, err)
		}
		t.Duration = d
	}
	return t, nil
}

func joinKinds() string {
	s := make([]string, len(transitionKinds))
	for i, k := range transitionKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// Ease maps the linear progress p (0..1) of a transition to the eased
// progress it shows: linear for fade (a true crossfade), CSS ease-in-out
// (cubic-bezier(0.42, 0, 0.58, 1)) for wipe-left and slide-left. Markdown
// pages use the same curves, so transitions inside a page and between
// segments look alike.
func (k TransitionKind) Ease(p float64) float64 {
	switch {
	case p <= 0:
		return 0
	case p >= 1:
		return 1
	}
	switch k {
	case WipeLeft, SlideLeft:
		return cubicBezier(0.42, 0, 0.58, 1, p)
	case Cut:
		if p > 0 {
			return 1
		}
		return 0
	}
	return p
}

// cubicBezier evaluates a CSS cubic-bezier timing function at x.
func cubicBezier(x1, y1, x2, y2, x float64) float64 {
	bez := func(a, b, t float64) float64 {
		// B(t) with P0=0, P3=1.
		return 3*a*t*(1-t)*(1-t) + 3*b*t*t*(1-t) + t*t*t
	}
	// x(t) is monotonic for 0 <= x1, x2 <= 1: bisection is exact enough.
	lo, hi := 0.0, 1.0
	for range 60 {
		mid := (lo + hi) / 2
		if bez(x1, x2, mid) < x {
			lo = mid
		} else {
			hi = mid
		}
	}
	return bez(y1, y2, (lo+hi)/2)
}
