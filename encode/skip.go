package encode

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// Repeated frames at a constant frame rate are made by the encoder, not by
// x264 (see h264.go). Two ffmpeg processes do the work: the first encodes
// each distinct frame once and writes raw H.264 to a pipe, which the Encoder
// reads, inserting a skip picture for every repeat, and writes to the
// second, which only muxes (-c copy) at the constant frame rate.

// skipRepeats reports whether this encode writes repeats as skip pictures:
// H.264 with x264 at constant frame rate.
func (o Options) skipRepeats() bool {
	return o.Codec == "libx264" && !o.VFR && o.BurnFile == "" && o.plainMP4()
}

// plainMP4 reports H.264 in MP4, which the encoder's own paths write; other
// formats go through Format.Video.
func (o Options) plainMP4() bool {
	f, err := FormatFor(o.Output, o.FormatName)
	return err == nil && f.Name == "mp4" && (o.CodecName == "" || o.CodecName == "h264")
}

// FormatOptions returns o as the choices Format.Check judges.
func (o Options) FormatOptions() FormatOptions {
	fo := FormatOptions{
		Codec: o.CodecName, Transparent: o.Transparent, Audio: o.Audio != nil,
		Chapters: o.MetadataFile != "", VFR: o.VFR, Chunk: o.Chunk,
		Width: o.Width, Height: o.Height, FPS: o.FPS, Frames: o.Frames, InputPixFmt: o.PixFmt,
	}
	if o.SubtitlesFile != "" {
		fo.Captions = CaptionsEmbed
	}
	if o.BurnFile != "" {
		fo.Captions, fo.CaptionsFile = CaptionsBurn, o.BurnFile
	}
	return fo
}

// x264Shape is what h264.go needs from x264: no B-frames, one reference,
// CAVLC, and an access unit delimiter before every picture.
const x264Shape = "bframes=0:ref=1:cabac=0:aud=1"

// encodeArgs makes the first ffmpeg read the Matroska frames and write one
// H.264 picture per frame to stdout.
func encodeArgs(o Options) []string {
	out := ffmpeg.KwArgs{
		"an":          "",
		"c:v":         o.Codec,
		"pix_fmt":     "yuv420p",
		"crf":         o.CRF,
		"preset":      o.Preset,
		"x264-params": x264Shape,
		"fps_mode":    "passthrough",
		// The encoder's time base is 1/FPS whatever the frames' timestamps
		// suggest: x264 writes it into the SPS (VUI timing), which must not
		// depend on the content, or chunks of a job would not join.
		"r":               o.FPS,
		"colorspace":      "bt709",
		"color_primaries": "bt709",
		"color_trc":       "bt709",
		"color_range":     "tv",
		"f":               "h264",
	}
	if f := inputFilter(o.PixFmt); f != "" {
		out["vf"] = f
	}
	return ffmpeg.Input("pipe:0", ffmpeg.KwArgs{"f": "matroska"}).
		Output("pipe:1", out).
		// -xerror: a frame this ffmpeg cannot decode (a JPEG frame is
		// only checked for its size before it is sent) ends it with an
		// error instead of being left out. Its only input is ours.
		GlobalArgs("-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-xerror").
		GetArgs()
}

// muxArgs makes the second ffmpeg put the finished H.264 stream, one
// picture per frame, into the output file at the constant frame rate.
func muxArgs(o Options, path string) ([]string, error) {
	out := ffmpeg.KwArgs{
		"c:v": "copy",
		// Timestamps from the frame count: frame N at N/FPS exactly
		// (pts = dts: there are no B-frames). The raw H.264 demuxer's
		// own are rounded, and its guesses depend on the content.
		"bsf:v":    fmt.Sprintf("setts=ts=N/(%d*TB):duration=1/(%d*TB)", o.FPS, o.FPS),
		"movflags": "+faststart",
	}
	mp4, err := FormatFor(path, "mp4")
	if err != nil {
		return nil, err
	}
	// The container is named, not guessed from the (temporary) file's
	// extension: -o video.bin --format mp4 writes an MP4.
	out["f"] = mp4.Muxer
	extra, eargs, err := o.extras(mp4)
	if err != nil {
		return nil, err
	}
	for k, v := range eargs {
		out[k] = v
	}
	video := ffmpeg.Input("pipe:0", ffmpeg.KwArgs{"f": "h264", "framerate": o.FPS})
	args := ffmpeg.Output(append([]*ffmpeg.Stream{video}, extra...), "file:"+path, out).
		GlobalArgs("-hide_banner", "-nostdin", "-nostats", "-loglevel", "error").
		OverWriteOutput().
		GetArgs()
	return o.withMetadata(args)
}

