package render

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/deckreel/deckreel/capture"
	"github.com/deckreel/deckreel/encode"
	"github.com/deckreel/deckreel/internal/deck"
	"github.com/deckreel/deckreel/internal/narrate"
	"github.com/deckreel/deckreel/internal/progress"
)

// InputError is bad input or bad usage: the CLI exits 2 for it.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputErrorf(format string, args ...any) error {
	return &InputError{Err: fmt.Errorf(format, args...)}
}

// Limits on what a render may ask for; past them the request is a mistake.
const (
	MaxDuration = 24 * time.Hour
	MaxFPS      = 240
	MinSide     = 16
	MaxSide     = 7680
	// MaxWorkers bounds --workers: each worker is a browser of its own
	// (hundreds of MB), so more than this is a typo, not a machine.
	MaxWorkers = 64
	// MaxTimeout bounds --ready-timeout and --batch-timeout.
	MaxTimeout = time.Hour
)

// Request is everything one render needs: what to render, how, and into
// which file. [Run] renders it in one go; [RunJob] keeps its state in a
// job directory.
type Request struct {
	// Input is a local .html file or directory, or an http(s) URL. With
	// Deck set it only names the deck (for a job's settings).
	Input string
	// Media are the output format and what the video carries besides its
	// pictures: sound, captions, chapters, a poster.
	Media Media
	// Deck, when set, is rendered instead of Input: each of its segments is
	// captured from its own page and the transitions between them are
	// composited. The deck times itself: Duration must be zero (or the
	// deck's duration). The caller closes the deck after Run returns.
	Deck *deck.Deck
	// DeckOptions are the options Deck was loaded with; a job records them
	// to load its snapshot of the deck the same way.
	DeckOptions deck.Options
	// Narrate, when set, speaks the deck's speaker notes (--narrate): the
	// render synthesizes them first, times the deck by the speech (in
	// place: the caller's Deck is retimed) and plays each slide's speech
	// from its first frame plus the lead-in, its captions timed by the
	// sentences. A job keeps the speech in its directory.
	Narrate *narrate.Settings
	// narration is the deck's speech once Narrate was resolved (see
	// narrateRequest).
	narration *narrate.Narration
	// FS, when set, is served instead of Input's directory and Input is a
	// path inside it (the embedded sample).
	FS       fs.FS
	Duration time.Duration
	FPS      int
	Width    int
	Height   int
	Output   string

	// Workers is the number of capture tabs; 0 (auto) starts with one
	// and adds one while that makes the render faster, up to one per
	// CPU core (see capture.Autoscale).
	Workers int
	// MaxMemory bounds the memory of the capture browsers together when
	// Workers is auto (bytes; 0: what the machine has free).
	MaxMemory    int64
	Browser      string // auto, headless-shell, chromium or a path
	ReadyTimeout time.Duration
	BatchTimeout time.Duration
	// AllowNet lets the page reach the internet: any host but loopback
	// and link-local addresses, which only AllowHosts can open.
	AllowNet bool
	// AllowHosts are hosts the page may reach ("host:port" or "host"),
	// loopback and link-local ones included, with or without AllowNet.
	AllowHosts []string
	// FailOnPageError fails the frames in which the page throws (and, in a
	// job, records them for a rerun) instead of only warning.
	FailOnPageError bool
	// NoSandbox runs Chrome without its sandbox (containers).
	NoSandbox bool
	// NoDedup shoots every frame instead of only the frames that change;
	// the output is the same, only slower. It exists to verify that.
	NoDedup bool
	CRF     int
	Preset  string
	// Capture is how Chrome hands over each frame (--capture-format,
	// --capture-quality); the zero value picks (see Capture.resolve).
	Capture Capture

	Progress progress.Mode
	// Stderr receives progress and warnings.
	Stderr io.Writer
	// Epoch is the wall-clock time virtual time 0 stands for; the zero value
	// means now.
	Epoch time.Time
}

// Frames is the number of output frames: duration × fps, rounded to the
// nearest frame (for a deck, the deck's frames at fps).
func (r Request) Frames() int {
	if r.Deck != nil {
		return r.Deck.Frames(r.FPS)
	}
	return int(math.Round(r.Duration.Seconds() * float64(r.FPS)))
}

// ErrDeckDuration is the problem of a deck render given a duration.
var ErrDeckDuration = errors.New("decks time themselves; remove --duration or use --slide-duration")

// Validate checks the request and returns an *InputError describing the
// first problem. It checks everything that can be known without starting
// Chrome or ffmpeg, so that a mistake costs nothing.
func (r Request) Validate() error { return r.validate(true) }

// validateEarly is Validate for a request whose deck may still be timed
// again before it renders (a framework's recorded steps, the speech of
// narration), which can only make it longer: what depends on its last
// frame is checked by the Validate after that.
func (r Request) validateEarly() error {
	timed := r.narration != nil || r.Narrate == nil && (r.Deck == nil || !r.Deck.Presentable())
	return r.validate(timed)
}

// validatePoster checks that the poster frame is a frame of the video;
// unless timed, only that it is not before the first, as the video may
// still get longer.
func (r Request) validatePoster(timed bool) error {
	if r.Media.Poster != "" && (r.Media.PosterFrame < 0 || timed && r.Media.PosterFrame >= r.Frames()) {
		return inputErrorf("--poster-frame %d is not a frame of the video (it has frames 0-%d)", r.Media.PosterFrame, r.Frames()-1)
	}
	return nil
}

