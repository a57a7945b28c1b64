package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/deckreel/deckreel/capture"
	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/progress"
)

// Present steps the pages of req.Deck that a deck framework runs in a
// browser, records their steps and times the deck by them (see
// deck.Deck.Present), so that the render and `deckreel inspect` show what
// the framework shows. A deck without such pages is left as it is and no
// browser starts. Problems on the way are warnings on req.Stderr; a page
// that cannot be served or loaded is an *InputError.
func Present(ctx context.Context, req Request) error {
	d := req.Deck
	if d == nil || !d.Presentable() {
		return nil
	}
	req = req.withDefaults()
	network, err := capture.NewNetwork(capture.Access{Internet: req.AllowNet, Hosts: req.AllowHosts}, func(capture.Blocked) {})
	if err != nil {
		return &InputError{Err: fmt.Errorf("--allow-net: %w", err)}
	}
	defer network.Close()
	var browser *capture.Browser
	// The servers stay up until the end: the first is the browser's proxy.
	var servers []*capture.Server
	defer func() {
		if browser != nil {
			browser.Close()
		}
		for _, s := range servers {
			_ = s.Close()
		}
	}()
	start := time.Now()
	err = d.Present(ctx, func(ctx context.Context, src deck.Source) (deck.Recording, error) {
		srv, err := network.Serve(src.FS)
		if err != nil {
			return deck.Recording{}, err
		}
		servers = append(servers, srv)
		if browser == nil {
			// The render's own browser, its warnings left to the render,
			// which meets the same pages again.
			quiet := &warnings{rep: progress.New(io.Discard, progress.ModeNone, 0), seen: map[string]bool{}}
			opts, err := browserOptions(req, pages{proxy: srv.Addr()}, quiet)
			if err != nil {
				return deck.Recording{}, err
			}
			if browser, err = capture.Launch(ctx, opts); err != nil {
				return deck.Recording{}, err
			}
		}
		return record(ctx, browser, recordTab(req, srv.URL(escapePath(src.Entry))), stepTimeout(req))
	})
	if err != nil {
		return err
	}
	progress.New(req.Stderr, req.Progress, 0).Logf("present: stepped the deck through in a browser in %s: %d steps", time.Since(start).Round(time.Millisecond), len(d.Steps))
	return nil
}

// recordTab are the options of the tab that records a deck page: the
// render's size and frame rate, and page errors left to the render, which
// meets them again.
func recordTab(req Request, url string) capture.TabOptions {
	return capture.TabOptions{URL: url, Width: req.Width, Height: req.Height, FPS: req.FPS,
		Epoch: req.Epoch, ReadyTimeout: req.ReadyTimeout}
}

// record loads a page whose driver is in record mode and steps its virtual
// time until the driver is done: it starts once the framework is ready,
// which may take timers, and steps at once, or a settling time per step
// for a deck stepped by keys.
func record(ctx context.Context, browser *capture.Browser, opts capture.TabOptions, timeout time.Duration) (deck.Recording, error) {
	tab, err := browser.OpenTab(ctx, opts)
	if err != nil {
		if ctx.Err() != nil {
			return deck.Recording{}, ctx.Err()
		}
		return deck.Recording{}, &InputError{Err: err}
	}
	defer tab.Close()
	// Half a second of page time per look; the driver gives up on a
	// framework that is not ready within its own limit.
	step := max(1, opts.FPS/2)
	limit := recordLimit * opts.FPS
	for frame := 0; ; frame += step {
		sctx, cancel := context.WithTimeout(ctx, timeout)
		_, err := tab.Seek(sctx, frame)
		cancel()
		if err != nil {
			var hung *capture.HungError
			if errors.As(err, &hung) {
				return deck.Recording{}, &InputError{Err: fmt.Errorf("the page stopped responding at t=%.3fs while deckreel stepped through its slides", float64(hung.Frame)/float64(opts.FPS))}
			}
			return deck.Recording{}, err
		}
		rec, err := capture.Eval[*deck.Recording](ctx, tab, "window.__deckreelRecord || null")
		if err != nil {
			return deck.Recording{}, err
		}
		if rec != nil && rec.Done {
			return *rec, nil
		}
		if frame >= limit {
			return deck.Recording{Error: fmt.Sprintf("the driver did not finish within %d s of page time", recordLimit)}, nil
		}
	}
}

// stepTimeout is how long one call that steps a page outside the capture
// (presenting a deck, scanning its sound) may take before the page counts
// as hung: the batch timeout, or 2 minutes.
func stepTimeout(req Request) time.Duration {
	if req.BatchTimeout > 0 {
		return req.BatchTimeout
	}
	return 2 * time.Minute
}

// recordLimit bounds, in seconds of page time, how long a deck may take to
// be stepped through.
const recordLimit = 600
