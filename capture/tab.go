package capture

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/headlessexperimental"
	"github.com/chromedp/cdproto/inspector"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/deckreel/deckreel/assets"
)

// ErrNotReady is returned when a page does not become ready (load, fonts,
// images) within the ready timeout.
var ErrNotReady = errors.New("page did not become ready")

// PageError is an uncaught exception thrown by the page.
type PageError struct {
	Message string
	URL     string
	Line    int // 1-based; 0 when unknown
}

func (e PageError) String() string {
	if e.URL != "" {
		return fmt.Sprintf("%s (%s:%d)", e.Message, e.URL, e.Line)
	}
	return e.Message
}

// Status is what the time-control script reports after stepping.
type Status struct {
	// Frame is the frame the page now shows.
	Frame int `json:"frame"`
	// Now is the virtual time in milliseconds.
	Now float64 `json:"now"`
	// Changed is false when the script knows the frame is identical to the
	// one before it: no timer or rAF callback ran, nothing else touched the
	// DOM, and no animation was live at either end of the interval.
	Changed bool `json:"changed"`
	// Same counts the unchanged frames Advance stepped before Frame.
	Same      int  `json:"same"`
	Animating bool `json:"animating"`
	// Errors are the exceptions thrown by the page's timer and animation
	// frame callbacks in the frames this call stepped through for the
	// caller: for Seek, the target frame only; for Advance, every frame.
	Errors []string `json:"errors"`
	// Notices are what the page did that a user should hear of: dialogs
	// it opened (dismissed at once) and loads time went on without.
	Notices []Notice `json:"notices"`
}

// Notice is something the page did that the render went past: a dialog it
// opened (Kind "dialog", dismissed at once) or a load that held virtual
// time for longer than the ready timeout (Kind "stalled").
type Notice struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

func (n Notice) String() string {
	switch n.Kind {
	case "dialog":
		return "the page opened a dialog, dismissed: " + n.Text
	case "stalled":
		return "a load took longer than the ready timeout and time went on without it: " + n.Text
	}
	return n.Kind + ": " + n.Text
}

// TabOptions configures a tab.
type TabOptions struct {
	URL          string
	Width        int
	Height       int
	FPS          int
	Epoch        time.Time
	ReadyTimeout time.Duration
	// Transparent keeps the page background transparent instead of white.
	Transparent bool
	// Format is how shots are encoded: PNG (lossless, with alpha; the
	// default) or JPEG at Quality (1-100), several times cheaper for
	// Chrome to encode and for Go to decode, and without alpha.
	Format  ShotFormat
	Quality int
	// OnPageError is called (from the tab's event goroutine) for every
	// uncaught page exception.
	OnPageError func(PageError)
	// OnNotice is called for every Notice, from the goroutine using the
	// tab or from its event goroutine.
	OnNotice func(Notice)
}

// ShotFormat is the image format of a tab's shots.
type ShotFormat string

// The shot formats.
const (
	PNG  ShotFormat = "png"
	JPEG ShotFormat = "jpeg"
)

// HungError is a page whose script stopped answering: a step of virtual
// time did not finish within the batch timeout (an endless loop, or a
// callback that never returns).
type HungError struct {
	Frame int // the frame being stepped to
	FPS   int
}

func (e *HungError) Error() string {
	t := float64(e.Frame) / float64(max(e.FPS, 1))
	return fmt.Sprintf("the page stopped responding at t=%.3fs (frame %d): a script ran past the batch timeout", t, e.Frame)
}

// Tab is one browser tab loaded with the page under virtual time. A Tab is
// used by one goroutine at a time.
type Tab struct {
	b      *Browser
	opts   TabOptions
	ctx    context.Context
	cancel context.CancelFunc
	frame  int // the frame the page shows; -1 before frame 0
	wg     sync.WaitGroup
	title  string
	broken []string
	ticks  float64 // last beginFrame time, ms
	// stepping is the frame the page's script last started to step, which
	// it reports through a binding as it goes: a hung page cannot answer.
	stepping atomic.Int64
	// lastShot is the last picture taken; it stays valid while seeking over
	// frames that do not change. Shots are never modified after capture.
	lastShot []byte
	crashed  atomic.Bool
	// loads are the page's requests in flight that a drawn frame waits
	// for (see loads).
	loads *loads
}

