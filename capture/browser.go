package capture

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/deckreel/deckreel/internal/proc"
)

// Mode is how frames are taken from the browser.
type Mode int

const (
	// ModeBeginFrame drives chromium-headless-shell in --deterministic-mode:
	// every frame is produced by HeadlessExperimental.beginFrame, which also
	// returns the screenshot. It is the fast, exact path.
	ModeBeginFrame Mode = iota + 1
	// ModeScreenshot drives a full Chromium with Page.captureScreenshot. Full
	// Chromium has no beginFrame; virtual time still makes it exact, but
	// every screenshot waits for a compositor frame, so it is slower.
	ModeScreenshot
)

func (m Mode) String() string {
	switch m {
	case ModeBeginFrame:
		return "beginFrame (chromium-headless-shell)"
	case ModeScreenshot:
		return "captureScreenshot (chromium)"
	}
	return "unknown"
}

// headlessShellNames and chromiumNames are looked up on PATH, in order.
var (
	headlessShellNames = []string{"chromium-headless-shell", "chrome-headless-shell", "headless_shell"}
	chromiumNames      = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"}
)

// FindBrowser resolves the --browser flag: "auto" (the headless shell if
// installed, else Chromium), "headless-shell", "chromium", or a path to an
// executable (its name decides the mode: a name containing "headless" means
// the headless shell).
func FindBrowser(choice string) (path string, mode Mode, err error) {
	lookup := func(names []string) string {
		for _, n := range names {
			if p, err := exec.LookPath(n); err == nil {
				return p
			}
		}
		return ""
	}
	switch choice {
	case "", "auto":
		if p := lookup(headlessShellNames); p != "" {
			return p, ModeBeginFrame, nil
		}
		if p := lookup(chromiumNames); p != "" {
			return p, ModeScreenshot, nil
		}
		return "", 0, errors.New("no Chrome found: install chromium-headless-shell (preferred) or chromium, or pass --browser PATH")
	case "headless-shell":
		if p := lookup(headlessShellNames); p != "" {
			return p, ModeBeginFrame, nil
		}
		return "", 0, errors.New("--browser headless-shell: chromium-headless-shell is not installed")
	case "chromium":
		if p := lookup(chromiumNames); p != "" {
			return p, ModeScreenshot, nil
		}
		return "", 0, errors.New("--browser chromium: chromium is not installed")
	}
	st, err := os.Stat(choice)
	if err != nil {
		return "", 0, fmt.Errorf("--browser %s: %w", choice, err)
	}
	if st.IsDir() {
		return "", 0, fmt.Errorf("--browser %s: is a directory", choice)
	}
	mode = ModeScreenshot
	if strings.Contains(strings.ToLower(filepath.Base(choice)), "headless") {
		mode = ModeBeginFrame
	}
	return choice, mode, nil
}

// BrowserOptions configures Launch.
type BrowserOptions struct {
	Path string // executable
	Mode Mode
	// Width and Height are the viewport size in CSS pixels.
	Width, Height int
	// Proxy, when set, is the address (host:port) of one of the render's
	// servers, through which Chrome sends every request, loopback
	// included, for its Network to decide; see Server. Empty lets the
	// page reach anything, loopback too: only tools and tests leave it.
	Proxy string
	// OnPopup is told the URL of each window.open() or target=_blank
	// the page tried; the window is never opened (nil: not told).
	OnPopup func(url string)
	// Stderr receives Chrome's own output (nil discards it).
	Stderr *os.File
	// NoSandbox turns Chrome's sandbox off. It is needed in containers,
	// whose default seccomp profile does not let the sandbox start, and as
	// root, where Chrome refuses to run with it.
	NoSandbox bool
	// OnFallback is told why a browser launched for ModeBeginFrame runs
	// in ModeScreenshot instead (see Launch).
	OnFallback func(error)
}

// Browser is one running Chrome. Its lifetime is its context: Close cancels
// it and waits until the process is gone and its profile directory removed.
type Browser struct {
	ctx     context.Context
	cancel  context.CancelFunc
	opts    BrowserOptions
	allocC  context.CancelFunc
	profile string // the browser's user data directory, removed by Close
}

