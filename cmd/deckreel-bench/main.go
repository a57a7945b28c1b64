// Command deckreel-bench renders the benchmark workloads with the deckreel
// binary and, in the same run, measures the machine's limits for each: raw
// beginFrame capture of as many frames of the page as deckreel captured,
// with no pipeline, and ffmpeg encoding the same number of output frames
// from one still image with deckreel's encoder settings. It prints the
// figures and the ratios deckreel/limit. The machine is small and noisy, so
// each figure is the median of -runs runs.
//
//	go run ./cmd/deckreel-bench -deckreel bin/deckreel -workloads ../shared/bench
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/deckreel/deckreel/capture"
	"github.com/deckreel/deckreel/internal/proc"
	"github.com/deckreel/deckreel/internal/render"
)

type workload struct {
	file     string
	duration time.Duration
}

var workloads = []workload{
	{"animated.html", 10 * time.Second},
	{"deck.html", 60 * time.Second},
	{"long-deck.html", 600 * time.Second},
}

type options struct {
	deckreel string
	dir      string
	only     string
	runs     int
	width    int
	height   int
	fps      int
	extra    string
}

func main() {
	var o options
	flag.StringVar(&o.deckreel, "deckreel", "bin/deckreel", "deckreel binary to measure")
	flag.StringVar(&o.dir, "workloads", "../shared/bench", "directory with the benchmark pages")
	flag.StringVar(&o.only, "only", "", "comma-separated workloads to run (default all): the files, "+formatWorkload+" (PNG and JPEG captures compared), "+animWorkload+" (1000 and 10,000 CSS animations), "+clockWorkload+" (three ways of moving 1000 CSS animations compared) and "+editWorkload+" (a job re-rendered after an edit)")
	flag.IntVar(&o.runs, "runs", 1, "runs per measurement; the median is reported")
	flag.IntVar(&o.fps, "fps", 30, "frames per second")
	flag.IntVar(&o.width, "width", 1920, "width")
	flag.IntVar(&o.height, "height", 1080, "height")
	flag.StringVar(&o.extra, "args", "", "extra render flags, space-separated")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "deckreel-bench:", err)
		os.Exit(1)
	}
}

type renderFigures struct {
	wall        time.Duration
	frames      int
	shots       int
	deckreelRSS int64 // KiB
	chromeRSS   int64 // KiB, peak of the sum over all Chrome processes
}

func run(ctx context.Context, o options) error {
	tmp, err := os.MkdirTemp("", "deckreel-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	fmt.Printf("deckreel benchmark: %dx%d at %d fps, median of %d run(s), %s\n", o.width, o.height, o.fps, o.runs, time.Now().Format(time.RFC3339))
	fmt.Printf("%-15s %8s %7s %7s %9s %10s %10s | %8s %10s %10s | %8s %8s %8s\n",
		"workload", "wall s", "frames", "shots", "frames/s", "deckreel", "chrome", "floor s", "capture s", "encode s", "vs floor", "vs cap", "vs enc")
	for _, w := range workloads {
		if o.only != "" && !slices.Contains(strings.Split(o.only, ","), w.file) {
			continue
		}
		page := filepath.Join(o.dir, w.file)
		var figs []renderFigures
		for range o.runs {
			f, err := renderOnce(ctx, o, page, w.duration, filepath.Join(tmp, "out.mp4"))
			if err != nil {
				return fmt.Errorf("%s: %w", w.file, err)
			}
			figs = append(figs, f)
		}
		med := medianFigures(figs)
		var floorTimes, capTimes, encTimes []time.Duration
		for range o.runs {
			f, err := rawFrames(ctx, o, page, med.frames, false)
			if err != nil {
				return fmt.Errorf("%s: raster floor: %w", w.file, err)
			}
			floorTimes = append(floorTimes, f)
			c, err := rawFrames(ctx, o, page, med.shots, true)
			if err != nil {
				return fmt.Errorf("%s: raw capture: %w", w.file, err)
			}
			capTimes = append(capTimes, c)
			e, err := stillEncode(ctx, o, tmp, med.frames)
			if err != nil {
				return fmt.Errorf("%s: still encode: %w", w.file, err)
			}
			encTimes = append(encTimes, e)
		}
		floorT, capT, encT := median(floorTimes), median(capTimes), median(encTimes)
		fmt.Printf("%-15s %8.1f %7d %7d %9.1f %9.0fM %9.0fM | %8.1f %10.1f %10.1f | %7.2fx %7.2fx %7.2fx\n",
			w.file, med.wall.Seconds(), med.frames, med.shots, float64(med.frames)/med.wall.Seconds(),
			float64(med.deckreelRSS)/1024, float64(med.chromeRSS)/1024,
			floorT.Seconds(), capT.Seconds(), encT.Seconds(),
			med.wall.Seconds()/floorT.Seconds(), med.wall.Seconds()/capT.Seconds(), med.wall.Seconds()/encT.Seconds())
	}
	fmt.Println("floor s: every frame of the page stepped and drawn by beginFrame without a screenshot (layout, paint, raster) in one tab, the machine's raster floor; " +
		"capture s: raw beginFrame capture (JPEG, the default) of `shots` frames of the page in one tab, no pipeline; encode s: ffmpeg encoding `frames` frames of one still with deckreel's settings.")
	if o.only == "" || slices.Contains(strings.Split(o.only, ","), formatWorkload) {
		pages := []string{filepath.Join(o.dir, "animated.html"), filepath.Join(o.dir, "deck.html")}
		if err := benchFormats(ctx, o, pages, 30); err != nil {
			return err
		}
	}
	if o.only == "" || slices.Contains(strings.Split(o.only, ","), animWorkload) {
		if err := benchAnimations(ctx, o, tmp); err != nil {
			return err
		}
	}
	if o.only == "" || slices.Contains(strings.Split(o.only, ","), clockWorkload) {
		if err := benchClocks(ctx, o, tmp); err != nil {
			return err
		}
	}
	if o.only == "" || slices.Contains(strings.Split(o.only, ","), editWorkload) {
		return benchEditOneSlide(ctx, o, tmp)
	}
	return nil
}

func renderOnce(ctx context.Context, o options, page string, d time.Duration, out string) (renderFigures, error) {
	args := []string{"render", page, "--duration", d.String(), "--fps", strconv.Itoa(o.fps),
		"--size", fmt.Sprintf("%dx%d", o.width, o.height), "-o", out, "--progress", "json"}
	if o.extra != "" {
		args = append(args, strings.Fields(o.extra)...)
	}
	cmd := exec.CommandContext(ctx, o.deckreel, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return renderFigures{}, err
	}
	var chromePeak int64
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				chromePeak = max(chromePeak, proc.TreeMemory(cmd.Process.Pid, "chrom")>>10)
			}
		}
	})
	err := cmd.Wait()
	wall := time.Since(start)
	close(done)
	wg.Wait()
	if err != nil {
		return renderFigures{}, fmt.Errorf("%v: %s", err, lastLines(stderr.String(), 5))
	}
	var res struct {
		Frames int `json:"frames"`
		Shots  int `json:"shots"`
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		return renderFigures{}, fmt.Errorf("read result line %q: %w", lines[len(lines)-1], err)
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var self int64
	if ru != nil {
		self = ru.Maxrss
	}
	return renderFigures{wall: wall, frames: res.Frames, shots: res.Shots, deckreelRSS: self, chromeRSS: chromePeak}, nil
}

