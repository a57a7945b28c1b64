package capture

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/deckreel/deckreel/frames"
	"github.com/deckreel/deckreel/internal/pool"
)

// Scheduler hands out frame-range batches to the capture workers in priority
// order, inside the window ahead of the encoder. *pool.Pool implements it.
type Scheduler interface {
	Next(ctx context.Context) (pool.Batch, error)
	Done(b pool.Batch, elapsed time.Duration)
	Fail(b pool.Batch, err error, retry bool) bool
}

// Config configures Run.
type Config struct {
	// Browser configures the browsers. Each worker runs its own browser
	// process with one tab: in deterministic mode, tabs of one browser
	// share the display compositor, and concurrent beginFrames on two of
	// them drop screenshots and can crash the browser.
	Browser BrowserOptions
	// Tab is the page, when there is one. A multi-page render sets Pages
	// instead.
	Tab TabOptions
	// Pages, when set, are the pages of a multi-page render, sorted by
	// Start: page j shows the frames [Pages[j].Start, Pages[j+1].Start)
	// (the last one to the end), frame Start+i being the page's own frame
	// i (its virtual time restarts at 0). The scheduler must not hand out
	// a batch that spans two pages.
	Pages []Page
	// Workers is the number of tabs capturing in parallel.
	Workers int
	// BatchTimeout bounds one batch; it is put on the batch's context, never
	// on the browser's, so a stuck tab does not take the browser down.
	BatchTimeout time.Duration
	// Logf reports what a user should know (tab restarts, retries).
	Logf func(format string, args ...any)
	// FailOnPageError fails a batch in whose frames the page threw an
	// exception (not retried: the page is wrong, not the browser), so
	// that a job records the frames and they can be rendered again once
	// the page is fixed. Otherwise page errors are only reported.
	FailOnPageError bool
	// NoDedup shoots every frame, even when the page says nothing changed;
	// it exists to verify that change detection is exact.
	NoDedup bool
	// OnCaptured is called with the number of frames a finished batch
	// stands for, for progress.
	OnCaptured func(frames int)
	// OnShot is called for every image taken (a distinct frame), from the
	// worker goroutines.
	OnShot func()
	// Auto, when set, sizes the number of tabs while the render runs
	// (see Autoscale) instead of Workers.
	Auto *Autoscale
}

// Page is one page of a multi-page render; see Config.Pages.
type Page struct {
	Start int
	Tab   TabOptions
}

// pageOf returns the index of the page that shows frame n and the frame
// after its last.
func pageOf(pages []Page, n int) (j, end int) {
	j = sort.Search(len(pages), func(i int) bool { return pages[i].Start > n }) - 1
	end = math.MaxInt
	if j+1 < len(pages) {
		end = pages[j+1].Start
	}
	return max(j, 0), end
}

// Run captures every batch the scheduler hands out and sends the shots to
// out, which it closes when it returns. It returns when the scheduler is
// drained, ctx ends, or a batch fails for good (the error names its range).
func Run(ctx context.Context, cfg Config, sched Scheduler, out chan<- frames.Shot) error {
	defer close(out)
	if cfg.Workers < 1 {
		cfg.Workers = 1
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	if len(cfg.Pages) == 0 {
		cfg.Pages = []Page{{Start: 0, Tab: cfg.Tab}}
	}
	g, gctx := errgroup.WithContext(ctx)
	if cfg.Auto != nil {
		g.Go(func() error { return autoscale(gctx, g, cfg, sched, out) })
		return g.Wait()
	}
	for w := range cfg.Workers {
		g.Go(func() error { return worker(gctx, w, cfg, sched, out, &slot{}) })
	}
	return g.Wait()
}

// slot is one worker as the autoscaler sees it: closing quit retires it
// (after its batch in hand), and browser is its browser, for memory.
type slot struct {
	quit    chan struct{}
	mu      sync.Mutex
	browser *Browser
}

func (s *slot) setBrowser(b *Browser) {
	s.mu.Lock()
	s.browser = b
	s.mu.Unlock()
}

// memory is the slot's browser's memory (0 without one).
func (s *slot) memory() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.browser == nil {
		return 0
	}
	return s.browser.Memory()
}

