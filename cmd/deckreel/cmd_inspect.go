package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/narrate"
	"github.com/deckreel/deckreel/internal/render"
)

// inspectOptions are the flags of inspect.
type inspectOptions struct {
	fps           int
	fpsSet        bool // --fps was given: it beats the deck's own
	slideDuration time.Duration
	inputType     string
	theme         string
	json          bool
	// static reads the deck without a browser: frameworks' steps are
	// counted from the markup, a fast first guess.
	static  bool
	browser string
	marp    string
	narrate narrateFlags
}

func (o *inspectOptions) register(fs *flag.FlagSet) {
	fs.IntVar(&o.fps, "fps", 30, "frames per second of the timeline (default: the deck's, else 30)")
	fs.Var(&durationValue{d: &o.slideDuration, name: "slide-duration", max: deck.MaxDuration}, "slide-duration", "how long a slide or step is held when the deck does not say (default 5s)")
	fs.StringVar(&o.inputType, "input-type", "", "read the input as markdown, reveal, manifest, html, pdf, office, marp, impress, shower, webslides or keyboard (any HTML deck, stepped with ArrowRight) instead of detecting it")
	fs.StringVar(&o.theme, "theme", "", "theme of Markdown slides: light, dark or a .css file")
	fs.BoolVar(&o.json, "json", false, "print the timeline as JSON")
	fs.BoolVar(&o.static, "static", false, "count a deck framework's slides and fragments from its markup instead of stepping it in a browser (fast; misses steps that scripts and plugins add)")
	fs.StringVar(&o.marp, "marp", "", "the Marp converter (marp-cli) for a Markdown deck with marp: true (default: marp on PATH)")
	fs.StringVar(&o.browser, "browser", "auto", "Chrome that steps a deck framework's page: auto, headless-shell, chromium or a path")
	o.narrate.register(fs)
}

func runInspectCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var opts inspectOptions
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	opts.register(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: deckreel inspect <deck> [--json] [flags]

Prints the deck's detected type and its timeline: every slide and step with
its title, start time, duration, first and last frame and transition, and
the totals. A deck is a Markdown file, a reveal.js page, a deck.yaml or
deck.json manifest, a PDF, an office file (.pptx, .odp, .ppt, .key; it is
converted by LibreOffice, once, and cached), or a directory holding a
Markdown deck, a manifest or a page. With --json, each step carries its
speaker notes. A page run by a deck framework (reveal.js, Marp, impress.js,
Shower, WebSlides) is stepped through in a browser, as the render does, so
the timeline holds the steps its plugins and scripts add; --static counts
them from the markup instead.

With --narrate the timeline is the one the voice makes: the notes are
synthesized (or taken from the cache, where a render finds them again) and
each slide lasts at least its speech; SPEECH is each slide's.

Flags:
`)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("inspect takes one deck, got %d (see 'deckreel inspect --help')", len(pos))
	}
	fs.Visit(func(f *flag.Flag) { opts.fpsSet = opts.fpsSet || f.Name == "fps" })
	ns, err := opts.narrate.settings(flagsSet(fs))
	if err != nil {
		return err
	}
	if opts.fps < 1 || opts.fps > render.MaxFPS {
		return usagef("--fps must be between 1 and %d, got %d", render.MaxFPS, opts.fps)
	}
	return runInspect(ctx, opts, ns, pos[0], stdout, stderr)
}

// inspectReport is the JSON form of inspect's output.
type inspectReport struct {
	Path     string           `json:"path"`
	Type     deck.Kind        `json:"type"`
	Title    string           `json:"title"`
	Theme    string           `json:"theme,omitempty"`
	Width    int              `json:"width,omitempty"`
	Height   int              `json:"height,omitempty"`
	FPS      int              `json:"fps"`
	Steps    []inspectStep    `json:"steps"`
	Segments []inspectSegment `json:"segments"`
	Totals   inspectTotals    `json:"totals"`
	Warnings []string         `json:"warnings"`
	// Narration is set with --narrate.
	Narration *inspectNarration `json:"narration,omitempty"`
}

type inspectNarration struct {
	LeadIn      float64        `json:"lead_in"` // seconds
	Synthesized int            `json:"synthesized"`
	Cached      int            `json:"cached"`
	Slides      []inspectVoice `json:"slides"`
}

type inspectVoice struct {
	Slide     int     `json:"slide"`
	Engine    string  `json:"engine,omitempty"`
	Voice     string  `json:"voice,omitempty"`
	Speech    float64 `json:"speech"` // seconds
	Sentences int     `json:"sentences"`
	Cues      int     `json:"cues"`
}

type inspectStep struct {
	Index      string            `json:"index"`
	Slide      int               `json:"slide"`
	Title      string            `json:"title"`
	Start      float64           `json:"start"`    // seconds
	Duration   float64           `json:"duration"` // seconds
	FirstFrame int               `json:"first_frame"`
	LastFrame  int               `json:"last_frame"`
	Transition inspectTransition `json:"transition"`
	Notes      string            `json:"notes,omitempty"`
}

type inspectTransition struct {
	Kind     string  `json:"kind"`
	Duration float64 `json:"duration"` // seconds
	Frames   int     `json:"frames"`
}

type inspectSegment struct {
	Kind       deck.Kind         `json:"kind"`
	Title      string            `json:"title"`
	Page       string            `json:"page"`
	StartFrame int               `json:"start_frame"`
	Frames     int               `json:"frames"`
	Transition inspectTransition `json:"transition"`
	TailFrames int               `json:"tail_frames"`
}

type inspectTotals struct {
	Slides   int     `json:"slides"`
	Steps    int     `json:"steps"`
	Duration float64 `json:"duration"` // seconds
	Frames   int     `json:"frames"`
}

func runInspect(ctx context.Context, opts inspectOptions, ns *narrate.Settings, input string, stdout, stderr io.Writer) error {
	d, err := deck.LoadContext(ctx, input, deck.Options{
		Theme: opts.theme, SlideDuration: opts.slideDuration, InputType: deck.Kind(opts.inputType), Marp: opts.marp,
	})
	if err != nil {
		var de *deck.Error
		if ctx.Err() != nil {
			return err
		}
		if errors.As(err, &de) || opts.inputType != "" || opts.theme != "" {
			return &render.InputError{Err: err}
		}
		return err
	}
	defer d.Close()
	fps := opts.fps
	if !opts.fpsSet && d.FPS > 0 {
		fps = d.FPS
	}
	// The framework's steps first: the voice times them.
	if !opts.static {
		w, h := 1920, 1080
		if d.Width > 0 {
			w, h = d.Width, d.Height
		}
		req := render.Request{Deck: d, FPS: fps, Width: w, Height: h, Browser: opts.browser, NoSandbox: noSandbox(), Stderr: io.Discard}
		if err := render.Present(ctx, req); err != nil {
			return err
		}
	}
	var nar *narrate.Narration
	if ns != nil {
		if nar, err = narrate.Narrate(ctx, d, *ns); err != nil {
			var se *narrate.SlideError
			if ctx.Err() == nil && errors.As(err, &se) {
				return &render.InputError{Err: err}
			}
			return err
		}
	}
	segs, err := d.Segments(fps)
	if err != nil {
		return &render.InputError{Err: err}
	}
	rep := buildInspectReport(d, segs, fps)
	if nar != nil {
		rep.Narration = &inspectNarration{LeadIn: nar.LeadIn.Seconds(), Synthesized: nar.Synthesized, Cached: nar.Cached, Slides: []inspectVoice{}}
		for i, sp := range nar.Slides {
			rep.Narration.Slides = append(rep.Narration.Slides, inspectVoice{Slide: i + 1, Engine: sp.Engine, Voice: sp.Voice,
				Speech: sp.Length.Seconds(), Sentences: len(sp.Sentences), Cues: len(sp.Cues)})
		}
		rep.Warnings = append(rep.Warnings, nar.Warnings...)
	}
	if opts.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	printInspect(stdout, rep)
	return nil
}

func buildInspectReport(d *deck.Deck, segs []deck.Segment, fps int) inspectReport {
	rep := inspectReport{
		Path: d.Path, Type: d.Kind, Title: d.Title, Theme: d.Theme, Width: d.Width, Height: d.Height, FPS: fps,
		Steps: []inspectStep{}, Segments: []inspectSegment{}, Warnings: []string{},
		Totals: inspectTotals{Slides: len(d.Slides), Steps: len(d.Steps), Duration: d.Duration().Seconds(), Frames: d.Frames(fps)},
	}
	for _, s := range d.Steps {
		first, last := s.Frames(fps)
		rep.Steps = append(rep.Steps, inspectStep{
			Index: s.Index, Slide: s.Slide, Title: s.Title, Start: s.Start.Seconds(), Duration: s.Duration.Seconds(),
			FirstFrame: first, LastFrame: last, Notes: s.Notes,
			Transition: inspectTransition{Kind: transitionKind(s.Transition), Duration: s.Transition.Duration.Seconds(), Frames: s.Transition.Frames(fps)},
		})
	}
	for _, g := range segs {
		page := g.Source.URL
		if page == "" {
			page = g.Source.Entry
		}
		rep.Segments = append(rep.Segments, inspectSegment{
			Kind: g.Kind, Title: g.Title, Page: page, StartFrame: g.Start, Frames: g.Frames, TailFrames: g.TailFrames,
			Transition: inspectTransition{Kind: transitionKind(g.TransitionIn), Duration: g.TransitionIn.Duration.Seconds(), Frames: g.TransitionFrames},
		})
	}
	for _, w := range d.Warnings {
		rep.Warnings = append(rep.Warnings, w.String())
	}
	return rep
}

func transitionKind(t deck.Transition) string {
	if t.Kind == "" {
		return string(deck.Cut)
	}
	return string(t.Kind)
}

func printInspect(w io.Writer, rep inspectReport) {
	head := fmt.Sprintf("%s: %s deck", rep.Path, rep.Type)
	if rep.Title != "" {
		head += fmt.Sprintf(" %q", rep.Title)
	}
	var facts []string
	if rep.Theme != "" {
		facts = append(facts, "theme "+rep.Theme)
	}
	if rep.Width > 0 {
		facts = append(facts, fmt.Sprintf("%dx%d", rep.Width, rep.Height))
	}
	facts = append(facts, fmt.Sprintf("%d fps", rep.FPS))
	fmt.Fprintf(w, "%s (%s)\n\n", head, strings.Join(facts, ", "))

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tTITLE\tSTART\tDURATION\tFRAMES\tTRANSITION")
	for _, s := range rep.Steps {
		frames := fmt.Sprintf("%d-%d", s.FirstFrame, s.LastFrame)
		if s.LastFrame < s.FirstFrame {
			frames = "(none)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Index, clip(s.Title, 40), clock(s.Start), seconds(s.Duration), frames, describeTransition(s.Transition))
	}
	_ = tw.Flush()
	if len(rep.Segments) > 1 {
		fmt.Fprintln(w, "\nSEGMENTS (one page each; transitions between them are composited)")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "#\tKIND\tPAGE\tFRAMES\tTRANSITION IN")
		for i, g := range rep.Segments {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d-%d\t%s\n", i+1, g.Kind, clip(g.Page, 48), g.StartFrame, g.StartFrame+g.Frames-1, describeTransition(g.Transition))
		}
		_ = tw.Flush()
	}
	if n := rep.Narration; n != nil {
		fmt.Fprintf(w, "\nNARRATION (speech from %s after each slide's first frame; %d sentence(s) synthesized, %d from the cache)\n", seconds(n.LeadIn), n.Synthesized, n.Cached)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SLIDE\tSPEECH\tSENTENCES\t[next]\tENGINE\tVOICE")
		for _, v := range n.Slides {
			if v.Speech == 0 {
				fmt.Fprintf(tw, "%d\t-\t\t\t\t\n", v.Slide)
				continue
			}
			voice := v.Voice
			if voice == "" {
				voice = "(default)"
			}
			fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\t%s\n", v.Slide, seconds(v.Speech), v.Sentences, v.Cues, v.Engine, voice)
		}
		_ = tw.Flush()
	}
	fmt.Fprintf(w, "\ntotal: %d slides, %d steps, %s, %d frames at %d fps\n",
		rep.Totals.Slides, rep.Totals.Steps, seconds(rep.Totals.Duration), rep.Totals.Frames, rep.FPS)
}

func describeTransition(t inspectTransition) string {
	if t.Kind == string(deck.Cut) || t.Duration == 0 {
		return t.Kind
	}
	return fmt.Sprintf("%s %s (%d frames)", t.Kind, seconds(t.Duration), t.Frames)
}

func seconds(s float64) string {
	return time.Duration(s * float64(time.Second)).Round(time.Millisecond).String()
}

// clock formats seconds as m:ss.mmm.
func clock(s float64) string {
	ms := int64(s*1000 + 0.5)
	return fmt.Sprintf("%d:%02d.%03d", ms/60000, ms/1000%60, ms%1000)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
