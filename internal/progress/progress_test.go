package progress

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a Clock whose time moves only when the test says so and
// whose single ticker fires only when the test sends on it.
type fakeClock struct {
	mu       sync.Mutex
	now      time.Time
	tick     chan time.Time
	period   time.Duration
	stopped  bool
	nTickers int
}

func newFakeClock() *fakeClock {
	return &fakeClock{
		now:  time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		tick: make(chan time.Time), // unbuffered: a send returns once run has it
	}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) NewTicker(d time.Duration) (<-chan time.Time, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.period = d
	c.nTickers++
	return c.tick, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.stopped = true
	}
}

// Tick fires the ticker, failing the test if nothing receives it.
func (c *fakeClock) Tick(t *testing.T) {
	t.Helper()
	select {
	case c.tick <- c.Now():
	case <-time.After(5 * time.Second):
		t.Fatal("the ticker goroutine did not receive a tick")
	}
}

// lineWriter sends every Write to a channel, so that a test can wait for the
// line a tick prints without sleeping.
type lineWriter chan string

func (w lineWriter) Write(p []byte) (int, error) {
	w <- string(p)
	return len(p), nil
}

// next returns the next Write, failing the test if none comes.
func (w lineWriter) next(t *testing.T) string {
	t.Helper()
	select {
	case s := <-w:
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("no output")
		return ""
	}
}

// rest returns what was written and not yet read; call it after Finish.
func (w lineWriter) rest() []string {
	var out []string
	for {
		select {
		case s := <-w:
			out = append(out, s)
		default:
			return out
		}
	}
}