func (s *slot) retired() bool {
	select {
	case <-s.quit:
		return true
	default:
		return false
	}
}

func worker(ctx context.Context, id int, cfg Config, sched Scheduler, out chan<- frames.Shot, sl *slot) error {
	var (
		browser *Browser
		tab     pageTab
	)
	defer func() {
		if tab.Tab != nil {
			tab.Close()
		}
		if browser != nil {
			sl.setBrowser(nil)
			browser.Close()
		}
	}()
	for {
		if sl.retired() {
			return nil
		}
		b, err := sched.Next(ctx)
		if errors.Is(err, pool.ErrDrained) {
			return nil
		}
		if err != nil {
			return err
		}
		start := time.Now()
		if browser == nil {
			if browser, err = Launch(ctx, cfg.Browser); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return fmt.Errorf("tab %d: %w", id, err)
			}
			sl.setBrowser(browser)
		}
		err = captureBatch(ctx, cfg, browser, &tab, b, out)
		var hung *HungError
		if errors.As(err, &hung) {
			// The tab counts its page's own frames; say the render's.
			pj, _ := pageOf(cfg.Pages, b.Start)
			hung.Frame += cfg.Pages[pj].Start
		}
		if err == nil {
			sched.Done(b, time.Since(start))
			if cfg.OnCaptured != nil {
				cfg.OnCaptured(b.Len())
			}
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		retry := transient(err)
		if hung != nil && b.Attempt >= 1 {
			// A page that hangs on its own hangs again: one retry
			// tells that from a slow machine, more only waste time.
			retry = false
		}
		if retry || hung != nil {
			// The tab, or the browser if a renderer hung or died (tabs of
			// one site can share a renderer), may be broken: the next batch
			// gets fresh ones.
			if tab.Tab != nil {
				tab.Close()
				tab.Tab = nil
			}
			sl.setBrowser(nil)
			browser.Close()
			browser = nil
		}
		if sched.Fail(b, err, retry) {
			cfg.Logf("tab %d: frames %d-%d failed (attempt %d), retrying: %v", id, b.Start, b.End-1, b.Attempt+1, err)
			// Back off before the next batch, so a browser that keeps
			// crashing does not spin.
			if err := sleep(ctx, backoff(b.Attempt)); err != nil {
				return err
			}
			continue
		}
		// A batch that failed for good travels on as a hole carrying its
		// error: the sink decides whether the render can go on without
		// those frames (a job fails their chunks) or must stop.
		cfg.Logf("tab %d: frames %d-%d failed for good after %d attempts: %v", id, b.Start, b.End-1, b.Attempt+1, err)
		select {
		case out <- frames.Shot{Index: b.Start, Count: b.Len(), Err: err}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// backoff is how long a worker waits after its batch failed for the n-th
// time (n from 0).
func backoff(n int) time.Duration {
	return min(250*time.Millisecond<<n, 5*time.Second)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// PageErrorFailure is a batch failure caused by the page itself: an exception
// thrown by its code in one of the batch's frames.
type PageErrorFailure struct {
	Frame   int
	Message string
}

func (e *PageErrorFailure) Error() string {
	return fmt.Sprintf("page error at frame %d: %s", e.Frame, e.Message)
}

// pageFailure returns the batch's error for the exceptions a step reported.
func pageFailure(cfg Config, st Status) error {
	if !cfg.FailOnPageError || len(st.Errors) == 0 {
		return nil
	}
	return &PageErrorFailure{Frame: st.Frame, Message: st.Errors[0]}
}

// transient reports whether a failed batch is worth retrying on a new tab:
// crashes, lost connections, timeouts and a page that fails to load again
// (it loaded when the render checked it) are; a page that does not become
// ready or throws in our script is not.
func transient(err error) bool {
	if errors.Is(err, ErrNotReady) {
		return false
	}
	if hung := (*HungError)(nil); errors.As(err, &hung) {
		return true
	}
	return errors.Is(err, ErrTabCrashed) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errNoScreenshot) || errors.Is(err, errReload)
}

// errReload marks a page that loaded before and failed to load again.
var errReload = errors.New("the page failed to load again")

// shoot takes the tab's current frame and remembers it as the tab's last
// picture.
func shoot(ctx context.Context, cfg Config, tab *Tab) ([]byte, error) {
	img, err := tab.Shoot(ctx)
	if err != nil {
		return nil, err
	}
	tab.lastShot = img
	if cfg.OnShot != nil {
		cfg.OnShot()
	}
	return img, nil
}

// pageTab is a worker's tab and the page (an index into Config.Pages) it
// shows.
type pageTab struct {
	*Tab
	page int
}

func captureBatch(ctx context.Context, cfg Config, browser *Browser, tabp *pageTab, b pool.Batch, out chan<- frames.Shot) error {
	// The timeout bounds the capture, not the wait for the frames stage to
	// take the shots (that is back-pressure, not a stuck tab).
	parent := ctx
	if cfg.BatchTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.BatchTimeout)
		defer cancel()
	}
	pj, pend := pageOf(cfg.Pages, b.Start)
	if b.End > pend {
		return fmt.Errorf("internal error: batch %s spans pages %d and %d", b.Range, pj+1, pj+2)
	}
	// The page's own frames: virtual time restarts at 0 on each page.
	base := cfg.Pages[pj].Start
	start, end := b.Start-base, b.End-base
	tab := tabp.Tab
	if tab != nil && (tabp.page != pj || tab.Frame() >= start) {
		// Virtual time only moves forward: a batch behind the tab, or of
		// another page, needs a fresh page.
		tab.Close()
		tab, tabp.Tab = nil, nil
	}
	if tab == nil {
		var err error
		tab, err = browser.OpenTab(ctx, cfg.Pages[pj].Tab)
		if err != nil {
			if errors.Is(err, ErrNotReady) {
				return err
			}
			// The page loaded when the render checked it, so a load that
			// fails now is the browser's doing (a renderer killed while
			// it navigated shows as net::ERR_ABORTED): worth a new tab.
			return fmt.Errorf("%w: %w", errReload, err)
		}
		*tabp = pageTab{Tab: tab, page: pj}
	}
	// A batch's shots are held until the whole batch is captured: a batch
	// that fails part way is retried from its start, possibly by another
	// tab, and the frames stage must see every frame exactly once. The
	// memory this holds is bounded by the batch size.
	var shots []frames.Shot
	// The first frame of a batch is shot unless this tab's last picture
	// is still good: nothing changed in the frames it seeked over. After
	// it, only changed frames are shot.
	last, lastFrame := tab.lastShot, tab.Frame()
	// The seek runs the page through the frames before the batch too, and
	// what the page throws there belongs to other batches; what it throws
	// on the batch's own first frame belongs to this one. So the frames
	// before it are stepped through first, on their own.
	seekedChanged := false
	if start-1 > tab.Frame() {
		before, err := tab.SeekOver(ctx, start-1)
		if err != nil {
			return err
		}
		seekedChanged = before.Changed
	}
	st, err := tab.Seek(ctx, start)
	if err != nil {
		return err
	}
	if err := pageFailure(cfg, st); err != nil {
		return err
	}
	st.Changed = st.Changed || seekedChanged
	img := last
	if cfg.NoDedup || last == nil || lastFrame < 0 || st.Changed {
		if img, err = shoot(ctx, cfg, tab); err != nil {
			return err
		}
	}
	pending := frames.Shot{Index: b.Start, Count: 1, Image: img}
	for tab.Frame() < end-1 {
		if cfg.NoDedup {
			st, err = tab.Seek(ctx, tab.Frame()+1)
			st.Changed = true
		} else {
			st, err = tab.Advance(ctx, end-1)
		}
		if err != nil {
			return err
		}
		if err := pageFailure(cfg, st); err != nil {
			return err
		}
		pending.Count += st.Same
		if !st.Changed {
			continue
		}
		shots = append(shots, pending)
		img, err := shoot(ctx, cfg, tab)
		if err != nil {
			return err
		}
		pending = frames.Shot{Index: base + st.Frame, Count: 1, Image: img}
	}
	shots = append(shots, pending)
	for _, sh := range shots {
		select {
		case out <- sh:
		case <-parent.Done():
			return parent.Err()
		}
	}
	return nil
}
