package encode

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Defaults applied by Start (and assumed by Validate) for zero-valued fields.
const (
	DefaultFFmpeg      = "ffmpeg"
	DefaultPixFmt      = "rgba"
	DefaultCodec       = "libx264"
	DefaultPreset      = "veryfast"
	DefaultGracePeriod = 5 * time.Second
	// DefaultCRF is a little better than x264's own default of 23: slides are
	// mostly static, so the extra quality costs few bits, while text edges
	// visibly ring at higher values.
	DefaultCRF = 18
)

// JPEGPixFmt is PixFmt for frames that are JPEG files.
const JPEGPixFmt = "jpeg"

// Limits checked by Validate.
const (
	MinFPS = 1
	MaxFPS = 240
	MaxCRF = 51 // x264's highest (worst) quality setting
)

// Options configures an Encoder. The zero value of every field except
// Width, Height, FPS and Output selects a default.
type Options struct {
	// FFmpeg is the ffmpeg executable, as a path or a name looked up in
	// PATH. Empty means "ffmpeg".
	FFmpeg string

	// Width and Height are the frame size in pixels. Both must be even,
	// because the output is always yuv420p.
	Width, Height int

	// FPS is the frame rate of both the input and the (constant frame
	// rate) output: every frame written becomes exactly one output frame.
	FPS int

	// PixFmt is the layout of the raw frames passed to WriteFrame:
	// "rgba" (default; what image.RGBA holds), "bgra", "rgb24" or
	// "yuv420p". RGB input is converted with the BT.709 matrix and the
	// output is tagged BT.709, which is what browsers and players assume
	// for HD video; yuv420p input is passed through untouched.
	//
	// "jpeg" (JPEGPixFmt) is not raw: each frame is a JPEG file of
	// Width x Height, as Chrome's screenshots are (JFIF, full-range
	// BT.601 YCbCr), which ffmpeg decodes and converts to limited-range
	// BT.709 itself (see jpegToBT709).
	PixFmt string

	// FormatName is --format (mp4, webm, mov, gif, png); empty means the
	// one Output's extension names. CodecName is --codec (h264, h265,
	// vp9, prores...); empty means the format's default.
	FormatName, CodecName string

	// Transparent keeps the frames' alpha channel (--transparent); the
	// format must hold one (ProRes 4444 in MOV, VP9 in WebM, GIF, PNG).
	Transparent bool

	// BurnFile, if set, is an SRT file whose captions are drawn into the
	// frames.
	BurnFile string

	// Audio, if set, is the video's sound (narration, music), mixed and
	// encoded by ffmpeg with the format's audio codec.
	Audio AudioSource

	// SubtitlesFile, if set, is an SRT file added as a soft subtitle
	// track (mov_text in MP4, WebVTT in WebM).
	SubtitlesFile string

	// MetadataFile, if set, is an FFMETADATA file whose title and chapters
	// go into the video.
	MetadataFile string

	// Frames, if known, is the number of frames the video will have. It
	// saves resending the last frame of every repeated run (see
	// WriteFrame); zero means unknown.
	Frames int

	// VFR writes variable frame rate: a run of identical frames becomes one
	// frame with a long duration instead of repeated frames. The default is
	// constant frame rate, which every player and editor handles.
	VFR bool

	// Codec is the ffmpeg video encoder. Empty means "libx264".
	Codec string

	// CRF is the constant rate factor, 1 (best) to 51 (worst). Zero means
	// DefaultCRF; lossless (CRF 0) is not available through this field.
	CRF int

	// Preset trades encoding speed for size. Empty means "veryfast": the
	// encoder has to keep up with capture, and a slower ffmpeg slows the
	// whole pipeline down rather than buffering frames in memory.
	Preset string

	// Output is the final path of the video, e.g. "out.mp4". Its directory
	// must exist and be writable: the temporary file is created there so
	// the final rename is atomic. An extension-less path is written as MP4.
	Output string

	// Stderr, if not nil, receives ffmpeg's log (errors only) as it is
	// written. Either way the last few KiB are kept and quoted in errors.
	Stderr io.Writer

	// Chunk marks the video as a chunk of a job, which is joined to the
	// others without re-encoding: H.264 without B-frames, so that its
	// timestamps are the frame numbers (the skip-picture path has none
	// anyway; this matters when captions are burnt in).
	Chunk bool

	// GracePeriod is how long a stopping ffmpeg (after its stdin was closed
	// and it was sent SIGINT) may take to exit before it is killed. Zero
	// means DefaultGracePeriod.
	GracePeriod time.Duration
}