// OpenTab opens a tab, loads the page with the time-control script and waits
// until it is ready (load event, fonts, images decoded). The caller must
// Close the tab.
func (b *Browser) OpenTab(ctx context.Context, opts TabOptions) (*Tab, error) {
	tctx, cancel, err := b.newTarget(ctx)
	if err != nil {
		return nil, err
	}
	t := &Tab{b: b, opts: opts, ctx: tctx, cancel: cancel, frame: -1, ticks: 1000, loads: newLoads()}
	if err := t.load(ctx); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

// Close closes the tab and waits for its goroutines.
func (t *Tab) Close() {
	t.cancel()
	t.wg.Wait()
}

// Frame is the frame index the page currently shows (-1 before frame 0).
func (t *Tab) Frame() int { return t.frame }

// Title is the document title once loaded.
func (t *Tab) Title() string { return t.title }

// BrokenImages lists images that failed to load or decode.
func (t *Tab) BrokenImages() []string { return t.broken }

func (t *Tab) load(ctx context.Context) error {
	// A renderer that crashes (killed, out of memory) does not answer the
	// command in flight; end the tab at once so the caller sees the crash
	// instead of waiting for its timeout.
	crashes := chromedp.Events(t.ctx, inspector.TargetCrashed)
	t.wg.Go(func() {
		for _, err := range crashes {
			if err != nil {
				return
			}
			t.crashed.Store(true)
			t.cancel()
			return
		}
	})
	// Report exceptions with their source line. Console subscribes at once,
	// so exceptions thrown during the load are not lost.
	if t.opts.OnPageError != nil {
		msgs := chromedp.Console(t.ctx)
		t.wg.Go(func() {
			for m, err := range msgs {
				if err != nil {
					return
				}
				if !m.IsException() {
					continue
				}
				t.opts.OnPageError(pageError(m))
			}
		})
	}
	// The time-control script dismisses the dialogs of every document it
	// runs in; one it could not reach (a cross-origin frame) is dismissed
	// here, as a dialog left open blocks the page.
	dialogs := chromedp.Events(t.ctx, page.JavascriptDialogOpening)
	t.wg.Go(func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			if t.opts.OnNotice != nil {
				t.opts.OnNotice(Notice{Kind: "dialog", Text: fmt.Sprintf("%s(%q)", ev.Type, ev.Message)})
			}
			if _, err := chromedp.Call(t.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{}); err != nil {
				return
			}
		}
	})
	if err := chromedp.Listen(t.ctx, t.loads.event); err != nil {
		return fmt.Errorf("watch the page's loads: %w", err)
	}
	steps := chromedp.Events(t.ctx, runtime.BindingCalled)
	t.wg.Go(func() {
		for ev, err := range steps {
			if err != nil {
				return
			}
			if ev.Name != stepBinding {
				continue
			}
			if n, err := strconv.Atoi(ev.Payload); err == nil {
				t.stepping.Store(int64(n))
			}
		}
	})
	script := assets.TimeControlScript(t.opts.Epoch.UnixMilli(), t.opts.ReadyTimeout)
	setup := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, runtime.AddBinding, runtime.AddBindingParams{Name: stepBinding}); err != nil {
			return fmt.Errorf("add step binding: %w", err)
		}
		if _, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: script}); err != nil {
			return fmt.Errorf("inject time control: %w", err)
		}
		if _, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: int64(t.opts.Width), Height: int64(t.opts.Height), DeviceScaleFactor: 1,
		}); err != nil {
			return fmt.Errorf("set viewport: %w", err)
		}
		if t.opts.Transparent {
			// Sent by hand: cdp.RGBA leaves out an alpha of 0 (omitzero),
			// and Chrome then takes the default, 1: an opaque black page.
			params := map[string]any{"color": map[string]any{"r": 0, "g": 0, "b": 0, "a": 0}}
			if err := tg.Call(ctx, "Emulation.setDefaultBackgroundColorOverride", params, nil); err != nil {
				return fmt.Errorf("set transparent background: %w", err)
			}
		}
		return nil
	})
	rctx, rcancel := context.WithTimeout(t.ctx, t.opts.ReadyTimeout)
	defer rcancel()
	stop := context.AfterFunc(ctx, rcancel)
	defer stop()
	if err := chromedp.Do(rctx, setup, chromedp.Navigate(t.opts.URL)); err != nil {
		return t.loadError("load", err, rctx)
	}
	type readyResult struct {
		Broken  []string `json:"broken"`
		Title   string   `json:"title"`
		Notices []Notice `json:"notices"`
	}
	res, err := chromedp.Run(rctx, chromedp.Evaluate[readyResult](`window.__deckreel ? window.__deckreel.ready() : Promise.reject(new Error("time-control script missing"))`, chromedp.EvalAwaitPromise))
	if err != nil {
		return t.loadError("wait for fonts and images", err, rctx)
	}
	t.title, t.broken = res.Title, res.Broken
	t.notify(res.Notices)
	return nil
}

