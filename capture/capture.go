package capture

import (
	"context"
	"errors"
	"fmt"
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
	Tab     TabOptions
	// Workers is the number of tabs capturing in parallel.
	Workers int
	// BatchTimeout bounds one batch; it is put on the batch's context, never
	// on the browser's, so a stuck tab does not take the browser down.
	BatchTimeout time.Duration
	// Logf reports what a user should know (tab restarts, retries).
	Logf func(format string, args ...any)
	// NoDedup shoots every frame, even when the page says nothing changed;
	// it exists to verify that change detection is exact.
	NoDedup bool
	// OnCaptured is called with the number of frames a finished batch
	// stands for, for progress.
	OnCaptured func(frames int)
	// OnFailed, if set, is told about a batch that failed for good; capture
	// then sends a Skip shot for its frames and goes on with the rest. If
	// it is nil, such a batch ends the whole capture with its error.
	OnFailed func(r pool.Range, err error)
	// OnShot is called for every image taken (a distinct frame), from the
	// worker goroutines.
	OnShot func()
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
	g, gctx := errgroup.WithContext(ctx)
	for w := range cfg.Workers {
		g.Go(func() error { return worker(gctx, w, cfg, sched, out) })
	}
	return g.Wait()
}

func worker(ctx context.Context, id int, cfg Config, sched Scheduler, out chan<- frames.Shot) error {
	var (
		browser *Browser
		tab     *Tab
	)
	defer func() {
		if tab != nil {
			tab.Close()
		}
		if browser != nil {
			browser.Close()
		}
	}()
	for {
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
		}
		err = captureBatch(ctx, cfg, browser, &tab, b, out)
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
		if retry {
			// The tab, or the browser if a renderer hung or died (tabs of
			// one site can share a renderer), may be broken: the next batch
			// gets fresh ones.
			if tab != nil {
				tab.Close()
				tab = nil
			}
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
		err = fmt.Errorf("capture frames %d-%d: %w", b.Start, b.End-1, err)
		if cfg.OnFailed == nil {
			return err
		}
		cfg.Logf("tab %d: frames %d-%d failed for good after %d attempts: %v", id, b.Start, b.End-1, b.Attempt+1, err)
		cfg.OnFailed(b.Range, err)
		select {
		case out <- frames.Shot{Index: b.Start, Count: b.Len(), Skip: true}:
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

// transient reports whether a failed batch is worth retrying on a new tab:
// crashes, lost connections and timeouts are; a page that does not load or
// throws in our script is not.
func transient(err error) bool {
	if errors.Is(err, ErrNotReady) {
		return false
	}
	return errors.Is(err, ErrTabCrashed) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errNoScreenshot)
}

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

func captureBatch(ctx context.Context, cfg Config, browser *Browser, tabp **Tab, b pool.Batch, out chan<- frames.Shot) error {
	// The timeout bounds the capture, not the wait for the frames stage to
	// take the shots (that is back-pressure, not a stuck tab).
	parent := ctx
	if cfg.BatchTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.BatchTimeout)
		defer cancel()
	}
	tab := *tabp
	if tab != nil && tab.Frame() >= b.Start {
		// Virtual time only moves forward: a batch behind the tab needs a
		// fresh page.
		tab.Close()
		tab, *tabp = nil, nil
	}
	if tab == nil {
		var err error
		tab, err = browser.OpenTab(ctx, cfg.Tab)
		if err != nil {
			return err
		}
		*tabp = tab
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
	st, err := tab.Seek(ctx, b.Start)
	if err != nil {
		return err
	}
	img := last
	if cfg.NoDedup || last == nil || lastFrame < 0 || st.Changed {
		if img, err = shoot(ctx, cfg, tab); err != nil {
			return err
		}
	}
	pending := frames.Shot{Index: b.Start, Count: 1, Image: img}
	for tab.Frame() < b.End-1 {
		if cfg.NoDedup {
			st, err = tab.Seek(ctx, tab.Frame()+1)
			st.Changed = true
		} else {
			st, err = tab.Advance(ctx, b.End-1)
		}
		if err != nil {
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
		pending = frames.Shot{Index: st.Frame, Count: 1, Image: img}
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
