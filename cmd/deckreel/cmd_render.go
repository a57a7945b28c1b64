package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/progress"
	"github.com/deckreel/deckreel/internal/render"
	"github.com/deckreel/deckreel/internal/soundtrack"
)

// renderOptions are the flags shared by render and demo.
type renderOptions struct {
	duration     time.Duration
	fps          int
	width        int
	height       int
	output       string
	workers      int
	maxMemory    int64
	browser      string
	progress     string
	readyTimeout time.Duration
	batchTimeout time.Duration
	allowNet     bool
	allowHosts   []string
	noDedup      bool
	captureFmt   string
	captureQ     int
	clock        string
	pageErrors   string
	jobFlags     jobFlags // --job, --frames, --shard, --shards, --chunk
	narrate      narrateFlags
	crf          int
	preset       string

	// Decks.
	slideDuration time.Duration
	theme         string
	inputType     string
	keepControls  bool
	marp          string

	// Output format and what the video carries besides pictures.
	format, codec    string
	transparent, vfr bool
	music            string
	musicVolume      string
	duck             string
	musicLoop        bool
	captions         string
	chapters         string
	poster           string
	posterFrame      int
}

func (o *renderOptions) register(fs *flag.FlagSet, defaultOutput string) {
	o.width, o.height = 1920, 1080
	fs.Var(&durationValue{d: &o.duration, name: "duration", max: render.MaxDuration}, "duration", "length of the video (10s, 3.5s, 1m30s; a bare number is seconds)")
	fs.IntVar(&o.fps, "fps", 30, "frames per second (1-240)")
	fs.Var(&sizeValue{w: &o.width, h: &o.height}, "size", "frame size WIDTHxHEIGHT in pixels, both even")
	fs.StringVar(&o.output, "o", defaultOutput, "output file (.mp4); written atomically")
	fs.StringVar(&o.output, "output", defaultOutput, "same as -o")
	fs.Var(&workersValue{n: &o.workers}, "workers", "browser tabs capturing in parallel: auto (start with one, add one while it makes the render faster and memory allows, up to one per CPU core) or a number")
	fs.Var(&memoryValue{b: &o.maxMemory}, "max-memory", "with --workers auto: memory the capture browsers may use together, such as 4G (auto: what the machine has free)")
	fs.StringVar(&o.browser, "browser", "auto", "auto, headless-shell (fast beginFrame path), chromium (screenshot fallback) or a path to a Chrome binary")
	fs.StringVar(&o.progress, "progress", "auto", "auto (bar on a terminal, plain lines otherwise), bar, plain, json or none")
	fs.DurationVar(&o.readyTimeout, "ready-timeout", 30*time.Second, "how long a page may take to load its fonts and images before the render fails")
	fs.DurationVar(&o.batchTimeout, "batch-timeout", 2*time.Minute, "how long one batch of frames may take before it is retried on a new tab")
	fs.Var(allowNetValue{&o.allowNet, &o.allowHosts}, "allow-net", "let the page reach the internet (off: requests to other hosts are refused and reported); =HOST:PORT,... only those hosts. Loopback and link-local addresses are reached only when named")
	fs.StringVar(&o.clock, "clock", "", "wall-clock time the page's Date starts at, RFC 3339 (e.g. 2026-01-01T09:00:00Z); default now, and a job keeps the one it started with")
	fs.StringVar(&o.pageErrors, "page-errors", "warn", "warn: report exceptions the page throws and go on; fail: fail the frames where the page threw (with --job they can be rendered again with --frames once the page is fixed)")
	fs.BoolVar(&o.noDedup, "no-dedup", false, "capture every frame, even when the page reports nothing changed (slower; same output)")
	fs.StringVar(&o.captureFmt, "capture-format", "auto", "how Chrome hands over each frame: auto (jpeg, png for --transparent and a png sequence), jpeg (several times cheaper) or png (lossless)")
	fs.IntVar(&o.captureQ, "capture-quality", render.DefaultJPEGQuality, "JPEG quality of captured frames, 1-100")
	fs.IntVar(&o.crf, "crf", 18, "H.264 constant rate factor: lower is better quality and bigger files (1-51)")
	fs.StringVar(&o.preset, "preset", "veryfast", "x264 preset: ultrafast ... veryslow (slower is smaller, not better looking)")
	fs.Var(&durationValue{d: &o.slideDuration, name: "slide-duration", max: deck.MaxDuration}, "slide-duration", "decks: how long a slide or step is held when the deck does not say (default 5s)")
	fs.StringVar(&o.theme, "theme", "", "decks: theme of Markdown slides: light, dark or a .css file")
	fs.StringVar(&o.inputType, "input-type", "auto", "auto (from the path and the page), html, markdown, reveal, manifest, pdf, office (.pptx, .odp, .ppt, .key through LibreOffice), marp, impress, shower, webslides or keyboard (any HTML deck, stepped with ArrowRight until it stops changing)")
	fs.StringVar(&o.format, "format", "", "output format: mp4, webm, mov, gif or png (a directory of frames); default from the output's extension")
	fs.StringVar(&o.codec, "codec", "", "video codec: h264 (default for mp4) or h265 in mp4, vp9 in webm, prores in mov")
	fs.BoolVar(&o.transparent, "transparent", false, "keep a transparent page background: mov (ProRes 4444), webm (VP9), gif or png")
	fs.BoolVar(&o.vfr, "vfr", false, "variable frame rate: a still stretch is one long frame (mp4, webm, mov)")
	fs.StringVar(&o.music, "music", "", "background music for the whole video: looped or cut to length, faded out at the end, lowered while narration plays")
	fs.StringVar(&o.musicVolume, "music-volume", "0.3", "music volume: a factor (0.3), a percentage (30%) or decibels (-10dB)")
	fs.StringVar(&o.duck, "duck", "-12dB", "how much lower the music plays under narration (0dB: not at all)")
	fs.BoolVar(&o.musicLoop, "music-loop", true, "loop the music when it is shorter than the video")
	fs.StringVar(&o.captions, "captions", "", "captions from the speaker notes: srt or vtt (a file next to the video), embed (a subtitle track) or burn (drawn into the frames)")
	fs.StringVar(&o.chapters, "chapters", "", "txt: also write the chapters (one per slide title) as '0:00 Title' lines next to the video")
	fs.StringVar(&o.poster, "poster", "", "also write this PNG: a still of --poster-frame")
	fs.IntVar(&o.posterFrame, "poster-frame", 0, "the frame --poster shows (default 0, the first frame of slide 1)")
	fs.BoolVar(&o.keepControls, "keep-controls", false, "decks: keep the deck framework's own controls (reveal.js's arrows, progress bar and slide number, Marp's and impress.js's toolbars)")
	fs.StringVar(&o.marp, "marp", "", "decks: the Marp converter (marp-cli) for a Markdown deck with marp: true (default: marp on PATH)")
	o.jobFlags.register(fs)
	o.narrate.register(fs)
}

