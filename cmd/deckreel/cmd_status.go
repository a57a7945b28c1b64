package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/deckreel/deckreel/internal/job"
	"github.com/deckreel/deckreel/internal/render"
)

func runStatusCmd(_ context.Context, args []string, stdout, _ io.Writer) error {
	var asJSON bool
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	fs.BoolVar(&asJSON, "json", false, "print one JSON object, for programs")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: deckreel status DIR [--json]

Shows the job in DIR: its settings, which frame ranges are done, failed (with
the error and the number of attempts) or pending, which renders hold locks on
it, and the command that finishes it.

Flags:
`)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("status takes one job directory, got %d (see 'deckreel status --help')", len(pos))
	}
	jb, err := job.Open(pos[0])
	if err != nil {
		return &render.InputError{Err: err}
	}
	st, err := jb.Status()
	if err != nil {
		return err
	}
	if asJSON {
		return writeStatusJSON(stdout, st)
	}
	writeStatusText(stdout, st)
	return nil
}

// statusJSON is the --json form: stable field names, ranges rather than
// every chunk (a long job has thousands), frames inclusive as --frames
// reads them.
type statusJSON struct {
	Dir          string         `json:"dir"`
	Settings     job.Settings   `json:"settings"`
	SettingsHash string         `json:"settings_hash"`
	InputHash    string         `json:"input_hash"`
	Created      time.Time      `json:"created"`
	Chunks       int            `json:"chunks"`
	Complete     bool           `json:"complete"`
	Done         countJSON      `json:"done"`
	Failed       countJSON      `json:"failed"`
	Pending      countJSON      `json:"pending"`
	Damaged      int            `json:"damaged_chunks"`
	Ranges       []rangeJSON    `json:"ranges"`
	Locks        []job.LockInfo `json:"locks"`
	Next         string         `json:"next"`
}

type countJSON struct {
	Chunks int `json:"chunks"`
	Frames int `json:"frames"`
}

type rangeJSON struct {
	State      job.ChunkState `json:"state"`
	FirstFrame int            `json:"first_frame"`
	LastFrame  int            `json:"last_frame"`
	FirstChunk int            `json:"first_chunk"`
	LastChunk  int            `json:"last_chunk"`
	Rerun      bool           `json:"rerun,omitempty"`
	Attempts   int            `json:"attempts,omitempty"`
	Error      string         `json:"error,omitempty"`
	Damage     string         `json:"damage,omitempty"`
}

func writeStatusJSON(w io.Writer, st job.Status) error {
	out := statusJSON{
		Dir: st.Dir, Settings: st.Settings, SettingsHash: st.SettingsHash, InputHash: st.InputHash,
		Created: st.Created, Chunks: len(st.Chunks), Complete: st.Done == len(st.Chunks),
		Done:    countJSON{st.Done, st.DoneFrames},
		Failed:  countJSON{st.Failed, st.FailedFrames},
		Pending: countJSON{st.Pending, st.PendingFrames},
		Damaged: st.Damaged,
		Ranges:  []rangeJSON{},
		Locks:   st.Locks,
		Next:    nextCommand(st),
	}
	if out.Locks == nil {
		out.Locks = []job.LockInfo{}
	}
	for _, r := range st.Runs() {
		rj := rangeJSON{State: r.State, FirstFrame: r.Frames.Start, LastFrame: r.Frames.End - 1,
			FirstChunk: r.Chunks.Start, LastChunk: r.Chunks.End - 1, Rerun: r.Rerun}
		if r.Failure != nil {
			rj.Attempts, rj.Error = r.Failure.Attempts, r.Failure.Error
		}
		rj.Damage = r.Damage
		out.Ranges = append(out.Ranges, rj)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeStatusText(w io.Writer, st job.Status) {
	s := st.Settings
	fmt.Fprintf(w, "job %s\n", st.Dir)
	fmt.Fprintf(w, "  input    %s\n", s.Input)
	fmt.Fprintf(w, "  video    %dx%d at %d fps, %d frames (%s), %s crf %d preset %s\n", s.Width, s.Height, s.FPS, s.Frames,
		(time.Duration(s.Frames) * time.Second / time.Duration(s.FPS)).Round(time.Millisecond), s.Codec, s.CRF, s.Preset)
	fmt.Fprintf(w, "  chunks   %d, at slide boundaries and at most %d frames (%s) each\n", len(st.Chunks), s.ChunkFrames,
		time.Duration(s.ChunkFrames)*time.Second/time.Duration(s.FPS))
	if s.Output != "" {
		fmt.Fprintf(w, "  output   %s\n", s.Output)
	}
	fmt.Fprintln(w)
	for _, r := range st.Runs() {
		state := string(r.State)
		if r.Rerun {
			state += " (rerun)"
		}
		line := fmt.Sprintf("  %-16s frames %-15s %s", state, fmt.Sprintf("%d-%d", r.Frames.Start, r.Frames.End-1), r.Chunks)
		if f := r.Failure; f != nil {
			line += fmt.Sprintf(": %s (%s)", oneLine(f.Error), plural(f.Attempts, "attempt"))
		}
		if r.Damage != "" {
			line += ": " + r.Damage + "; rendered again by the next run"
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "\n%d of %d chunks done (%d%%), %d failed, %d pending", st.Done, len(st.Chunks),
		100*st.DoneFrames/max(1, st.Settings.Frames), st.Failed, st.Pending)
	if st.Damaged > 0 {
		fmt.Fprintf(w, " (%d of them damaged)", st.Damaged)
	}
	fmt.Fprintln(w)
	for _, l := range st.Locks {
		what := "rendering"
		if l.Stale {
			what = "abandoned lock of"
		}
		fmt.Fprintf(w, "%s %s: pid %d on %s since %s (refreshed %s ago)\n", what, l.Chunks, l.PID, l.Host,
			l.Started.Local().Format(time.DateTime), time.Since(l.Refreshed).Round(time.Second))
	}
	fmt.Fprintf(w, "next: %s\n", nextCommand(st))
}

// nextCommand is what to run to finish the job.
func nextCommand(st job.Status) string {
	if st.Done == len(st.Chunks) {
		if st.Settings.Output != "" {
			return "deckreel merge " + st.Dir
		}
		return fmt.Sprintf("deckreel merge %s -o out.mp4", st.Dir)
	}
	return "deckreel resume " + st.Dir
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func plural(n int, what string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}
