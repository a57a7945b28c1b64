package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/deckreel/deckreel/assets"
	"github.com/deckreel/deckreel/capture"
	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/mediatest"
)

// binary is the deckreel executable built once for these tests: exit codes
// and signals are part of the contract, so they are tested on the real
// process.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "deckreel-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "deckreel")
	// The renders of this run convert PDF and office decks into a cache
	// of their own (inherited by every deckreel started), once per deck.
	os.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build deckreel: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func requireTools(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: skipped with -short")
	}
	mediatest.RequireFFmpeg(t)
	if _, _, err := capture.FindBrowser("auto"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Chrome is required in CI: %v", err)
		}
		t.Skip(err)
	}
}

type result struct {
	code           int
	stdout, stderr string
	elapsed        time.Duration
}

// deckreel runs the binary with a marker in its environment, which every
// Chrome and ffmpeg it starts inherits, so leftovers can be found.
func deckreel(t *testing.T, ctx context.Context, marker string, args ...string) (*exec.Cmd, *syncBuffer, *syncBuffer) {
	t.Helper()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append(os.Environ(), "DECKREEL_TEST_MARKER="+marker)
	// A render that outlives the test's deadline is a hang: SIGQUIT makes
	// Go print every goroutine into the stderr the test reports.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGQUIT) }
	cmd.WaitDelay = 5 * time.Second
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	return cmd, stdout, stderr
}

// syncBuffer is a bytes.Buffer that a test may read while the process's
// output is still being copied into it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func runCLI(t *testing.T, args ...string) result {
	t.Helper()
	res, _ := runDeckreel(t, nil, args...)
	return res
}

// runDeckreel runs the binary with args to its end, within two minutes,
// and checks that it left no process behind. env, when set, is its whole
// environment (with the test's marker added). It returns the finished
// command too, whose ProcessState has the run's resource usage.
func runDeckreel(t *testing.T, env []string, args ...string) (result, *exec.Cmd) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	marker := fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano())
	cmd, stdout, stderr := deckreel(t, ctx, marker, args...)
	if env != nil {
		cmd.Env = append(env, "DECKREEL_TEST_MARKER="+marker)
	}
	start := time.Now()
	err := cmd.Run()
	res := result{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run deckreel: %v", err)
	}
	assertNoLeftovers(t, marker)
	return res, cmd
}

