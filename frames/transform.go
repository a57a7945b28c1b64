package frames

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"

	"github.com/disintegration/imaging"
)

// frame is a transformed shot on its way from a worker to the reorder step.
type frame struct {
	index, count int
	err          error  // a hole: no pixels, the frames failed with err
	hash         uint64 // of the encoded image, to merge identical neighbours
	pix          []byte // one frame in the output format; from the pool or the decoder
	// rgba is set for capture frames that take part in a transition: pix
	// is then an opaque Width x Height RGBA frame, whatever the output
	// format, not from the pool, for the composer to blend and convert.
	rgba bool
	// blended is set for output frames made by a transition blend; they
	// have no hash and are never merged.
	blended bool
}

// transformer turns shots into frames. Each worker owns one; it is not safe
// for concurrent use.
type transformer struct {
	width, height int
	format        Format
	background    color.RGBA // opaque
	pool          *bufferPool
	timeline      *Timeline

	// scratch holds the fitted RGBA frame before YUV conversion when the
	// decoded image cannot be converted directly. It is reused for every
	// shot, since the YUV frame, not this, is what leaves the worker.
	scratch *image.RGBA

	// keepAlpha passes a transparent page's alpha through (RGBA output
	// with a transparent Background): the bytes of a decoded NRGBA image
	// are the straight, unpremultiplied RGBA that ffmpeg's rgba means.
	keepAlpha bool
}

// newTransformer returns a transformer for cfg, which must have been through
// withDefaults.
func newTransformer(cfg Config, pool *bufferPool) *transformer {
	// RGBA() is premultiplied, so dropping alpha gives the colour over black.
	r, g, b, a := cfg.Background.RGBA()
	return &transformer{
		keepAlpha:  a == 0 && cfg.Format == RGBA,
		width:      cfg.Width,
		height:     cfg.Height,
		format:     cfg.Format,
		background: color.RGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0xff},
		pool:       pool,
		timeline:   cfg.Timeline,
	}
}