// rawFrames times the page's first n frames in one tab, each stepped and
// drawn: with a screenshot (shoot), what capture costs with no pipeline
// around it; without, the raster floor (layout, paint, raster) that no
// capture of those frames can go under.
func rawFrames(ctx context.Context, o options, page string, n int, shoot bool) (time.Duration, error) {
	path, mode, err := capture.FindBrowser("auto")
	if err != nil {
		return 0, err
	}
	abs, err := filepath.Abs(page)
	if err != nil {
		return 0, err
	}
	srv, err := capture.ServeDir(filepath.Dir(abs), nil)
	if err != nil {
		return 0, err
	}
	defer srv.Close()
	b, err := capture.Launch(ctx, capture.BrowserOptions{Path: path, Mode: mode, Width: o.width, Height: o.height, Proxy: srv.Addr()})
	if err != nil {
		return 0, err
	}
	defer b.Close()
	// Shots as a render takes them by default (JPEG at the default
	// quality).
	tab, err := b.OpenTab(ctx, capture.TabOptions{URL: srv.URL(filepath.Base(abs)), Width: o.width, Height: o.height, FPS: o.fps,
		Format: capture.JPEG, Quality: render.DefaultJPEGQuality, Epoch: time.Now(), ReadyTimeout: 30 * time.Second})
	if err != nil {
		return 0, err
	}
	defer tab.Close()
	start := time.Now()
	for i := range n {
		if _, err := tab.Seek(ctx, i); err != nil {
			return 0, err
		}
		if shoot {
			_, err = tab.Shoot(ctx)
		} else {
			err = tab.Raster(ctx)
		}
		if err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

// stillEncode times ffmpeg encoding n frames of one still yuv420p image
// with deckreel's default encoder settings.
func stillEncode(ctx context.Context, o options, tmp string, n int) (time.Duration, error) {
	still := filepath.Join(tmp, "still.yuv")
	if _, err := os.Stat(still); err != nil {
		gen := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
			fmt.Sprintf("testsrc2=size=%dx%d:rate=1", o.width, o.height), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "yuv420p", still)
		if out, err := gen.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("make still: %v: %s", err, out)
		}
	}
	cmd := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-y", "-stream_loop", strconv.Itoa(n-1),
		"-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", fmt.Sprintf("%dx%d", o.width, o.height), "-framerate", strconv.Itoa(o.fps),
		"-i", still, "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p",
		"-movflags", "+faststart", filepath.Join(tmp, "still.mp4"))
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("%v: %s", err, out)
	}
	return time.Since(start), nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func medianFigures(fs []renderFigures) renderFigures {
	s := slices.Clone(fs)
	slices.SortFunc(s, func(a, b renderFigures) int { return int(a.wall - b.wall) })
	return s[len(s)/2]
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
