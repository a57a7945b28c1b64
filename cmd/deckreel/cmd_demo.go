package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/deckreel/deckreel/assets"
	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/render"
)

// sampleDeckFile is the deck file of assets.SampleDeck.
const sampleDeckFile = "deck.md"

func runDemoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var opts renderOptions
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	opts.register(fs, "demo.mp4")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: deckreel demo [-o demo.mp4] [flags]

Renders the sample Markdown deck embedded in deckreel (themes, code, an
image, a table, transitions, a build, narration, captions and chapters),
which needs nothing but Chrome and ffmpeg. Takes the same flags as render; the deck times itself, so there is
no --duration.

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
	if !flagsSet(fs)["captions"] && opts.format == "" {
		// The sample shows everything a deck video carries: narration,
		// chapters, and its speaker notes as a subtitle track.
		opts.captions = "embed"
	}
	req, err := opts.request(sampleDeckFile, stderr)
	if err != nil {
		return err
	}
	opts.inputType = "auto"
	d, err := deck.LoadFS(assets.SampleDeck(), sampleDeckFile, opts.deckOptions())
	if err != nil {
		return &render.InputError{Err: err}
	}
	defer d.Close()
	set := flagsSet(fs)
	if req.Narrate, err = opts.narrate.settings(set); err != nil {
		return err
	}
	// The sample asks for 1920x1080 itself; -o keeps its default, not the
	// deck's.
	set["o"] = true
	if err := opts.applyDeck(&req, d, set); err != nil {
		return err
	}
	// The tree the deck's pages are served from; it also names the input
	// of a job.
	req.FS = assets.SampleDeck()
	jo, ok, err := opts.jobFlags.options(opts.fps, os.Getenv)
	if err != nil {
		return err
	}
	if ok {
		return runJobRender(ctx, req, jo, stdout)
	}
	return runRender(ctx, req, stdout)
}
