// Command deckreel turns web pages, animations and slide decks into
// frame-accurate video.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/deckreel/deckreel/internal/render"
)

// Exit codes, documented in the README and relied on by orchestrators.
const (
	exitOK          = 0
	exitFailed      = 1
	exitBadInput    = 2
	exitInterrupted = 130
)

// command is one subcommand: its flags are parsed by run itself so that each
// verb owns its options struct.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"render", "render a page or animation to video", runRenderCmd},
		{"demo", "render the embedded sample page", runDemoCmd},
		{"inspect", "print a slide deck's type and timeline", runInspectCmd},
		{"resume", "finish an interrupted or partly failed job", runResumeCmd},
		{"status", "show a job's done, failed and pending frames", runStatusCmd},
		{"merge", "join a job's chunks (or shards) into one video", runMergeCmd},
		{"version", "print the version", func(_ context.Context, _ []string, stdout, _ io.Writer) error {
			fmt.Fprintln(stdout, "deckreel", version)
			return nil
		}},
	}
}

var version = "dev"

func usage(w io.Writer) {
	fmt.Fprint(w, `deckreel turns web pages, animations and slide decks into frame-accurate video.

Usage:
  deckreel <command> [flags] [args]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run 'deckreel <command> --help' for the flags of a command.

Exit codes: 0 done, 1 render failed, 2 bad usage or bad input, 130 interrupted.
`)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run maps errors to exit codes; only main-level code does this.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitBadInput
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		return exitCode(ctx, err, stderr)
	}
	fmt.Fprintf(stderr, "deckreel: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitBadInput
}

func exitCode(ctx context.Context, err error, stderr io.Writer) int {
	var ie *render.InputError
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		return exitOK
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "deckreel: interrupted")
		return exitInterrupted
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "deckreel: %v\n", err)
		return exitBadInput
	case errors.As(err, &ie):
		fmt.Fprintf(stderr, "deckreel: %v\n", err)
		return exitBadInput
	}
	fmt.Fprintf(stderr, "deckreel: %v\n", err)
	return exitFailed
}
