package frames

import (
	"bytes"
	"hash/maphash"
	"image/png"
	"runtime"
	"testing"

	"golang.org/x/sync/errgroup"
)

const benchW, benchH = 1920, 1080

// BenchmarkDecodePNG1080p measures one worker's cost per shot: decoding a
// slide-like 1080p PNG alone, and all the way to an output frame.
func BenchmarkDecodePNG1080p(b *testing.B) {
	img := encodePNG(b, slide(benchW, benchH, 1))
	b.Logf("PNG is %d KiB", len(img)/1024)
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(img)))
		for b.Loop() {
			if _, err := png.Decode(bytes.NewReader(img)); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, format := range []Format{RGBA, YUV420P} {
		b.Run("to "+string(format), func(b *testing.B) {
			benchTransform(b, img, benchW, benchH, format)
		})
	}
	b.Run("letterbox 4K to "+string(RGBA), func(b *testing.B) {
		benchTransform(b, encodePNG(b, slide(2*benchW, 2*benchH+200, 1)), benchW, benchH, RGBA)
	})
}

// BenchmarkDecodeJPEG1080p is BenchmarkDecodePNG1080p for the JPEG shots
// that capture takes by default: decoded to an output frame, or passed
// through as they are (JPEG output), which only reads their header.
func BenchmarkDecodeJPEG1080p(b *testing.B) {
	img := encodeJPEG(b, slide(benchW, benchH, 1))
	b.Logf("JPEG is %d KiB", len(img)/1024)
	for _, format := range []Format{YUV420P, JPEG} {
		b.Run("to "+string(format), func(b *testing.B) {
			benchTransform(b, img, benchW, benchH, format)
		})
	}
}

func benchTransform(b *testing.B, img []byte, w, h int, format Format) {
	cfg, err := Config{Width: w, Height: h, Format: format}.withDefaults()
	if err != nil {
		b.Fatal(err)
	}
	pool := newBufferPool(format.FrameSize(w, h), 2)
	tr := newTransformer(cfg, pool)
	seed := maphash.MakeSeed()
	b.SetBytes(int64(len(img)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := tr.transform(seed, Shot{Count: 1, Image: img})
		if err != nil {
			b.Fatal(err)
		}
		pool.put(f.pix)
	}
}

func BenchmarkToYUV420p1080p(b *testing.B) {
	img := slide(benchW, benchH, 1)
	dst := make([]byte, YUV420P.FrameSize(benchW, benchH))
	b.SetBytes(int64(len(img.Pix)))
	b.ReportAllocs()
	for b.Loop() {
		toYUV420P(dst, img.Pix, img.Stride, benchW, benchH)
	}
}

// discardSink is the fastest possible encoder.
type discardSink struct{}

func (discardSink) WriteFrame([]byte, int) error { return nil }

// BenchmarkRun pushes 60 distinct 1080p shots through Run with the
// default number of workers: PNG shots to RGBA and YUV frames, JPEG shots
// decoded to YUV or passed through. They come out of order, but only
// within blocks of 8, as from capture workers inside a window of 8 frames:
// a fully shuffled deck would measure the reorder buffer growing to the
// whole deck, which the window prevents in a real render. allocs/frame
// and B/frame say what each frame costs the garbage collector.
func BenchmarkRun(b *testing.B) {
	const n = 60
	encoded := map[string][]Shot{"png": make([]Shot, n), "jpeg": make([]Shot, n)}
	for i := range n {
		img := slide(benchW, benchH, uint64(i))
		encoded["png"][i] = Shot{Index: i, Count: 1, Image: encodePNG(b, img)}
		encoded["jpeg"][i] = Shot{Index: i, Count: 1, Image: encodeJPEG(b, img)}
	}
	for _, shots := range encoded {
		for i := 0; i < n; i += 8 {
			copy(shots[i:], shuffled(shots[i:min(i+8, n)], uint64(i)))
		}
	}
	for _, c := range []struct {
		shot   string
		format Format
	}{{"png", RGBA}, {"png", YUV420P}, {"jpeg", YUV420P}, {"jpeg", JPEG}} {
		shots := encoded[c.shot]
		b.Run(c.shot+" to "+string(c.format), func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				in := make(chan Shot)
				g, ctx := errgroup.WithContext(b.Context())
				g.Go(func() error {
					defer close(in)
					for _, s := range shots {
						select {
						case in <- s:
						case <-ctx.Done():
							return nil
						}
					}
					return nil
				})
				g.Go(func() error {
					return Run(ctx, Config{Width: benchW, Height: benchH, Format: c.format}, in, discardSink{})
				})
				if err := g.Wait(); err != nil {
					b.Fatal(err)
				}
			}
			runtime.ReadMemStats(&after)
			frames := float64(n * b.N)
			b.ReportMetric(frames/b.Elapsed().Seconds(), "frames/s")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/frames, "allocs/frame")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/frames, "B/frame")
		})
	}
}
