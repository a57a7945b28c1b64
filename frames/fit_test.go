package frames

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"testing"
)

func TestFitRect(t *testing.T) {
	tests := []struct {
		name     string
		src, dst image.Point
		want     image.Rectangle
	}{
		{"square into 16:9", image.Pt(1000, 1000), image.Pt(1920, 1080), image.Rect(420, 0, 1500, 1080)},
		{"exact", image.Pt(1920, 1080), image.Pt(1920, 1080), image.Rect(0, 0, 1920, 1080)},
		{"device scale 2", image.Pt(3840, 2160), image.Pt(1920, 1080), image.Rect(0, 0, 1920, 1080)},
		{"smaller is scaled up", image.Pt(1280, 720), image.Pt(1920, 1080), image.Rect(0, 0, 1920, 1080)},
		{"wide: bars top and bottom", image.Pt(1920, 800), image.Pt(1920, 1080), image.Rect(0, 140, 1920, 940)},
		// 1080 * 1080/1920 = 607.5, rounded up; the odd 1312 px left over
		// puts the extra bar pixel on the right.
		{"portrait", image.Pt(1080, 1920), image.Pt(1920, 1080), image.Rect(656, 0, 1264, 1080)},
		// 1001 * 1080/999 = 1082.16.
		{"odd source", image.Pt(1001, 999), image.Pt(1920, 1080), image.Rect(419, 0, 1501, 1080)},
		{"odd output", image.Pt(3, 3), image.Pt(7, 5), image.Rect(1, 0, 6, 5)},
		{"odd leftover", image.Pt(4, 3), image.Pt(9, 3), image.Rect(2, 0, 6, 3)},
		{"sliver keeps a pixel", image.Pt(4000, 1), image.Pt(1920, 1080), image.Rect(0, 539, 1920, 540)},
		{"tall sliver", image.Pt(1, 4000), image.Pt(1920, 1080), image.Rect(959, 0, 960, 1080)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fitRect(tt.src, tt.dst)
			if got != tt.want {
				t.Fatalf("fitRect(%v, %v) = %v, want %v", tt.src, tt.dst, got, tt.want)
			}
			// Whatever the numbers: inside, one side full, centred.
			full := image.Rectangle{Max: tt.dst}
			if !got.In(full) || (got.Dx() != tt.dst.X && got.Dy() != tt.dst.Y) {
				t.Errorf("%v does not fill %v along one side", got, full)
			}
			if l, r := got.Min.X, tt.dst.X-got.Max.X; r-l < 0 || r-l > 1 {
				t.Errorf("bars left %d right %d are not centred", l, r)
			}
			if tp, b := got.Min.Y, tt.dst.Y-got.Max.Y; b-tp < 0 || b-tp > 1 {
				t.Errorf("bars top %d bottom %d are not centred", tp, b)
			}
		})
	}
}

