// Package render runs one render: it resolves the request into a plan,
// starts Chrome, ffmpeg and the loopback server, and wires the three stages
// (capture, frames, encode) inside one errgroup so that the first failure
// or a cancel stops them all and no partial output replaces a good file.
//
// A render goes through three steps: prepare resolves the request once
// (output format, encoder options, sound and captions, pages, browser)
// into a plan that everything after reads; runStages captures, transforms
// and encodes the frames of the plan's output; the output then finishes
// (the whole video is renamed into place, or the chunks of a job are kept
// and joined). The two outputs, [videoOutput] and [chunkOutput], are the
// only difference between a plain render and a job.
package render

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"io/fs"
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
	"github.com/deckreel/deckreel/internal/pool"
	"github.com/deckreel/deckreel/internal/progress"
	"github.com/deckreel/deckreel/internal/soundtrack"
)

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
	// Reused and Chunks, for a job, are how many of its chunks were kept
	// from earlier runs and how many it has.
	Reused, Chunks int
}

// Run renders the request into req.Output. It returns an *InputError for
// bad input, the context's error when cancelled, and otherwise the first
// stage error.
func Run(ctx context.Context, req Request) (Result, error) {
	if err := req.validateEarly(); err != nil {
		return Result{}, err
	}
	start := time.Now()
	// The framework's steps and then the speech time the deck, so they
	// come before anything that counts frames; the capture's Chrome has
	// not started yet (see narrate's package doc).
	if err := Present(ctx, req); err != nil {
		return Result{}, err
	}
	req, err := narrateRequest(ctx, req, "")
	if err != nil {
		return Result{}, err
	}
	if err := req.Validate(); err != nil {
		return Result{}, err
	}
	p, err := prepare(ctx, req, nil)
	if err != nil {
		return Result{}, err
	}
	defer p.close()
	if p.wantsPageSound() {
		scan, err := newSoundScan(p.req, p.pages, p.browser, p.warns, p.media)
		if err != nil {
			return Result{}, err
		}
		p.sound = &soundPass{scan: scan, done: make(chan struct{})}
	}
	out := &videoOutput{plan: p}
	res, err := p.runStages(ctx, out)
	if err != nil {
		return Result{}, err
	}
	res.Output, res.Frames, res.Elapsed = req.Output, p.frames, time.Since(start)
	return res, nil
}

// output is where the frames of a render go: the whole video, or the
// chunks of a job.
type output interface {
	// sink starts the encoder(s) for the frames the plan renders.
	sink(ctx context.Context) (frames.FrameSink, error)
	// finish completes the output after the stages ended with err (nil
	// when every frame was written) and returns the render's error.
	finish(ctx context.Context, err error) error
}

// plan is a request resolved once: every value the stages and outputs need
// is derived here, in one place, and read everywhere else.
type plan struct {
	req     Request
	frames  int // output frames of the whole video
	format  encode.Format
	encoder encode.Options // of the whole video, sound and captions included
	pixFmt  frames.Format
	bg      color.Color
	media   *media
	pages   pages
	// ranges are the output frames this render writes, sorted and
	// disjoint (the whole video, or a job's chunks to do); capture are the
	// capture frames they need, none spanning two pages.
	ranges, capture []pool.Range
	browser         capture.BrowserOptions
	// shot and quality are the format of the frames' shots.
	shot    capture.ShotFormat
	quality int
	// sound, when set, is the pass that finds the sound of the pages'
	// media elements, which probePages runs.
	sound *soundPass
	rep   *progress.Reporter
	warns *warnings
}

// close releases what prepare started, in reverse.
func (p *plan) close() {
	p.pages.close()
	p.media.close()
	p.rep.Finish()
}

// warnings collects the distinct warnings of a render and reports each once.
type warnings struct {
	rep  *progress.Reporter
	mu   sync.Mutex
	list []string
	seen map[string]bool
}

func (w *warnings) add(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.seen[msg] {
		return
	}
	w.seen[msg] = true
	w.list = append(w.list, msg)
	w.rep.Logf("warning: %s", msg)
}

func (w *warnings) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.list...)
}