// Launch starts Chrome. The browser lives until Close or until ctx ends; the
// caller must call Close on every path. It first sweeps the profiles that
// killed browsers left (see SweepProfiles).
//
// In ModeBeginFrame it draws one frame with HeadlessExperimental.beginFrame
// first: some headless-shell builds lack it or return no picture, and then
// every frame of the render would be blank or fail. Such a browser is
// closed and started again in ModeScreenshot, and OnFallback told why.
func Launch(ctx context.Context, opts BrowserOptions) (*Browser, error) {
	b, err := launch(ctx, opts)
	if err != nil || opts.Mode != ModeBeginFrame {
		return b, err
	}
	cerr := b.checkBeginFrame(ctx)
	if cerr == nil {
		return b, nil
	}
	b.Close()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if opts.OnFallback != nil {
		opts.OnFallback(cerr)
	}
	opts.Mode = ModeScreenshot
	return launch(ctx, opts)
}

// checkBeginFrame draws one frame of a blank tab with beginFrame and
// requires its screenshot: an error, or no picture over about a second
// (drawFrame waits out a renderer still starting), means the method is
// broken.
func (b *Browser) checkBeginFrame(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	tctx, closeTab, err := b.newTarget(cctx)
	if err != nil {
		return err
	}
	defer closeTab()
	sctx, stop := context.WithCancel(tctx)
	defer stop()
	context.AfterFunc(cctx, stop)
	ticks := 1000.0
	if _, err := drawFrame(cctx, sctx, &ticks, shotParams(PNG, 0, ModeBeginFrame)); err != nil {
		return fmt.Errorf("HeadlessExperimental.beginFrame: %w", err)
	}
	return nil
}

func launch(ctx context.Context, opts BrowserOptions) (*Browser, error) {
	SweepProfiles(os.TempDir())
	// The profile is ours rather than chromedp's, named with this
	// process's tag, so that one a killed render left can be told from a
	// live one's and swept.
	profile, err := os.MkdirTemp("", profileDirs().Pattern())
	if err != nil {
		return nil, fmt.Errorf("start %s: make its profile: %w", opts.Path, err)
	}
	flags := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(opts.Path),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(opts.Width, opts.Height),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("disable-gpu", true),
		// With partial raster, a tile is re-rastered only where it was
		// invalidated since the tab last drew it, and the pixels then
		// depend on which frames the tab drew before: a tab that seeks
		// over frames drew a lottie-web frame a few pixels differently
		// from one that drew every frame. Full tiles are the same in
		// every tab.
		chromedp.Flag("disable-partial-raster", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.Flag("run-all-compositor-stages-before-draw", true),
		chromedp.Flag("disable-new-content-rendering-timeout", true),
		// A popup would be a tab nobody steps or closes, outside virtual
		// time: the headless shell refuses to create one with
		// block-new-web-contents, and Chromium's popup blocker (which
		// chromedp's defaults turn off) refuses window.open without a
		// user gesture, which a render never makes. Tabs report the
		// attempt (see newTarget).
		chromedp.Flag("block-new-web-contents", true),
		chromedp.Flag("disable-popup-blocking", false),
	}
	if opts.NoSandbox || os.Geteuid() == 0 {
		flags = append(flags, chromedp.NoSandbox)
	}
	if opts.Mode == ModeBeginFrame {
		flags = append(flags, chromedp.Flag("deterministic-mode", true))
	} else {
		// Full Chromium's Page.captureScreenshot waits for the compositor's
		// next frame, which a still page may never make: now and then a
		// screenshot of a static page never came, in three browsers in a
		// row (TestHostilePageReachesOnlyItsServer under CI). With
		// CDPScreenshotNewSurface it draws one for the capture, as
		// Playwright has Chromium do. The list replaces chromedp's
		// default enable-features, so it repeats those.
		flags = append(flags, chromedp.Flag("enable-features", "NetworkService,NetworkServiceInProcess,CDPScreenshotNewSurface"))
	}
	if opts.Proxy != "" {
		flags = append(flags, chromedp.ProxyServer("http://"+opts.Proxy),
			// Chrome sends loopback (localhost, 127.0.0.0/8, [::1])
			// around a proxy unless told otherwise: "<-loopback>" removes
			// that implicit bypass, so a page's request to another local
			// service reaches the Network, which refuses it.
			chromedp.Flag("proxy-bypass-list", "<-loopback>"))
	}
	if opts.Stderr != nil {
		flags = append(flags, chromedp.CombinedOutput(opts.Stderr))
	}
	all := append(chromedp.DefaultExecAllocatorOptions[:], flags...)
	actx, acancel := chromedp.NewExecAllocator(ctx, all...)
	bctx, bcancel := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil {
		bcancel()
		acancel()
		_ = os.RemoveAll(profile)
		return nil, fmt.Errorf("start %s: %w", opts.Path, err)
	}
	return &Browser{ctx: bctx, cancel: bcancel, opts: opts, allocC: acancel, profile: profile}, nil
}