// TestRunFitsShots runs shots of various sizes and encodings through Run and
// samples the output at the edges of the letterbox.
func TestRunFitsShots(t *testing.T) {
	const w, h = 192, 108 // 16:9, small enough to be quick under -race
	red := color.RGBA{R: 0xff, A: 0xff}
	blue := color.RGBA{B: 0xff, A: 0xff}
	type sample struct {
		x, y int
		want color.RGBA
	}
	tests := []struct {
		name   string
		image  func(t *testing.T) []byte
		bg     color.Color
		tol    int // per channel
		sample []sample
	}{
		{
			// 100x100 fits as 108x108 at x = 42.
			name:  "square PNG is pillarboxed",
			image: func(t *testing.T) []byte { return encodePNG(t, solid(100, 100, red, false)) },
			bg:    blue,
			sample: []sample{
				{0, 0, blue}, {41, 54, blue}, {42, 54, red}, {42, 0, red}, {149, 107, red}, {150, 54, blue}, {191, 107, blue},
			},
		},
		{
			// 400x100 fits as 192x48 at y = 30.
			name:  "wide PNG is letterboxed",
			image: func(t *testing.T) []byte { return encodePNG(t, solid(400, 100, red, false)) },
			bg:    blue,
			sample: []sample{
				{96, 29, blue}, {96, 30, red}, {0, 30, red}, {191, 77, red}, {96, 78, blue},
			},
		},
		{
			name:   "larger 16:9 is scaled down to fill",
			image:  func(t *testing.T) []byte { return encodePNG(t, solid(2*w, 2*h, red, false)) },
			bg:     blue,
			sample: []sample{{0, 0, red}, {191, 107, red}, {96, 54, red}},
		},
		{
			name:   "default background is black",
			image:  func(t *testing.T) []byte { return encodePNG(t, solid(100, 100, red, false)) },
			sample: []sample{{0, 0, color.RGBA{A: 0xff}}, {100, 54, red}},
		},
		{
			name:   "JPEG at the output size",
			image:  func(t *testing.T) []byte { return encodeJPEG(t, solid(w, h, red, false)) },
			tol:    8,
			sample: []sample{{0, 0, red}, {191, 107, red}},
		},
		{
			name:   "odd-sized JPEG",
			image:  func(t *testing.T) []byte { return encodeJPEG(t, solid(101, 99, red, false)) },
			bg:     blue,
			tol:    8,
			sample: []sample{{0, 54, blue}, {96, 54, red}, {191, 54, blue}},
		},
		{
			// Half-transparent red over blue, with no bars.
			name:   "translucent PNG shows the background",
			image:  func(t *testing.T) []byte { return encodePNG(t, solid(w, h, color.NRGBA{R: 0xff, A: 0x80}, true)) },
			bg:     blue,
			tol:    1,
			sample: []sample{{0, 0, color.RGBA{R: 0x80, B: 0x7f, A: 0xff}}, {191, 107, color.RGBA{R: 0x80, B: 0x7f, A: 0xff}}},
		},
		{
			name:   "translucent background is taken over black",
			image:  func(t *testing.T) []byte { return encodePNG(t, solid(100, 100, red, false)) },
			bg:     color.NRGBA{G: 0xff, A: 0x80},
			tol:    1,
			sample: []sample{{0, 0, color.RGBA{G: 0x80, A: 0xff}}},
		},
		{
			name:   "grey PNG",
			image:  func(t *testing.T) []byte { return encodePNG(t, grey(w, h, 0x40)) },
			sample: []sample{{0, 0, color.RGBA{0x40, 0x40, 0x40, 0xff}}, {191, 107, color.RGBA{0x40, 0x40, 0x40, 0xff}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := &recordingSink{frameSize: w * h * 4, keep: true}
			cfg := Config{Width: w, Height: h, Workers: 1, Background: tt.bg}
			if _, err := runShots(t, cfg, []Shot{{Index: 0, Count: 1, Image: tt.image(t)}}, sink); err != nil {
				t.Fatalf("Run: %v", err)
			}
			if len(sink.frames) != 1 {
				t.Fatalf("sink got %d frames, want 1", len(sink.frames))
			}
			out := &image.RGBA{Pix: sink.frames[0], Stride: w * 4, Rect: image.Rect(0, 0, w, h)}
			for _, s := range tt.sample {
				got := out.RGBAAt(s.x, s.y)
				if !near(got, s.want, tt.tol) {
					t.Errorf("pixel (%d,%d) = %v, want %v ±%d", s.x, s.y, got, s.want, tt.tol)
				}
			}
		})
	}
}

// TestRunPassesExactFramesThrough checks that a shot at the output size
// comes out bit for bit, through the fast path that uses the decoder's
// pixels as the frame.
func TestRunPassesExactFramesThrough(t *testing.T) {
	const w, h = 64, 36
	for _, nrgba := range []bool{false, true} {
		src := noise(w, h, 9, nrgba)
		sink := &recordingSink{frameSize: w * h * 4, keep: true}
		shots := []Shot{{Index: 0, Count: 1, Image: encodePNG(t, src)}, {Index: 1, Count: 1, Image: encodePNG(t, noise(w, h, 10, nrgba))}}
		if _, err := runShots(t, Config{Width: w, Height: h, Workers: 1}, shots, sink); err != nil {
			t.Fatalf("Run: %v", err)
		}
		var want []byte
		switch src := src.(type) {
		case *image.RGBA:
			want = src.Pix
		case *image.NRGBA:
			want = src.Pix
		}
		if string(sink.frames[0]) != string(want) {
			t.Errorf("nrgba=%v: frame differs from the shot", nrgba)
		}
	}
}

// noise returns an opaque image of random pixels.
func noise(w, h int, seed uint64, nrgba bool) image.Image {
	img := solid(w, h, color.Black, nrgba)
	s := seed
	var pix []byte
	switch img := img.(type) {
	case *image.RGBA:
		pix = img.Pix
	case *image.NRGBA:
		pix = img.Pix
	}
	for i := range pix {
		if i%4 == 3 {
			continue
		}
		s = s*6364136223846793005 + 1442695040888963407
		pix[i] = byte(s >> 56)
	}
	return img
}

func grey(w, h int, y uint8) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = y
	}
	return img
}

