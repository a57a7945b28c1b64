package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"path/filepath"
	"slices"
	"time"

	"github.com/deckreel/deckreel/capture"
	"github.com/deckreel/deckreel/frames"
)

// formatWorkload is the capture format benchmark's name in -only.
const formatWorkload = "capture-formats"

// shotFormat is one way of capturing a frame.
type shotFormat struct {
	name    string
	format  capture.ShotFormat
	quality int
}

var shotFormats = []shotFormat{
	{"png", capture.PNG, 0},
	{"jpeg q75", capture.JPEG, 75},
	{"jpeg q85", capture.JPEG, 85},
	{"jpeg q90", capture.JPEG, 90},
	{"jpeg q95", capture.JPEG, 95},
	{"jpeg q100", capture.JPEG, 100},
}

// benchFormats captures the same frames of each page in every format, one
// tab each, and reports per frame the time beginFrame with the screenshot
// took, the time Go took to decode it, its size, and how far the decoded
// picture is from the PNG one (PSNR over RGB, and over the YUV 4:2:0
// planes the encoder receives, where every video's chroma is halved
// anyway; the lowest frame's, and the mean), the figures a capture format
// is chosen by.
func benchFormats(ctx context.Context, o options, pages []string, n int) error {
	fmt.Printf("\ncapture formats: %d frames of each page at %dx%d, one tab, medians per frame; PSNR against the PNG capture of the same frame\n", n, o.width, o.height)
	fmt.Printf("%-15s %-9s %9s %9s %9s %9s %9s %9s %9s\n", "page", "format", "shot ms", "decode ms", "KB", "min dB", "mean dB", "yuv min", "yuv mean")
	for _, page := range pages {
		var ref []*image.RGBA
		for _, f := range shotFormats {
			shots, shotT, err := shootFrames(ctx, o, page, n, f)
			if err != nil {
				return fmt.Errorf("%s %s: %w", filepath.Base(page), f.name, err)
			}
			var decT []time.Duration
			var size []int
			var imgs []*image.RGBA
			for _, b := range shots {
				start := time.Now()
				img, err := decodeShot(b)
				if err != nil {
					return fmt.Errorf("%s %s: decode: %w", filepath.Base(page), f.name, err)
				}
				decT = append(decT, time.Since(start))
				size = append(size, len(b))
				imgs = append(imgs, img)
			}
			if ref == nil {
				ref = imgs
			}
			minDB, sumDB := math.Inf(1), 0.0
			minY, sumY := math.Inf(1), 0.0
			for i := range imgs {
				db := psnr(ref[i].Pix, imgs[i].Pix, 4)
				minDB, sumDB = math.Min(minDB, db), sumDB+math.Min(db, 99)
				y := psnr(frames.ToYUV420P(ref[i]), frames.ToYUV420P(imgs[i]), 1)
				minY, sumY = math.Min(minY, y), sumY+math.Min(y, 99)
			}
			slices.Sort(size)
			fmt.Printf("%-15s %-9s %9.1f %9.1f %9.0f %9.1f %9.1f %9.1f %9.1f\n", filepath.Base(page), f.name,
				ms(median(shotT)), ms(median(decT)), float64(size[len(size)/2])/1024,
				math.Min(minDB, 99), sumDB/float64(len(imgs)), math.Min(minY, 99), sumY/float64(len(imgs)))
		}
	}
	fmt.Println("(99 dB: identical to the PNG capture)")
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// shootFrames steps a new tab of page through frames 0..n-1 and shoots each
// in format f, timing each shot.
func shootFrames(ctx context.Context, o options, page string, n int, f shotFormat) ([][]byte, []time.Duration, error) {
	path, mode, err := capture.FindBrowser("auto")
	if err != nil {
		return nil, nil, err
	}
	abs, err := filepath.Abs(page)
	if err != nil {
		return nil, nil, err
	}
	srv, err := capture.ServeDir(filepath.Dir(abs), nil)
	if err != nil {
		return nil, nil, err
	}
	defer srv.Close()
	b, err := capture.Launch(ctx, capture.BrowserOptions{Path: path, Mode: mode, Width: o.width, Height: o.height, Proxy: srv.Addr()})
	if err != nil {
		return nil, nil, err
	}
	defer b.Close()
	epoch := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tab, err := b.OpenTab(ctx, capture.TabOptions{URL: srv.URL(filepath.Base(abs)), Width: o.width, Height: o.height, FPS: o.fps,
		Epoch: epoch, ReadyTimeout: 30 * time.Second, Format: f.format, Quality: f.quality})
	if err != nil {
		return nil, nil, err
	}
	defer tab.Close()
	var shots [][]byte
	var times []time.Duration
	for i := range n {
		if _, err := tab.Seek(ctx, i); err != nil {
			return nil, nil, err
		}
		start := time.Now()
		img, err := tab.Shoot(ctx)
		if err != nil {
			return nil, nil, err
		}
		times = append(times, time.Since(start))
		shots = append(shots, img)
	}
	return shots, times, nil
}

// decodeShot decodes a PNG or JPEG shot into RGBA, as the frames stage
// does before it converts a frame for the encoder.
func decodeShot(b []byte) (*image.RGBA, error) {
	var img image.Image
	var err error
	if bytes.HasPrefix(b, []byte("\x89PNG")) {
		img, err = png.Decode(bytes.NewReader(b))
	} else {
		img, err = jpeg.Decode(bytes.NewReader(b))
	}
	if err != nil {
		return nil, err
	}
	if rgba, ok := img.(*image.RGBA); ok {
		return rgba, nil
	}
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	return out, nil
}

// psnr is the peak signal-to-noise ratio of b against a, in dB (+Inf for
// identical pictures): over the RGB channels of RGBA pixels (step 4), or
// over every byte of YUV planes (step 1).
func psnr(a, b []byte, step int) float64 {
	var sum float64
	n := 0
	channels := min(step, 3)
	for i := 0; i+step-1 < len(a) && i+step-1 < len(b); i += step {
		for c := range channels {
			d := float64(a[i+c]) - float64(b[i+c])
			sum += d * d
			n++
		}
	}
	if sum == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/(sum/float64(n)))
}