// assertNoLeftovers fails if a process started by the run is still alive.
func assertNoLeftovers(t *testing.T, marker string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		left := processesWith("DECKREEL_TEST_MARKER=" + marker)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("processes left running: %s", strings.Join(left, "; "))
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// processesWith lists the live processes that carry env in their
// environment, and their descendants (Chrome's zygote and renderers start
// with a cleaned environment), as "pid cmdline".
func processesWith(env string) []string {
	entries, _ := os.ReadDir("/proc")
	parent := map[string]string{}
	marked := map[string]bool{}
	for _, e := range entries {
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The command name in stat may contain spaces; fields after it
		// start after the last ')'.
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) < 2 || f[0] == "Z" {
			continue // exited, waiting to be reaped
		}
		parent[e.Name()] = f[1]
		data, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if bytes.Contains(data, []byte(env+"\x00")) {
			marked[e.Name()] = true
		}
	}
	var out []string
	for pid := range parent {
		in := false
		for p, n := pid, 0; p != "" && p != "0" && n < 64; p, n = parent[p], n+1 {
			if marked[p] {
				in = true
				break
			}
		}
		if !in {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", pid, "cmdline"))
		out = append(out, pid+" "+strings.ReplaceAll(string(cmdline), "\x00", " "))
	}
	return out
}

func writePage(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	page := writePage(t, "<p>hi</p>")
	txt := filepath.Join(dir, "notes.txt")
	os.WriteFile(txt, []byte("x"), 0o644)
	out := filepath.Join(dir, "out.mp4")
	mixedDeck := filepath.Join("..", "..", "internal", "deck", "testdata", "mixed")
	fifo := filepath.Join(dir, "fifo.mp4")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.mp4")
	if err := os.Symlink(filepath.Join(dir, "elsewhere.mp4"), link); err != nil {
		t.Fatal(err)
	}
	escaping := filepath.Join(dir, "escaping.yaml")
	os.WriteFile(escaping, []byte("output: ../../x.mp4\nslides:\n  - markdown: \"# One\"\n"), 0o644)
	absolute := filepath.Join(dir, "absolute.yaml")
	os.WriteFile(absolute, []byte("output: "+filepath.Join(dir, "abs.mp4")+"\nslides:\n  - markdown: \"# One\"\n"), 0o644)
	badDeck := filepath.Join(dir, "bad.md")
	os.WriteFile(badDeck, []byte("# One\n<!-- durration: 3s -->\n"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "Usage"},
		{"unknown command", []string{"rend"}, `unknown command "rend"`},
		{"missing file", []string{"render", filepath.Join(dir, "nope.html"), "--duration", "1s", "-o", out}, "no such file"},
		{"unknown extension", []string{"render", txt, "--duration", "1s", "-o", out}, `unknown extension ".txt"`},
		{"no duration", []string{"render", page, "-o", out}, "needs --duration"},
		{"zero duration", []string{"render", page, "--duration", "0s", "-o", out}, "--duration must be a positive duration, got 0s"},
		{"negative duration", []string{"render", page, "--duration", "-3s", "-o", out}, "--duration must be a positive duration, got -3s"},
		{"absurd duration", []string{"render", page, "--duration", "100h", "-o", out}, "longer than"},
		{"bad duration", []string{"render", page, "--duration", "ten", "-o", out}, "--duration must be a positive duration, got ten"},
		{"NaN duration", []string{"render", page, "--duration", "NaN", "-o", out}, "--duration must be a positive duration, got NaN"},
		{"infinite duration", []string{"render", page, "--duration", "-Inf", "-o", out}, "--duration must be a positive duration, got -Inf"},
		{"overflowing duration", []string{"render", page, "--duration", "1e300", "-o", out}, "--duration 1e300 is longer than the 24h0m0s limit"},
		{"NaN slide duration", []string{"render", mixedDeck, "--slide-duration", "NaN", "-o", out}, "--slide-duration must be a positive duration, got NaN"},
		{"absurd slide duration", []string{"render", mixedDeck, "--slide-duration", "48h", "-o", out}, "--slide-duration 48h is longer than"},
		{"zero fps", []string{"render", page, "--duration", "1s", "--fps", "0", "-o", out}, "--fps must be between 1 and 240"},
		{"absurd fps", []string{"render", page, "--duration", "1s", "--fps", "1000", "-o", out}, "--fps must be between 1 and 240"},
		{"odd size", []string{"render", page, "--duration", "1s", "--size", "1281x720", "-o", out}, "even width and height (try 1280x720)"},
		{"absurd size", []string{"render", page, "--duration", "1s", "--size", "100000x720", "-o", out}, "out of range"},
		{"bad size", []string{"render", page, "--duration", "1s", "--size", "big", "-o", out}, `--size must be WIDTHxHEIGHT in pixels, e.g. 1920x1080, got "big"`},
		{"negative size", []string{"render", page, "--duration", "1s", "--size", "-640x360", "-o", out}, `--size must be WIDTHxHEIGHT`},
		{"three sides", []string{"render", page, "--duration", "1s", "--size", "640x360x2", "-o", out}, `--size must be WIDTHxHEIGHT`},
		{"no output", []string{"render", page, "--duration", "1s"}, "no output file"},
		{"bad output format", []string{"render", page, "--duration", "1s", "-o", filepath.Join(dir, "out.avi")}, `unknown extension ".avi"`},
		{"output dir missing", []string{"render", page, "--duration", "1s", "-o", filepath.Join(dir, "no", "out.mp4")}, "does not exist"},
		{"unknown flag", []string{"render", page, "--duration", "1s", "--speed", "2", "-o", out}, "flag provided but not defined: -speed"},
		{"two inputs", []string{"render", page, page, "--duration", "1s", "-o", out}, "one input"},
		{"bad progress", []string{"render", page, "--duration", "1s", "--progress", "fancy", "-o", out}, "--progress"},
		{"deck with duration", []string{"render", mixedDeck, "--duration", "3s", "-o", out}, "decks time themselves; remove --duration or use --slide-duration"},
		{"job with webm", []string{"render", mixedDeck, "--job", filepath.Join(dir, "job"), "-o", filepath.Join(dir, "out.webm")}, "not supported with --job"},
		{"job with a bad preset", []string{"render", mixedDeck, "--job", filepath.Join(dir, "job"), "-o", out, "--preset", "ludicrous"}, "unknown libx264 preset"},
		{"output is a directory", []string{"render", mixedDeck, "-o", dir}, "is a directory"},
		{"output is a FIFO", []string{"render", page, "--duration", "1s", "-o", fifo}, "is not a regular file (a named pipe)"},
		{"output is a link", []string{"render", page, "--duration", "1s", "-o", link}, "is not a regular file (a symbolic link)"},
		{"absurd workers", []string{"render", page, "--duration", "1s", "--workers", "100000", "-o", out}, "--workers must be auto or between 1 and 64"},
		{"negative ready timeout", []string{"render", page, "--duration", "1s", "--ready-timeout", "-5s", "-o", out}, "--ready-timeout must be between"},
		{"bad input type", []string{"render", page, "--input-type", "keynote", "-o", out}, `unknown input type "keynote"`},
		{"bad deck", []string{"render", badDeck, "-o", out}, "bad.md:"},
		{"manifest output outside the deck", []string{"render", escaping}, `escaping.yaml:1:9: output "../../x.mp4" must be a path inside the deck's directory`},
		{"manifest output absolute", []string{"render", absolute}, "must be a path inside the deck's directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, tc.args...)
			if res.code != 2 {
				t.Errorf("exit code %d, want 2; stderr: %s", res.code, res.stderr)
			}
			if !strings.Contains(res.stderr, tc.want) {
				t.Errorf("stderr %q does not mention %q", res.stderr, tc.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s was written", out)
			}
		})
	}
	// What was refused is left as it was.
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO output is no longer a FIFO: %v %v", st, err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link output is no longer a link: %v %v", st, err)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"render", "--help"}, {"demo", "--help"}} {
		res := runCLI(t, args...)
		if res.code != 0 || !strings.Contains(res.stdout, "Usage") {
			t.Errorf("%v: exit %d, stdout %q", args, res.code, res.stdout)
		}
	}
	res := runCLI(t, "render", "--help")
	for _, flag := range []string{"-duration", "-fps", "-size", "-o", "-workers", "-browser", "-progress", "-ready-timeout", "-allow-net", "-crf", "-preset"} {
		if !strings.Contains(res.stdout, flag) {
			t.Errorf("render --help does not explain %s", flag)
		}
	}
}

