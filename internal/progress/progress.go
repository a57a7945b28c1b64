package progress

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/cheggaaa/pb/v3"
	"github.com/cheggaaa/pb/v3/termutil"
	"github.com/mattn/go-isatty"
)

// Mode selects how a Reporter shows progress.
type Mode string

// The modes accepted by ParseMode.
const (
	// ModeAuto is ModeBar when the writer is a terminal and ModePlain
	// otherwise.
	ModeAuto Mode = "auto"
	// ModeBar redraws a progress bar in place. It needs a terminal: asked
	// for on anything else it falls back to ModePlain.
	ModeBar Mode = "bar"
	// ModePlain prints a line of text at most once per interval and a final
	// line at Finish.
	ModePlain Mode = "plain"
	// ModeJSON prints one JSON object per line: "progress" events at most
	// once per interval, "log" events from Logf and a final "done" event.
	ModeJSON Mode = "json"
	// ModeNone prints no progress. Logf still prints its message as a plain
	// line: warnings are not progress.
	ModeNone Mode = "none"
)

// DefaultInterval is how often plain and JSON output is printed at most.
const DefaultInterval = 2 * time.Second

// barRefresh is how often the bar is redrawn; pb's own default.
const barRefresh = 200 * time.Millisecond

// A terminal narrower than minBarWidth columns gets a bar fallbackBarWidth
// wide.
const (
	minBarWidth      = 40
	fallbackBarWidth = 80
)

// ParseMode parses a --progress value (case-insensitive).
func ParseMode(s string) (Mode, error) {
	m := Mode(strings.ToLower(strings.TrimSpace(s)))
	switch m {
	case ModeAuto, ModeBar, ModePlain, ModeJSON, ModeNone:
		return m, nil
	}
	return "", fmt.Errorf("unknown progress mode %q (want auto, bar, plain, json or none)", s)
}

// Clock is the time source of a Reporter. The default is the system clock;
// tests substitute a fake one.
type Clock interface {
	Now() time.Time
	// NewTicker returns a channel that receives a value every d and a func
	// that stops it, like time.NewTicker.
	NewTicker(d time.Duration) (<-chan time.Time, func())
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) NewTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// Option configures a Reporter.
type Option func(*config)

type config struct {
	clock      Clock
	interval   time.Duration
	isTerminal func(io.Writer) bool
}

// WithInterval sets how often plain and JSON output is printed at most
// (DefaultInterval if d <= 0). The bar is redrawn five times a second
// whatever the interval.
func WithInterval(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.interval = d
		}
	}
}

// WithClock sets the time source (the system clock by default).
func WithClock(c Clock) Option {
	return func(cfg *config) {
		if c != nil {
			cfg.clock = c
		}
	}
}

// withTerminal replaces the terminal check, so that tests can draw the bar
// into a buffer.
func withTerminal(isTerminal func(io.Writer) bool) Option {
	return func(c *config) { c.isTerminal = isTerminal }
}

// isTerminal reports whether w is a file descriptor open on a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// Reporter shows the progress of one render. Its methods are safe for
// concurrent use. Each line it prints is a single Write, so lines from
// other writers to the same file (ffmpeg's log on stderr, say) do not land
// inside its lines. Write errors are ignored: progress is advisory.
type Reporter struct {
	w        io.Writer
	mode     Mode // resolved: never ModeAuto
	total    int
	clock    Clock
	interval time.Duration
	start    time.Time

	mu        sync.Mutex
	done      int
	lastShown int // done when the last progress line was printed; -1 before the first
	finished  bool
	bar       *pb.ProgressBar // ModeBar only
	workers   int             // capture tabs at work, for JSON; 0 unknown

	stop       chan struct{} // closed by Finish to stop the ticker goroutine
	tickerDone chan struct{} // closed by the ticker goroutine as it exits
	finishOnce sync.Once
}

// New starts reporting a render of total frames to w; the clock starts now.
// Unless mode is ModeNone it starts a goroutine that prints on a ticker, so
// the caller must call Finish, which stops it, whether or not the render
// succeeded. ModeAuto and ModeBar draw a bar only if w is a terminal and
// print plain lines otherwise; an unknown mode is treated as ModeAuto.
func New(w io.Writer, mode Mode, total int, opts ...Option) *Reporter {
	cfg := config{clock: systemClock{}, interval: DefaultInterval, isTerminal: isTerminal}
	for _, o := range opts {
		o(&cfg)
	}
	switch mode {
	case ModePlain, ModeJSON, ModeNone:
	default:
		if cfg.isTerminal(w) {
			mode = ModeBar
		} else {
			mode = ModePlain
		}
	}
	r := &Reporter{
		w:         w,
		mode:      mode,
		total:     max(total, 0),
		clock:     cfg.clock,
		interval:  cfg.interval,
		start:     cfg.clock.Now(),
		lastShown: -1,
	}
	if mode == ModeNone {
		return r
	}
	period := r.interval
	if mode == ModeBar {
		period = barRefresh
		r.bar = newBar(w, r.total)
	}
	r.stop = make(chan struct{})
	r.tickerDone = make(chan struct{})
	tick, stopTicker := r.clock.NewTicker(period)
	go r.run(tick, stopTicker)
	return r
}

