package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/headlessexperimental"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/deckreel/deckreel/capture"
)

// clockWorkload is the animation clock comparison's name in -only.
const clockWorkload = "animation-clocks"

// A clock is one way of moving a page's CSS animations from frame to
// frame in chromium-headless-shell under beginFrame control. The
// comparison asks where the cost of many animations lies: in how
// deckreel moves them, or in Chrome animating them at all.
type clock struct {
	name, doc string
	// threaded leaves Chrome's compositor thread to run transform
	// animations (--deterministic-mode turns it off).
	threaded bool
	// virtual drives Chrome's own clock by Emulation virtual time, one
	// frame's worth of budget a frame.
	virtual bool
	// init runs once after load, step before each frame.
	init, step string
}

var clocks = []clock{
	{name: "seek", doc: "deckreel's way: every animation paused, then its currentTime set before each frame (the time-control script's loop without its bookkeeping), --deterministic-mode's flags",
		init: `window.__a = document.getAnimations(); for (const a of __a) a.pause(); window.__t = 0`,
		step: `__t += 1000 / 30; for (const a of __a) a.currentTime = __t`},
	{name: "blink", doc: "animations left running on Blink's own clock, driven by Emulation virtual time, style flushed before each frame (without the flush nothing is drawn), the same flags",
		virtual: true, step: `document.body.offsetTop`},
	{name: "compositor", doc: "as blink, with threaded animation on: transform animations run on the compositor thread, from beginFrame's frame time",
		virtual: true, threaded: true, step: `0`},
}

// barPage is one white bar moving 100 px a second by a CSS transform.
const barPage = `<!doctype html><style>body { margin: 0; background: #000 }
#b { position: absolute; left: 0; top: 0; width: 10px; height: 180px; background: #fff; animation: m 3s linear infinite }
@keyframes m { from { transform: translateX(0) } to { transform: translateX(300px) } }</style><div id=b></div>`

// benchClocks compares the clocks on 1000 animated boxes against the same
// boxes still (ms per frame drawn and shot, 320x180, one tab, no
// pipeline), and checks on barPage that each clock draws the bar where
// page time puts it.
func benchClocks(ctx context.Context, o options, tmp string) error {
	path, mode, err := capture.FindBrowser("auto")
	if err != nil {
		return err
	}
	if mode != capture.ModeBeginFrame {
		return fmt.Errorf("%s: needs chromium-headless-shell, found %s", clockWorkload, path)
	}
	dir := filepath.Join(tmp, "clocks")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	pages := map[string]string{"still": animationPage(1000, true), "animated": animationPage(1000, false), "bar": barPage}
	for name, html := range pages {
		if err := os.WriteFile(filepath.Join(dir, name+".html"), []byte(html), 0o644); err != nil {
			return err
		}
	}
	url := func(name string) string { return "file://" + filepath.Join(dir, name+".html") }
	const frames = 120
	fmt.Printf("\n%s: 1000 boxes with an infinite CSS transform animation vs the same boxes still, %d frames drawn and shot (JPEG) at 320x180 in one tab, median of %d run(s)\n",
		clockWorkload, frames, o.runs)
	fmt.Printf("%-11s %9s %12s %7s %s\n", "clock", "still ms", "animated ms", "ratio", "bar moves 100 px/s")
	for _, c := range clocks {
		var times [2][]time.Duration
		for k, p := range []string{"still", "animated"} {
			for range o.runs {
				d, _, err := runClock(ctx, path, c, url(p), frames)
				if err != nil {
					return fmt.Errorf("%s, %s clock, %s page: %w", clockWorkload, c.name, p, err)
				}
				times[k] = append(times[k], d/frames)
			}
		}
		_, shots, err := runClock(ctx, path, c, url("bar"), 31)
		if err != nil {
			return fmt.Errorf("%s, %s clock, bar: %w", clockWorkload, c.name, err)
		}
		// 30 frames at 30 fps are 1 s: 100 px, give or take the
		// antialiased edge.
		moved := barX(shots[30]) - barX(shots[0])
		ok := "yes"
		if moved < 99 || moved > 101 {
			ok = "no"
		}
		still, animated := median(times[0]), median(times[1])
		fmt.Printf("%-11s %9.1f %12.1f %6.2fx %s (%d px)\n", c.name, ms(still), ms(animated), ms(animated)/ms(still), ok, moved)
	}
	for _, c := range clocks {
		fmt.Printf("%s: %s.\n", c.name, c.doc)
	}
	return nil
}