// deckOptions are the options of deck.Load from the flags.
func (o *renderOptions) deckOptions() deck.Options {
	kind := deck.Kind(o.inputType)
	if kind == "auto" {
		kind = ""
	}
	return deck.Options{Theme: o.theme, SlideDuration: o.slideDuration, KeepControls: o.keepControls, InputType: kind, Marp: o.marp}
}

// loadDeck loads input as a deck when it is one: a Markdown file, a
// manifest, a directory holding one, or a page that runs reveal.js. It
// returns nil for a plain page (or URL, or a file of no deck type), which
// renders for --duration as before. The caller must close the deck. A
// cancelled ctx (SIGINT) stops the load.
func (o *renderOptions) loadDeck(ctx context.Context, input string) (*deck.Deck, error) {
	opts := o.deckOptions()
	if opts.InputType == deck.HTML || isURL(input) {
		return nil, nil
	}
	if opts.InputType == "" {
		st, err := os.Stat(input)
		if err != nil {
			return nil, nil // the page path reports it
		}
		switch strings.ToLower(filepath.Ext(input)) {
		case ".md", ".markdown", ".yaml", ".yml", ".json", ".html", ".htm", ".xhtml",
			".pdf", ".pptx", ".pptm", ".ppsx", ".ppt", ".pps", ".odp", ".key":
		default:
			if !st.IsDir() {
				return nil, nil
			}
		}
	}
	d, err := deck.LoadContext(ctx, input, opts)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, &render.InputError{Err: err}
	}
	if d.Kind == deck.HTML {
		// A plain page: rendered as one.
		return nil, d.Close()
	}
	return d, nil
}

