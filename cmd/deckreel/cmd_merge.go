package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/deckreel/deckreel/internal/render"
)

func runMergeCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var output, browser string
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	fs.StringVar(&output, "o", "", "output file (default: the job's)")
	fs.StringVar(&output, "output", "", "same as -o")
	fs.StringVar(&browser, "browser", "auto", "Chrome to step the pages whose media elements play sound: auto, headless-shell, chromium, or a path")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: deckreel merge DIR [-o out.mp4]

Joins the chunks of the job in DIR into one MP4 without re-encoding, after
checking that every chunk is done and that all were encoded alike (frame
count, size, frame rate, codec parameters). This is the step after the
shards of a job ('deckreel render --job DIR --shard K/N') have finished.
The output is written atomically.

Flags:
`)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("merge takes one job directory, got %d (see 'deckreel merge --help')", len(pos))
	}
	start := time.Now()
	out, err := render.MergeJob(ctx, pos[0], render.MergeOptions{
		Output: output, Browser: browser, Stderr: stderr,
		NoSandbox: noSandbox(),
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s from job %s in %s\n", out, pos[0], time.Since(start).Round(time.Millisecond))
	return nil
}
