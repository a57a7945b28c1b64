package soundtrack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// FileError reports an audio file that cannot be used: missing, unreadable,
// not audio, or of unknown length. It names the file as the caller gave
// it; the CLI treats it as bad input.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return fmt.Sprintf("audio %s: %v", e.Path, e.Err) }
func (e *FileError) Unwrap() error { return e.Err }

// ErrNoAudio is the cause in a FileError for a file that ffmpeg can read
// but that has no audio stream (an image, say, or a silent video).
var ErrNoAudio = errors.New("no audio stream in the file")

// Probe returns the length of the first audio stream of path, asking
// ffprobe (found in PATH). For a slide whose duration follows its
// narration, the slide lasts this long plus its pad.
//
// A file that is missing, unreadable, not audio, or whose length cannot be
// found is reported as a *FileError (ErrNoAudio for a file without sound);
// a missing ffprobe or a cancelled ctx is not. The length comes from the
// container, which for some files (MP3 without a length header, raw AAC)
// is an estimate; when it has none, the packets are read to add it up.
func Probe(ctx context.Context, path string) (time.Duration, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return 0, &FileError{Path: path, Err: errors.New("no such file")}
	case err != nil:
		return 0, &FileError{Path: path, Err: err}
	case st.IsDir():
		return 0, &FileError{Path: path, Err: errors.New("is a directory, not an audio file")}
	}
	out, err := ffprobe(ctx, path, "-select_streams", "a:0",
		"-show_entries", "stream=index,duration:format=duration", "-of", "json")
	if err != nil {
		return 0, err
	}
	var probe struct {
		Streams []struct {
			Index    *int   `json:"index"`
			Duration string `json:"duration"`
		} `json:"streams"`
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &probe); err != nil {
		return 0, fmt.Errorf("probe audio %s: parse ffprobe output: %w", path, err)
	}
	if len(probe.Streams) == 0 {
		return 0, &FileError{Path: path, Err: ErrNoAudio}
	}
	for _, d := range []string{probe.Streams[0].Duration, probe.Format.Duration} {
		if secs, err := strconv.ParseFloat(d, 64); err == nil && secs > 0 && !math.IsInf(secs, 0) {
			return time.Duration(math.Round(secs * float64(time.Second))), nil
		}
	}
	return packetLength(ctx, path)
}

// packetLength adds up the length of a file whose container does not say
// it, from the timestamps and durations of its audio packets.
func packetLength(ctx context.Context, path string) (time.Duration, error) {
	out, err := ffprobe(ctx, path, "-select_streams", "a:0",
		"-show_entries", "packet=pts_time,duration_time", "-of", "csv=p=0")
	if err != nil {
		return 0, err
	}
	end := 0.0
	for _, line := range strings.Split(string(out), "\n") {
		pts, dur, _ := strings.Cut(strings.TrimSpace(line), ",")
		p, err1 := strconv.ParseFloat(pts, 64)
		d, err2 := strconv.ParseFloat(dur, 64)
		if err1 == nil && err2 == nil {
			end = max(end, p+d)
		}
	}
	if end <= 0 || math.IsInf(end, 0) {
		return 0, &FileError{Path: path, Err: errors.New("cannot tell how long it is")}
	}
	return time.Duration(math.Round(end * float64(time.Second))), nil
}

// ffprobe runs ffprobe on path with args and returns its output. A failure
// that ffprobe reports is the file's fault: a *FileError quoting ffprobe.
func ffprobe(ctx context.Context, path string, args ...string) ([]byte, error) {
	bin, err := exec.LookPath("ffprobe")
	if err != nil {
		return nil, fmt.Errorf("probe audio %s: find ffprobe: %w", path, err)
	}
	var stdout, stderr bytes.Buffer
	args = append(append([]string{"-v", "error"}, args...), inputPath(path))
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("probe audio %s: %w", path, context.Cause(ctx))
		}
		msg := ffprobeMessage(stderr.String(), inputPath(path))
		if msg == "" {
			msg = err.Error()
		}
		return nil, &FileError{Path: path, Err: fmt.Errorf("ffmpeg cannot read it: %s", msg)}
	}
	return stdout.Bytes(), nil
}

// ffprobeMessage turns ffprobe's error log into one line: without the
// "[mp3 @ 0x55d0c0]" context tags or the input's name (our file: form of
// the path; the FileError names the file already), lines joined by "; ".
func ffprobeMessage(log, input string) string {
	var parts []string
	for _, line := range strings.Split(log, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			if i := strings.Index(line, "] "); i >= 0 {
				line = line[i+2:]
			}
		}
		line = strings.TrimPrefix(line, input+": ")
		if line != "" {
			parts = append(parts, line)
		}
	}
	return strings.Join(parts, "; ")
}

// CheckFiles probes every file in p, each once, and returns the first
// problem: call it before a render starts, so that a missing or broken
// audio file is reported before any frame is captured.
func (p Plan) CheckFiles(ctx context.Context) error {
	seen := map[string]bool{}
	paths := make([]string, 0, len(p.Clips)+1)
	for _, c := range p.Clips {
		paths = append(paths, c.Path)
	}
	if p.Music != nil {
		paths = append(paths, p.Music.Path)
	}
	for _, path := range paths {
		if seen[path] {
			continue
		}
		seen[path] = true
		if _, err := Probe(ctx, path); err != nil {
			return err
		}
	}
	return nil
}
