package deck

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A deck framework knows its steps better than its markup does: plugins add
// fragments (reveal.js's code line highlights), Markdown and scripts add
// slides, and other frameworks have no markup to count at all. So a deck
// whose page runs a framework is presented once in a browser before it is
// timed: its driver script steps through it with the framework's own API,
// as a presenter would, and records what each step shows. Load's static
// count is the first guess that Present replaces; the render then steps
// the page the same way at each step's first frame, so the timeline
// `deckreel inspect` prints is what the video shows.

// Recording is what a page's driver recorded while stepping through the
// deck, as it left it in window.__deckreelRecord.
type Recording struct {
	Framework string         `json:"framework"`
	Steps     []RecordedStep `json:"steps"`
	// AutoSlide is the deck's own default hold in ms (0: none).
	AutoSlide float64 `json:"autoSlide"`
	// Done is set once the driver is finished; Error when it could not
	// step the deck (the framework never became ready, say).
	Done  bool   `json:"done"`
	Error string `json:"error"`
}

// RecordedStep is one step as the framework showed it.
type RecordedStep struct {
	// H and V are the slide's place (reveal.js: horizontal and vertical
	// index; other frameworks: the slide's index and 0); F the fragment
	// shown, -1 for none.
	H, V, F int
	Stacked bool // a slide of a vertical stack
	Title   string
	Text    string
	Notes   string
	// Autoslide is how long the deck holds the step, in ms (-1: it does
	// not say).
	Autoslide float64
	// Transition is how the slide enters and Speed its length in ms;
	// AutoAnimate is set for a slide that auto-animates from the one
	// before it, for AutoAnimateDuration ms.
	Transition          string
	Speed               float64
	AutoAnimate         bool
	AutoAnimateDuration float64
	Background          string
	// Key is the key that brought the step on, for a deck stepped by
	// keys ("" for the first step, or a deck stepped by its API).
	Key string
}

// UnmarshalJSON reads a step with the driver's lower-case names.
func (r *RecordedStep) UnmarshalJSON(b []byte) error {
	var v struct {
		H, V, F             int
		Stacked             bool
		Title, Text, Notes  string
		Autoslide           float64
		Transition          string
		Speed               float64
		AutoAnimate         bool `json:"autoAnimate"`
		AutoAnimateDuration float64
		Background          string
		Key                 string
	}
	v.F, v.Autoslide = -1, -1
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = RecordedStep(v)
	return nil
}

// A Recorder loads src in a browser with its driver in record mode and
// returns the page's Recording once Done. It is how Present reaches a
// browser (package render has them).
type Recorder func(ctx context.Context, src Source) (Recording, error)

// presentable is what a part run by a deck framework needs to be timed again
// from a recording: what compiling it knew.
type presentable struct {
	kind    Kind
	opts    revealOptions
	lines   map[[2]int]int // the source line of each statically counted slide, by h and v
	content string         // every slide's content digest: the whole page
	record  []byte         // the schedule that puts the driver in record mode
	entry   *entryFix      // set for a manifest entry
	title   string         // a manifest entry's title for the first slide
	guesses []Warning      // the static count's warnings, moot once recorded
}

// Presentable reports whether some page of the deck is run by a deck
// framework whose steps Present would record.
func (d *Deck) Presentable() bool {
	for _, p := range d.parts {
		if p.present != nil {
			return true
		}
	}
	return false
}

// Present records the steps of every page of the deck run by a deck
// framework with record and times the deck by them (see Recording). A
// page whose driver cannot step it keeps the static count, with a warning.
// Slide keys follow the new timing.
func (d *Deck) Present(ctx context.Context, record Recorder) error {
	for pi := range d.parts {
		pr := d.parts[pi].present
		if pr == nil {
			continue
		}
		ov, ok := d.parts[pi].src.FS.(*overlay)
		if !ok {
			return fmt.Errorf("internal error: part %d has a driver but no generated tree", pi+1)
		}
		src := d.parts[pi].src
		src.FS = ov.with(map[string][]byte{d.parts[pi].schedule: pr.record})
		rec, err := record(ctx, src)
		if err != nil {
			return fmt.Errorf("present %s: %w", pr.opts.file, err)
		}
		if rec.Error != "" || len(rec.Steps) == 0 {
			why := rec.Error
			if why == "" {
				why = "it recorded no steps"
			}
			d.Warnings = append(d.Warnings, Warning{File: pr.opts.file,
				Msg: fmt.Sprintf("could not step the deck in a browser (%s): its slides and fragments are counted from its markup, which misses the ones scripts and plugins add", why)})
			continue
		}
		slides, steps, err := pr.rebuild(rec)
		if err != nil {
			return err
		}
		d.replacePart(pi, slides, steps)
		d.Warnings = slices.DeleteFunc(d.Warnings, func(w Warning) bool { return slices.Contains(pr.guesses, w) })
	}
	finishKeys(d.Slides)
	return nil
}