func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) bool { return abs(int(x)-int(y)) <= tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B) && d(a.A, b.A)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestFitBorrowsOnlyOpaqueExactImages(t *testing.T) {
	const w, h = 8, 6
	translucent := solid(w, h, color.NRGBA{R: 1, A: 0x80}, true)
	tests := []struct {
		name string
		img  image.Image
		want bool
	}{
		{"opaque RGBA", solid(w, h, color.White, false), true},
		{"opaque NRGBA", solid(w, h, color.White, true), true},
		{"translucent NRGBA", translucent, false},
		{"wrong size", solid(w+1, h, color.White, false), false},
		{"YCbCr", image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420), false},
		{"grey", grey(w, h, 9), false},
	}
	for _, tt := range tests {
		for _, format := range []Format{RGBA, YUV420P} {
			t.Run(fmt.Sprintf("%s/%s", tt.name, format), func(t *testing.T) {
				cfg, err := Config{Width: w, Height: h, Format: format}.withDefaults()
				if err != nil {
					t.Fatal(err)
				}
				tr := newTransformer(cfg, newBufferPool(format.FrameSize(w, h), 1))
				got, borrowed := tr.fit(tt.img)
				if borrowed != tt.want {
					t.Fatalf("borrowed = %v, want %v", borrowed, tt.want)
				}
				if got.Rect != image.Rect(0, 0, w, h) || !got.Opaque() {
					t.Errorf("fit gave a %v image, opaque %v", got.Rect, got.Opaque())
				}
				if borrowed && &got.Pix[0] != &pixOf(tt.img)[0] {
					t.Error("borrowed, but the pixels were copied")
				}
			})
		}
	}
}

func pixOf(img image.Image) []byte {
	switch img := img.(type) {
	case *image.RGBA:
		return img.Pix
	case *image.NRGBA:
		return img.Pix
	}
	return nil
}

// TestRunYUV420P checks that YUV output, over every path through the
// transformer, is the RGBA output converted.
func TestRunYUV420P(t *testing.T) {
	const w, h = 48, 28 // h/2 odd chroma rows
	shots := []Shot{
		{Index: 0, Count: 1, Image: encodePNG(t, slide(w, h, 1))},                             // exact, borrowed
		{Index: 1, Count: 2, Image: encodePNG(t, slide(30, 30, 2))},                           // letterboxed
		{Index: 3, Count: 1, Image: encodeJPEG(t, slide(w, h, 3))},                            // exact JPEG
		{Index: 4, Count: 1, Image: encodePNG(t, solid(w, h, color.NRGBA{G: 9, A: 9}, true))}, // translucent
		{Index: 5, Count: 1, Image: encodePNG(t, slide(w, h, 1))},                             // exact, borrowed
	}
	run := func(format Format) [][]byte {
		sink := &recordingSink{frameSize: format.FrameSize(w, h), keep: true}
		cfg := Config{Width: w, Height: h, Workers: 3, Format: format, Background: color.RGBA{9, 99, 199, 255}}
		if _, err := runShots(t, cfg, shuffled(shots, 1), sink); err != nil {
			t.Fatalf("Run %s: %v", format, err)
		}
		return sink.frames
	}
	rgba, yuv := run(RGBA), run(YUV420P)
	if len(rgba) != len(shots) || len(yuv) != len(shots) {
		t.Fatalf("got %d RGBA and %d YUV frames, want %d", len(rgba), len(yuv), len(shots))
	}
	for i := range rgba {
		want := make([]byte, YUV420P.FrameSize(w, h))
		toYUV420P(want, rgba[i], w*4, w, h)
		if !bytes.Equal(yuv[i], want) {
			t.Errorf("YUV frame %d is not the RGBA frame converted", i)
		}
	}
}