// stepBinding is the name of the binding through which the time-control
// script reports each frame it starts to step.
const stepBinding = "__deckreelStep"

func (t *Tab) notify(ns []Notice) {
	if t.opts.OnNotice == nil {
		return
	}
	for _, n := range ns {
		t.opts.OnNotice(n)
	}
}

// stepError is the error of a Seek or Advance that failed: a page that did
// not answer before ctx's deadline hung.
func (t *Tab) stepError(ctx context.Context, what string, err error) error {
	// The command's own deadline (bind copies ctx's) may fire a moment
	// before ctx's.
	timedOut := errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded)
	if timedOut && !t.crashed.Load() && t.ctx.Err() == nil {
		return fmt.Errorf("%s: %w", what, &HungError{Frame: int(t.stepping.Load()), FPS: t.opts.FPS})
	}
	return fmt.Errorf("%s: %w", what, t.wrap(err))
}

// pageError locates an exception at its first stack frame in the page's
// own code: exceptions from callbacks that the time-control script runs are
// re-reported by it, and the place of that report says nothing to a user.
func pageError(m chromedp.ConsoleMessage) PageError {
	pe := PageError{Message: m.Text, URL: m.URL, Line: int(m.Line) + 1}
	if m.Stack != nil {
		for _, f := range m.Stack.CallFrames {
			if f.URL == "" || strings.HasSuffix(f.URL, assets.TimeControlURL) {
				continue
			}
			pe.URL, pe.Line = f.URL, int(f.LineNumber)+1
			break
		}
	}
	if pe.URL == "" {
		pe.Line = 0
	}
	return pe
}

func (t *Tab) loadError(what string, err error, rctx context.Context) error {
	if errors.Is(rctx.Err(), context.DeadlineExceeded) && t.ctx.Err() == nil {
		return fmt.Errorf("%s %s: %w after %s (raise --ready-timeout if the page is slow)", what, t.opts.URL, ErrNotReady, t.opts.ReadyTimeout)
	}
	return fmt.Errorf("%s %s: %w", what, t.opts.URL, err)
}

// Seek steps virtual time frame by frame up to frame (which must not be
// behind the current one) and returns the script's status after it.
func (t *Tab) Seek(ctx context.Context, frame int) (Status, error) {
	return t.seek(ctx, frame, true)
}

// SeekOver is Seek to a frame that will not be drawn: the page's media
// elements are not seeked (their play state still runs). A video seeked
// twice between two drawn frames shows the first of those seeks: Chrome
// sends a paused video's new frame to the compositor only once the frame
// before it was drawn, and drops the frames that came meanwhile.
func (t *Tab) SeekOver(ctx context.Context, frame int) (Status, error) {
	return t.seek(ctx, frame, false)
}

func (t *Tab) seek(ctx context.Context, frame int, media bool) (Status, error) {
	if frame < t.frame {
		return Status{}, fmt.Errorf("seek to frame %d: tab is already at frame %d", frame, t.frame)
	}
	sctx, stop := t.bind(ctx)
	defer stop()
	st, err := chromedp.Run(sctx, chromedp.Evaluate[Status](
		fmt.Sprintf("window.__deckreel.seek(%d, %d, %t)", frame, t.opts.FPS, media), chromedp.EvalAwaitPromise))
	if err != nil {
		return Status{}, t.stepError(ctx, fmt.Sprintf("advance page to frame %d", frame), err)
	}
	t.frame = frame
	t.notify(st.Notices)
	if media {
		if err := t.waitLoads(ctx); err != nil {
			return Status{}, err
		}
	}
	return st, nil
}

// waitLoads waits, before a frame is drawn, for the loads the browser
// started on its own (see loads).
func (t *Tab) waitLoads(ctx context.Context) error {
	if err := t.loads.wait(ctx, t.opts.ReadyTimeout, func(n Notice) { t.notify([]Notice{n}) }); err != nil {
		return fmt.Errorf("wait for the page's loads at frame %d: %w", t.frame, t.wrapCtx(ctx, err))
	}
	return nil
}