// runClock loads url in a new browser, moves it by c for n frames, and
// returns the time the frames took and their shots.
func runClock(ctx context.Context, path string, c clock, url string, n int) (time.Duration, [][]byte, error) {
	profile, err := os.MkdirTemp("", "deckreel-bench-profile-")
	if err != nil {
		return 0, nil, err
	}
	defer os.RemoveAll(profile)
	flags := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.UserDataDir(profile), chromedp.WindowSize(320, 180),
		chromedp.Flag("hide-scrollbars", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-partial-raster", true),
		// --deterministic-mode, flag by flag, so that threaded
		// animation can be left on.
		chromedp.Flag("enable-begin-frame-control", true),
		chromedp.Flag("run-all-compositor-stages-before-draw", true),
		chromedp.Flag("disable-new-content-rendering-timeout", true),
		chromedp.Flag("disable-threaded-scrolling", true),
		chromedp.Flag("disable-checker-imaging", true),
		chromedp.Flag("disable-image-animation-resync", true))
	if !c.threaded {
		flags = append(flags, chromedp.Flag("disable-threaded-animation", true))
	}
	if os.Geteuid() == 0 {
		flags = append(flags, chromedp.NoSandbox)
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, flags...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	if err := chromedp.Do(bctx); err != nil {
		return 0, nil, err
	}
	res, err := chromedp.CallBrowser(bctx, target.CreateTarget, target.CreateTargetParams{URL: "about:blank", NewWindow: new(true), EnableBeginFrameControl: new(true)})
	if err != nil {
		return 0, nil, err
	}
	tctx, tcancel := chromedp.NewContext(bctx, chromedp.WithTargetID(res.TargetID))
	defer tcancel()
	if err := chromedp.Do(tctx); err != nil {
		return 0, nil, err
	}
	expired := make(chan struct{}, 1)
	if err := chromedp.Listen(tctx, func(ev any) {
		if _, ok := ev.(*emulation.EventVirtualTimeBudgetExpired); ok {
			select {
			case expired <- struct{}{}:
			default:
			}
		}
	}); err != nil {
		return 0, nil, err
	}
	const interval = 1000.0 / 30
	ticks := 1000.0
	frame := func(shot bool) ([]byte, error) {
		ticks += interval
		p := headlessexperimental.BeginFrameParams{FrameTimeTicks: ticks, Interval: interval}
		if shot {
			p.Screenshot = &headlessexperimental.ScreenshotParams{Format: headlessexperimental.ScreenshotParamsFormatJpeg, Quality: new(int64(90)), OptimizeForSpeed: true}
		}
		r, err := chromedp.Run(tctx, func(ctx context.Context, tg *chromedp.Target) (headlessexperimental.BeginFrameResult, error) {
			return cdp.Call(ctx, tg, headlessexperimental.BeginFrame, p)
		})
		return r.ScreenshotData, err
	}
	eval := func(js string) error {
		r, err := chromedp.Run(tctx, func(ctx context.Context, tg *chromedp.Target) (runtime.EvaluateResult, error) {
			return cdp.Call(ctx, tg, runtime.Evaluate, runtime.EvaluateParams{Expression: js})
		})
		if err == nil && r.ExceptionDetails != nil {
			err = errors.New(r.ExceptionDetails.Text)
		}
		return err
	}
	policy := func(p emulation.SetVirtualTimePolicyParams) error {
		_, err := chromedp.Run(tctx, func(ctx context.Context, tg *chromedp.Target) (emulation.SetVirtualTimePolicyResult, error) {
			return cdp.Call(ctx, tg, emulation.SetVirtualTimePolicy, p)
		})
		return err
	}
	if _, err := chromedp.Run(tctx, func(ctx context.Context, tg *chromedp.Target) (page.NavigateResult, error) {
		return cdp.Call(ctx, tg, page.Navigate, page.NavigateParams{URL: url})
	}); err != nil {
		return 0, nil, err
	}
	// The page loads and draws its first frames in real time.
	for range 20 {
		if _, err := frame(false); err != nil {
			return 0, nil, err
		}
		time.Sleep(20 * time.Millisecond)
	}
	if c.virtual {
		if err := policy(emulation.SetVirtualTimePolicyParams{Policy: emulation.VirtualTimePolicyPause}); err != nil {
			return 0, nil, err
		}
	}
	if c.init != "" {
		if err := eval(c.init); err != nil {
			return 0, nil, err
		}
	}
	shots := make([][]byte, 0, n)
	start := time.Now()
	for range n {
		if c.virtual {
			budget := interval
			if err := policy(emulation.SetVirtualTimePolicyParams{Policy: emulation.VirtualTimePolicyAdvance, Budget: &budget}); err != nil {
				return 0, nil, err
			}
			select {
			case <-expired:
			case <-time.After(10 * time.Second):
				return 0, nil, errors.New("virtual time budget never expired")
			case <-ctx.Done():
				return 0, nil, ctx.Err()
			}
		}
		if err := eval(c.step); err != nil {
			return 0, nil, err
		}
		shot, err := frame(true)
		if err != nil {
			return 0, nil, err
		}
		shots = append(shots, shot)
	}
	return time.Since(start), shots, nil
}

// barX is the first column of row 90 of a JPEG shot brighter than mid
// grey, or -1.
func barX(shot []byte) int {
	img, err := jpeg.Decode(bytes.NewReader(shot))
	if err != nil || img.Bounds().Dy() <= 90 {
		return -1
	}
	for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
		if r, _, _, _ := img.At(x, 90).RGBA(); r>>8 > 128 {
			return x
		}
	}
	return -1
}
