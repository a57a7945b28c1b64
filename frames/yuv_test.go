package frames

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"os"
	"os/exec"
	"testing"
)

// yuvOf converts a w x h image of one colour and returns its first Y, U and
// V samples.
func yuvOf(c color.RGBA, w, h int) (yy, u, v uint8, frame []byte) {
	img := solid(w, h, c, false).(*image.RGBA)
	frame = make([]byte, YUV420P.FrameSize(w, h))
	toYUV420P(frame, img.Pix, img.Stride, w, h)
	return frame[0], frame[w*h], frame[w*h+((w+1)/2)*((h+1)/2)], frame
}

func TestToYUV420PKnownColours(t *testing.T) {
	// The expected values are what ffmpeg 5.1 gives for -f rawvideo
	// -pix_fmt rgba ... -vf scale=out_color_matrix=bt709:out_range=tv
	// -pix_fmt yuv420p.
	tests := []struct {
		name    string
		rgb     color.RGBA
		y, u, v uint8
	}{
		{"black", color.RGBA{0, 0, 0, 255}, 16, 128, 128},
		{"white", color.RGBA{255, 255, 255, 255}, 235, 128, 128},
		{"red", color.RGBA{255, 0, 0, 255}, 63, 102, 240},
		{"green", color.RGBA{0, 255, 0, 255}, 173, 42, 26},
		{"blue", color.RGBA{0, 0, 255, 255}, 32, 240, 118},
		{"mid grey", color.RGBA{128, 128, 128, 255}, 126, 128, 128},
		{"yellow", color.RGBA{255, 255, 0, 255}, 219, 16, 138},
		{"odd colour", color.RGBA{12, 200, 99, 255}, 147, 103, 49},
	}
	for _, tt := range tests {
		for _, size := range []image.Point{{2, 2}, {6, 4}, {5, 3}, {1, 1}} {
			t.Run(fmt.Sprintf("%s/%dx%d", tt.name, size.X, size.Y), func(t *testing.T) {
				_, _, _, frame := yuvOf(tt.rgb, size.X, size.Y)
				n, c := size.X*size.Y, ((size.X+1)/2)*((size.Y+1)/2)
				if len(frame) != n+2*c {
					t.Fatalf("frame is %d bytes, want %d", len(frame), n+2*c)
				}
				for i, got := range frame {
					want, plane := tt.y, "Y"
					switch {
					case i >= n+c:
						want, plane = tt.v, "V"
					case i >= n:
						want, plane = tt.u, "U"
					}
					if got != want {
						t.Fatalf("%s sample %d = %d, want %d", plane, i, got, want)
					}
				}
			})
		}
	}
}

// TestToYUV420PChroma checks that each chroma sample is the average of its
// 2x2 block, with the last row and column standing in at odd edges.
func TestToYUV420PChroma(t *testing.T) {
	red, blue := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}
	img := image.NewRGBA(image.Rect(0, 0, 3, 3))
	// Row-major 3x3: the top-left block has two red and two blue pixels;
	// the right column and bottom row are single pixels duplicated.
	colours := []color.RGBA{
		red, blue, red,
		blue, red, red,
		blue, red, blue,
	}
	for i, c := range colours {
		img.SetRGBA(i%3, i/3, c)
	}
	frame := make([]byte, YUV420P.FrameSize(3, 3))
	toYUV420P(frame, img.Pix, img.Stride, 3, 3)

	purple := color.RGBA{128, 0, 128, 255} // red and blue averaged (127.5 each)
	_, pu, pv, _ := yuvOf(purple, 2, 2)
	_, ru, rv, _ := yuvOf(red, 2, 2)
	_, bu, bv, _ := yuvOf(blue, 2, 2)
	u, v := frame[9:13], frame[13:17]
	tests := []struct {
		name         string
		i            int
		wantU, wantV uint8
	}{
		{"full block", 0, pu, pv},
		{"right column (red, red)", 1, ru, rv},
		{"bottom row (blue, red)", 2, pu, pv},
		{"corner (blue)", 3, bu, bv},
	}
	for _, tt := range tests {
		if abs(int(u[tt.i])-int(tt.wantU)) > 1 || abs(int(v[tt.i])-int(tt.wantV)) > 1 {
			t.Errorf("%s: U,V = %d,%d, want %d,%d ±1", tt.name, u[tt.i], v[tt.i], tt.wantU, tt.wantV)
		}
	}
	for i, c := range colours {
		y, _, _, _ := yuvOf(c, 1, 1)
		if frame[i] != y {
			t.Errorf("Y[%d] = %d, want %d", i, frame[i], y)
		}
	}
}

