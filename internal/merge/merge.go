package merge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
	"golang.org/x/sync/errgroup"

	"github.com/deckreel/deckreel/encode"
)

// Part is one chunk video and the number of frames it must have.
type Part struct {
	Path   string
	Frames int
	// Known, if set, is what probing the part found earlier (a job's
	// record of a finished chunk, still the same file): [Check] uses it
	// instead of probing the part again.
	Known *Stream
}

// Options configures [Check] and [Join].
type Options struct {
	// Parts are the chunks, in order. Required.
	Parts []Part
	// Width, Height and FPS are what every part must have.
	Width, Height, FPS int
	// Output is the joined video (.mp4). Its directory must exist; Join
	// writes a temporary file there and renames it onto Output when done.
	Output string
	// FFmpeg and FFprobe are the executables; empty means the ones in PATH.
	FFmpeg, FFprobe string
	// Probes bounds how many parts are probed at once; zero means 4.
	Probes int
	// Audio, SubtitlesFile and MetadataFile, if set, add the whole
	// video's sound, a soft subtitle track and the chapters to the joined
	// file (see encode.Options).
	Audio                       encode.AudioSource
	SubtitlesFile, MetadataFile string
	// Stderr, if set, receives ffmpeg's error log.
	Stderr io.Writer
}

// PartError is a part that cannot be joined, and why.
type PartError struct {
	Index int
	Path  string
	Err   error
}

func (e *PartError) Error() string { return fmt.Sprintf("part %d (%s): %v", e.Index, e.Path, e.Err) }
func (e *PartError) Unwrap() error { return e.Err }

