// Package render runs one render job: it resolves the input, starts Chrome,
// ffmpeg and the loopback server, and wires the three stages (capture,
// frames, encode) inside one errgroup so that the first failure or a cancel
// stops them all and no partial output replaces a good file.
package render

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/deckreel/deckreel/capture"
	"github.com/deckreel/deckreel/encode"
	"github.com/deckreel/deckreel/frames"
	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/pool"
	"github.com/deckreel/deckreel/internal/progress"
)

// InputError is bad input or bad usage: the CLI exits 2 for it.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputErrorf(format string, args ...any) error {
	return &InputError{Err: fmt.Errorf(format, args...)}
}

// Limits on what a render may ask for; past them the request is a mistake.
const (
	MaxDuration = 24 * time.Hour
	MaxFPS      = 240
	MinSide     = 16
	MaxSide     = 7680
)

// Job is everything one render needs.
type Job struct {
	// Input is a local .html file or directory, or an http(s) URL. With
	// Deck set it only names the deck (for a job's settings).
	Input string
	// Media are the output format and what the video carries besides its
	// pictures: sound, captions, chapters, a poster.
	Media Media
	// Deck, when set, is rendered instead of Input: each of its segments is
	// captured from its own page and the transitions between them are
	// composited. The deck times itself: Duration must be zero (or the
	// deck's duration). The caller closes the deck after Run returns.
	Deck *deck.Deck
	// FS, when set, is served instead of Input's directory and Input is a
	// path inside it (the embedded sample).
	FS       fs.FS
	Duration time.Duration
	FPS      int
	Width    int
	Height   int
	Output   string

	Workers      int
	Browser      string // auto, headless-shell, chromium or a path
	ReadyTimeout time.Duration
	BatchTimeout time.Duration
	AllowNet     bool
	// FailOnPageError fails the frames in which the page throws (and, in a
	// job, records them for a rerun) instead of only warning.
	FailOnPageError bool
	// NoSandbox runs Chrome without its sandbox (containers).
	NoSandbox bool
	// NoDedup shoots every frame instead of only the frames that change;
	// the output is the same, only slower. It exists to verify that.
	NoDedup bool
	CRF     int
	Preset  string

	Progress progress.Mode
	// Stderr receives progress and warnings.
	Stderr io.Writer
	// Epoch is the wall-clock time virtual time 0 stands for; the zero value
	// means now.
	Epoch time.Time
}

// Frames is the number of output frames: duration × fps, rounded to the
// nearest frame (for a deck, the deck's frames at fps).
func (j Job) Frames() int {
	if j.Deck != nil {
		return j.Deck.Frames(j.FPS)
	}
	return int(math.Round(j.Duration.Seconds() * float64(j.FPS)))
}

// ErrDeckDuration is the problem of a deck render given a duration.
var ErrDeckDuration = errors.New("decks time themselves; remove --duration or use --slide-duration")

// Validate checks the job and returns an *InputError describing the first
// problem.
func (j Job) Validate() error {
	if j.Deck != nil {
		if j.Duration != 0 && j.Duration != j.Deck.Duration() {
			return &InputError{Err: ErrDeckDuration}
		}
		j.Duration = j.Deck.Duration()
	}
	switch {
	case j.Duration <= 0:
		return inputErrorf("--duration must be positive, got %s", j.Duration)
	case j.Duration > MaxDuration:
		return inputErrorf("--duration %s is longer than the %s limit", j.Duration, MaxDuration)
	case j.FPS < 1 || j.FPS > MaxFPS:
		return inputErrorf("--fps must be between 1 and %d, got %d", MaxFPS, j.FPS)
	case j.Width < MinSide || j.Height < MinSide || j.Width > MaxSide || j.Height > MaxSide:
		return inputErrorf("--size %dx%d is out of range: each side must be between %d and %d pixels", j.Width, j.Height, MinSide, MaxSide)
	case j.Width%2 != 0 || j.Height%2 != 0:
		return inputErrorf("--size %dx%d: H.264 video with yuv420p colour needs an even width and height (try %dx%d)", j.Width, j.Height, j.Width&^1, j.Height&^1)
	case j.Frames() < 1:
		return inputErrorf("--duration %s at %d fps is less than one frame", j.Duration, j.FPS)
	case j.Output == "":
		return inputErrorf("no output file: pass -o out.mp4")
	case j.Workers < 0:
		return inputErrorf("--workers must be positive, got %d", j.Workers)
	}
	if _, err := encode.FormatFor(j.Output, j.Media.Format); err != nil {
		return &InputError{Err: err}
	}
	if dir := filepath.Dir(filepath.Clean(j.Output)); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return inputErrorf("output %s: directory %s does not exist", j.Output, dir)
		}
	}
	return nil
}