// TestRemoteRequestsBlocked checks that a page reaching for the internet
// fails fast, with one warning per host, and still renders.
func TestRemoteRequestsBlocked(t *testing.T) {
	requireTools(t)
	page := writePage(t, `<body style="background:#08f">
<img src="http://example.com/a.png"><img src="http://example.com/b.png">
<script>fetch("https://cdn.example.org/x.js").catch(() => {});</script></body>`)
	out := filepath.Join(t.TempDir(), "out.mp4")
	res := runCLI(t, "render", page, "--duration", "0.5s", "--size", "320x240", "-o", out, "--progress", "plain")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	for _, host := range []string{"example.com", "cdn.example.org"} {
		if n := strings.Count(res.stderr, "blocked a request to "+host); n != 1 {
			t.Errorf("warnings for %s: %d, want 1; stderr: %s", host, n, res.stderr)
		}
	}
	if res.elapsed > 30*time.Second {
		t.Errorf("render took %s: blocked requests must fail fast", res.elapsed)
	}
}

// TestPageNeverReady checks the ready timeout: a page whose image never
// arrives fails with exit 2 and a clear message, and a good file already
// at the output path survives.
func TestPageNeverReady(t *testing.T) {
	requireTools(t)
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow.png" {
			select {
			case <-hang:
			case <-r.Context().Done():
			}
			return
		}
		fmt.Fprint(w, `<html><body><img src="/slow.png"></body></html>`)
	}))
	defer srv.Close()
	defer close(hang)
	out := filepath.Join(t.TempDir(), "out.mp4")
	os.WriteFile(out, []byte("good"), 0o644)
	res := runCLI(t, "render", srv.URL+"/page.html", "--duration", "1s", "--size", "320x240", "-o", out, "--ready-timeout", "2s")
	if res.code != 2 {
		t.Errorf("exit %d, want 2; stderr: %s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "did not become ready") || !strings.Contains(res.stderr, "--ready-timeout") {
		t.Errorf("stderr does not explain the timeout: %s", res.stderr)
	}
	if data, _ := os.ReadFile(out); string(data) != "good" {
		t.Errorf("output was replaced: %q", data)
	}
}