// Check probes every part (see [Probe]) and returns the streams, or an
// error joining a *[PartError] for each part that is missing, has the wrong
// number of frames, duration, size or frame rate, does not start with a
// keyframe at timestamp 0, has a time base too coarse to place its frames
// exactly (see [Join]), or was encoded with other codec parameters than
// the first. A part may have any number of frames.
func Check(ctx context.Context, o Options) ([]Stream, error) {
	if len(o.Parts) == 0 {
		return nil, errors.New("merge: no parts")
	}
	if o.FPS <= 0 {
		return nil, fmt.Errorf("merge: frame rate %d is not positive", o.FPS)
	}
	streams := make([]Stream, len(o.Parts))
	errs := make([]error, len(o.Parts))
	g, gctx := errgroup.WithContext(ctx)
	if o.Probes <= 0 {
		o.Probes = 4
	}
	g.SetLimit(o.Probes)
	for i, p := range o.Parts {
		g.Go(func() error {
			if _, err := os.Stat(p.Path); err != nil {
				errs[i] = &PartError{i, p.Path, errors.Unwrap(err)}
				return nil
			}
			if p.Known != nil {
				streams[i] = *p.Known
				return nil
			}
			s, err := Probe(gctx, o.FFprobe, p.Path)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				errs[i] = &PartError{i, p.Path, err}
				return nil
			}
			streams[i] = s
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	// Compared in one place, in order, against the first good part.
	var ref *Stream
	wantRate := fmt.Sprintf("%d/1", o.FPS)
	clock := clockFor(o.FPS)
	// A sound part is off its frames' exact length by rounding only
	// (ffprobe's microsecond, the part's own ticks), whatever its frame
	// count; a quarter of the joined video's tick allows that, and refuses
	// a last frame long or short enough to change the joined video's.
	slack := clock.tick() / 4
	for i, p := range o.Parts {
		if errs[i] != nil {
			continue
		}
		s := streams[i]
		var problems []string
		if s.Packets != p.Frames {
			problems = append(problems, fmt.Sprintf("%d frames, want %d", s.Packets, p.Frames))
		}
		if s.Width != o.Width || s.Height != o.Height {
			problems = append(problems, fmt.Sprintf("size %dx%d, want %dx%d", s.Width, s.Height, o.Width, o.Height))
		}
		want := time.Duration(p.Frames) * time.Second / time.Duration(o.FPS)
		if d := s.Duration - want; d > slack || -d > slack {
			problems = append(problems, fmt.Sprintf("lasts %s, want %s", s.Duration, want))
		}
		if why := clock.timeBaseProblem(s.TimeBase, o.FPS); why != "" {
			problems = append(problems, why)
		}
		if s.FrameRate != wantRate {
			problems = append(problems, fmt.Sprintf("frame rate %s, want %s", s.FrameRate, wantRate))
		}
		if !s.KeyFirst || s.FirstPTS != 0 {
			problems = append(problems, fmt.Sprintf("does not start with a keyframe at time 0 (first packet at %d, keyframe %v)", s.FirstPTS, s.KeyFirst))
		}
		if ref == nil {
			ref = &streams[i]
		} else if s.params() != ref.params() {
			problems = append(problems, fmt.Sprintf("encoded as %s, but part %d as %s", s.params(), indexOf(streams, ref), ref.params()))
		}
		if len(problems) > 0 {
			errs[i] = &PartError{i, p.Path, errors.New(strings.Join(problems, "; "))}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("merge: parts cannot be joined: %w", err)
	}
	return streams, nil
}

func indexOf(ss []Stream, p *Stream) int {
	for i := range ss {
		if &ss[i] == p {
			return i
		}
	}
	return -1
}

// Join checks the parts (see [Check]) and joins them into Output without
// re-encoding. Output is written atomically: a temporary file next to it is
// checked to have every frame at its exact time, synced and renamed into
// place, so a failed or cancelled join leaves Output as it was. It takes
// about one read and one write of the parts, and one more read of the
// result. When ctx ends, ffmpeg is sent SIGINT and killed five seconds
// later if it has not exited. With the same ffmpeg, the same parts and
// options give the same bytes every time.
//
// The parts may have any number of frames. The joined video is at a
// constant frame rate to the tick: frame n has pts = dts = n·2^k and lasts
// 2^k, in ticks of 1/(FPS·2^k) s, the first such timescale of at least
// 10000 ticks a second (15360 at 30 fps, 512 a frame); the sound,
// subtitles and chapters, timed in seconds from 0, stay with it. The parts
// are timed in 1/1200000 s, in which a frame at, say, 7 fps is no whole
// number of ticks; the concat demuxer places each part within about a
// microsecond of its exact start, and the MP4 muxer's rescale to the
// coarser clock rounds that away (timing.go has the arithmetic).
//
// Why not rewrite the timestamps with the setts bitstream filter, or join
// the H.264 elementary streams? Measured with ffmpeg 5.1: setts is exact
// only in the parts' own time base (ts=N*40000 at 30 fps), which has no
// whole number of ticks per frame at 7 fps, and ffmpeg does not rescale
// its output when the time base changes: 33 frames at 7 fps came out
// lasting 2.3 ms with setts's time_base=1/7, and 808 s with
// -video_track_timescale. The raw H.264 demuxer has the same 1/1200000 s
// clock, and running one ffmpeg per part to extract the streams took 10 s,
// against 0.7 s for the concat demuxer, to join 60 parts of 720p (1830
// frames).
func Join(ctx context.Context, o Options) error {
	if _, err := Check(ctx, o); err != nil {
		return err
	}
	clock := clockFor(o.FPS)
	ffmpeg := o.FFmpeg
	if ffmpeg == "" {
		ffmpeg = "ffmpeg"
	}
	out, err := filepath.Abs(o.Output)
	if err != nil {
		return fmt.Errorf("merge into %s: %w", o.Output, err)
	}
	dir, base := filepath.Split(out)
	tmp, err := os.CreateTemp(dir, "."+base+".deckreel-merge-*.tmp.mp4")
	if err != nil {
		return fmt.Errorf("merge into %s: %w", o.Output, err)
	}
	tmpPath := tmp.Name()
	_ = tmp.Close()
	keep := false
	defer func() {
		if !keep {
			_ = os.Remove(tmpPath)
		}
	}()
	list, err := os.CreateTemp(dir, "."+base+".deckreel-merge-*.ffconcat")
	if err != nil {
		return fmt.Errorf("merge into %s: %w", o.Output, err)
	}
	defer os.Remove(list.Name())
	_, err = io.WriteString(list, concatList(o.Parts, o.FPS))
	if cerr := list.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("merge into %s: write the list of parts: %w", o.Output, err)
	}

	args, err := joinArgs(o, clock, list.Name(), tmpPath)
	if err != nil {
		return fmt.Errorf("merge into %s: %w", o.Output, err)
	}
	var stderr strings.Builder
	cmd := exec.CommandContext(ctx, ffmpeg, args...)
	cmd.Stderr = &stderr
	if o.Stderr != nil {
		cmd.Stderr = io.MultiWriter(&stderr, o.Stderr)
	}
	// A SIGKILLed ffmpeg leaves an MP4 without its index; it is a temporary
	// file either way, but ask nicely first.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("merge into %s: %w", o.Output, context.Cause(ctx))
		}
		return fmt.Errorf("merge into %s: ffmpeg: %w: %s", o.Output, err, strings.TrimSpace(stderr.String()))
	}

	want := 0
	for _, p := range o.Parts {
		want += p.Frames
	}
	if err := checkTimeline(ctx, o.FFprobe, tmpPath, want, clock); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("merge into %s: %w", o.Output, context.Cause(ctx))
		}
		return fmt.Errorf("merge into %s: the joined video is not at a constant frame rate: %w", o.Output, err)
	}
	if err := syncPath(tmpPath); err != nil {
		return fmt.Errorf("merge into %s: %w", o.Output, err)
	}
	if err := os.Chmod(tmpPath, 0o644); err != nil {
		return fmt.Errorf("merge into %s: %w", o.Output, err)
	}
	if err := os.Rename(tmpPath, out); err != nil {
		return fmt.Errorf("merge into %s: %w", o.Output, err)
	}
	keep = true
	_ = syncPath(dir) // best effort: the video is complete and in place
	return nil
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// quote quotes s for an ffconcat script: inside single quotes nothing is
// special, so a single quote in s ends the quoted part, is escaped with a
// backslash, and a new quoted part begins.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// joinArgs is the ffmpeg command that joins the parts listed in list into
// tmp without re-encoding the video, timed on clock c, adding the sound,
// the subtitle track and the chapters of the whole video when o has them.
//
// The movie's timescale is the video's too: every track's edit list is in
// it, and in the default milliseconds the video's said 3.834 s and the
// sound's 3.833 s (of 3.833333) for 115 frames at 30 fps, cutting the
// sound's last 16 samples. The chapter track is in it as well, so a
// chapter's start, in milliseconds in MetadataFile, moves by up to half a
// tick (1.367 s is 20997 ticks at 30 fps, 1.366992 s); the subtitle track
// keeps its microseconds.
func joinArgs(o Options, c frameClock, list, tmp string) ([]string, error) {
	timescale := strconv.FormatInt(c.timescale, 10)
	if o.Audio == nil && o.SubtitlesFile == "" && o.MetadataFile == "" {
		return []string{"-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
			"-f", "concat", "-safe", "0", "-i", "file:" + list,
			"-map", "0:v:0", "-c", "copy", "-video_track_timescale", timescale, "-movie_timescale", timescale,
			"-movflags", "+faststart", "-f", "mp4", "-y", "file:" + tmp}, nil
	}
	mp4, err := encode.FormatFor(tmp, "mp4")
	if err != nil {
		return nil, err
	}
	extra, out, err := encode.Extras(mp4, o.Audio, o.SubtitlesFile)
	if err != nil {
		return nil, err
	}
	out["c:v"] = "copy"
	out["video_track_timescale"] = timescale
	out["movie_timescale"] = timescale
	out["movflags"] = "+faststart"
	out["f"] = "mp4"
	video := ffmpeg.Input("file:"+list, ffmpeg.KwArgs{"f": "concat", "safe": 0}).Video()
	args := ffmpeg.Output(append([]*ffmpeg.Stream{video}, extra...), "file:"+tmp, out).
		GlobalArgs("-hide_banner", "-nostdin", "-nostats", "-loglevel", "error").
		OverWriteOutput().
		GetArgs()
	if o.MetadataFile != "" {
		return encode.AddMetadataInput(args, o.MetadataFile)
	}
	return args, nil
}