// prepare resolves a validated request: it fills the defaults, works out
// the format and encoder options (checked before Chrome starts), prepares
// sound and captions, serves the pages and loads each once to check it.
// ranges are the output frames to render; nil means all of them. The
// caller must close the plan.
func prepare(ctx context.Context, req Request, ranges []pool.Range) (_ *plan, err error) {
	req = req.withDefaults()
	p := &plan{req: req, frames: req.Frames(), media: &media{}, pages: pages{close: func() {}}}
	if ranges == nil {
		ranges = []pool.Range{{Start: 0, End: p.frames}}
	}
	p.ranges = ranges
	todo := 0
	for _, r := range ranges {
		todo += r.Len()
	}
	p.rep = progress.New(req.Stderr, req.Progress, todo)
	p.warns = &warnings{rep: p.rep, seen: map[string]bool{}}
	defer func() {
		if err != nil {
			p.close()
		}
	}()
	if req.Deck != nil {
		for _, w := range req.Deck.Warnings {
			p.warns.add("%s", w)
		}
	}
	if req.narration != nil {
		for _, w := range req.narration.Warnings {
			p.warns.add("%s", w)
		}
	}
	if p.format, err = encode.FormatFor(req.Output, req.Media.Format); err != nil {
		return nil, &InputError{Err: err}
	}
	// Sound, captions and chapters are prepared before Chrome starts, so
	// an unreadable audio file is bad input reported at once.
	if p.media, err = prepareMedia(ctx, req.Deck, req.narration, req.Media, req.FPS, p.frames, req.Output, p.format); err != nil {
		return nil, err
	}
	// A transparent page keeps its alpha through to the encoder.
	p.pixFmt, p.bg = frames.YUV420P, color.Color(color.Black)
	if req.Media.Transparent {
		p.pixFmt, p.bg = frames.RGBA, color.Transparent
	}
	p.encoder = encode.Options{
		Width: req.Width, Height: req.Height, FPS: req.FPS,
		PixFmt: string(p.pixFmt), CRF: req.CRF, Preset: req.Preset, Output: req.Output,
		Frames: p.frames,
	}
	p.media.apply(&p.encoder, req.Media)
	p.shot, p.quality = req.Capture.resolve(p.format, req.Media.Transparent)
	if err := p.format.Check(p.encoder.FormatOptions()); err != nil {
		return nil, &InputError{Err: err}
	}
	if err := p.encoder.Validate(); err != nil {
		return nil, &InputError{Err: err}
	}

	pg, err := openPages(ctx, req, p.warns)
	if err != nil {
		return nil, err
	}
	p.pages = pg
	p.capture = fromFrames(p.pages.timeline.CaptureRanges(toFrames(ranges)))
	if p.browser, err = browserOptions(req, pg, p.warns); err != nil {
		return nil, err
	}
	if p.passJPEG() {
		p.pixFmt, p.encoder.PixFmt = frames.JPEG, encode.JPEGPixFmt
		// Checked again with the frames it will now be given.
		if err := p.format.Check(p.encoder.FormatOptions()); err != nil {
			return nil, &InputError{Err: err}
		}
		p.rep.Logf("frames: JPEG shots go to ffmpeg undecoded")
	}
	if req.Workers == 0 {
		p.rep.Logf("capture: %s via %s, tabs: auto (up to %d)", p.browser.Path, p.browser.Mode, req.maxWorkers())
	} else {
		p.rep.Logf("capture: %s via %s, %d tab(s)", p.browser.Path, p.browser.Mode, req.Workers)
		p.rep.SetWorkers(req.Workers)
	}
	return p, nil
}

// passJPEG reports whether the shots can go to the encoder as they are,
// undecoded: JPEG shots (which beginFrame takes; the screenshot fallback
// takes PNG), opaque, with no transitions to blend.
func (p *plan) passJPEG() bool {
	return p.shot == capture.JPEG && p.browser.Mode == capture.ModeBeginFrame &&
		!p.req.Media.Transparent && !p.pages.timeline.Blends()
}

// wantsPageSound reports whether the video may need the sound of its
// pages' media elements (see pageSound): its format holds sound and a page
// may play some.
func (p *plan) wantsPageSound() bool {
	return p.format.Audio != nil && p.pages.mayPlaySound()
}