// applyDeck makes req render d: the deck's own settings (size, fps, output,
// crf, preset) apply unless the flag was given (set holds the flags given).
func (o *renderOptions) applyDeck(req *render.Request, d *deck.Deck, set map[string]bool) error {
	if set["duration"] {
		return &render.InputError{Err: render.ErrDeckDuration}
	}
	req.Deck, req.Duration, req.DeckOptions = d, 0, o.deckOptions()
	if d.Width > 0 && !set["size"] {
		req.Width, req.Height = d.Width, d.Height
	}
	if d.FPS > 0 && !set["fps"] {
		req.FPS = d.FPS
	}
	if d.Output != "" && !set["o"] && !set["output"] {
		out, err := deckOutput(d)
		if err != nil {
			return err
		}
		req.Output = out
	}
	if d.CRF > 0 && !set["crf"] {
		req.CRF = d.CRF
	}
	if d.Preset != "" && !set["preset"] {
		req.Preset = d.Preset
	}
	return nil
}

// capture is --capture-format and --capture-quality as a render.Capture:
// the defaults are its zero value, so a job records only what was chosen.
func (o *renderOptions) capture() render.Capture {
	c := render.Capture{Format: o.captureFmt, Quality: o.captureQ}
	if c.Format == "auto" {
		c.Format = ""
	}
	if c.Quality == render.DefaultJPEGQuality {
		c.Quality = 0
	}
	return c
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// flagsSet returns the names of the flags given on the command line.
func flagsSet(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

func (o *renderOptions) request(input string, stderr io.Writer) (render.Request, error) {
	mode, err := progress.ParseMode(o.progress)
	if err != nil {
		return render.Request{}, usagef("--progress: %v", err)
	}
	if o.crf < 1 || o.crf > 51 {
		return render.Request{}, usagef("--crf must be between 1 and 51, got %d", o.crf)
	}
	media := render.Media{
		Format: o.format, Codec: o.codec, Transparent: o.transparent, VFR: o.vfr,
		Music: o.music, MusicLoop: o.musicLoop, Captions: o.captions, Chapters: o.chapters,
		Poster: o.poster, PosterFrame: o.posterFrame,
	}
	if o.music != "" {
		if media.MusicVolume, err = soundtrack.ParseGain(o.musicVolume); err != nil {
			return render.Request{}, usagef("--music-volume: %v", err)
		}
		if media.Duck, err = soundtrack.ParseGain(o.duck); err != nil {
			return render.Request{}, usagef("--duck: %v", err)
		}
	}
	if o.pageErrors != "warn" && o.pageErrors != "fail" {
		return render.Request{}, usagef("--page-errors %q: want warn or fail", o.pageErrors)
	}
	if o.posterFrame < 0 {
		return render.Request{}, usagef("--poster-frame must not be negative, got %d", o.posterFrame)
	}
	var epoch time.Time
	if o.clock != "" {
		if epoch, err = time.Parse(time.RFC3339, o.clock); err != nil {
			return render.Request{}, usagef("--clock %q: want an RFC 3339 time such as 2026-01-01T09:00:00Z", o.clock)
		}
	}
	return render.Request{
		Epoch: epoch, Media: media, FailOnPageError: o.pageErrors == "fail",
		Input: input, Duration: o.duration, FPS: o.fps, Width: o.width, Height: o.height,
		Output: o.output, Workers: o.workers, MaxMemory: o.maxMemory, Browser: o.browser, ReadyTimeout: o.readyTimeout,
		BatchTimeout: o.batchTimeout, AllowNet: o.allowNet, AllowHosts: o.allowHosts, NoDedup: o.noDedup, CRF: o.crf, Preset: o.preset,
		Capture:  o.capture(),
		Progress: mode, Stderr: stderr,
		// Set in the Docker image: a container's seccomp profile does not
		// let Chrome's sandbox start.
		NoSandbox: noSandbox(),
	}, nil
}

func runRenderCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var opts renderOptions
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	opts.register(fs, "")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: deckreel render <page.html|dir|URL> --duration 10s -o out.mp4 [flags]
       deckreel render <talk.md|deck.yaml|reveal.html|talk.pdf|talk.pptx|dir> -o out.mp4 [flags]

Renders a page for the given duration under virtual time: frame N shows the
page exactly at N/fps seconds. A local page is served from its directory on
loopback; requests to other hosts are refused unless --allow-net.

A slide deck (a Markdown file, a deck.yaml or deck.json manifest, a page
that runs reveal.js, or a directory holding one) times itself: every slide
for its own duration (--slide-duration when the deck does not say), with
its transitions. Its size, fps and encoding settings apply unless the flag
is given.

--narrate speaks every slide's speaker notes with an offline voice
(festival's HTS voice for English, espeak-ng for other languages; or
--tts-command, or --tts-url): a slide lasts at least lead-in + speech +
tail, a [next] in the notes starts the slide's next build step or fragment
where it is spoken, and --captions are timed by the spoken sentences.

A PDF (talk.pdf) is a slide per page, drawn sharp at the output size;
chapters come from its outline, else each page's first line. A .pptx,
.odp, .ppt or .key file is converted to PDF by LibreOffice (soffice, which
must be installed: apt-get install libreoffice-impress), and its speaker
notes become captions and its slide titles chapters. Conversions are
cached by content in the user's cache directory. In a manifest, an entry
"file: talk.pdf" with "pages: 2-4" shows those pages, each for the entry's
duration, with "notes:" as a list of one item per page.

Rendering untrusted decks: a page reaches only its own render's servers.
Loopback and link-local addresses (127.0.0.0/8, ::1, 0.0.0.0,
169.254.0.0/16, fe80::/10), however spelled, and other ports are refused
and reported, even with --allow-net, unless named: --allow-net=HOST:PORT,...
Popups are refused. Files are served from the deck's directory only, and a
manifest's output: cannot leave it (-o can write anywhere). Not isolated:
Chrome itself. In a container without user namespaces, or as root, Chrome
runs with --no-sandbox; run the container as non-root with a seccomp
profile, a read-only root, --network none and memory, pid and CPU limits.

Flags:
`)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("render takes one input (a page, a directory or a URL), got %d (see 'deckreel render --help')", len(pos))
	}
	set := flagsSet(fs)
	req, err := opts.request(pos[0], stderr)
	if err != nil {
		return err
	}
	if req.Narrate, err = opts.narrate.settings(set); err != nil {
		return err
	}
	d, err := opts.loadDeck(ctx, pos[0])
	if err != nil {
		return err
	}
	if d != nil {
		defer d.Close()
		if err := opts.applyDeck(&req, d, set); err != nil {
			return err
		}
	} else if !set["duration"] {
		return usagef("render needs --duration (for example --duration 10s)")
	}
	jo, ok, err := opts.jobFlags.options(opts.fps, os.Getenv)
	if err != nil {
		return err
	}
	if ok {
		return runJobRender(ctx, req, jo, stdout)
	}
	return runRender(ctx, req, stdout)
}

func runRender(ctx context.Context, req render.Request, stdout io.Writer) error {
	res, err := render.Run(ctx, req)
	if err != nil {
		return err
	}
	if req.Progress == progress.ModeJSON {
		// Machines read the result as the last JSON line on stdout.
		return json.NewEncoder(stdout).Encode(map[string]any{
			"event": "result", "output": res.Output, "frames": res.Frames, "shots": res.Shots,
			"elapsed_seconds": res.Elapsed.Seconds(), "warnings": res.Warnings,
		})
	}
	dur := req.Duration
	if req.Deck != nil {
		dur = req.Deck.Duration()
	}
	fmt.Fprintf(stdout, "wrote %s: %d frames (%s at %d fps, %dx%d), %d captured, in %s\n",
		res.Output, res.Frames, dur, req.FPS, req.Width, req.Height, res.Shots, res.Elapsed.Round(time.Millisecond))
	return nil
}
