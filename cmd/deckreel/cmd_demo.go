package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/deckreel/deckreel/assets"
)

func runDemoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var opts renderOptions
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	opts.register(fs, "demo.mp4")
	opts.duration = 6 * time.Second
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: deckreel demo [-o demo.mp4] [flags]

Renders the sample page embedded in deckreel, which needs nothing but
Chrome and ffmpeg. Takes the same flags as render.

Flags:
`)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("demo takes no arguments, got %q", pos)
	}
	job, err := opts.job("index.html", stderr)
	if err != nil {
		return err
	}
	job.FS = assets.Sample()
	jo, ok, err := opts.jobFlags.options(opts.fps, os.Getenv)
	if err != nil {
		return err
	}
	if ok {
		return runJobRender(ctx, job, jo, stdout)
	}
	return runRender(ctx, job, stdout)
}