// run transforms shots from in and sends them to out until in is closed
// (nil), a shot fails (its error), or ctx ends (ctx's error).
func (t *transformer) run(ctx context.Context, seed maphash.Seed, in <-chan Shot, out chan<- frame) error {
	for {
		var s Shot
		select {
		case <-ctx.Done():
			return ctx.Err()
		case shot, ok := <-in:
			if !ok {
				return nil
			}
			s = shot
		}
		f, err := t.transform(seed, s)
		if err != nil {
			return err
		}
		select {
		case out <- f:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// transform decodes s and converts it to one output frame.
func (t *transformer) transform(seed maphash.Seed, s Shot) (frame, error) {
	f := frame{index: s.Index, count: s.Count, err: s.Err}
	if s.Count < 1 {
		return f, fmt.Errorf("shot of frame %d: count %d, want at least 1", s.Index, s.Count)
	}
	if s.Err != nil {
		if s.Image != nil {
			return f, fmt.Errorf("hole of %s carries an image", span(s.Index, s.Count))
		}
		return f, nil
	}
	// A 64-bit hash of the encoded bytes stands for the bytes: two
	// different shots collide with probability 2^-64, and with a random
	// seed per Run, colliding inputs cannot be prepared in advance.
	f.hash = maphash.Bytes(seed, s.Image)
	if t.format == JPEG && t.sized(s.Image) {
		f.pix = s.Image
		return f, nil
	}
	img, err := decode(s.Image)
	if err != nil {
		return f, fmt.Errorf("decode shot of %s: %w", span(s.Index, s.Count), err)
	}
	if t.timeline.needsRGBA(s.Index, s.Count) {
		f.pix, f.rgba = t.rgbaPixels(img), true
		return f, nil
	}
	if f.pix, err = t.pixels(img); err != nil {
		return f, fmt.Errorf("make frame of shot of %s: %w", span(s.Index, s.Count), err)
	}
	return f, nil
}

// rgbaPixels fits img to the output size and returns it as RGBA in a buffer
// of its own (never t.scratch, never from the pool): the composer may hold
// it as a transition's tail frame.
func (t *transformer) rgbaPixels(img image.Image) []byte {
	size := t.width * t.height * 4
	if b := img.Bounds(); b.Dx() == t.width && b.Dy() == t.height {
		var pix []byte
		var stride int
		switch src := img.(type) {
		case *image.RGBA:
			if src.Opaque() {
				pix, stride = src.Pix[src.PixOffset(b.Min.X, b.Min.Y):], src.Stride
			}
		case *image.NRGBA:
			if src.Opaque() {
				pix, stride = src.Pix[src.PixOffset(b.Min.X, b.Min.Y):], src.Stride
			}
		}
		if pix != nil && stride == t.width*4 && len(pix) >= size {
			return pix[:size:size]
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, t.width, t.height))
	letterbox(dst, img, t.background)
	return dst.Pix
}

// sized reports whether b is a JPEG file of exactly the output size, which
// the sink takes as it is.
func (t *transformer) sized(b []byte) bool {
	w, h, ok := jpegSize(b)
	return ok && w == t.width && h == t.height
}

// jpegSize reads the size of the JPEG file b from its frame header, the
// markers before it skipped by their lengths, without allocating (which
// jpeg.DecodeConfig does, 13 KB a call). ok is false unless b is a JPEG
// file of the kind Chrome writes and the encoder's decoder takes: a
// baseline, extended or progressive frame (SOF0-2) of 8-bit samples in
// three components. Anything else (a stray byte, another frame type) is
// not an error: the shot is then decoded in Go, which says what is wrong.
func jpegSize(b []byte) (width, height int, ok bool) {
	if !bytes.HasPrefix(b, []byte(jpegMagic)) {
		return 0, 0, false
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xff {
			return 0, 0, false
		}
		m := b[i+1]
		switch {
		case m == 0xff: // fill byte
			i++
			continue
		case m >= 0xc0 && m <= 0xc2: // SOF0-2
			// Length, precision, height, width, components.
			if i+10 > len(b) || b[i+4] != 8 || b[i+9] != 3 {
				return 0, 0, false
			}
			return int(b[i+7])<<8 | int(b[i+8]), int(b[i+5])<<8 | int(b[i+6]), true
		case m != 0xc4 && m != 0xdb && m != 0xdd && m != 0xfe && (m < 0xe0 || m > 0xef):
			// Only Huffman and quantization tables, a restart interval,
			// APPn segments and comments are looked past; anything else
			// (another frame type, or 0x00, which image/jpeg skips as
			// stray data) ends the search.
			return 0, 0, false
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if n < 2 {
			return 0, 0, false
		}
		i += 2 + n
	}
	return 0, 0, false
}

// pixels fits img to the output size and returns it in the output format,
// in a buffer that the reorder step hands back to the pool (JPEG: a new
// file, which the pool does not keep).
func (t *transformer) pixels(img image.Image) ([]byte, error) {
	rgba, borrowed := t.fit(img)
	switch t.format {
	case JPEG:
		// A shot the sink cannot take as it is (a PNG from a browser
		// that fell back to screenshots, another size): made into one.
		var b bytes.Buffer
		if err := jpeg.Encode(&b, rgba, &jpeg.Options{Quality: fallbackJPEGQuality}); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	case YUV420P:
		out := t.pool.get()
		toYUV420P(out, rgba.Pix[rgba.PixOffset(rgba.Rect.Min.X, rgba.Rect.Min.Y):], rgba.Stride, t.width, t.height)
		return out, nil
	default:
		if !borrowed {
			return rgba.Pix, nil
		}
		// The decoder's pixels are the frame itself unless they are a
		// sub-image or padded, which image/png never produces.
		size := t.width * t.height * 4
		if off := rgba.PixOffset(rgba.Rect.Min.X, rgba.Rect.Min.Y); off == 0 && rgba.Stride == t.width*4 && len(rgba.Pix) >= size {
			return rgba.Pix[:size], nil
		}
		out := t.pool.get()
		draw.Draw(&image.RGBA{Pix: out, Stride: t.width * 4, Rect: image.Rect(0, 0, t.width, t.height)}, image.Rect(0, 0, t.width, t.height), rgba, rgba.Rect.Min, draw.Src)
		return out, nil
	}
}

// fit returns img as an opaque Width x Height RGBA image. When img already
// is one (or an opaque NRGBA, which has the same bytes) it is returned as is
// and borrowed is true; otherwise the result is a canvas of t's: a pooled
// buffer for RGBA output, t.scratch for YUV output.
func (t *transformer) fit(img image.Image) (rgba *image.RGBA, borrowed bool) {
	if b := img.Bounds(); b.Dx() == t.width && b.Dy() == t.height {
		switch src := img.(type) {
		case *image.RGBA:
			if src.Opaque() {
				return src, true
			}
		case *image.NRGBA:
			if t.keepAlpha || src.Opaque() {
				return &image.RGBA{Pix: src.Pix, Stride: src.Stride, Rect: src.Rect}, true
			}
		}
	}
	dst := t.canvas()
	letterbox(dst, img, t.background)
	return dst, false
}

// canvas returns the image that fit draws into.
func (t *transformer) canvas() *image.RGBA {
	if t.format == RGBA {
		return &image.RGBA{Pix: t.pool.get(), Stride: t.width * 4, Rect: image.Rect(0, 0, t.width, t.height)}
	}
	if t.scratch == nil {
		t.scratch = image.NewRGBA(image.Rect(0, 0, t.width, t.height))
	}
	return t.scratch
}

// letterbox draws src onto all of dst, scaled to fit while keeping its
// aspect ratio, centred, with bg in the bars and behind transparent pixels.
// Smaller images are scaled up, larger ones down; none is stretched.
func letterbox(dst *image.RGBA, src image.Image, bg color.RGBA) {
	bounds := dst.Bounds()
	r := fitRect(src.Bounds().Size(), bounds.Size()).Add(bounds.Min)
	opaque := isOpaque(src)
	fill := &image.Uniform{C: bg}
	if opaque {
		// Only the bars; the image covers the rest.
		for _, bar := range []image.Rectangle{
			image.Rect(bounds.Min.X, bounds.Min.Y, bounds.Max.X, r.Min.Y), // top
			image.Rect(bounds.Min.X, r.Max.Y, bounds.Max.X, bounds.Max.Y), // bottom
			image.Rect(bounds.Min.X, r.Min.Y, r.Min.X, r.Max.Y),           // left
			image.Rect(r.Max.X, r.Min.Y, bounds.Max.X, r.Max.Y),           // right
		} {
			draw.Draw(dst, bar, fill, image.Point{}, draw.Src)
		}
	} else {
		draw.Draw(dst, bounds, fill, image.Point{}, draw.Src)
	}
	scaled := src
	if r.Size() != src.Bounds().Size() {
		// Catmull-Rom keeps slide text about as sharp as Lanczos does,
		// whose 3-pixel support makes it half as slow again.
		scaled = imaging.Resize(src, r.Dx(), r.Dy(), imaging.CatmullRom)
	}
	op := draw.Over
	if opaque {
		op = draw.Src
	}
	draw.Draw(dst, r, scaled, scaled.Bounds().Min, op)
}

// fitRect returns the largest rectangle with src's aspect ratio that fits in
// a rectangle of size dst at the origin, centred in it. One side always
// spans dst exactly; the other is rounded to the nearest pixel (at least
// one), and an odd leftover puts the extra bar pixel at the bottom or right.
func fitRect(src, dst image.Point) image.Rectangle {
	w, h := dst.X, dst.Y
	// Compare src.X/src.Y with dst.X/dst.Y without dividing.
	if src.X*dst.Y > src.Y*dst.X {
		h = max(1, (2*src.Y*dst.X+src.X)/(2*src.X)) // round(src.Y * dst.X / src.X)
	} else {
		w = max(1, (2*src.X*dst.Y+src.Y)/(2*src.Y))
	}
	x, y := (dst.X-w)/2, (dst.Y-h)/2
	return image.Rect(x, y, x+w, y+h)
}

// isOpaque reports whether img is known to be fully opaque. The standard
// image types answer by scanning their alpha, about a millisecond for a
// 1080p frame; anything else is assumed translucent, which only costs a
// blend.
func isOpaque(img image.Image) bool {
	o, ok := img.(interface{ Opaque() bool })
	return ok && o.Opaque()
}

// fallbackJPEGQuality is the quality of the JPEG files made from shots
// that the sink of JPEG frames cannot take as they are: the PNG shots of a
// browser that fell back to screenshots after the render chose JPEG
// frames, a shot of another size. The highest, as the video's quality
// should not depend on the path a frame took; it costs only on those rare
// paths.
const fallbackJPEGQuality = 100

const (
	pngMagic  = "\x89PNG\r\n\x1a\n"
	jpegMagic = "\xff\xd8"
)

// decode decodes PNG or JPEG bytes. It picks the decoder from the magic
// bytes itself rather than through image.Decode, whose format registry is
// global state that any imported package can add to.
func decode(b []byte) (image.Image, error) {
	var img image.Image
	var err error
	switch {
	case bytes.HasPrefix(b, []byte(pngMagic)):
		img, err = png.Decode(bytes.NewReader(b))
	case bytes.HasPrefix(b, []byte(jpegMagic)):
		img, err = jpeg.Decode(bytes.NewReader(b))
	case len(b) == 0:
		return nil, errors.New("empty image")
	default:
		return nil, fmt.Errorf("not a PNG or JPEG image (starts with %q)", b[:min(len(b), 8)])
	}
	if err != nil {
		return nil, err
	}
	if img.Bounds().Empty() {
		return nil, errors.New("image has no pixels")
	}
	return img, nil
}

// span formats the frames [index, index+count) for error messages.
func span(index, count int) string {
	if count == 1 {
		return fmt.Sprintf("frame %d", index)
	}
	return fmt.Sprintf("frames %d-%d", index, index+count-1)
}