// Advance steps at least one frame and keeps stepping while frames are
// unchanged, up to limit, in one call to the page. The frames before
// Status.Frame (Status.Same of them) are repeats of the frame the tab showed
// before; Status.Frame itself is a repeat too unless Status.Changed.
func (t *Tab) Advance(ctx context.Context, limit int) (Status, error) {
	if limit <= t.frame {
		return Status{}, fmt.Errorf("advance to frame %d: tab is already at frame %d", limit, t.frame)
	}
	sctx, stop := t.bind(ctx)
	defer stop()
	st, err := chromedp.Run(sctx, chromedp.Evaluate[Status](
		fmt.Sprintf("window.__deckreel.advance(%d, %d)", limit, t.opts.FPS), chromedp.EvalAwaitPromise))
	if err != nil {
		return Status{}, t.stepError(ctx, fmt.Sprintf("advance page from frame %d", t.frame+1), err)
	}
	t.frame = st.Frame
	t.notify(st.Notices)
	if err := t.waitLoads(ctx); err != nil {
		return Status{}, err
	}
	return st, nil
}

// Shoot renders the current frame and returns it as PNG bytes.
func (t *Tab) Shoot(ctx context.Context) ([]byte, error) {
	sctx, stop := t.bind(ctx)
	defer stop()
	if t.b.opts.Mode == ModeBeginFrame {
		img, err := drawFrame(ctx, sctx, &t.ticks, t.shotParams())
		if err != nil {
			return nil, fmt.Errorf("capture frame %d: %w", t.frame, t.wrapCtx(ctx, err))
		}
		return img, nil
	}
	// Full Chromium's screenshot now and then never returns (seen on a
	// page of refused requests and popups): given up after screenshotWait,
	// as a shot that came back empty, so that the batch is retried in a new
	// browser instead of waiting out its timeout.
	wctx, cancel := context.WithTimeout(sctx, screenshotWait)
	defer cancel()
	sp := t.shotParams()
	params := page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormat(sp.Format), Quality: sp.Quality, OptimizeForSpeed: new(true)}
	res, err := chromedp.Call(wctx, page.CaptureScreenshot, params)
	if err != nil && errors.Is(wctx.Err(), context.DeadlineExceeded) && sctx.Err() == nil {
		return nil, fmt.Errorf("capture frame %d: no screenshot in %s: %w", t.frame, screenshotWait, errNoScreenshot)
	}
	if err != nil {
		return nil, fmt.Errorf("capture frame %d: %w", t.frame, t.wrapCtx(ctx, err))
	}
	return res.Data, nil
}

// Raster draws the current frame without taking its picture: layout,
// paint and raster, what any capture of the frame costs at least. It is
// for benchmarks (the raster floor of a page), and needs ModeBeginFrame.
func (t *Tab) Raster(ctx context.Context) error {
	if t.b.opts.Mode != ModeBeginFrame {
		return errors.New("raster a frame: needs beginFrame (chromium-headless-shell)")
	}
	sctx, stop := t.bind(ctx)
	defer stop()
	t.ticks += beginFrameInterval
	_, err := chromedp.Run(sctx, func(ctx context.Context, tg *chromedp.Target) (headlessexperimental.BeginFrameResult, error) {
		return cdp.Call(ctx, tg, headlessexperimental.BeginFrame, headlessexperimental.BeginFrameParams{
			FrameTimeTicks: t.ticks, Interval: beginFrameInterval,
		})
	})
	if err != nil {
		return fmt.Errorf("raster frame %d: %w", t.frame, t.wrapCtx(ctx, err))
	}
	return nil
}

// screenshotWait bounds one Page.captureScreenshot: at 1080p one takes well
// under a second, even on a loaded machine.
const screenshotWait = 30 * time.Second

// shotTries is how many beginFrames a shot may take before the browser is
// taken to be broken.
const shotTries = 16

// shotParams are the screenshot settings of shots in format f at quality q
// (JPEG) taken in mode.
//
// Full Chromium's Page.captureScreenshot (the fallback path) takes PNG
// whatever was asked: asked for JPEG on a loaded machine it stalled on
// its first frame of a page of refused requests and popups, in every new
// browser, where PNG did not (TestHostilePageReachesOnlyItsServer, 2 of 2
// runs beside two busy cores against 0 of 4).
func shotParams(f ShotFormat, q int, mode Mode) *headlessexperimental.ScreenshotParams {
	if f == JPEG && mode == ModeBeginFrame {
		q := int64(q)
		return &headlessexperimental.ScreenshotParams{Format: headlessexperimental.ScreenshotParamsFormatJpeg, Quality: &q, OptimizeForSpeed: true}
	}
	return &headlessexperimental.ScreenshotParams{Format: headlessexperimental.ScreenshotParamsFormatPng, OptimizeForSpeed: true}
}

