package frames

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"image/color"
	"runtime"

	"golang.org/x/sync/errgroup"
)

// Shot is one captured image that stands for Count consecutive frames
// starting at Index (Count > 1 when capture saw that the page did not
// change). Image is PNG or JPEG bytes; Run only reads it, and the sender must
// not change it after sending.
//
// A Shot with Err set is a hole, not an image: its Count frames will never
// come, because their capture failed for good with Err. Run hands the hole
// to the sink in frame order (see [HoleSink]); a sink that cannot take holes
// fails the render with Err. Holes travel this one way, in-band on the same
// channel as the images, so that the reorder step learns about them in
// order and is woken by them: a hole reported any other way could leave Run
// waiting for frames that never come while the window behind it fills up,
// and the sink would have to merge two streams of news.
type Shot struct {
	Index, Count int
	Image        []byte
	Err          error
}

// HoleSink is a FrameSink that can go on past frames that never came (a
// render job fails the chunks they belong to and renders the others). Run
// calls Hole in frame order, from the goroutine that calls WriteFrame,
// after writing every frame before the hole; count is in output frames.
// A sink that is not a HoleSink ends the render at the first hole.
type HoleSink interface {
	FrameSink
	Hole(count int, err error) error
}

// Range is a half-open range of frame indices [Start, End).
type Range struct{ Start, End int }

// FrameSink receives the frames, in order. Run calls WriteFrame from one
// goroutine only, strictly in frame order; pix holds one frame in the
// configured [Format] (Width*Height*4 bytes of RGBA, a YUV 4:2:0 frame, or
// a JPEG file), and the sink writes it count times. pix is reused as soon
// as WriteFrame returns: the sink must not keep it. WriteFrame may block
// (that is how the encoder slows capture down) but should return when the
// context given to Run ends, since Run cannot interrupt it.
type FrameSink interface {
	WriteFrame(pix []byte, count int) error
}

// Format is the pixel layout of the frames given to the sink. The names are
// ffmpeg's -pix_fmt names, so the encoder can pass them on unchanged.
type Format string

const (
	// RGBA is 4 bytes per pixel, R G B A, rows top to bottom with no
	// padding; alpha is always 255.
	RGBA Format = "rgba"
	// YUV420P is planar Y (Width*Height bytes), then U, then V (each
	// ceil(Width/2)*ceil(Height/2) bytes), BT.601 limited range: the matrix
	// of ffmpeg's default rgba->yuv420p conversion, with each chroma sample
	// the average of its 2x2 block. It matches ffmpeg within 1 (tested),
	// except for chroma right next to a horizontal colour edge, which
	// swscale's default bicubic vertical filter smears a row or two
	// further (with -sws_flags area it matches everywhere). It is 3/8 the
	// size of RGBA, and it is converted once per distinct image, on the
	// workers, where ffmpeg would convert every frame it is sent, repeats
	// included, on its input thread.
	YUV420P Format = "yuv420p"
	// JPEG is not a pixel layout: each frame is a JPEG file of exactly
	// Width x Height, the encoder's to decode (encode.JPEGPixFmt). JPEG
	// shots of that size go to the sink undecoded, which saves the
	// decode and the two conversions Go would make (about 28 ms a 1080p
	// frame, against ffmpeg's 4 for the same work); any other shot is
	// decoded, fitted and encoded as JPEG here. A Timeline with
	// transitions cannot be used with it, as blending needs the pixels.
	JPEG Format = "jpeg"
)

// FrameSize returns the number of bytes of one width x height frame in f, or
// 0 if f is not a known format or has no fixed size (JPEG).
func (f Format) FrameSize(width, height int) int {
	switch f {
	case RGBA:
		return width * height * 4
	case YUV420P:
		cw, ch := (width+1)/2, (height+1)/2
		return width*height + 2*cw*ch
	}
	return 0
}

// Config configures [Run].
type Config struct {
	// Width and Height are the output size in pixels. Required.
	Width, Height int

	// Workers is the number of goroutines that decode and transform shots.
	// Zero means runtime.GOMAXPROCS(0): each worker keeps one core busy,
	// and GOMAXPROCS, unlike NumCPU, honours a container's CPU limit. More
	// workers than that add frames in flight (memory), not throughput.
	//
	// Decoding, compositing and YUV conversion are single-threaded per
	// worker. Only the letterbox path (a shot that is not Width x Height)
	// calls imaging.Resize, which in imaging v1.6.2 fans each call out to
	// GOMAXPROCS goroutines and has no setting to change that (SetMaxProcs
	// came after v1.6.2). Those goroutines run on the same GOMAXPROCS
	// threads as the workers, so nothing is oversubscribed; a resize just
	// competes with the other workers' frames. If imaging is upgraded to a
	// version with SetMaxProcs, cmd/ should call imaging.SetMaxProcs(1)
	// once at start (this package sets no third-party globals), since the
	// parallelism here is across frames. Lowering Workers leaves cores to
	// Chrome and ffmpeg, except during a resize.
	Workers int

	// Start is the index of the first frame; frames before it never come.
	Start int

	// Ranges, if set, are the only frames that come: sorted, disjoint,
	// non-empty, within [Start, End). The frames between them (the chunks
	// a job already has) are neither waited for nor written. Nil means
	// every frame from Start.
	Ranges []Range

	// End, if greater than Start, is the index after the last frame. Run
	// then rejects shots at or past End and reports a [MissingFrameError]
	// if the input ends before End. With End unset, Run only notices
	// frames missing before the last frame it received.
	End int

	// Format is the pixel layout given to the sink; empty means RGBA.
	Format Format

	// OnAdvance, if set, is called with pos once every frame before pos
	// has left the reorder buffer: written to the sink, or held as the one
	// run of identical frames that will be written when the next different
	// frame arrives or the input ends. It moves the capture window (as
	// pool.Pool.Advance does), so frames at or after pos may come in any
	// order but frames before it never again. It is called from the
	// goroutine that writes to the sink and must not block.
	OnAdvance func(pos int)

	// Timeline, when set, makes the frames a multi-page render: shot
	// indices (and Start, End and OnAdvance's positions) are capture frames
	// of the timeline, and the sink gets its output frames, with the
	// transitions between pages blended in (see [Timeline]). Shots must
	// not span two pages. Nil means one page: capture frame n is output
	// frame n.
	Timeline *Timeline

	// Background fills the letterbox bars and shows through transparent
	// pixels; nil means black. A translucent colour is taken as drawn over
	// black.
	Background color.Color
}

