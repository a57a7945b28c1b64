package frames

import (
	"bytes"
	"image"
	"image/jpeg"
	"slices"
	"strings"
	"testing"
)

// jpegSink records the JPEG frames it is given, decoded, with their counts.
type jpegSink struct {
	raw    [][]byte
	imgs   []image.Image
	counts []int
}

func (s *jpegSink) WriteFrame(pix []byte, count int) error {
	img, err := jpeg.Decode(bytes.NewReader(pix))
	if err != nil {
		return err
	}
	s.raw = append(s.raw, bytes.Clone(pix))
	s.imgs = append(s.imgs, img)
	s.counts = append(s.counts, count)
	return nil
}

// TestRunJPEGPassesShotsThrough: with JPEG output, a JPEG shot of the
// output size reaches the sink byte for byte, undecoded, identical
// neighbours still merge; a PNG shot and a JPEG of another size are made
// into JPEG files of the output size, letterboxed as the other formats are.
func TestRunJPEGPassesShotsThrough(t *testing.T) {
	const w, h = 64, 36
	exact := encodeJPEG(t, noise(w, h, 1, false))
	other := encodeJPEG(t, noise(w, h, 2, false))
	png := encodePNG(t, solid(w, h, idColor(7), false))
	small := encodeJPEG(t, solid(32, 36, idColor(9), false)) // pillarboxed
	shots := []Shot{
		{Index: 0, Count: 2, Image: exact},
		{Index: 2, Count: 1, Image: exact},
		{Index: 3, Count: 1, Image: other},
		{Index: 4, Count: 1, Image: png},
		{Index: 5, Count: 1, Image: small},
	}
	sink := &jpegSink{}
	if _, err := runShots(t, Config{Width: w, Height: h, Workers: 2, Format: JPEG, End: 6}, shuffled(shots, 3), sink); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got, want := sink.counts, []int{3, 1, 1, 1}; !slices.Equal(got, want) {
		t.Fatalf("counts %v, want %v", got, want)
	}
	if !bytes.Equal(sink.raw[0], exact) || !bytes.Equal(sink.raw[1], other) {
		t.Error("a JPEG shot of the output size did not reach the sink as it was")
	}
	for i, img := range sink.imgs {
		if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
			t.Errorf("frame %d is %dx%d, want %dx%d", i, b.Dx(), b.Dy(), w, h)
		}
	}
	rgba := func(img image.Image, x, y int) [3]uint8 {
		r, g, b, _ := img.At(x, y).RGBA()
		return [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)}
	}
	want := idColor(7)
	if got := rgba(sink.imgs[2], w/2, h/2); !near3(got, [3]uint8{want.R, want.G, want.B}, 4) {
		t.Errorf("PNG shot made into JPEG: centre %v, want %v", got, want)
	}
	want = idColor(9)
	if got := rgba(sink.imgs[3], w/2, h/2); !near3(got, [3]uint8{want.R, want.G, want.B}, 4) {
		t.Errorf("small JPEG shot: centre %v, want %v", got, want)
	}
	if got := rgba(sink.imgs[3], 2, h/2); !near3(got, [3]uint8{}, 4) {
		t.Errorf("small JPEG shot: bar %v, want black", got)
	}
}

// TestRunJPEGRefusesBlends: transition frames are blends of pixels, which
// JPEG frames passed through do not have.
func TestRunJPEGRefusesBlends(t *testing.T) {
	tl, err := NewTimeline(twoCuts)
	if err != nil {
		t.Fatal(err)
	}
	in := make(chan Shot)
	close(in)
	err = Run(t.Context(), Config{Width: 4, Height: 3, Format: JPEG, Timeline: tl}, in, &jpegSink{})
	if err == nil || !strings.Contains(err.Error(), "cannot be blended") {
		t.Fatalf("Run = %v, want the blend refused", err)
	}
	plain, err := NewTimeline([]Segment{{Frames: 2}, {Frames: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Blends() || !tl.Blends() || (*Timeline)(nil).Blends() {
		t.Error("Blends is wrong")
	}
}

func near3(a, b [3]uint8, tol int) bool {
	for i := range a {
		if abs(int(a[i])-int(b[i])) > tol {
			return false
		}
	}
	return true
}

// TestJPEGSize reads the size as image/jpeg does, from files with and
// without markers before the frame header, and refuses what is not one.
func TestJPEGSize(t *testing.T) {
	plain := encodeJPEG(t, solid(37, 21, idColor(1), false))
	// An APP1 segment and fill bytes before the rest, as cameras write.
	app := append([]byte{0xff, 0xd8, 0xff, 0xe1, 0x00, 0x06, 'E', 'x', 'i', 'f', 0xff}, plain[2:]...)
	for _, tt := range []struct {
		name string
		b    []byte
		ok   bool
	}{
		{"plain", plain, true},
		{"app1 and fill", app, true},
		{"png", encodePNG(t, solid(3, 2, idColor(1), false)), false},
		{"empty", nil, false},
		{"truncated", plain[:12], false},
		{"scan first", []byte{0xff, 0xd8, 0xff, 0xda, 0x00, 0x02}, false},
		{"bad length", []byte{0xff, 0xd8, 0xff, 0xe0, 0x00, 0x00, 0xff, 0xc0}, false},
		// image/jpeg skips FF 00 as stray data; read as a length, it
		// would land on a frame header hidden in the APP0 after it.
		{"stray ff00", append([]byte{0xff, 0xd8, 0xff, 0x00, 0x00, 0x06, 0xff, 0xe0, 0x00, 0x0c,
			0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x07, 0x00, 0x09, 0x03}, plain[2:]...), false},
		{"12-bit", sof(plain, 12, 3), false},
		{"grey", sof(plain, 8, 1), false},
		{"lossless", marker(plain, 0xc3), false},
		{"arithmetic", marker(plain, 0xc9), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w, h, ok := jpegSize(tt.b)
			if ok != tt.ok {
				t.Fatalf("jpegSize ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			c, err := jpeg.DecodeConfig(bytes.NewReader(tt.b))
			if err != nil {
				t.Fatal(err)
			}
			if w != c.Width || h != c.Height {
				t.Errorf("jpegSize = %dx%d, image/jpeg says %dx%d", w, h, c.Width, c.Height)
			}
		})
	}
}

// sof returns a copy of the JPEG file b with its frame header's precision
// and component count changed.
func sof(b []byte, precision, components byte) []byte {
	b = bytes.Clone(b)
	i := bytes.Index(b, []byte{0xff, 0xc0})
	b[i+4], b[i+9] = precision, components
	return b
}

// marker returns a copy of the JPEG file b with its SOF0 marker changed.
func marker(b []byte, m byte) []byte {
	b = bytes.Clone(b)
	b[bytes.Index(b, []byte{0xff, 0xc0})+1] = m
	return b
}

func FuzzJPEGSize(f *testing.F) {
	f.Add(encodeJPEG(f, solid(5, 3, idColor(2), false)))
	f.Add([]byte{0xff, 0xd8, 0xff})
	f.Add([]byte{0xff, 0xd8, 0xff, 0x00, 0x00, 0x06, 0xff, 0xe0, 0x00, 0x0c, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x07, 0x00, 0x09, 0x03})
	f.Fuzz(func(t *testing.T, b []byte) {
		w, h, ok := jpegSize(b)
		if !ok {
			return
		}
		if c, err := jpeg.DecodeConfig(bytes.NewReader(b)); err == nil && (c.Width != w || c.Height != h) {
			t.Errorf("jpegSize = %dx%d, image/jpeg says %dx%d", w, h, c.Width, c.Height)
		}
	})
}
