package frames

import (
	"image"
	"image/color"
	"image/draw"
	"math/rand/v2"
)

// slide draws a w x h image that looks to an encoder like a presentation
// slide: a soft gradient background, a few flat coloured boxes, and rows of
// dark dashes standing in for text. Different seeds give different slides.
func slide(w, h int, seed uint64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(seed, 42))
	for y := range h {
		for x := range w {
			i := img.PixOffset(x, y)
			img.Pix[i+0] = uint8(30 + 60*x/w)
			img.Pix[i+1] = uint8(40 + 80*y/h)
			img.Pix[i+2] = uint8(120 + 100*(x+y)/(w+h))
			img.Pix[i+3] = 0xff
		}
	}
	for range 4 {
		x, y := r.IntN(w*3/4), r.IntN(h*3/4)
		box := image.Rect(x, y, x+w/8+r.IntN(w/4), y+h/8+r.IntN(h/4))
		c := color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 0xff}
		draw.Draw(img, box, &image.Uniform{C: c}, image.Point{}, draw.Src)
	}
	ink := &image.Uniform{C: color.RGBA{20, 20, 30, 0xff}}
	line := max(h/40, 2)
	for y := h / 10; y < h*9/10; y += 2 * line {
		for x := w / 10; x < w*9/10; {
			word := line/2 + r.IntN(4*line)
			draw.Draw(img, image.Rect(x, y, min(x+word, w), y+line), ink, image.Point{}, draw.Src)
			x += word + line/2
		}
	}
	return img
}