// Close ends the browser, waits for it to exit and removes its profile.
func (b *Browser) Close() {
	b.cancel()
	b.allocC()
	_ = os.RemoveAll(b.profile)
}

// Mode reports how this browser takes frames.
func (b *Browser) Mode() Mode { return b.opts.Mode }

// newTarget creates a tab. In beginFrame mode the tab must be created with
// begin-frame control, which chromedp's own tab creation does not ask for,
// so the tab is created here and attached with WithTargetID. Cancelling the
// returned context closes the tab.
func (b *Browser) newTarget(ctx context.Context) (context.Context, context.CancelFunc, error) {
	if b.ctx.Err() != nil {
		return nil, nil, fmt.Errorf("open tab: browser is gone: %w", context.Cause(b.ctx))
	}
	params := target.CreateTargetParams{URL: "about:blank", NewWindow: new(true)}
	if b.opts.Mode == ModeBeginFrame {
		params.EnableBeginFrameControl = new(true)
	}
	res, err := chromedp.CallBrowser(b.ctx, target.CreateTarget, params)
	if err != nil {
		return nil, nil, fmt.Errorf("open tab: %w", err)
	}
	// The tab lives until its cancel func or the browser ends; ctx only
	// bounds the attach.
	tctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(res.TargetID))
	stop := context.AfterFunc(ctx, cancel)
	err = chromedp.Do(tctx)
	if err == nil && b.opts.OnPopup != nil {
		// Page.windowOpen comes for a window.open() the browser refused
		// too, which is the only sign of it.
		err = chromedp.Listen(tctx, func(ev any) {
			if e, ok := ev.(*page.EventWindowOpen); ok {
				b.opts.OnPopup(e.URL)
			}
		})
	}
	if !stop() || err != nil {
		cancel()
		if err == nil {
			err = ctx.Err()
		}
		return nil, nil, fmt.Errorf("attach tab: %w", err)
	}
	return tctx, cancel, nil
}

// profileDirs are the browsers' profile directories, in the temporary
// directory: "deckreel-profile-host-1234~5678", the tag of the process
// that launched the browser (proc.Tag) and MkdirTemp's digits.
func profileDirs() proc.Leftovers { return proc.Leftovers{Prefix: "deckreel-profile-", Dir: true} }

// SweepProfiles removes the browser profiles in dir that a render killed
// before it could close its browsers left: those whose name carries the
// tag of a process of this host that is gone, untouched for
// proc.SweepAge. A live render's profile, another host's on a shared
// directory, or anything not named exactly so is never touched. Best
// effort: what cannot be removed stays.
func SweepProfiles(dir string) { profileDirs().Sweep(dir) }

// Memory is the resident memory of the browser's processes in bytes (0
// when the system cannot tell).
func (b *Browser) Memory() int64 {
	c := chromedp.FromContext(b.ctx)
	if c == nil || c.Browser == nil || c.Browser.Process() == nil {
		return 0
	}
	return proc.TreeMemory(c.Browser.Process().Pid, "")
}
