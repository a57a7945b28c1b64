package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/deckreel/deckreel/internal/job"
	"github.com/deckreel/deckreel/internal/progress"
	"github.com/deckreel/deckreel/internal/render"
)

// resumeOptions are the flags of resume: only what does not change the
// pixels, which come from the job.
type resumeOptions struct {
	output       string
	workers      int
	maxMemory    int64
	browser      string
	progress     string
	readyTimeout time.Duration
	batchTimeout time.Duration
	noDedup      bool
	shard        string
	shards       int
}

func runResumeCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o resumeOptions
	fs := flag.NewFlagSet("resume", flag.ContinueOnError)
	fs.StringVar(&o.output, "o", "", "output file (default: the job's)")
	fs.StringVar(&o.output, "output", "", "same as -o")
	fs.Var(&workersValue{n: &o.workers}, "workers", "browser tabs capturing in parallel: auto (start with one, add one while it makes the render faster and memory allows, up to one per CPU core) or a number")
	fs.Var(&memoryValue{b: &o.maxMemory}, "max-memory", "with --workers auto: memory the capture browsers may use together, such as 4G (auto: what the machine has free)")
	fs.StringVar(&o.browser, "browser", "auto", "auto, headless-shell, chromium or a path to a Chrome binary")
	fs.StringVar(&o.progress, "progress", "auto", "auto, bar, plain, json or none")
	fs.DurationVar(&o.readyTimeout, "ready-timeout", 30*time.Second, "how long a page may take to load its fonts and images")
	fs.DurationVar(&o.batchTimeout, "batch-timeout", 2*time.Minute, "how long one batch of frames may take before it is retried on a new tab")
	fs.BoolVar(&o.noDedup, "no-dedup", false, "capture every frame, even when the page reports nothing changed")
	fs.StringVar(&o.shard, "shard", "", "resume only shard K of N (K from 1)")
	fs.IntVar(&o.shards, "shards", 0, "resume one of N shards, the 0-based index from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: deckreel resume DIR [-o out.mp4] [flags]

Finishes the job in DIR (made by 'deckreel render --job DIR'): renders the
chunks that are missing or failed, with the job's own settings, and joins all
chunks into the output. Finished chunks are reused as they are.

Flags:
`)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("resume takes one job directory, got %d (see 'deckreel resume --help')", len(pos))
	}
	return runResume(ctx, pos[0], o, stdout, stderr)
}

func runResume(ctx context.Context, dir string, o resumeOptions, stdout, stderr io.Writer) error {
	jb, err := job.Open(dir)
	if err != nil {
		return &render.InputError{Err: err}
	}
	mode, err := progress.ParseMode(o.progress)
	if err != nil {
		return usagef("--progress: %v", err)
	}
	flags := jobFlags{dir: dir, shard: o.shard, shards: o.shards}
	shard, err := flags.parseShard(os.Getenv)
	if err != nil {
		return err
	}
	j, err := render.RequestFromJob(jb)
	if err != nil {
		return &render.InputError{Err: err}
	}
	if o.output != "" {
		j.Output = o.output
	}
	if j.Output == "" && shard.Count == 0 {
		return usagef("job %s has no output file: pass -o out.mp4", dir)
	}
	j.Workers, j.MaxMemory, j.Browser, j.Progress, j.Stderr = o.workers, o.maxMemory, o.browser, mode, stderr
	// As render reads it: the image runs Chrome without its sandbox.
	j.NoSandbox = noSandbox()
	j.ReadyTimeout, j.BatchTimeout, j.NoDedup = o.readyTimeout, o.batchTimeout, o.noDedup
	return runJobRender(ctx, j, render.JobOptions{Dir: dir, Shard: shard, Resume: true}, stdout)
}