// validate is Validate; the length of the video is final unless not timed.
func (r Request) validate(timed bool) error {
	if r.Deck != nil {
		if r.Duration != 0 && r.Duration != r.Deck.Duration() {
			return &InputError{Err: ErrDeckDuration}
		}
		r.Duration = r.Deck.Duration()
	}
	switch {
	case r.Duration <= 0 || math.IsNaN(r.Duration.Seconds()):
		return inputErrorf("--duration must be positive, got %s", r.Duration)
	case r.Duration > MaxDuration:
		return inputErrorf("--duration %s is longer than the %s limit", r.Duration, MaxDuration)
	case r.FPS < 1 || r.FPS > MaxFPS:
		return inputErrorf("--fps must be between 1 and %d, got %d", MaxFPS, r.FPS)
	case r.Width < MinSide || r.Height < MinSide || r.Width > MaxSide || r.Height > MaxSide:
		return inputErrorf("--size %dx%d is out of range: each side must be between %d and %d pixels", r.Width, r.Height, MinSide, MaxSide)
	case r.Width%2 != 0 || r.Height%2 != 0:
		return inputErrorf("--size %dx%d: H.264 video with yuv420p colour needs an even width and height (try %dx%d)", r.Width, r.Height, r.Width&^1, r.Height&^1)
	case r.Frames() < 1:
		return inputErrorf("--duration %s at %d fps is less than one frame", r.Duration, r.FPS)
	case r.Output == "":
		return inputErrorf("no output file: pass -o out.mp4")
	case r.Workers < 0 || r.Workers > MaxWorkers:
		return inputErrorf("--workers must be auto or between 1 and %d, got %d", MaxWorkers, r.Workers)
	case r.MaxMemory < 0:
		return inputErrorf("--max-memory must not be negative")
	case r.ReadyTimeout < 0 || r.ReadyTimeout > MaxTimeout:
		return inputErrorf("--ready-timeout must be between 0 (the default, 30s) and %s, got %s", MaxTimeout, r.ReadyTimeout)
	case r.BatchTimeout < 0 || r.BatchTimeout > MaxTimeout:
		return inputErrorf("--batch-timeout must be between 0 (the default) and %s, got %s", MaxTimeout, r.BatchTimeout)
	case r.CRF != 0 && (r.CRF < 1 || r.CRF > encode.MaxCRF):
		return inputErrorf("--crf must be between 1 and %d, got %d", encode.MaxCRF, r.CRF)
	case r.validatePoster(timed) != nil:
		return r.validatePoster(timed)
	case r.Capture.Format != "" && r.Capture.Format != "png" && r.Capture.Format != "jpeg":
		return inputErrorf("--capture-format %q: want auto, jpeg or png", r.Capture.Format)
	case r.Capture.Quality < 0 || r.Capture.Quality > 100:
		return inputErrorf("--capture-quality must be between 1 and 100, got %d", r.Capture.Quality)
	case r.Capture.Format == "jpeg" && r.Media.Transparent:
		return inputErrorf("--capture-format jpeg has no transparency: a --transparent video is captured as png")
	}
	f, err := encode.FormatFor(r.Output, r.Media.Format)
	if err != nil {
		return &InputError{Err: err}
	}
	// The encoder's own checks (preset, CRF), without sound or captions,
	// which prepare adds and checks again.
	eo := encode.Options{Width: r.Width, Height: r.Height, FPS: r.FPS, CRF: r.CRF, Preset: r.Preset, Output: r.Output,
		FormatName: r.Media.Format, CodecName: r.Media.Codec, Transparent: r.Media.Transparent, VFR: r.Media.VFR}
	if err := eo.Validate(); err != nil {
		return &InputError{Err: err}
	}
	if err := f.Check(eo.FormatOptions()); err != nil {
		return &InputError{Err: err}
	}
	if st, err := os.Lstat(r.Output); err == nil {
		switch {
		case st.IsDir() && f.Name != "png":
			return inputErrorf("output %s is a directory: name the video file, e.g. -o %s", r.Output, filepath.Join(r.Output, "out.mp4"))
		case !st.IsDir() && !st.Mode().IsRegular():
			// The output is written to a temporary file and renamed over
			// the old one, which would replace a device, a FIFO or a link
			// (not what it points to) with a video.
			return inputErrorf("output %s exists and is not a regular file (%s): name a file, or remove it first", r.Output, fileKind(st.Mode()))
		}
	}
	if dir := filepath.Dir(filepath.Clean(r.Output)); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return inputErrorf("output %s: directory %s does not exist", r.Output, dir)
		}
	}
	return nil
}

// fileKind names what a file that is not a regular file is, for messages.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// Capture is the image format of the shots a render takes.
type Capture struct {
	// Format is "png", "jpeg", or "" (auto): JPEG for an opaque video,
	// PNG for a transparent one and for a PNG sequence, whose frames are
	// lossless.
	Format string
	// Quality is the JPEG quality, 1-100; 0 is DefaultJPEGQuality.
	Quality int
}

// DefaultJPEGQuality is the JPEG quality of shots: at 90, frames of the
// bench pages differ from a PNG capture by 49 dB PSNR or more in the YUV
// 4:2:0 planes the encoder receives (every video's chroma is halved
// anyway), and Chrome encodes and Go decodes them several times faster
// than PNG on pages that change every frame (`go run ./cmd/deckreel-bench
// -only capture-formats`).
const DefaultJPEGQuality = 90

// resolve is the capture format of a render into format, transparent or
// not.
func (c Capture) resolve(format encode.Format, transparent bool) (capture.ShotFormat, int) {
	switch {
	case c.Format == "png", c.Format == "" && (transparent || format.Name == "png"):
		return capture.PNG, 0
	}
	return capture.JPEG, cmp.Or(c.Quality, DefaultJPEGQuality)
}