func TestUnreachableURL(t *testing.T) {
	requireTools(t)
	out := filepath.Join(t.TempDir(), "out.mp4")
	res := runCLI(t, "render", "http://127.0.0.1:1/page.html", "--duration", "1s", "-o", out)
	if res.code != 2 || !strings.Contains(res.stderr, "unreachable") {
		t.Errorf("exit %d, stderr %q; want 2 and 'unreachable'", res.code, res.stderr)
	}
}

// TestPageErrorReported checks that an exception names its message and line.
func TestPageErrorReported(t *testing.T) {
	requireTools(t)
	page := writePage(t, "<body>\n<script>\nfunction boom() {\n  throw new Error('kaboom at three');\n}\nsetTimeout(boom, 100);\n</script></body>")
	out := filepath.Join(t.TempDir(), "out.mp4")
	res := runCLI(t, "render", page, "--duration", "0.5s", "--size", "320x240", "-o", out, "--progress", "plain")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "kaboom at three") || !strings.Contains(res.stderr, "page.html:4") {
		t.Errorf("stderr does not report the error with its line: %s", res.stderr)
	}
}

// TestInterrupt sends SIGINT part way through a render: deckreel must exit
// 130 within a few seconds, leave no Chrome or ffmpeg behind and no file
// at the output path.
func TestInterrupt(t *testing.T) {
	requireTools(t)
	page := writePage(t, `<body style="margin:0"><div id="b" style="width:100px;height:100px;background:red"></div>
<script>function f(t){document.getElementById('b').style.transform='translateX('+(t/10)+'px)';requestAnimationFrame(f)}requestAnimationFrame(f)</script></body>`)
	out := filepath.Join(t.TempDir(), "out.mp4")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	marker := fmt.Sprintf("interrupt-%d", time.Now().UnixNano())
	cmd, _, stderr := deckreel(t, ctx, marker, "render", page, "--duration", "10m", "--size", "640x360", "-o", out, "--progress", "plain")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until frames are flowing, so Chrome and ffmpeg are both busy.
	deadline := time.Now().Add(60 * time.Second)
	flowing := regexp.MustCompile(`rendered [1-9][0-9]*/`)
	for !flowing.MatchString(stderr.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("no progress: %s", stderr.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	took := time.Since(sent)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Errorf("exit: %v, want code 130; stderr: %s", err, stderr.String())
	}
	if took > 5*time.Second {
		t.Errorf("took %s to stop after SIGINT", took)
	}
	assertNoLeftovers(t, marker)
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("left in the output directory: %v", names)
	}
}

// TestDemo renders the embedded sample deck and checks its frame count:
// the deck's own duration at its 30 fps, at the size given on the command
// line.
func TestDemo(t *testing.T) {
	requireTools(t)
	out := filepath.Join(t.TempDir(), "demo.mp4")
	res := runCLI(t, "demo", "-o", out, "--size", "640x360", "--progress", "none")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	info, err := mediatest.ProbeVideo(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	d, err := deck.LoadFS(assets.SampleDeck(), "deck.md", deck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if want := d.Frames(30); info.Frames != want || info.Width != 640 || info.Height != 360 {
		t.Errorf("demo: %+v, want %d frames of 640x360", info, want)
	}
	// Sound, captions and chapters (issue: a deck video is a talk).
	out2, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=codec_type:chapter=start_time",
		"-of", "csv=p=0", out).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := string(out2)
	for _, want := range []string{"video", "audio", "subtitle"} {
		if !strings.Contains(got, want) {
			t.Errorf("demo has no %s stream: %s", want, got)
		}
	}
	if n := strings.Count(got, "\n") - strings.Count(got, "video") - strings.Count(got, "audio") - strings.Count(got, "subtitle") - strings.Count(got, "data"); n != len(d.Slides) {
		t.Errorf("demo has %d chapters, want %d (one per slide): %s", n, len(d.Slides), got)
	}
}