// MissingFrameError reports that the input ended while a frame had not
// arrived and had not been skipped. Callers that want to know which frame
// use errors.As.
type MissingFrameError struct {
	Index int // the first missing frame
}

func (e *MissingFrameError) Error() string {
	return fmt.Sprintf("frame %d never arrived before the input ended", e.Index)
}

// Run consumes shots from in until it is closed, and writes the frames to
// sink in order. It returns nil once every frame it received has been
// written, or the first error: a shot that does not decode, a frame that is
// missing or sent twice, the sink's error, or ctx's error. Any error stops
// everything and no frame is written after it.
//
// Run starts Workers goroutines plus one that writes to the sink, and waits
// for all of them before it returns. It stops reading in when it returns,
// so the sender must select on a context that ends when Run fails: run both
// in one errgroup.Group and give Run that group's context.
//
// Memory: besides the reorder buffer, which holds no more than the sender
// runs ahead of OnAdvance's position, at most 2*Workers + 2 frames are in
// the pipeline (per worker one being made and one queued for the writer;
// the run being written and the one that will be held next). Each shot
// also costs a decode allocation (image/png and image/jpeg cannot decode
// into a given buffer); for RGBA output of an exactly sized opaque PNG that
// allocation is used as the frame itself, so nothing is copied. A JPEG
// shot passed through (JPEG output) costs nothing: the shot is the frame.
func Run(ctx context.Context, cfg Config, in <-chan Shot, sink FrameSink) error {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	pool := newBufferPool(cfg.Format.FrameSize(cfg.Width, cfg.Height), 2*cfg.Workers+2)
	seed := maphash.MakeSeed()
	// One slot per worker lets each finish its next frame while the writer
	// is busy in the sink; more would only hold memory the window already
	// accounts for in the reorder buffer.
	decoded := make(chan frame, cfg.Workers)

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		// The first worker error must stop the other workers at once, not
		// when in is closed, hence their own group and context.
		workers, wctx := errgroup.WithContext(gctx)
		for range cfg.Workers {
			t := newTransformer(cfg, pool)
			workers.Go(func() error { return t.run(wctx, seed, in, decoded) })
		}
		err := workers.Wait()
		if err == nil {
			// Closing means "the input ended cleanly". On error the channel
			// stays open: gctx is cancelled when this func returns, and the
			// writer must not mistake the end of the workers for the end of
			// the input and report missing frames instead of the real error.
			close(decoded)
		}
		return err
	})
	g.Go(func() error {
		r := newReorder(cfg, sink, pool)
		return r.run(gctx, decoded)
	})
	return g.Wait()
}

// withDefaults validates c and fills in its zero fields.
func (c Config) withDefaults() (Config, error) {
	if c.Width <= 0 || c.Height <= 0 {
		return c, fmt.Errorf("frames: output size %dx%d: width and height must be positive", c.Width, c.Height)
	}
	if c.Workers < 0 {
		return c, fmt.Errorf("frames: %d workers: must not be negative", c.Workers)
	}
	if c.Workers == 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.Format == "" {
		c.Format = RGBA
	}
	if c.Format.FrameSize(1, 1) == 0 && c.Format != JPEG {
		return c, fmt.Errorf("frames: unknown pixel format %q (want %q, %q or %q)", c.Format, RGBA, YUV420P, JPEG)
	}
	if c.Format == JPEG && c.Timeline.Blends() {
		return c, errors.New("frames: JPEG frames cannot be blended: the timeline has transitions")
	}
	if c.End != 0 && c.End <= c.Start {
		return c, fmt.Errorf("frames: end %d is not after start %d", c.End, c.Start)
	}
	for i, r := range c.Ranges {
		switch {
		case r.End <= r.Start:
			return c, fmt.Errorf("frames: range %d (%d-%d) is empty", i, r.Start, r.End)
		case i == 0 && r.Start < c.Start, i > 0 && r.Start < c.Ranges[i-1].End:
			return c, fmt.Errorf("frames: ranges are not sorted and disjoint at %d-%d", r.Start, r.End)
		case c.End > 0 && r.End > c.End:
			return c, fmt.Errorf("frames: range %d-%d is past the end %d", r.Start, r.End, c.End)
		}
	}
	if len(c.Ranges) > 0 {
		c.Start = c.Ranges[0].Start
	}
	if c.Background == nil {
		c.Background = color.Black
	}
	return c, nil
}

// errOverlap is wrapped by the errors for shots that cover frames that were
// already received; it means a bug upstream, never a transient failure.
var errOverlap = errors.New("frames sent twice")