// newBar makes a pb bar that writes to the terminal w only when told to:
// it is Static, so pb starts no writer goroutine of its own and every write
// to w goes through the Reporter's lock, which lets Logf print between
// redraws. Rate and ETA are the Reporter's own strings, so that they agree
// with the plain and JSON forms.
func newBar(w io.Writer, total int) *pb.ProgressBar {
	bar := pb.New(total)
	bar.SetTemplateString(`{{counters . }} frames {{bar . }} {{percent . }} {{string . "rate"}} {{string . "eta"}}`)
	bar.SetWriter(w)
	bar.SetMaxWidth(120)
	// A pty whose size was never set (script(1), some `docker run -t`)
	// reports 0 columns, and pb then cuts the whole line away.
	if cols, err := termutil.TerminalWidth(); err != nil || cols < minBarWidth {
		bar.SetWidth(fallbackBarWidth)
	}
	bar.Set(pb.Static, true)
	// Only reached when w is a terminal; say so, because pb detects one
	// only when w is an *os.File.
	bar.Set(pb.Terminal, true)
	bar.Set(pb.ReturnSymbol, "\r")
	bar.Start()
	return bar
}

// Mode returns the form the Reporter prints in: ModeBar, ModePlain,
// ModeJSON or ModeNone, never ModeAuto.
func (r *Reporter) Mode() Mode { return r.mode }

// Add records n more frames done (n <= 0 is ignored). It prints nothing
// itself: the ticker goroutine does, so Add is cheap enough to call per
// frame.
func (r *Reporter) Add(n int) {
	if n <= 0 {
		return
	}
	r.mu.Lock()
	r.done += n
	r.mu.Unlock()
}

// Finish prints the final line (or "done" event) and stops the ticker
// goroutine, waiting for it to exit. Only the first call does anything, and
// later ones wait for it; Add and Logf may still be called afterwards.
func (r *Reporter) Finish() {
	r.finishOnce.Do(func() {
		if r.stop != nil {
			close(r.stop)
			<-r.tickerDone
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.finished = true
		s := r.snapshot(r.clock.Now())
		switch r.mode {
		case ModeBar:
			r.bar.SetCurrent(int64(s.done))
			r.bar.Set("rate", fmt.Sprintf("%.1f frames/s", s.fps))
			r.bar.Set("eta", "in "+roundElapsed(s.elapsed).String())
			r.bar.Finish() // marks it finished; being Static it draws nothing
			r.bar.Write()  // the final state, ending the line
		case ModePlain:
			r.write(fmt.Sprintf("rendered %d/%d frames (%d%%) in %s, %.1f frames/s\n",
				s.done, s.total, s.percent(), roundElapsed(s.elapsed), s.fps))
		case ModeJSON:
			r.writeJSON(doneEvent{
				Event:          "done",
				FramesDone:     s.done,
				FramesTotal:    s.total,
				FPS:            round(s.fps, 2),
				ElapsedSeconds: round(s.elapsed.Seconds(), 3),
				Workers:        r.workers,
			})
		}
	})
}

// Logf prints a warning or information line (a trailing newline is
// optional). Over a bar it clears the bar's line, prints the message and
// redraws the bar below it; in JSON mode it prints a "log" event.
func (r *Reporter) Logf(format string, args ...any) {
	msg := strings.TrimRight(fmt.Sprintf(format, args...), "\n")
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.mode == ModeJSON:
		r.writeJSON(logEvent{
			Event:          "log",
			Message:        msg,
			ElapsedSeconds: round(r.clock.Now().Sub(r.start).Seconds(), 3),
		})
	case r.mode == ModeBar && !r.finished:
		// \r and "erase line" wipe the half-drawn bar; the next Write
		// draws it again under the message.
		r.write("\r\x1b[2K" + msg + "\n")
		r.bar.Write()
	default:
		r.write(msg + "\n")
	}
}

// run is the ticker goroutine, owned by the Reporter: Finish stops it and
// waits for it.
func (r *Reporter) run(tick <-chan time.Time, stopTicker func()) {
	defer close(r.tickerDone)
	defer stopTicker()
	for {
		select {
		case <-r.stop:
			return
		case <-tick:
			r.update()
		}
	}
}

// SetWorkers records how many capture tabs are at work, which JSON
// progress events carry from then on.
func (r *Reporter) SetWorkers(n int) {
	r.mu.Lock()
	r.workers = n
	r.mu.Unlock()
}