// replacePart puts slides and steps (numbered within the part, as compiled)
// in place of part pi's and times the deck again.
func (d *Deck) replacePart(pi int, slides []Slide, steps []Step) {
	first, last := -1, -1 // the part's slides, 0-based
	var before, after []Step
	for _, st := range d.Steps {
		switch {
		case st.part < pi:
			before = append(before, st)
		case st.part > pi:
			after = append(after, st)
		default:
			if first < 0 {
				first = st.Slide - 1
			}
			last = st.Slide - 1
		}
	}
	for i := range slides {
		slides[i].Source = d.parts[pi].src
	}
	delta := len(slides) - (last - first + 1)
	d.Slides = append(append(append([]Slide{}, d.Slides[:first]...), slides...), d.Slides[last+1:]...)
	out := before
	for _, st := range steps {
		st.part, st.Slide = pi, first+st.local+1
		out = append(out, st)
	}
	for _, st := range after {
		st.Slide += delta
		out = append(out, st)
	}
	d.Steps = out
	retime(d.Steps)
}

// rebuild turns a recording into the part's slides and steps.
func (pr *presentable) rebuild(rec Recording) ([]Slide, []Step, error) {
	if len(rec.Steps) > MaxSteps {
		return nil, nil, checkCount(0, len(rec.Steps), pos{file: pr.opts.file})
	}
	// A step's own data-autoslide wins over every default, as in Load.
	def := pr.opts.hold(ms(rec.AutoSlide, 0))
	hold := func(r RecordedStep) time.Duration { return ms(r.Autoslide, def) }
	var slides []Slide
	var steps []Step
	frag := 0
	for k, r := range rec.Steps {
		newSlide := k == 0 || r.H != rec.Steps[k-1].H || r.V != rec.Steps[k-1].V
		if newSlide {
			if len(slides) >= MaxSlides {
				return nil, nil, checkCount(len(slides)+1, 0, pos{file: pr.opts.file})
			}
			idx := strconv.Itoa(r.H + 1)
			if r.Stacked {
				idx += "." + strconv.Itoa(r.V+1)
			}
			title := r.Title
			if t := []rune(title); len(t) > 60 {
				title = string(t[:59]) + "…"
			}
			s := Slide{Title: title, Notes: strings.TrimSpace(r.Notes), Background: r.Background, File: pr.opts.file,
				Line: pr.lines[[2]int{r.H, r.V}], text: r.Text, content: pr.content}
			s.Transition = r.transition(len(slides) == 0)
			slides = append(slides, s)
			frag = 0
			steps = append(steps, Step{Index: idx, Title: s.Title, Notes: s.Notes, Transition: s.Transition, local: len(slides) - 1})
		} else {
			frag++
			prev := steps[len(steps)-1]
			base, _, _ := strings.Cut(prev.Index, " ")
			steps = append(steps, Step{Index: fmt.Sprintf("%s fragment %d", base, frag), Title: prev.Title,
				Transition: Transition{Kind: "fragment", Duration: revealFragment}, local: prev.local, frag: frag})
		}
		st := &steps[len(steps)-1]
		st.Duration, st.key = hold(r), r.Key
		slides[st.local].Duration += st.Duration
	}
	if pr.title != "" && len(slides) > 0 {
		slides[0].Title = pr.title
	}
	if pr.entry != nil {
		pr.entry.apply(slides, steps)
	}
	return slides, steps, nil
}

// transition is how a recorded slide enters.
func (r RecordedStep) transition(first bool) Transition {
	switch {
	case first:
		return Transition{Kind: Cut}
	case r.AutoAnimate:
		return Transition{Kind: "auto-animate", Duration: ms(r.AutoAnimateDuration, time.Second)}
	case r.Transition == "none" || r.Transition == "" || r.Transition == "page":
		// "page": the framework animates between slides itself, for
		// no length deckreel knows.
		return Transition{Kind: Cut}
	}
	return Transition{Kind: TransitionKind(r.Transition), Duration: ms(r.Speed, 800*time.Millisecond)}
}

func ms(v float64, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return time.Duration(v * float64(time.Millisecond))
}

// recordSchedule is the schedule that makes a reveal.js page's driver
// record its steps instead of playing them.
func recordSchedule(kind Kind) []byte {
	b, _ := json.Marshal(struct {
		Framework string `json:"framework"`
		FPS       int    `json:"fps"`
		Frames    []int  `json:"frames"`
		Record    bool   `json:"record"`
		MaxSteps  int    `json:"maxSteps"`
	}{string(kind), 30, []int{0}, true, MaxSteps})
	global := "__deckreelReveal"
	if kind != Reveal {
		global = "__deckreelDeck"
	}
	return fmt.Appendf(nil, "window.%s = %s;\n", global, b)
}
