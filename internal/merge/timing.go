package merge

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// This file is where the joined video's timestamps come from. The parts
// may have any number of frames, so a part's start (frames before it /
// fps) is usually not a whole number of microseconds, nor of the parts'
// own ticks: encode muxes them in 1/1200000 s, the raw H.264 demuxer's
// clock, in which a frame at 7 fps is 171428.57 ticks. The join therefore
// moves the video onto a clock that has a whole number of ticks per frame
// (frameClock) and gets there in two roundings, each far smaller than
// half of that clock's tick, so both round away:
//
//   - concatList starts each part at its first frame's exact time rounded
//     to the microsecond (the concat demuxer's unit; it adds the declared
//     durations up as integers, so the rounding does not accumulate), and
//     the part's own timestamps are within half a part tick of exact;
//   - the MP4 muxer, told the new timescale (-video_track_timescale),
//     rescales every packet to it, rounding to the nearest tick.
//
// At most about 1.3 µs off before the rescale, against a tick of at least
// 1/20000 s: the result is frame n at exactly n ticks-per-frame. The
// parts' time base must be fine enough for that (timeBaseProblem), and
// checkTimeline reads every packet of the result to make sure.

// frameClock is the time base of a joined video: frame n starts at tick
// n·perFrame of a clock that ticks timescale times a second.
type frameClock struct {
	timescale int64 // fps·perFrame
	perFrame  int64 // a power of two
}

// clockFor returns the clock of a video at fps (> 0) frames a second: fps
// doubled until it is at least 10000 ticks a second, the timescale
// ffmpeg's MP4 muxer gives a stream timed in whole frames (15360 at 30
// fps, 14336 at 7).
func clockFor(fps int) frameClock {
	c := frameClock{timescale: int64(fps), perFrame: 1}
	for c.timescale < 10000 {
		c.timescale *= 2
		c.perFrame *= 2
	}
	return c
}

// tick is the clock's tick, rounded down to the nanosecond.
func (c frameClock) tick() time.Duration { return time.Second / time.Duration(c.timescale) }

// timeBaseProblem says why a part timed in timeBase (an ffprobe rational
// such as "1/1200000") cannot be placed exactly on c at fps, or returns "".
// A part can be if every frame is a whole number of its ticks (then its
// timestamps are exact), or if its ticks are at least four times finer
// than c's (then its rounding, with the microsecond of the concat
// demuxer's offsets, stays under half a tick of c).
func (c frameClock) timeBaseProblem(timeBase string, fps int) string {
	num, den, err := parseRational(timeBase)
	if err != nil {
		return fmt.Sprintf("time base %q: %v", timeBase, err)
	}
	if den%(num*int64(fps)) == 0 || den >= 4*c.timescale*num {
		return ""
	}
	return fmt.Sprintf("time base %s cannot place frames at %d fps exactly (a frame must be a whole number of its ticks, or a tick at most 1/%d s)",
		timeBase, fps, 4*c.timescale)
}

func parseRational(s string) (num, den int64, err error) {
	n, d, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, errors.New("not a rational")
	}
	if num, err = strconv.ParseInt(n, 10, 64); err != nil {
		return 0, 0, err
	}
	if den, err = strconv.ParseInt(d, 10, 64); err != nil {
		return 0, 0, err
	}
	if num <= 0 || den <= 0 {
		return 0, 0, errors.New("not positive")
	}
	return num, den, nil
}

// concatList is the ffconcat script that joins parts. Each part but the
// last declares how long it lasts, so that the next one starts at its
// first frame's time rounded to the microsecond: the difference of the
// rounded starts, not each part's own rounded length, whose errors would
// add up (measured: 150 parts of one frame at 240 fps, with lengths
// rounded down, put 101 frames one tick of the joined video late). Without
// a declared length, the demuxer would take the one the MP4 declares,
// rounded up to the millisecond (13 frames at 7 fps declare 1.858 s, not
// 1.857143 s).
func concatList(parts []Part, fps int) string {
	var b strings.Builder
	b.WriteString("ffconcat version 1.0\n")
	frames := 0
	for i, p := range parts {
		fmt.Fprintf(&b, "file %s\n", quote("file:"+absPath(p.Path)))
		if i < len(parts)-1 {
			start := startMicros(frames, fps)
			frames += p.Frames
			us := startMicros(frames, fps) - start
			fmt.Fprintf(&b, "duration %d.%06d\n", us/1_000_000, us%1_000_000)
		}
	}
	return b.String()
}

// startMicros is the time of frame n at fps, rounded to the nearest
// microsecond.
func startMicros(n, fps int) int64 {
	return (int64(n)*2_000_000 + int64(fps)) / (2 * int64(fps))
}

// checkTimeline reads every video packet of the joined video at path (with
// ffprobe, or "ffprobe" from PATH if empty) and reports the first way it
// is not frames frames on clock c: a time base of 1/c.timescale, and
// packet n at pts = dts = n·c.perFrame, lasting c.perFrame. It reads the
// file once and streams ffprobe's report, so memory stays flat however
// long the video is.
func checkTimeline(ctx context.Context, ffprobe, path string, frames int, c frameClock) error {
	if ffprobe == "" {
		ffprobe = "ffprobe"
	}
	var stderr strings.Builder
	cmd := exec.CommandContext(ctx, ffprobe, "-v", "error", "-select_streams", "v:0",
		"-show_entries", "packet=pts,dts,duration:stream=time_base", "-of", "compact", "file:"+path)
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	var (
		n        int64
		timeBase string
		problem  error
	)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if tb, ok := strings.CutPrefix(line, "stream|time_base="); ok {
			timeBase = tb
			continue
		}
		if problem == nil {
			problem = c.checkPacket(n, line)
		}
		n++
	}
	scanErr := sc.Err()
	_, _ = io.Copy(io.Discard, out) // read the pipe fully before Wait
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("%s: %w: %s", ffprobe, err, strings.TrimSpace(stderr.String()))
	}
	switch want := fmt.Sprintf("1/%d", c.timescale); {
	case scanErr != nil:
		return fmt.Errorf("read ffprobe's packets: %w", scanErr)
	case n != int64(frames):
		return fmt.Errorf("%d frames, want %d", n, frames)
	case timeBase != want:
		return fmt.Errorf("time base %s, want %s", timeBase, want)
	}
	return problem
}

// checkPacket checks ffprobe's compact line for packet n.
func (c frameClock) checkPacket(n int64, line string) error {
	var pts, dts, dur int64
	if _, err := fmt.Sscanf(line, "packet|pts=%d|dts=%d|duration=%d", &pts, &dts, &dur); err != nil {
		return fmt.Errorf("frame %d: unreadable timestamps %q", n, line)
	}
	if want := n * c.perFrame; pts != want || dts != want || dur != c.perFrame {
		return fmt.Errorf("frame %d has pts %d, dts %d and lasts %d; want %d, %d and %d (ticks of 1/%d s)",
			n, pts, dts, dur, want, want, c.perFrame, c.timescale)
	}
	return nil
}
