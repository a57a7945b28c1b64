package frames

import "image"

// BT.709 limited-range RGB -> YCbCr coefficients in 16-bit fixed point.
// BT.709 because players assume it for HD video, and the encoder tags the
// stream as BT.709 (an untagged BT.601 stream shows pure red as 255,23,0):
//
//	Y  =  16 + ( 46.559 R + 156.629 G +  15.812 B) / 255
//	Cb = 128 + (-25.664 R -  86.336 G + 112.000 B) / 255
//	Cr = 128 + (112.000 R - 101.730 G -  10.270 B) / 255
//
// Each is the real coefficient times 65536, rounded; the G term of Cb is
// nudged by one so that each chroma row sums to exactly zero and every
// grey maps to 128, as it must.
const (
	yR, yG, yB = 11966, 40254, 4064
	uR, uG, uB = -6596, -22188, 28784
	vR, vG, vB = 28784, -26145, -2639

	// Offsets with rounding folded in. Chroma is computed from the sum of
	// four pixels, hence two more bits of shift.
	yOffset = 16<<16 + 1<<15
	cOffset = 128<<18 + 1<<17
)

// toYUV420P converts an opaque width x height RGBA image (pix from its first
// pixel, stride bytes per row) to planar YUV 4:2:0 in dst, which must hold
// Format(YUV420P).FrameSize(width, height) bytes. Each chroma sample is the
// average of its 2x2 block; at an odd right or bottom edge the last column
// or row stands in for the missing one. Alpha is ignored.
//
// It is plain integer arithmetic on one goroutine (about 6 ms for a 1080p
// frame on the 2-core dev machine, where swscale's SIMD path is faster).
// What makes it pay is where it runs: once per distinct image, on the
// workers in parallel, whereas ffmpeg converts every frame it is sent,
// repeats included, on its input thread.
func toYUV420P(dst, pix []byte, stride, width, height int) {
	cw, ch := (width+1)/2, (height+1)/2
	yPlane := dst[:width*height]
	uPlane := dst[width*height : width*height+cw*ch]
	vPlane := dst[width*height+cw*ch : width*height+2*cw*ch]

	for cy := range ch {
		y0 := 2 * cy
		y1 := min(y0+1, height-1) // an odd last row is paired with itself
		row0 := pix[y0*stride : y0*stride+width*4]
		row1 := pix[y1*stride : y1*stride+width*4]
		out0 := yPlane[y0*width : y0*width+width]
		out1 := yPlane[y1*width : y1*width+width]
		uRow := uPlane[cy*cw : cy*cw+cw]
		vRow := vPlane[cy*cw : cy*cw+cw]

		for cx := range cw {
			x0 := 2 * cx
			x1 := min(x0+1, width-1) // and so is an odd last column

			p := row0[x0*4 : x0*4+3 : x0*4+3]
			r, g, b := int32(p[0]), int32(p[1]), int32(p[2])
			sr, sg, sb := r, g, b
			out0[x0] = uint8((yR*r + yG*g + yB*b + yOffset) >> 16)

			p = row0[x1*4 : x1*4+3 : x1*4+3]
			r, g, b = int32(p[0]), int32(p[1]), int32(p[2])
			sr, sg, sb = sr+r, sg+g, sb+b
			out0[x1] = uint8((yR*r + yG*g + yB*b + yOffset) >> 16)

			p = row1[x0*4 : x0*4+3 : x0*4+3]
			r, g, b = int32(p[0]), int32(p[1]), int32(p[2])
			sr, sg, sb = sr+r, sg+g, sb+b
			out1[x0] = uint8((yR*r + yG*g + yB*b + yOffset) >> 16)

			p = row1[x1*4 : x1*4+3 : x1*4+3]
			r, g, b = int32(p[0]), int32(p[1]), int32(p[2])
			sr, sg, sb = sr+r, sg+g, sb+b
			out1[x1] = uint8((yR*r + yG*g + yB*b + yOffset) >> 16)

			// The sums are at most 4*255, so neither result leaves
			// [16, 240]: no clamping needed.
			uRow[cx] = uint8((uR*sr + uG*sg + uB*sb + cOffset) >> 18)
			vRow[cx] = uint8((vR*sr + vG*sg + vB*sb + cOffset) >> 18)
		}
	}
}

// ToYUV420P returns img (opaque) as the encoder receives it: planar YUV
// 4:2:0 by the conversion the frames stage applies. It is for measuring
// what a capture format loses where it matters, after the conversion
// every video goes through (cmd/deckreel-bench).
func ToYUV420P(img *image.RGBA) []byte {
	b := img.Bounds()
	dst := make([]byte, YUV420P.FrameSize(b.Dx(), b.Dy()))
	toYUV420P(dst, img.Pix[img.PixOffset(b.Min.X, b.Min.Y):], img.Stride, b.Dx(), b.Dy())
	return dst
}