// runQueue hands the repeat count of each frame written to the pump, which
// meets the frame again as an access unit once x264 has encoded it.
type runQueue struct {
	mu   sync.Mutex
	runs []int
}

func (q *runQueue) push(n int) {
	q.mu.Lock()
	q.runs = append(q.runs, n)
	q.mu.Unlock()
}

func (q *runQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.runs)
}

func (q *runQueue) pop() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.runs) == 0 {
		return 0, false
	}
	n := q.runs[0]
	q.runs = q.runs[1:]
	return n, true
}

// startMuxer starts the second ffmpeg and the pump goroutine between the
// two. The pump is owned by the Encoder: it ends when the first ffmpeg's
// output ends (Close, Abort or a crash), and wait waits for it.
func (e *Encoder) startMuxer(bin string, encOut io.ReadCloser) error {
	margs, err := muxArgs(e.opts, e.tmpPath)
	if err != nil {
		return err
	}
	mux := exec.CommandContext(e.ctx, bin, margs...)
	muxIn, err := mux.StdinPipe()
	if err != nil {
		return err
	}
	e.muxStderr = newTailWriter(stderrTailSize, e.opts.Stderr)
	mux.Stderr = e.muxStderr
	mux.Cancel = func() error {
		_ = muxIn.Close()
		return mux.Process.Signal(os.Interrupt)
	}
	mux.WaitDelay = e.opts.GracePeriod
	if err := mux.Start(); err != nil {
		return fmt.Errorf("start muxer: %w", err)
	}
	e.mux, e.pumpDone = mux, make(chan struct{})
	go func() {
		defer close(e.pumpDone)
		err := e.pump(encOut, muxIn)
		if cerr := muxIn.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close muxer input: %w", cerr)
		}
		if err != nil {
			e.pumpErr = err
			// Stop the encoder too, and drain it so it cannot block on a
			// full pipe before it notices.
			e.cancel(errFFmpegQuit)
			_, _ = io.Copy(io.Discard, encOut)
		}
	}()
	return nil
}

// pump copies access units from the encoder to the muxer, renumbered, each
// followed by the skip pictures for its repeats.
func (e *Encoder) pump(encOut io.Reader, muxIn io.Writer) error {
	var (
		split auSplitter
		ss    skipStream
		buf   = make([]byte, 256<<10)
		n     int
	)
	emit := func(au []byte) error {
		out, err := ss.rewrite(au)
		if err != nil {
			return fmt.Errorf("H.264 access unit %d: %w", n, err)
		}
		count, ok := e.runs.pop()
		if !ok {
			return fmt.Errorf("H.264 access unit %d: the encoder wrote more pictures than it was given frames", n)
		}
		n++
		if _, err := muxIn.Write(out); err != nil {
			return fmt.Errorf("write to muxer: %w", err)
		}
		for range count - 1 {
			skip, err := ss.skipAU()
			if err != nil {
				return err
			}
			if _, err := muxIn.Write(skip); err != nil {
				return fmt.Errorf("write to muxer: %w", err)
			}
		}
		return nil
	}
	for {
		k, rerr := encOut.Read(buf)
		for _, au := range split.feed(buf[:k]) {
			if err := emit(au); err != nil {
				return err
			}
		}
		if errors.Is(rerr, io.EOF) {
			if rest := split.rest(); len(rest) > 0 {
				if err := emit(rest); err != nil {
					return err
				}
			}
			// Each picture missing would shift every repeat count after
			// it onto the wrong picture, and the video would come out
			// short: x264 must have had every frame written.
			if left := e.runs.len(); left > 0 {
				return fmt.Errorf("the encoder wrote %d pictures fewer than it was given frames", left)
			}
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("read from encoder: %w", rerr)
		}
	}
}

// sequence reports a PNG sequence, written into a directory.
func (o Options) sequence() bool {
	f, err := FormatFor(o.Output, o.FormatName)
	return err == nil && f.Sequence
}

// target is what ffmpeg writes: the temporary file, or for a PNG sequence
// the numbered pattern inside the temporary directory.
func (o Options) target(tmp string) string {
	if o.sequence() {
		return SequencePattern(tmp, max(o.Frames, 1))
	}
	return tmp
}
