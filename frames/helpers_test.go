package frames

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"slices"
	"testing"

	"golang.org/x/sync/errgroup"
)

// idColor is the colour that stands for image id in the tests: frames are
// told apart by their first pixel.
func idColor(id int) color.RGBA {
	return color.RGBA{R: uint8(id), G: uint8(id >> 8), B: 0x5a, A: 0xff}
}

// solid returns a w x h image of one colour in the given concrete type.
func solid(w, h int, c color.Color, nrgba bool) image.Image {
	r := image.Rect(0, 0, w, h)
	var img interface {
		image.Image
		Set(x, y int, c color.Color)
	}
	if nrgba {
		img = image.NewNRGBA(r)
	} else {
		img = image.NewRGBA(r)
	}
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	return img
}

func encodePNG(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatalf("encode PNG: %v", err)
	}
	return buf.Bytes()
}

func encodeJPEG(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		tb.Fatalf("encode JPEG: %v", err)
	}
	return buf.Bytes()
}

// written is one WriteFrame call as a recordingSink saw it.
type written struct {
	id    int // the image id read back from the first pixel
	count int
}

func (w written) String() string { return fmt.Sprintf("%d×%d", w.id, w.count) }

// recordingSink records the calls it gets. It has no lock on purpose: Run
// promises a single calling goroutine, and -race checks that promise.
type recordingSink struct {
	frameSize int
	calls     []written
	frames    [][]byte // copies of every pix, when keep is set
	keep      bool
	failAt    int   // if > 0, the call number (from 1) that fails
	failErr   error // returned by that call
}

var (
	errSinkBroken = errors.New("sink broken")
	errHole       = errors.New("tab crashed")
)

// Hole records a hole as a written run with the id hole, so tests see where
// in the order the sink learnt of it.
func (s *recordingSink) Hole(count int, err error) error {
	if !errors.Is(err, errHole) {
		return fmt.Errorf("hole with error %v", err)
	}
	s.calls = append(s.calls, written{id: hole, count: count})
	return nil
}

// plainSink is a sink that cannot take holes.
type plainSink struct{ recordingSink }

func (s *plainSink) Hole() {} // not a HoleSink: another signature

func (s *recordingSink) WriteFrame(pix []byte, count int) error {
	if len(pix) != s.frameSize {
		return fmt.Errorf("got %d bytes, want %d", len(pix), s.frameSize)
	}
	if count < 1 {
		return fmt.Errorf("count %d", count)
	}
	s.calls = append(s.calls, written{id: int(pix[0]) | int(pix[1])<<8, count: count})
	if s.keep {
		s.frames = append(s.frames, slices.Clone(pix))
	}
	// Scribble over the buffer: Run must not look at it again.
	clear(pix)
	if s.failAt > 0 && len(s.calls) == s.failAt {
		return s.failErr
	}
	return nil
}

// runShots runs Run on shots sent in the given order by a sender that
// behaves as the style asks (selects on the group's context, closes in),
// and returns the OnAdvance positions and Run's error.
func runShots(t *testing.T, cfg Config, shots []Shot, sink FrameSink) ([]int, error) {
	t.Helper()
	var advances []int
	cfg.OnAdvance = func(pos int) { advances = append(advances, pos) }
	in := make(chan Shot)
	g, ctx := errgroup.WithContext(t.Context())
	g.Go(func() error {
		defer close(in)
		for _, s := range shots {
			select {
			case in <- s:
			case <-ctx.Done():
				return nil // Run's error is the one that matters
			}
		}
		return nil
	})
	g.Go(func() error { return Run(ctx, cfg, in, sink) })
	err := g.Wait()
	return advances, err
}

// shotSpec describes a shot in a test table: an image id (or a hole) and a
// frame count; indices follow from the order of the specs.
type shotSpec struct {
	id    int // image id; -1 for a hole (a shot with Err)
	count int
}

const hole = -1

// makeShots turns specs into shots from start on, with tiny solid PNGs.
func makeShots(t *testing.T, start int, specs []shotSpec) []Shot {
	t.Helper()
	pngs := map[int][]byte{}
	var shots []Shot
	index := start
	for _, sp := range specs {
		s := Shot{Index: index, Count: sp.count}
		if sp.id == hole {
			s.Err = errHole
		} else {
			if pngs[sp.id] == nil {
				pngs[sp.id] = encodePNG(t, solid(4, 3, idColor(sp.id), false))
			}
			s.Image = pngs[sp.id]
		}
		shots = append(shots, s)
		index += sp.count
	}
	return shots
}

// shuffled returns a copy of shots in a random but repeatable order.
func shuffled(shots []Shot, seed uint64) []Shot {
	out := slices.Clone(shots)
	r := rand.New(rand.NewPCG(seed, seed))
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// tinyConfig is the config for makeShots' 4x3 images.
func tinyConfig(workers int) Config {
	return Config{Width: 4, Height: 3, Workers: workers}
}

// runCtx is Run for tests that drive the channel themselves.
func runCtx(ctx context.Context, cfg Config, in <-chan Shot, sink FrameSink) chan error {
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg, in, sink) }()
	return done
}
