package frames

import (
	"image"
	"image/color"
	"math"

	"github.com/disintegration/imaging"
)

// blend composites one transition frame: next over prev (both opaque and
// of the same size) at eased progress p, 0 showing only prev and 1 only
// next. It returns a new image of the same size; prev and next are only
// read.
//
// imaging fans each call out over GOMAXPROCS goroutines. Blends run on the
// frames stage's single writer goroutine, while the decode workers wait on
// it, so they share the stage's cores rather than add to them.
func blend(kind Blend, prev, next *image.RGBA, p float64) *image.NRGBA {
	b := prev.Bounds()
	w, h := b.Dx(), b.Dy()
	p = min(max(p, 0), 1)
	switch kind {
	case WipeLeft:
		// Columns x >= w*(1-p) show the new page.
		x := w - int(math.Round(float64(w)*p))
		if x >= w {
			return imaging.Clone(prev)
		}
		return imaging.Paste(prev, imaging.Crop(next, image.Rect(x, 0, w, h).Add(b.Min)), image.Pt(x, 0).Add(b.Min))
	case SlideLeft:
		// The old page moves left by off pixels and the new one follows
		// it in from the right edge.
		off := int(math.Round(float64(w) * p))
		dst := imaging.New(w, h, color.Black)
		dst = imaging.Paste(dst, prev, image.Pt(-off, 0))
		return imaging.Paste(dst, next, image.Pt(w-off, 0))
	default: // Fade
		return imaging.Overlay(prev, next, b.Min, p)
	}
}