// update prints the current progress: a redrawn bar every tick, or a plain
// line or JSON event if frames were done since the last one (a stalled
// render does not fill a log with identical lines).
func (r *Reporter) update() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished {
		return
	}
	s := r.snapshot(r.clock.Now())
	switch r.mode {
	case ModeBar:
		r.bar.SetCurrent(int64(s.done))
		r.bar.Set("rate", fmt.Sprintf("%.1f frames/s", s.fps))
		r.bar.Set("eta", "ETA "+s.etaString())
		r.bar.Write()
		return
	case ModePlain, ModeJSON:
		if s.done == r.lastShown {
			return
		}
		r.lastShown = s.done
	}
	if r.mode == ModePlain {
		r.write(fmt.Sprintf("rendered %d/%d frames (%d%%), %.1f frames/s, ETA %s\n",
			s.done, s.total, s.percent(), s.fps, s.etaString()))
		return
	}
	ev := progressEvent{
		Event:          "progress",
		FramesDone:     s.done,
		FramesTotal:    s.total,
		FPS:            round(s.fps, 2),
		ElapsedSeconds: round(s.elapsed.Seconds(), 3),
		Workers:        r.workers,
	}
	if s.etaKnown {
		secs := int64(s.eta / time.Second)
		ev.ETASeconds = &secs
	}
	r.writeJSON(ev)
}

// write writes one whole line to w. The caller holds r.mu.
func (r *Reporter) write(line string) {
	_, _ = io.WriteString(r.w, line)
}

// writeJSON writes v as one line of JSON. The caller holds r.mu.
func (r *Reporter) writeJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// The event types hold only numbers and strings.
		panic(fmt.Sprintf("progress: marshal %T: %v", v, err))
	}
	_, _ = r.w.Write(append(b, '\n'))
}

// progressEvent is a "progress" line in JSON mode. eta_seconds is null
// until a rate is known.
type progressEvent struct {
	Event          string  `json:"event"`
	FramesDone     int     `json:"frames_done"`
	FramesTotal    int     `json:"frames_total"`
	FPS            float64 `json:"fps"`
	ETASeconds     *int64  `json:"eta_seconds"`
	ElapsedSeconds float64 `json:"elapsed_seconds"`
	// Workers is the number of capture tabs at work (chosen by the
	// render when --workers is auto); omitted when not known.
	Workers int `json:"workers,omitempty"`
}

// doneEvent is the last line in JSON mode, printed by Finish whether or not
// every frame was done.
type doneEvent struct {
	Event          string  `json:"event"`
	FramesDone     int     `json:"frames_done"`
	FramesTotal    int     `json:"frames_total"`
	FPS            float64 `json:"fps"`
	ElapsedSeconds float64 `json:"elapsed_seconds"`
	// Workers is the number of capture tabs at work at the end.
	Workers int `json:"workers,omitempty"`
}

// logEvent is a Logf line in JSON mode.
type logEvent struct {
	Event          string  `json:"event"`
	Message        string  `json:"message"`
	ElapsedSeconds float64 `json:"elapsed_seconds"`
}

// snapshot is the progress at one instant.
type snapshot struct {
	done, total int
	elapsed     time.Duration
	fps         float64       // average since New
	eta         time.Duration // whole seconds, rounded up
	etaKnown    bool
}

// snapshot computes the progress at now. The rate is the average since
// New, start-up included: steadier than a recent rate on a deck whose still
// slides go much faster than its transitions. The caller holds r.mu.
func (r *Reporter) snapshot(now time.Time) snapshot {
	s := snapshot{done: r.done, total: r.total, elapsed: max(now.Sub(r.start), 0)}
	if s.elapsed > 0 {
		s.fps = float64(s.done) / s.elapsed.Seconds()
	}
	switch remaining := s.total - s.done; {
	case remaining <= 0:
		s.etaKnown = true
	case s.fps > 0:
		s.eta = time.Duration(math.Ceil(float64(remaining)/s.fps)) * time.Second
		s.etaKnown = true
	}
	return s
}

// percent is the share of frames done, rounded down and capped at 100.
func (s snapshot) percent() int {
	if s.total == 0 {
		return 100
	}
	return min(s.done*100/s.total, 100)
}

func (s snapshot) etaString() string {
	if !s.etaKnown {
		return "?"
	}
	return s.eta.String()
}

// roundElapsed rounds an elapsed time for display: 9.8s, 2m5.3s.
func roundElapsed(d time.Duration) time.Duration {
	return d.Round(100 * time.Millisecond)
}

// round rounds x to the given number of decimal places.
func round(x float64, places int) float64 {
	p := math.Pow10(places)
	return math.Round(x*p) / p
}
