package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/deckreel/deckreel/internal/progress"
	"github.com/deckreel/deckreel/internal/render"
)

// renderOptions are the flags shared by render and demo.
type renderOptions struct {
	duration     time.Duration
	fps          int
	width        int
	height       int
	output       string
	workers      int
	browser      string
	progress     string
	readyTimeout time.Duration
	batchTimeout time.Duration
	allowNet     bool
	noDedup      bool
	clock        string
	jobFlags     jobFlags // --job, --frames, --shard, --shards, --chunk
	crf          int
	preset       string
}

func (o *renderOptions) register(fs *flag.FlagSet, defaultOutput string) {
	o.width, o.height = 1920, 1080
	fs.Var(durationValue{&o.duration}, "duration", "length of the video (10s, 3.5s, 1m30s; a bare number is seconds)")
	fs.IntVar(&o.fps, "fps", 30, "frames per second (1-240)")
	fs.Var(sizeValue{&o.width, &o.height}, "size", "frame size WIDTHxHEIGHT in pixels, both even")
	fs.StringVar(&o.output, "o", defaultOutput, "output file (.mp4); written atomically")
	fs.StringVar(&o.output, "output", defaultOutput, "same as -o")
	fs.IntVar(&o.workers, "workers", 0, "browser tabs capturing in parallel (0: one per CPU core)")
	fs.StringVar(&o.browser, "browser", "auto", "auto, headless-shell (fast beginFrame path), chromium (screenshot fallback) or a path to a Chrome binary")
	fs.StringVar(&o.progress, "progress", "auto", "auto (bar on a terminal, plain lines otherwise), bar, plain, json or none")
	fs.DurationVar(&o.readyTimeout, "ready-timeout", 30*time.Second, "how long a page may take to load its fonts and images before the render fails")
	fs.DurationVar(&o.batchTimeout, "batch-timeout", 2*time.Minute, "how long one batch of frames may take before it is retried on a new tab")
	fs.BoolVar(&o.allowNet, "allow-net", false, "let the page reach hosts other than its own (off: such requests are refused and reported)")
	fs.StringVar(&o.clock, "clock", "", "wall-clock time the page's Date starts at, RFC 3339 (e.g. 2026-01-01T09:00:00Z); default now, and a job keeps the one it started with")
	fs.BoolVar(&o.noDedup, "no-dedup", false, "capture every frame, even when the page reports nothing changed (slower; same output)")
	fs.IntVar(&o.crf, "crf", 18, "H.264 constant rate factor: lower is better quality and bigger files (1-51)")
	fs.StringVar(&o.preset, "preset", "veryfast", "x264 preset: ultrafast ... veryslow (slower is smaller, not better looking)")
	o.jobFlags.register(fs)
}

func (o *renderOptions) job(input string, stderr io.Writer) (render.Job, error) {
	mode, err := progress.ParseMode(o.progress)
	if err != nil {
		return render.Job{}, usagef("--progress: %v", err)
	}
	if o.crf < 1 || o.crf > 51 {
		return render.Job{}, usagef("--crf must be between 1 and 51, got %d", o.crf)
	}
	var epoch time.Time
	if o.clock != "" {
		if epoch, err = time.Parse(time.RFC3339, o.clock); err != nil {
			return render.Job{}, usagef("--clock %q: want an RFC 3339 time such as 2026-01-01T09:00:00Z", o.clock)
		}
	}
	return render.Job{
		Epoch: epoch,
		Input: input, Duration: o.duration, FPS: o.fps, Width: o.width, Height: o.height,
		Output: o.output, Workers: o.workers, Browser: o.browser, ReadyTimeout: o.readyTimeout,
		BatchTimeout: o.batchTimeout, AllowNet: o.allowNet, NoDedup: o.noDedup, CRF: o.crf, Preset: o.preset,
		Progress: mode, Stderr: stderr,
		// Set in the Docker image: a container's seccomp profile does not
		// let Chrome's sandbox start.
		NoSandbox: os.Getenv("DECKREEL_NO_SANDBOX") != "",
	}, nil
}

func runRenderCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var opts renderOptions
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	opts.register(fs, "")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: deckreel render <page.html|dir|URL> --duration 10s -o out.mp4 [flags]

Renders a page for the given duration under virtual time: frame N shows the
page exactly at N/fps seconds. A local page is served from its directory on
loopback; requests to other hosts are refused unless --allow-net.

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
	durationSet := false
	fs.Visit(func(f *flag.Flag) { durationSet = durationSet || f.Name == "duration" })
	if !durationSet {
		return usagef("render needs --duration (for example --duration 10s)")
	}
	job, err := opts.job(pos[0], stderr)
	if err != nil {
		return err
	}
	jo, ok, err := opts.jobFlags.options(opts.fps, os.Getenv)
	if err != nil {
		return err
	}
	if ok {
		return runJobRender(ctx, job, jo, stdout)
	}
	return runRender(ctx, job, stdout)
}

func runRender(ctx context.Context, job render.Job, stdout io.Writer) error {
	res, err := render.Run(ctx, job)
	if err != nil {
		return err
	}
	if job.Progress == progress.ModeJSON {
		// Machines read the result as the last JSON line on stdout.
		return json.NewEncoder(stdout).Encode(map[string]any{
			"event": "result", "output": res.Output, "frames": res.Frames, "shots": res.Shots,
			"elapsed_seconds": res.Elapsed.Seconds(), "warnings": res.Warnings,
		})
	}
	fmt.Fprintf(stdout, "wrote %s: %d frames (%s at %d fps, %dx%d), %d captured, in %s\n",
		res.Output, res.Frames, job.Duration, job.FPS, job.Width, job.Height, res.Shots, res.Elapsed.Round(time.Millisecond))
	return nil
}