// Result describes a finished render.
type Result struct {
	Output string
	Frames int
	// Shots is the number of images captured; the other frames were known
	// to repeat the one before.
	Shots    int
	Elapsed  time.Duration
	Mode     capture.Mode
	Warnings []string
}

// Run renders the job. It returns an *InputError for bad input, the
// context's error when cancelled, and otherwise the first stage error.
func Run(ctx context.Context, job Job) (Result, error) {
	if err := job.Validate(); err != nil {
		return Result{}, err
	}
	return runPipeline(ctx, job, nil)
}

// runPipeline renders job, which has been validated: every frame into
// job.Output when p is nil, otherwise the chunks of p into their chunk
// files (see RunJob), in which case what was rendered is in p.result.
func runPipeline(ctx context.Context, job Job, p *jobPlan) (Result, error) {
	start := time.Now()
	if job.Stderr == nil {
		job.Stderr = io.Discard
	}
	if job.Epoch.IsZero() {
		job.Epoch = time.Now()
	}
	if job.ReadyTimeout <= 0 {
		job.ReadyTimeout = 30 * time.Second
	}
	if job.Workers == 0 {
		job.Workers = DefaultWorkers()
	}
	total := job.Frames()
	first, end := p.frameSpan(total)
	rep := progress.New(job.Stderr, job.Progress, p.framesBefore(end))
	defer rep.Finish()

	var (
		warnMu   sync.Mutex
		warnings []string
		seen     = map[string]bool{}
	)
	warn := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		warnMu.Lock()
		defer warnMu.Unlock()
		if seen[msg] {
			return
		}
		seen[msg] = true
		warnings = append(warnings, msg)
		rep.Logf("warning: %s", msg)
	}

	if job.Deck != nil {
		for _, w := range job.Deck.Warnings {
			warn("%s", w)
		}
	}
	in, err := resolvePages(ctx, job, func(host string) {
		warn("blocked a request to %s: network access is off (pass --allow-net to permit it)", host)
	})
	if err != nil {
		return Result{}, err
	}
	defer in.close()
	if p != nil && in.timeline != nil {
		return Result{}, inputErrorf("--job with a multi-source manifest is not supported yet")
	}
	// Sound, captions and chapters are prepared before Chrome starts, so
	// an unreadable audio file is bad input reported at once.
	md, err := prepareMedia(ctx, job.Deck, job.Media, job.FPS, total, job.Output)
	if err != nil {
		return Result{}, err
	}
	defer md.close()
	// A transparent page keeps its alpha through to the encoder.
	pixFmt, background := "yuv420p", color.Color(color.Black)
	if job.Media.Transparent {
		pixFmt, background = "rgba", color.Transparent
	}
	// The encoder's options, built once: they are checked against the
	// format here, before Chrome starts, and used to start ffmpeg later.
	encOpts := encode.Options{
		Width: job.Width, Height: job.Height, FPS: job.FPS,
		PixFmt: pixFmt, CRF: job.CRF, Preset: job.Preset, Output: job.Output,
		Frames: total,
	}
	md.apply(&encOpts, job.Media)
	// Options that do not fit the format are refused before Chrome starts.
	if f, err := encode.FormatFor(job.Output, job.Media.Format); err == nil {
		if err := f.Check(encOpts.FormatOptions()); err != nil {
			return Result{}, &InputError{Err: err}
		}
		if p != nil && f.Name != "mp4" {
			return Result{}, inputErrorf("--job writes MP4 chunks; %s output is not supported with --job", f.Title)
		}
	}

	path, mode, err := capture.FindBrowser(job.Browser)
	if err != nil {
		return Result{}, &InputError{Err: err}
	}
	rep.Logf("capture: %s via %s, %d tab(s)", path, mode, job.Workers)

	bopts := capture.BrowserOptions{Path: path, Mode: mode, Width: job.Width, Height: job.Height, NoSandbox: job.NoSandbox}
	if !job.AllowNet {
		bopts.Proxy = in.proxy
		bopts.BypassHosts = in.bypass
	}
	browser, err := capture.Launch(ctx, bopts)
	if err != nil {
		return Result{}, err
	}
	defer browser.Close()

	// Load each page once up front: a page that does not load is bad input
	// (exit 2) and is reported before ffmpeg starts.
	tabOpts := capture.TabOptions{
		Width: job.Width, Height: job.Height, FPS: job.FPS,
		Epoch: job.Epoch, ReadyTimeout: job.ReadyTimeout, Transparent: job.Media.Transparent,
		OnPageError: func(pe capture.PageError) { warn("page error: %s", pe) },
	}
	var capPages []capture.Page
	probed := map[string]bool{}
	for k, u := range in.urls {
		o := tabOpts
		o.URL = u
		start := 0
		if in.timeline != nil {
			start, _ = in.timeline.CaptureRange(k)
		}
		capPages = append(capPages, capture.Page{Start: start, Tab: o})
		if probed[u] {
			continue
		}
		probed[u] = true
		probe, err := browser.OpenTab(ctx, o)
		if err != nil {
			if ctx.Err() != nil {
				return Result{}, ctx.Err()
			}
			return Result{}, &InputError{Err: err}
		}
		for _, img := range probe.BrokenImages() {
			warn("image did not load: %s", img)
		}
		probe.Close()
	}
	browser.Close()

	capTotal := total // capture frames
	if in.timeline != nil {
		capTotal = in.timeline.CaptureFrames()
		first, end = 0, capTotal
	}
	cfg := schedule(job, capTotal)
	cfg.Ranges = p.ranges(total)
	if in.timeline != nil {
		cfg.Ranges = in.ranges
	}
	sched, err := pool.New(cfg)
	if err != nil {
		return Result{}, fmt.Errorf("plan batches: %w", err)
	}

	if p != nil {
		// Chunks are video only: the sound, subtitle track and chapters of
		// the whole video are added when the chunks are joined (RunJob).
		if encOpts.BurnFile != "" {
			warn("--job: burnt-in captions are left out of job renders for now")
		}
		encOpts.Audio, encOpts.SubtitlesFile, encOpts.BurnFile, encOpts.MetadataFile = nil, "", "", ""
	}
	var (
		enc  *encode.Encoder // without a plan
		sink frames.FrameSink
	)
	if p == nil {
		enc, err = encode.Start(ctx, encOpts)
		sink = enc
	} else {
		sink, err = p.newWriter(ctx, encOpts, rep.Logf)
	}
	if err != nil {
		return Result{}, fmt.Errorf("start ffmpeg: %w", err)
	}
	var shots atomic.Int64
	shotc := make(chan frames.Shot, 2*job.Workers)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		// The done chunks between the ranges are holes for the frames
		// stage; they go first, on the channel capture.Run closes.
		if err := p.sendGaps(gctx, shotc); err != nil {
			close(shotc)
			return err
		}
		return capture.Run(gctx, capture.Config{
			Browser: bopts, Pages: capPages, Workers: job.Workers,
			BatchTimeout:    job.BatchTimeout,
			NoDedup:         job.NoDedup,
			FailOnPageError: job.FailOnPageError,
			OnShot:          func() { shots.Add(1) },
			OnFailed:        p.onFailed(),
			Logf:            rep.Logf,
		}, sched, shotc)
	})
	done := 0 // frames written so far; OnAdvance runs on one goroutine
	g.Go(func() error {
		return frames.Run(gctx, frames.Config{
			Width: job.Width, Height: job.Height, Format: frames.Format(pixFmt), Background: background,
			Start: first, End: end, Timeline: in.timeline,
			OnAdvance: func(pos int) {
				// pos is a capture frame, as the pool counts; progress
				// counts output frames.
				sched.Advance(pos)
				n := p.framesBefore(pos)
				if in.timeline != nil {
					n = in.timeline.OutputBefore(pos)
				}
				rep.Add(n - done)
				done = n
			},
		}, shotc, sink)
	})
	if p != nil {
		werr := g.Wait()
		var cerr error
		if werr != nil {
			p.result, cerr = p.writer.Abort() // keeps the chunks that were complete
		} else {
			p.result, cerr = p.writer.Close()
		}
		if ctx.Err() != nil {
			return Result{}, ctx.Err()
		}
		return Result{Shots: int(shots.Load()), Elapsed: time.Since(start), Mode: mode, Warnings: warnings}, errors.Join(werr, cerr)
	}
	if err := g.Wait(); err != nil {
		aerr := enc.Abort()
		if ctx.Err() != nil {
			return Result{}, ctx.Err()
		}
		return Result{}, errors.Join(err, aerr)
	}
	if n := enc.Frames(); n != total {
		_ = enc.Abort()
		return Result{}, fmt.Errorf("internal error: encoded %d frames, want %d", n, total)
	}
	if err := enc.Close(); err != nil {
		return Result{}, err
	}
	if err := md.commitSidecars(); err != nil {
		return Result{}, fmt.Errorf("write captions or chapters next to %s: %w", job.Output, err)
	}
	if job.Media.Poster != "" {
		if err := encode.WritePoster(ctx, "ffmpeg", job.Output, job.Media.PosterFrame, job.FPS, job.Media.Poster); err != nil {
			return Result{}, fmt.Errorf("write poster: %w", err)
		}
	}
	return Result{Output: job.Output, Frames: total, Shots: int(shots.Load()), Elapsed: time.Since(start), Mode: mode, Warnings: warnings}, nil
}