// shotParams are the screenshot settings of t's shots.
func (t *Tab) shotParams() *headlessexperimental.ScreenshotParams {
	return shotParams(t.opts.Format, t.opts.Quality, t.b.opts.Mode)
}

// drawFrame draws a frame with beginFrame (in the target of sctx) and
// returns its picture. Each beginFrame gets its own, strictly increasing
// frame time (*ticks, in ms): the compositor drops a frame whose time is
// not past the previous one, and then returns no picture. The content does
// not depend on it; page time comes from the time-control script. A
// renderer still starting, or a tab's first frames with a <video> (the
// display waits for the video's own surface), can also come back empty:
// those are tried again, a moment apart (ctx bounds the waits), up to
// shotTries times in about a second before errNoScreenshot.
func drawFrame(ctx, sctx context.Context, ticks *float64, shot *headlessexperimental.ScreenshotParams) ([]byte, error) {
	for try := range shotTries {
		*ticks += beginFrameInterval
		res, err := chromedp.Run(sctx, func(ctx context.Context, tg *chromedp.Target) (headlessexperimental.BeginFrameResult, error) {
			return cdp.Call(ctx, tg, headlessexperimental.BeginFrame, headlessexperimental.BeginFrameParams{
				FrameTimeTicks: *ticks,
				Interval:       beginFrameInterval,
				Screenshot:     shot,
			})
		})
		if err != nil {
			return nil, err
		}
		if len(res.ScreenshotData) > 0 {
			return res.ScreenshotData, nil
		}
		if try >= 1 {
			if err := sleep(ctx, time.Duration(try)*10*time.Millisecond); err != nil {
				return nil, err
			}
		}
	}
	return nil, errNoScreenshot
}

// beginFrameInterval is the compositor frame interval reported with every
// beginFrame, in milliseconds.
const beginFrameInterval = 1000.0 / 60

var errNoScreenshot = errors.New("browser returned no screenshot")

// bind returns a context for one command: it is the tab's context (so the
// browser connection is used) cancelled also when ctx ends. Per-batch
// deadlines are put on ctx, never on the browser's context.
func (t *Tab) bind(ctx context.Context) (context.Context, func()) {
	cctx, cancel := context.WithCancelCause(t.ctx)
	if d, ok := ctx.Deadline(); ok {
		var c2 context.CancelFunc
		cctx, c2 = context.WithDeadline(cctx, d)
		prev := cancel
		cancel = func(err error) { c2(); prev(err) }
	}
	stop := context.AfterFunc(ctx, func() { cancel(context.Cause(ctx)) })
	return cctx, func() { stop(); cancel(nil) }
}

// ErrTabCrashed reports that the tab or the browser went away; the batch may
// be retried on a new tab.
var ErrTabCrashed = errors.New("browser tab crashed or disconnected")

// wrapCtx is wrap for a command run under ctx: one cut off by ctx's
// deadline says so (the command's own error may read "context canceled").
func (t *Tab) wrapCtx(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && !errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	}
	return t.wrap(err)
}

func (t *Tab) wrap(err error) error {
	if t.crashed.Load() {
		return fmt.Errorf("%w: the renderer crashed: %w", ErrTabCrashed, err)
	}
	if t.ctx.Err() != nil || strings.Contains(err.Error(), "lost the connection") || errors.Is(err, chromedp.ErrTargetDetached) {
		return fmt.Errorf("%w: %w", ErrTabCrashed, err)
	}
	return err
}

// Eval evaluates expr in t's page without stepping its time and returns its
// value, decoded from JSON into a T: how a caller reads what the page's
// scripts left in it (a deck driver's recording, say).
func Eval[T any](ctx context.Context, t *Tab, expr string) (T, error) {
	sctx, stop := t.bind(ctx)
	defer stop()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](expr))
	if err != nil {
		var zero T
		return zero, t.wrapCtx(ctx, fmt.Errorf("evaluate %.40q in the page: %w", expr, err))
	}
	return v, nil
}