// withDefaults returns a copy of o with zero-valued fields defaulted.
func (o Options) withDefaults() Options {
	if o.FFmpeg == "" {
		o.FFmpeg = DefaultFFmpeg
	}
	if o.PixFmt == "" {
		o.PixFmt = DefaultPixFmt
	}
	if o.Codec == "" {
		o.Codec = DefaultCodec
	}
	if o.CRF == 0 {
		o.CRF = DefaultCRF
	}
	if o.Preset == "" {
		o.Preset = DefaultPreset
	}
	if o.GracePeriod == 0 {
		o.GracePeriod = DefaultGracePeriod
	}
	return o
}

// Validate reports every problem with o (joined with errors.Join), so a
// configuration mistake is caught before Chrome is started rather than
// when ffmpeg rejects it. It does not look for the ffmpeg binary; Start
// does.
func (o Options) Validate() error {
	o = o.withDefaults()
	var errs []error
	switch {
	case o.Width <= 0 || o.Height <= 0:
		errs = append(errs, fmt.Errorf("frame size must be positive; got %dx%d", o.Width, o.Height))
	case o.Width%2 != 0 || o.Height%2 != 0:
		errs = append(errs, fmt.Errorf("H.264 with yuv420p needs even width and height; got %dx%d", o.Width, o.Height))
	}
	if o.FPS < MinFPS || o.FPS > MaxFPS {
		errs = append(errs, fmt.Errorf("fps must be between %d and %d; got %d", MinFPS, MaxFPS, o.FPS))
	}
	if _, ok := pixFmtBits(o.PixFmt); !ok {
		errs = append(errs, fmt.Errorf("unsupported input pixel format %q (want rgba, bgra, rgb24, yuv420p or jpeg)", o.PixFmt))
	}
	if o.CRF < 1 || o.CRF > MaxCRF {
		errs = append(errs, fmt.Errorf("crf must be between 1 and %d; got %d", MaxCRF, o.CRF))
	}
	if o.Codec == "libx264" && !slices.Contains(x264Presets(), o.Preset) {
		errs = append(errs, fmt.Errorf("unknown libx264 preset %q (want one of %s)", o.Preset, strings.Join(x264Presets(), ", ")))
	}
	if o.Output == "" {
		errs = append(errs, errors.New("output path is empty"))
	}
	if o.GracePeriod < 0 {
		errs = append(errs, fmt.Errorf("grace period must not be negative; got %v", o.GracePeriod))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("invalid encode options: %w", err)
	}
	return nil
}

// FrameBytes is the exact length WriteFrame expects for one frame, or 0 if
// the size or pixel format is invalid or frames have no fixed length
// (JPEG). Callers use it to size (and pool) their frame buffers.
func (o Options) FrameBytes() int {
	o = o.withDefaults()
	bits, ok := pixFmtBits(o.PixFmt)
	if !ok || o.Width <= 0 || o.Height <= 0 {
		return 0
	}
	return o.Width * o.Height * bits / 8
}

// pixFmtBits returns the bits per pixel of a supported input pixel format.
// yuv420p is 12: a full-size luma plane plus two quarter-size chroma
// planes, which is why it needs even dimensions to come out whole. JPEG
// frames have no fixed size: 0.
func pixFmtBits(pixFmt string) (int, bool) {
	switch pixFmt {
	case JPEGPixFmt:
		return 0, true
	case "rgba", "bgra":
		return 32, true
	case "rgb24":
		return 24, true
	case "yuv420p":
		return 12, true
	}
	return 0, false
}

// isRGB reports whether the input pixel format is RGB.
func isRGB(pixFmt string) bool {
	return pixFmt != "yuv420p" && pixFmt != JPEGPixFmt
}

// inputFilter is the filter that brings frames in pixFmt to limited-range
// BT.709 (yuv420p for JPEG), or "" if they are already.
func inputFilter(pixFmt string) string {
	switch {
	case pixFmt == JPEGPixFmt:
		return jpegToBT709
	case isRGB(pixFmt):
		return rgbToBT709
	}
	return ""
}

func x264Presets() []string {
	return []string{"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"}
}
