package deck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

// Conversion tools are programs outside deckreel (poppler, LibreOffice)
// that read files from anyone. Each runs under a deadline, in a process
// group of its own that is killed when it ends or is cancelled (LibreOffice
// starts a child that outlives its launcher), and its messages are kept to
// a few kilobytes, so that neither a hostile file nor a hung tool holds a
// render.

// toolMessages is how much of a tool's stderr an error quotes.
const toolMessages = 4 << 10

// tool is one run of an external program on the deck file file (named in
// errors as the user named it).
type tool struct {
	file    string
	name    string // looked up on PATH
	args    []string
	env     []string  // added to the environment
	stdin   io.Reader // nil: empty
	stdout  io.Writer // nil: discarded
	timeout time.Duration
}

// errMissingTool is returned by run when the program is not on PATH.
var errMissingTool = errors.New("not installed")

// run runs the tool to its end and returns its stderr (the first
// toolMessages bytes). A failure names the file and the command.
func (t tool) run(ctx context.Context) ([]byte, error) {
	bin, err := exec.LookPath(t.name)
	if err != nil {
		return nil, fmt.Errorf("convert %s: %s: %w", t.file, t.name, errMissingTool)
	}
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, t.args...)
	cmd.Env = append(cmd.Environ(), t.env...)
	stderr := &capped{limit: toolMessages}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = t.stdin, t.stdout, stderr
	ownGroup(cmd)
	// Cancel asks the whole group to stop; WaitDelay is its grace before
	// the launcher is killed, and killGroup then ends what is left.
	cmd.Cancel = func() error { return signalGroup(cmd, false) }
	cmd.WaitDelay = 3 * time.Second
	err = cmd.Start()
	if err != nil {
		return nil, fmt.Errorf("convert %s: start %s: %w", t.file, t.name, err)
	}
	err = cmd.Wait()
	_ = signalGroup(cmd, true)
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			err = fmt.Errorf("gave up after %s", t.timeout)
		} else if cerr := context.Cause(ctx); cerr != nil {
			return nil, cerr
		}
		return nil, fmt.Errorf("convert %s: %s: %w%s", t.file, t.command(), err, quote(stderr.Bytes()))
	}
	return stderr.Bytes(), nil
}

// command is the command line as a person would type it, for errors.
func (t tool) command() string { return strings.Join(append([]string{t.name}, t.args...), " ") }

func quote(msg []byte) string {
	msg = bytes.TrimSpace(msg)
	if len(msg) == 0 {
		return ""
	}
	return ": " + string(msg)
}

// capped keeps the first limit bytes written to it and drops the rest
// without failing, so a chatty tool is not stopped by its own messages.
type capped struct {
	bytes.Buffer
	limit int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.limit - c.Len(); room > 0 {
		c.Buffer.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// bounded passes writes to w until limit bytes, then fails: a tool whose
// output grows past what any slide needs is stopped by its broken pipe.
// The tool's error is then its death by SIGPIPE, not this one: ask over.
type bounded struct {
	w     io.Writer
	n     int64
	limit int64
	over  bool // a write went past the limit
}

// errTooLarge is bounded's error past its limit.
var errTooLarge = errors.New("output too large")

func (b *bounded) Write(p []byte) (int, error) {
	if b.n+int64(len(p)) > b.limit {
		b.over = true
		return 0, errTooLarge
	}
	n, err := b.w.Write(p)
	b.n += int64(n)
	return n, err
}