// DefaultWorkers is the number of capture tabs for this machine: one per
// core, since each tab's renderer is mostly single-threaded.
func DefaultWorkers() int { return max(1, runtime.NumCPU()) }

// schedule sizes the batches and the window. The window bounds how far
// capture may run ahead of the encoder, and so the memory held in shots and
// decoded frames waiting to be reordered.
func schedule(job Job, total int) pool.Config {
	maxBatch := 2 * job.FPS
	return pool.Config{
		Ranges:          []pool.Range{{Start: 0, End: total}},
		MinBatch:        4,
		MaxBatch:        maxBatch,
		Window:          max(3*maxBatch, 2*job.Workers*maxBatch),
		TargetBatchTime: 1500 * time.Millisecond,
		MaxAttempts:     3,
	}
}

type input struct {
	url    string
	proxy  string
	bypass []string
	close  func()
}

func resolveInput(ctx context.Context, job Job, onBlock func(string)) (input, error) {
	if job.FS != nil {
		srv, err := capture.Serve(job.FS, onBlock)
		if err != nil {
			return input{}, err
		}
		return input{url: srv.URL(job.Input), proxy: srv.Addr(), close: func() { _ = srv.Close() }}, nil
	}
	if u, err := url.Parse(job.Input); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		if err := checkReachable(ctx, job.Input); err != nil {
			return input{}, err
		}
		// The refusing proxy still needs a listener for the other hosts.
		srv, err := capture.Serve(emptyFS{}, onBlock)
		if err != nil {
			return input{}, err
		}
		return input{url: job.Input, proxy: srv.Addr(), bypass: []string{u.Host}, close: func() { _ = srv.Close() }}, nil
	}
	path := job.Input
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return input{}, inputErrorf("input %s: no such file", path)
		}
		return input{}, inputErrorf("input %s: %v", path, err)
	}
	if st.IsDir() {
		idx := filepath.Join(path, "index.html")
		if _, err := os.Stat(idx); err != nil {
			return input{}, inputErrorf("input %s: a directory needs an index.html", path)
		}
		path = idx
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".html", ".htm", ".xhtml", ".svg":
	default:
		return input{}, inputErrorf("input %s: unknown extension %q (want .html, .htm, .svg or a directory with index.html)", path, ext)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return input{}, inputErrorf("input %s: %v", path, err)
	}
	srv, err := capture.ServeDir(filepath.Dir(abs), onBlock)
	if err != nil {
		return input{}, inputErrorf("input %s: %v", path, err)
	}
	return input{url: srv.URL(url.PathEscape(filepath.Base(abs))), proxy: srv.Addr(), close: func() { _ = srv.Close() }}, nil
}

type emptyFS struct{}

func (emptyFS) Open(string) (fs.File, error) { return nil, fs.ErrNotExist }