// TestToYUV420PMatchesFFmpeg compares the conversion of a slide-like image
// with ffmpeg's own. It needs ffmpeg; without it the test is skipped, except
// in CI, where that is a failure.
//
// With -sws_flags area, swscale averages each 2x2 block for chroma just as
// toYUV420P does, and every sample must agree within rounding. By default
// (bicubic) swscale averages horizontally but filters vertically over
// several rows, so at a sharp horizontal colour edge its chroma bleeds a
// row or two further than ours; there only luma, and chroma away from
// edges, are compared.
func TestToYUV420PMatchesFFmpeg(t *testing.T) {
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("ffmpeg is required in CI: %v", err)
		}
		t.Skipf("ffmpeg not found: %v", err)
	}
	const w, h = 320, 180
	img := slide(w, h, 3)
	ours := make([]byte, YUV420P.FrameSize(w, h))
	toYUV420P(ours, img.Pix, img.Stride, w, h)

	tests := []struct {
		name string
		args []string
		// chromaNearEdges says whether chroma samples whose source rows
		// (within swscale's vertical filter reach) hold an edge are compared.
		chromaNearEdges bool
	}{
		{"area", []string{"-sws_flags", "area"}, true},
		{"default", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			theirs := ffmpegYUV420P(t, ffmpeg, img, tt.args)
			if len(theirs) != len(ours) {
				t.Fatalf("ffmpeg gave %d bytes, want %d", len(theirs), len(ours))
			}
			cw, ch := w/2, h/2
			planes := []struct {
				name        string
				off, pw, ph int
				chroma      bool
			}{
				{"Y", 0, w, h, false},
				{"U", w * h, cw, ch, true},
				{"V", w*h + cw*ch, cw, ch, true},
			}
			const tol = 2
			for _, p := range planes {
				compared, worst := 0, 0
				for y := range p.ph {
					for x := range p.pw {
						if p.chroma && !tt.chromaNearEdges && !flat(img, image.Rect(2*x, 2*y-4, 2*x+2, 2*y+6)) {
							continue
						}
						i := p.off + y*p.pw + x
						d := abs(int(ours[i]) - int(theirs[i]))
						worst = max(worst, d)
						compared++
						if d > tol {
							t.Errorf("%s(%d,%d) = %d, ffmpeg gives %d", p.name, x, y, ours[i], theirs[i])
						}
					}
				}
				t.Logf("%s: compared %d of %d samples, worst difference %d", p.name, compared, p.pw*p.ph, worst)
				if compared < p.pw*p.ph/4 {
					t.Errorf("%s: only %d of %d samples compared; the test image has too many edges", p.name, compared, p.pw*p.ph)
				}
			}
		})
	}
}

// ffmpegYUV420P has ffmpeg convert img to yuv420p.
func ffmpegYUV420P(t *testing.T, ffmpeg string, img *image.RGBA, flags []string) []byte {
	t.Helper()
	args := []string{"-nostdin", "-loglevel", "error",
		"-f", "rawvideo", "-pix_fmt", "rgba", "-s", fmt.Sprintf("%dx%d", img.Rect.Dx(), img.Rect.Dy()), "-i", "pipe:0"}
	args = append(args, flags...)
	args = append(args, "-vf", "scale=out_color_matrix=bt709:out_range=tv", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1")
	cmd := exec.CommandContext(t.Context(), ffmpeg, args...)
	cmd.Stdin = bytes.NewReader(img.Pix)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ffmpeg %v: %v: %s", args, err, stderr.String())
	}
	return out
}

// flat reports whether no channel varies by more than 4 over the part of r
// inside img: a region with no colour edge, only a gradient at most.
func flat(img *image.RGBA, r image.Rectangle) bool {
	r = r.Intersect(img.Rect)
	lo, hi := [3]uint8{255, 255, 255}, [3]uint8{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p := img.Pix[img.PixOffset(x, y):]
			for c := range 3 {
				lo[c], hi[c] = min(lo[c], p[c]), max(hi[c], p[c])
			}
		}
	}
	for c := range 3 {
		if hi[c]-lo[c] > 4 {
			return false
		}
	}
	return true
}