func TestParseMode(t *testing.T) {
	tests := []struct {
		in      string
		want    Mode
		wantErr bool
	}{
		{"auto", ModeAuto, false},
		{"bar", ModeBar, false},
		{"plain", ModePlain, false},
		{"json", ModeJSON, false},
		{"none", ModeNone, false},
		{" JSON ", ModeJSON, false},
		{"", "", true},
		{"quiet", "", true},
	}
	for _, tt := range tests {
		got, err := ParseMode(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseMode(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestResolvedMode(t *testing.T) {
	notTTY := func(io.Writer) bool { return false }
	tty := func(io.Writer) bool { return true }
	tests := []struct {
		mode     Mode
		terminal func(io.Writer) bool
		want     Mode
	}{
		{ModeAuto, notTTY, ModePlain},
		{ModeAuto, tty, ModeBar},
		{ModeBar, notTTY, ModePlain}, // pb must never write to a pipe or file
		{ModeBar, tty, ModeBar},
		{ModePlain, tty, ModePlain},
		{ModeJSON, tty, ModeJSON},
		{ModeNone, tty, ModeNone},
		{"bogus", notTTY, ModePlain},
	}
	for _, tt := range tests {
		r := New(io.Discard, tt.mode, 10, withTerminal(tt.terminal), WithInterval(time.Hour))
		if got := r.Mode(); got != tt.want {
			t.Errorf("New(%q, terminal=%v).Mode() = %q; want %q", tt.mode, tt.terminal(nil), got, tt.want)
		}
		r.Finish()
	}
}

// A regular file is not a terminal, so auto must print plain lines there:
// this is the real check that the bar never reaches a CI log.
func TestAutoOnFileIsPlain(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := New(f, ModeAuto, 3)
	r.Add(3)
	r.Finish()
	if r.Mode() != ModePlain {
		t.Fatalf("Mode() = %q on a regular file; want plain", r.Mode())
	}
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); !strings.HasPrefix(got, "rendered 3/3 frames (100%) in ") || strings.Contains(got, "\r") {
		t.Errorf("output = %q; want one plain final line", got)
	}
}

func TestPlain(t *testing.T) {
	clk := newFakeClock()
	out := make(lineWriter, 100)
	r := New(out, ModePlain, 300, WithClock(clk), WithInterval(3*time.Second))
	if clk.period != 3*time.Second {
		t.Errorf("ticker period = %v; want the interval, 3s", clk.period)
	}

	clk.Tick(t) // the first tick prints even with nothing done
	if got, want := out.next(t), "rendered 0/300 frames (0%), 0.0 frames/s, ETA ?\n"; got != want {
		t.Errorf("first line = %q; want %q", got, want)
	}

	clk.Advance(10 * time.Second)
	r.Add(100)
	r.Add(20)
	clk.Tick(t)
	if got, want := out.next(t), "rendered 120/300 frames (40%), 12.0 frames/s, ETA 15s\n"; got != want {
		t.Errorf("progress line = %q; want %q", got, want)
	}

	r.Logf("slide %d: font %q missing\n", 4, "Inter")
	if got, want := out.next(t), "slide 4: font \"Inter\" missing\n"; got != want {
		t.Errorf("log line = %q; want %q", got, want)
	}

	clk.Advance(10 * time.Second)
	r.Add(180)
	r.Finish()
	if got, want := out.next(t), "rendered 300/300 frames (100%) in 20s, 15.0 frames/s\n"; got != want {
		t.Errorf("final line = %q; want %q", got, want)
	}
	if rest := out.rest(); len(rest) != 0 {
		t.Errorf("unexpected output after the final line: %q", rest)
	}
}

// A tick with no frames done since the last line prints nothing, so a
// stalled render does not fill a log with identical lines.
func TestIdleTickPrintsNothing(t *testing.T) {
	for _, mode := range []Mode{ModePlain, ModeJSON} {
		t.Run(string(mode), func(t *testing.T) {
			clk := newFakeClock()
			out := make(lineWriter, 100)
			r := New(out, mode, 300, WithClock(clk))
			clk.Advance(time.Second)
			r.Add(10)
			clk.Tick(t)
			out.next(t)
			clk.Advance(time.Second)
			clk.Tick(t) // idle
			clk.Tick(t) // idle
			r.Finish()  // waits for the ticker goroutine, so the idle ticks were handled
			rest := out.rest()
			if len(rest) != 1 || !strings.Contains(rest[0], "done") && !strings.Contains(rest[0], " in ") {
				t.Errorf("after idle ticks got %q; want only the final line", rest)
			}
		})
	}
}

// A render that fails or is cancelled still gets a final line that says
// how far it got.
func TestPlainFinishEarly(t *testing.T) {
	clk := newFakeClock()
	var buf bytes.Buffer
	r := New(&buf, ModePlain, 300, WithClock(clk))
	clk.Advance(2500 * time.Millisecond)
	r.Add(50)
	r.Finish()
	if got, want := buf.String(), "rendered 50/300 frames (16%) in 2.5s, 20.0 frames/s\n"; got != want {
		t.Errorf("output = %q; want %q", got, want)
	}
}

func TestJSON(t *testing.T) {
	clk := newFakeClock()
	out := make(lineWriter, 100)
	r := New(out, ModeJSON, 300, WithClock(clk))
	if clk.period != DefaultInterval {
		t.Errorf("ticker period = %v; want DefaultInterval", clk.period)
	}

	clk.Tick(t)
	want := `{"event":"progress","frames_done":0,"frames_total":300,"fps":0,"eta_seconds":null,"elapsed_seconds":0}` + "\n"
	if got := out.next(t); got != want {
		t.Errorf("first event = %s; want %s", got, want)
	}

	clk.Advance(9800 * time.Millisecond)
	r.Add(120)
	clk.Tick(t)
	// 120/9.8 = 12.2449 frames/s; 180 frames left take 14.7 s, shown as 15.
	want = `{"event":"progress","frames_done":120,"frames_total":300,"fps":12.24,"eta_seconds":15,"elapsed_seconds":9.8}` + "\n"
	if got := out.next(t); got != want {
		t.Errorf("progress event = %s; want %s", got, want)
	}

	clk.Advance(200 * time.Millisecond)
	r.Logf("retrying frames %d-%d", 30, 59)
	want = `{"event":"log","message":"retrying frames 30-59","elapsed_seconds":10}` + "\n"
	if got := out.next(t); got != want {
		t.Errorf("log event = %s; want %s", got, want)
	}

	clk.Advance(5 * time.Second)
	r.Add(180)
	r.Finish()
	want = `{"event":"done","frames_done":300,"frames_total":300,"fps":20,"elapsed_seconds":15}` + "\n"
	if got := out.next(t); got != want {
		t.Errorf("done event = %s; want %s", got, want)
	}
	for _, line := range out.rest() {
		t.Errorf("unexpected output after the done event: %s", line)
	}
}

func TestBar(t *testing.T) {
	clk := newFakeClock()
	out := make(lineWriter, 100)
	r := New(out, ModeBar, 300, WithClock(clk), WithInterval(time.Hour),
		withTerminal(func(io.Writer) bool { return true }))
	if clk.period != barRefresh {
		t.Errorf("ticker period = %v; want barRefresh whatever the interval", clk.period)
	}

	clk.Advance(10 * time.Second)
	r.Add(120)
	clk.Tick(t)
	got := out.next(t)
	for _, want := range []string{"120 / 300 frames", "40.00%", "12.0 frames/s", "ETA 15s"} {
		if !strings.Contains(got, want) {
			t.Errorf("bar %q does not contain %q", got, want)
		}
	}
	if !strings.HasPrefix(got, "\r") || strings.Contains(got, "\n") {
		t.Errorf("bar %q is not redrawn in place", got)
	}

	r.Logf("warning: slow slide")
	if got, want := out.next(t), "\r\x1b[2Kwarning: slow slide\n"; got != want {
		t.Errorf("log over the bar = %q; want %q", got, want)
	}
	if got := out.next(t); !strings.HasPrefix(got, "\r") || !strings.Contains(got, "120 / 300 frames") {
		t.Errorf("bar not redrawn after the log line: %q", got)
	}

	clk.Advance(10 * time.Second)
	r.Add(180)
	r.Finish()
	got = out.next(t)
	for _, want := range []string{"300 / 300 frames", "100.00%", "15.0 frames/s", "in 20s"} {
		if !strings.Contains(got, want) {
			t.Errorf("final bar %q does not contain %q", got, want)
		}
	}
	if !strings.HasSuffix(got, "\n") {
		t.Errorf("final bar %q does not end the line", got)
	}
}

func TestNone(t *testing.T) {
	clk := newFakeClock()
	var buf bytes.Buffer
	r := New(&buf, ModeNone, 300, WithClock(clk))
	r.Add(300)
	r.Finish()
	if clk.nTickers != 0 {
		t.Errorf("none mode started %d tickers; want none", clk.nTickers)
	}
	if buf.Len() != 0 {
		t.Errorf("none mode printed %q", buf.String())
	}
	r.Logf("a warning")
	if got, want := buf.String(), "a warning\n"; got != want {
		t.Errorf("Logf in none mode printed %q; want %q", got, want)
	}
}

func TestFinishStopsTicker(t *testing.T) {
	for _, mode := range []Mode{ModeBar, ModePlain, ModeJSON} {
		t.Run(string(mode), func(t *testing.T) {
			clk := newFakeClock()
			var buf bytes.Buffer
			r := New(&buf, mode, 10, WithClock(clk), withTerminal(func(io.Writer) bool { return true }))
			clk.Tick(t) // the goroutine is running
			r.Finish()
			clk.mu.Lock()
			stopped := clk.stopped
			clk.mu.Unlock()
			if !stopped {
				t.Error("Finish did not stop the ticker")
			}
			select {
			case clk.tick <- clk.Now():
				t.Error("a tick was received after Finish returned")
			case <-time.After(50 * time.Millisecond):
			}
			// Later calls are harmless and print no progress.
			n := buf.Len()
			r.Finish()
			r.Add(1)
			if buf.Len() != n {
				t.Errorf("output after Finish: %q", buf.String()[n:])
			}
		})
	}
}

// TestConcurrent runs under -race in CI: Add and Logf from many goroutines
// while the real ticker prints, then Finish.
func TestConcurrent(t *testing.T) {
	for _, mode := range []Mode{ModeBar, ModePlain, ModeJSON} {
		t.Run(string(mode), func(t *testing.T) {
			const workers, perWorker = 8, 500
			var buf bytes.Buffer
			r := New(&buf, mode, workers*perWorker, WithInterval(time.Millisecond),
				withTerminal(func(io.Writer) bool { return true }))
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for i := range perWorker {
						r.Add(1)
						if i%100 == 0 {
							r.Logf("worker %d at %d", w, i)
						}
						if i%50 == 0 {
							time.Sleep(100 * time.Microsecond)
						}
					}
				})
			}
			wg.Wait()
			r.Finish()

			out := buf.String()
			if !strings.HasSuffix(out, "\n") {
				t.Fatalf("output does not end with a newline: %q", out[max(len(out)-200, 0):])
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			last := lines[len(lines)-1]
			switch mode {
			case ModePlain:
				for _, l := range lines {
					if !strings.HasPrefix(l, "rendered ") && !strings.HasPrefix(l, "worker ") {
						t.Errorf("mangled line %q", l)
					}
				}
				if want := fmt.Sprintf("rendered %d/%d frames (100%%) in ", workers*perWorker, workers*perWorker); !strings.HasPrefix(last, want) {
					t.Errorf("last line = %q; want prefix %q", last, want)
				}
			case ModeJSON:
				for _, l := range lines {
					var ev map[string]any
					if err := json.Unmarshal([]byte(l), &ev); err != nil {
						t.Errorf("line %q is not JSON: %v", l, err)
					}
				}
				var done doneEvent
				if err := json.Unmarshal([]byte(last), &done); err != nil || done.Event != "done" || done.FramesDone != workers*perWorker {
					t.Errorf("last line = %q; want a done event with every frame", last)
				}
			case ModeBar:
				if !strings.Contains(last, fmt.Sprintf("%d / %d frames", workers*perWorker, workers*perWorker)) {
					t.Errorf("final bar = %q; want every frame", last)
				}
			}
		})
	}
}