// soundPass is the sound of the pages' media elements, found while the
// capture starts: probePages scans the pages it loads, and the video's
// encoder, whose command names the sound's files, starts once it is done.
type soundPass struct {
	scan  *soundScan
	done  chan struct{}
	clips []soundtrack.Clip
	err   error
}

// finish records the pass's result; it is called once.
func (s *soundPass) finish(clips []soundtrack.Clip, err error) {
	s.clips, s.err = clips, err
	close(s.done)
}

// wait returns the pass's result once it is done.
func (s *soundPass) wait(ctx context.Context) ([]soundtrack.Clip, error) {
	select {
	case <-s.done:
		return s.clips, s.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// browserOptions finds the browser and sets the options of every browser
// of a render of pg.
func browserOptions(req Request, pg pages, warns *warnings) (capture.BrowserOptions, error) {
	path, mode, err := capture.FindBrowser(req.Browser)
	if err != nil {
		return capture.BrowserOptions{}, &InputError{Err: err}
	}
	o := capture.BrowserOptions{Path: path, Mode: mode, Width: req.Width, Height: req.Height, NoSandbox: req.NoSandbox,
		OnFallback: func(err error) {
			warns.add("%s cannot draw frames with beginFrame (%v): capturing with Page.captureScreenshot instead, which is slower", path, err)
		},
		// Always: the proxy is what keeps pages off loopback, and what
		// --allow-net opens it decides by address.
		Proxy: pg.proxy,
		OnPopup: func(target string) {
			// Once per origin: a page opening windows in a loop makes
			// as many warnings as hosts, not as many as calls.
			if u, err := url.Parse(target); err == nil && u.Host != "" {
				target = u.Scheme + "://" + u.Host
			}
			warns.add("blocked a popup (window.open or a link to a new window) to %s: a render has one window", target)
		}}
	return o, nil
}

// openPages serves the pages of req on a network of their own (see
// capture.Network), whose refusals are warned. The caller must close the
// pages, which closes the network.
func openPages(ctx context.Context, req Request, warns *warnings) (pages, error) {
	network, err := capture.NewNetwork(capture.Access{Internet: req.AllowNet, Hosts: req.AllowHosts}, func(b capture.Blocked) {
		warns.add("blocked a request to %s: %s", b.Host, b.Reason)
	})
	if err != nil {
		return pages{}, &InputError{Err: fmt.Errorf("--allow-net: %w", err)}
	}
	pg, err := resolvePages(ctx, req, network)
	if err != nil {
		network.Close()
		return pages{}, err
	}
	closeServers := pg.close
	pg.close = func() {
		closeServers()
		network.Close()
	}
	return pg, nil
}

// newSoundScan prepares the pass that finds the sound of pg's media
// elements (see pageSound), its files going into md's directory.
func newSoundScan(req Request, pg pages, browser capture.BrowserOptions, warns *warnings, md *media) (*soundScan, error) {
	dir, err := md.tempDir()
	if err != nil {
		return nil, err
	}
	// A call to the page steps 120 frames: however slow, far less than a
	// hung page's forever, also in a merge, whose request has no batch
	// timeout of its own.
	return &soundScan{
		pages: pg, browser: browser, fps: req.FPS, frames: req.Frames(), duration: md.sound.Duration,
		timeout: stepTimeout(req), dir: dir, warn: warns.add,
		tab: func(url string) capture.TabOptions { return tabOptions(req, warns, url) },
	}, nil
}

// withDefaults fills the zero values of r that mean a default.
func (r Request) withDefaults() Request {
	if r.Stderr == nil {
		r.Stderr = io.Discard
	}
	if r.Epoch.IsZero() {
		r.Epoch = time.Now()
	}
	if r.ReadyTimeout <= 0 {
		r.ReadyTimeout = 30 * time.Second
	}
	return r
}

// tabOptions are the options of a tab showing url.
func (p *plan) tabOptions(url string) capture.TabOptions {
	o := tabOptions(p.req, p.warns, url)
	o.Format, o.Quality = p.shot, p.quality
	return o
}

func tabOptions(req Request, warns *warnings, url string) capture.TabOptions {
	return capture.TabOptions{
		URL: url, Width: req.Width, Height: req.Height, FPS: req.FPS,
		Epoch: req.Epoch, ReadyTimeout: req.ReadyTimeout, Transparent: req.Media.Transparent,
		OnPageError: func(pe capture.PageError) { warns.add("page error: %s", pe) },
		OnNotice:    func(n capture.Notice) { warns.add("%s", n) },
	}
}

// probePages loads each page once in a browser of its own: a page that does
// not load is bad input (exit 2). It runs beside the stages (see
// runStages), whose tabs load the same pages meanwhile. With a sound pass,
// it then steps the pages that may play sound through their frames and
// finishes the pass.
func (p *plan) probePages(ctx context.Context) (err error) {
	var clips []soundtrack.Clip
	if p.sound != nil {
		start := time.Now()
		defer func() {
			if err == nil {
				p.rep.Logf("sound: %d clip(s) from the pages' media elements, found in %s", len(clips), time.Since(start).Round(time.Millisecond))
			}
			p.sound.finish(clips, err)
		}()
	}
	browser, err := capture.Launch(ctx, p.browser)
	if err != nil {
		return err
	}
	defer browser.Close()
	probed := map[string]bool{}
	for k, u := range p.pages.urls {
		scan := p.sound != nil && p.pages.media[k]
		if probed[u] && !scan {
			continue
		}
		tab, err := browser.OpenTab(ctx, p.tabOptions(u))
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return &InputError{Err: err}
		}
		if !probed[u] {
			for _, img := range tab.BrokenImages() {
				p.warns.add("image did not load: %s", img)
			}
			probed[u] = true
		}
		if scan {
			more, err := p.sound.scan.pageClips(ctx, k, tab)
			if errors.Is(err, capture.ErrTabCrashed) && ctx.Err() == nil {
				// As a batch is: once more, on a new tab.
				tab.Close()
				if tab, err = browser.OpenTab(ctx, p.tabOptions(u)); err == nil {
					more, err = p.sound.scan.pageClips(ctx, k, tab)
				} else {
					return fmt.Errorf("find the sound of %s again after its tab crashed: %w", u, err)
				}
			}
			if err != nil {
				tab.Close()
				return err
			}
			clips = append(clips, more...)
		}
		tab.Close()
	}
	return nil
}

// runStages captures, transforms and encodes the plan's frames into out,
// and lets out finish.
func (p *plan) runStages(ctx context.Context, out output) (Result, error) {
	var capPages []capture.Page
	for k, u := range p.pages.urls {
		start := 0
		if p.pages.timeline != nil {
			start, _ = p.pages.timeline.CaptureRange(k)
		}
		capPages = append(capPages, capture.Page{Start: start, Tab: p.tabOptions(u)})
	}
	cfg := schedule(p.req, p.capture)
	sched, err := pool.New(cfg)
	if err != nil {
		return Result{}, fmt.Errorf("plan batches: %w", err)
	}
	sink, err := out.sink(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("start ffmpeg: %w", err)
	}
	var shots atomic.Int64
	shotc := make(chan frames.Shot, 2*p.req.maxWorkers())
	g, gctx := errgroup.WithContext(ctx)
	// The pages are checked while the stages start rather than before:
	// loading them takes a browser's start and the page's load, which the
	// capture tabs spend too, and nothing is kept of a render whose check
	// fails (the output is not renamed into place, and no chunk is
	// complete before its page has loaded). A failed check is the error of
	// the render, whatever the stages said after it.
	var probeErr error
	g.Go(func() error {
		probeErr = p.probePages(gctx)
		if errors.Is(probeErr, context.Canceled) {
			probeErr = nil // cancelled by a stage's failure: that one is the error
		}
		return probeErr
	})
	g.Go(func() error {
		return capture.Run(gctx, capture.Config{
			Browser: p.browser, Pages: capPages, Workers: p.req.Workers, Auto: p.autoscale(),
			BatchTimeout:    p.req.BatchTimeout,
			NoDedup:         p.req.NoDedup,
			FailOnPageError: p.req.FailOnPageError,
			OnShot:          func() { shots.Add(1) },
			Logf:            p.rep.Logf,
		}, sched, shotc)
	})
	g.Go(func() error {
		return frames.Run(gctx, frames.Config{
			Width: p.req.Width, Height: p.req.Height, Format: p.pixFmt, Background: p.bg,
			Ranges: toFrames(p.capture), End: p.capture[len(p.capture)-1].End, Timeline: p.pages.timeline,
			OnAdvance: sched.Advance,
		}, shotc, withProgress(sink, p.rep))
	})
	err = g.Wait()
	var ie *InputError
	switch {
	case errors.As(probeErr, &ie):
		err = probeErr
	case errors.Is(err, capture.ErrNotReady) && !errors.As(err, &ie):
		// A capture tab saw it before the check did: bad input all the same.
		err = &InputError{Err: err}
	}
	err = out.finish(ctx, err)
	if ctx.Err() != nil {
		return Result{}, ctx.Err()
	}
	res := Result{Shots: int(shots.Load()), Mode: p.browser.Mode, Warnings: p.warns.all()}
	return res, err
}

// withProgress wraps sink to count the frames written (and the holes
// passed) for the progress report. The wrapper takes holes only if sink
// does, so that frames.Run decides, in its one place, what a hole means to
// a sink that cannot take one.
func withProgress(sink frames.FrameSink, rep *progress.Reporter) frames.FrameSink {
	ps := &progressSink{sink: sink, rep: rep}
	if hs, ok := sink.(frames.HoleSink); ok {
		return &progressHoleSink{ps, hs}
	}
	return ps
}

type progressSink struct {
	sink frames.FrameSink
	rep  *progress.Reporter
}

func (s *progressSink) WriteFrame(pix []byte, count int) error {
	if err := s.sink.WriteFrame(pix, count); err != nil {
		return err
	}
	s.rep.Add(count)
	return nil
}

type progressHoleSink struct {
	*progressSink
	holes frames.HoleSink
}

func (s *progressHoleSink) Hole(count int, err error) error {
	if err := s.holes.Hole(count, err); err != nil {
		return err
	}
	s.rep.Add(count)
	return nil
}

func toFrames(rs []pool.Range) []frames.Range {
	out := make([]frames.Range, len(rs))
	for i, r := range rs {
		out[i] = frames.Range{Start: r.Start, End: r.End}
	}
	return out
}

func fromFrames(rs []frames.Range) []pool.Range {
	out := make([]pool.Range, len(rs))
	for i, r := range rs {
		out[i] = pool.Range{Start: r.Start, End: r.End}
	}
	return out
}

// videoOutput is the whole video in one file: one encoder, and a render
// that fails leaves the output as it was. With a sound pass (plan.sound),
// ffmpeg starts on the first frame, once the pass is done.
type videoOutput struct {
	plan *plan
	enc  *encode.Encoder
	ctx  context.Context
}

func (o *videoOutput) sink(ctx context.Context) (frames.FrameSink, error) {
	if o.plan.sound == nil {
		var err error
		o.enc, err = encode.Start(ctx, o.plan.encoder)
		return o.enc, err
	}
	o.ctx = ctx
	return o, nil
}

// WriteFrame is the sink's when the encoder waits for the sound pass.
func (o *videoOutput) WriteFrame(pix []byte, count int) error {
	if o.enc == nil {
		p := o.plan
		clips, err := p.sound.wait(o.ctx)
		if err != nil {
			return err
		}
		if err := p.media.addClips(clips); err != nil {
			return err
		}
		p.media.apply(&p.encoder, p.req.Media)
		enc, err := encode.Start(o.ctx, p.encoder)
		if err != nil {
			return fmt.Errorf("start ffmpeg: %w", err)
		}
		o.enc = enc
	}
	return o.enc.WriteFrame(pix, count)
}

func (o *videoOutput) finish(ctx context.Context, err error) error {
	p := o.plan
	if o.enc == nil {
		if err == nil {
			err = errors.New("internal error: the render wrote no frame")
		}
		return err
	}
	if err != nil {
		return errors.Join(err, o.enc.Abort())
	}
	if n := o.enc.Frames(); n != p.frames {
		_ = o.enc.Abort()
		return fmt.Errorf("internal error: encoded %d frames, want %d", n, p.frames)
	}
	if err := o.enc.Close(); err != nil {
		return err
	}
	if err := p.media.commitSidecars(); err != nil {
		return fmt.Errorf("write captions or chapters next to %s: %w", p.req.Output, err)
	}
	return writePoster(ctx, p.req)
}

// writePoster writes the poster of a finished video, if one was asked for.
func writePoster(ctx context.Context, req Request) error {
	if req.Media.Poster == "" {
		return nil
	}
	if err := encode.WritePoster(ctx, "ffmpeg", req.Output, req.Media.PosterFrame, req.FPS, req.Media.Poster); err != nil {
		return fmt.Errorf("write poster: %w", err)
	}
	return nil
}

// maxWorkers is the most capture tabs the render may use: Workers, or for
// auto (0) DefaultWorkers.
func (r Request) maxWorkers() int { return cmp.Or(r.Workers, DefaultWorkers()) }

// autoscale is how the capture sizes its tabs: nil for a fixed count.
func (p *plan) autoscale() *capture.Autoscale {
	if p.req.Workers != 0 {
		return nil
	}
	return &capture.Autoscale{Max: p.req.maxWorkers(), MaxMemory: p.req.MaxMemory, OnChange: p.rep.SetWorkers}
}

// DefaultWorkers is the number of capture tabs for this machine: one per
// core, since each tab's renderer is mostly single-threaded.
func DefaultWorkers() int { return max(1, runtime.NumCPU()) }

// schedule sizes the batches and the window over the capture frames rs.
// The window bounds how far capture may run ahead of the encoder, and so
// the memory held in shots and decoded frames waiting to be reordered.
func schedule(req Request, rs []pool.Range) pool.Config {
	// Two seconds a batch at most, and never fewer frames than the least
	// batch (at 1 fps two seconds are two frames).
	const minBatch = 4
	maxBatch := max(2*req.FPS, minBatch)
	return pool.Config{
		Ranges:          rs,
		MinBatch:        minBatch,
		MaxBatch:        maxBatch,
		Window:          max(3*maxBatch, 2*req.maxWorkers()*maxBatch),
		TargetBatchTime: 1500 * time.Millisecond,
		MaxAttempts:     3,
	}
}

type input struct {
	url   string
	proxy string
	// media reports that the served tree holds audio or video files;
	// servers are the addresses of the servers started for the input.
	media   bool
	servers []string
	close   func()
}

// resolveInput serves a page input on network: a local page from its
// directory, a URL (whose host the page may then reach) through a server
// with nothing to serve but the proxy.
func resolveInput(ctx context.Context, req Request, network *capture.Network) (input, error) {
	if req.FS != nil {
		srv, err := network.Serve(req.FS)
		if err != nil {
			return input{}, err
		}
		return input{url: srv.URL(req.Input), proxy: srv.Addr(), close: func() { _ = srv.Close() },
			media: hasMediaFiles(req.FS, nil), servers: []string{srv.Addr()}}, nil
	}
	if u, err := url.Parse(req.Input); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		if err := network.AllowInput(u.Host); err != nil {
			return input{}, inputErrorf("input %s: %v", req.Input, err)
		}
		if err := checkReachable(ctx, network.Transport(), req.Input, req.ReadyTimeout); err != nil {
			return input{}, err
		}
		srv, err := network.Serve(emptyFS{})
		if err != nil {
			return input{}, err
		}
		return input{url: req.Input, proxy: srv.Addr(), close: func() { _ = srv.Close() }}, nil
	}
	path := req.Input
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
	root, err := os.OpenRoot(filepath.Dir(abs))
	if err != nil {
		return input{}, inputErrorf("input %s: %v", path, err)
	}
	srv, err := network.Serve(root.FS())
	if err != nil {
		_ = root.Close()
		return input{}, inputErrorf("input %s: %v", path, err)
	}
	closeAll := func() {
		_ = srv.Close()
		_ = root.Close()
	}
	// The tree is looked at through the root the server reads, so a link
	// out of it is not taken for one of its media files either.
	return input{url: srv.URL(url.PathEscape(filepath.Base(abs))), proxy: srv.Addr(), close: closeAll,
		media: hasMediaFiles(root.FS(), ownFiles(req, filepath.Dir(abs))), servers: []string{srv.Addr()}}, nil
}

type emptyFS struct{}

func (emptyFS) Open(string) (fs.File, error) { return nil, fs.ErrNotExist }
