package decktest

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/deckreel/deckreel/capture"
)

// TestCompareRenderers measures the ways a PDF page can become a 1920x1080
// frame, for the choice deck makes (pdftocairo -svg, drawn by Chrome): time
// per page and PSNR against a reference raster (poppler's two rasterizers,
// cairo and Splash, at 4x the size, averaged down). It is a measurement,
// run by hand:
//
//	npm install --prefix /tmp/pdfjs pdfjs-dist@3   # optional: pdf.js too
//	DECKTEST_COMPARE=1 PDFJS_DIR=/tmp/pdfjs/node_modules/pdfjs-dist \
//	  go test -count=1 -run TestCompareRenderers -v ./internal/decktest/
func TestCompareRenderers(t *testing.T) {
	if os.Getenv("DECKTEST_COMPARE") == "" {
		t.Skip("a measurement: set DECKTEST_COMPARE=1")
	}
	chrome, _, err := capture.FindBrowser("auto")
	if err != nil {
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	dir := t.TempDir()
	const pages, w, h = 8, 1920, 1080
	pdf, err := PDF(ctx, chrome, 1280, 720, benchPages(pages))
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "bench.pdf")
	os.WriteFile(in, pdf, 0o644)
	if out := os.Getenv("DECKTEST_OUT"); out != "" {
		os.WriteFile(filepath.Join(out, "bench.pdf"), pdf, 0o644)
	}

	if os.Getenv("DECKTEST_ONLY_PDF") != "" {
		return
	}
	refs := map[string][]image.Image{}
	for _, r := range []struct{ name, tool string }{{"cairo", "pdftocairo"}, {"splash", "pdftoppm"}} {
		for n := 1; n <= pages; n++ {
			refs[r.name] = append(refs[r.name], downscale(rasterize(t, r.tool, in, n, 4*w, 4*h), 4))
		}
	}
	type result struct {
		name    string
		perPage time.Duration
		frames  []image.Image
	}
	var results []result
	add := func(name string, per time.Duration, frames []image.Image) {
		results = append(results, result{name, per, frames})
	}

	// pdftoppm -scale-to: a raster at exactly the output size.
	var frames []image.Image
	start := time.Now()
	for n := 1; n <= pages; n++ {
		frames = append(frames, rasterize(t, "pdftoppm", in, n, w, h))
	}
	add("pdftoppm -scale-to 1920x1080", time.Since(start)/pages, frames)

	// A raster at the page's own size (1280x720), scaled up: the blur to avoid.
	frames = nil
	for n := 1; n <= pages; n++ {
		frames = append(frames, upscale(rasterize(t, "pdftoppm", in, n, 1280, 720), w, h))
	}
	add("pdftoppm 1280x720, scaled up", 0, frames)

	// pdftocairo -svg, drawn by Chrome (deckreel's choice).
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	start = time.Now()
	for n := 1; n <= pages; n++ {
		svg, err := exec.Command("pdftocairo", "-svg", "-f", fmt.Sprint(n), "-l", fmt.Sprint(n), in, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		svg = regexp.MustCompile(`<svg[^>]*>`).ReplaceAll(svg, []byte(`$0<rect width="100%" height="100%" fill="#fff"/>`))
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("page-%d.svg", n)), svg, 0o644)
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("page-%d.html", n)), []byte(fmt.Sprintf(
			`<html><body style="margin:0;background:#000"><img src="page-%d.svg" style="display:block;width:100vw;height:100vh;object-fit:contain"></body></html>`, n)), 0o644)
	}
	convert := time.Since(start) / pages
	var draw time.Duration
	frames = nil
	err = browser(ctx, chrome, func(ctx context.Context) error {
		if err := metrics(ctx, w, h); err != nil {
			return err
		}
		for n := 1; n <= pages; n++ {
			start := time.Now()
			shot, err := screenshot(ctx, fmt.Sprintf("%s/page-%d.html", srv.URL, n), `document.images[0].decode()`)
			if err != nil {
				return err
			}
			draw += time.Since(start)
			frames = append(frames, shot)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	add(fmt.Sprintf("pdftocairo -svg (%s/page) + Chrome", convert.Round(time.Millisecond)), convert+draw/pages, frames)

	// pdf.js in Chrome, drawing into a canvas of the output size.
	if pdfjs := os.Getenv("PDFJS_DIR"); pdfjs != "" {
		for _, f := range []string{"build/pdf.min.js", "build/pdf.worker.min.js"} {
			b, err := os.ReadFile(filepath.Join(pdfjs, f))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644)
		}
		os.WriteFile(filepath.Join(dir, "pdfjs.html"), []byte(`<html><body><script src="pdf.min.js"></script></body></html>`), 0o644)
		var per time.Duration
		frames = nil
		err = browser(ctx, chrome, func(ctx context.Context) error {
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/pdfjs.html")); err != nil {
				return err
			}
			out, err := chromedp.Run(ctx, chromedp.Evaluate[[]struct {
				MS  float64
				PNG string
			}](fmt.Sprintf(`(async () => {
  pdfjsLib.GlobalWorkerOptions.workerSrc = 'pdf.worker.min.js';
  const pdf = await pdfjsLib.getDocument('bench.pdf').promise;
  const out = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const t0 = performance.now();
    const page = await pdf.getPage(n);
    const vp = page.getViewport({ scale: %d / page.getViewport({ scale: 1 }).width });
    const c = document.createElement('canvas'); c.width = %d; c.height = %d;
    const g = c.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height);
    await page.render({ canvasContext: g, viewport: vp }).promise;
    out.push({ MS: performance.now() - t0, PNG: c.toDataURL('image/png') });
  }
  return out;
})()`, w, w, h), chromedp.EvalAwaitPromise))
			if err != nil {
				return err
			}
			for _, o := range out {
				per += time.Duration(o.MS * float64(time.Millisecond))
				b, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(o.PNG, "data:image/png;base64,"))
				img, err := png.Decode(bytes.NewReader(b))
				if err != nil {
					return err
				}
				frames = append(frames, img)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		add("pdf.js 3 in Chrome (canvas)", per/pages, frames)
	}

	t.Logf("%d pages of 1280x720 CSS px (text 11-48 px, 1 px lines, gradients, a photo-like image) at %dx%d", pages, w, h)
	// The left half holds the title and the body text; the whole frame
	// adds the hairlines, gradient, shapes and image.
	text := image.Rect(0, 0, 1000, h)
	t.Logf("PSNR against each reference, of the whole frame and of its text (the left half)")
	t.Logf("%-44s %10s %22s %22s", "renderer", "time/page", "cairo 4x: all / text", "splash 4x: all / text")
	for _, r := range results {
		t.Logf("%-44s %10s %9.2f / %6.2f dB %9.2f / %6.2f dB", r.name, r.perPage.Round(time.Millisecond),
			psnr(r.frames, refs["cairo"], image.Rect(0, 0, w, h)), psnr(r.frames, refs["cairo"], text),
			psnr(r.frames, refs["splash"], image.Rect(0, 0, w, h)), psnr(r.frames, refs["splash"], text))
		if out := os.Getenv("DECKTEST_OUT"); out != "" {
			f, _ := os.Create(filepath.Join(out, "compare-"+regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(r.name), "-")+".png"))
			png.Encode(f, r.frames[0])
			f.Close()
		}
	}
	if out := os.Getenv("DECKTEST_OUT"); out != "" {
		for name, frames := range refs {
			f, _ := os.Create(filepath.Join(out, "compare-reference-"+name+".png"))
			png.Encode(f, frames[0])
			f.Close()
		}
	}
}

// benchPages are slides of what decks hold: a title, body text at several
// sizes, hairlines, a gradient, vector shapes and a photo-like image.
func benchPages(n int) []Page {
	img := image.NewRGBA(image.Rect(0, 0, 480, 270))
	for y := 0; y < 270; y++ {
		for x := 0; x < 480; x++ {
			v := math.Sin(float64(x)/7) * math.Cos(float64(y)/5)
			img.Set(x, y, color.RGBA{uint8(128 + 120*v), uint8(x * 255 / 480), uint8(y * 255 / 270), 255})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	src := "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())
	lorem := "Quarterly results were strong across every region; the pipeline doubled, churn fell to 2.1% and the new pricing landed well with enterprise customers. "
	var pages []Page
	for i := 0; i < n; i++ {
		var body strings.Builder
		fmt.Fprintf(&body, `<div style="position:absolute;left:40px;top:110px;width:620px;color:#222;font:18px/1.35 serif">%s%s</div>`, lorem, lorem)
		fmt.Fprintf(&body, `<div style="position:absolute;left:40px;top:420px;width:620px;color:#444;font:11px/1.3 sans-serif">%s%s%s</div>`, lorem, lorem, lorem)
		for k := 0; k < 12; k++ {
			fmt.Fprintf(&body, `<div style="position:absolute;left:700px;top:%dpx;width:540px;height:1px;background:#000"></div>`, 110+k*13)
		}
		fmt.Fprintf(&body, `<div style="position:absolute;left:700px;top:280px;width:540px;height:60px;background:linear-gradient(90deg,#036,#f90)"></div>`)
		fmt.Fprintf(&body, `<svg style="position:absolute;left:700px;top:360px" width="240" height="200"><circle cx="100" cy="100" r="90" fill="none" stroke="#c00" stroke-width="1.5"/><path d="M10 190 Q 100 %d 230 20" stroke="#06c" fill="none" stroke-width="3"/></svg>`, 10+i*20)
		fmt.Fprintf(&body, `<img src="%s" style="position:absolute;left:960px;top:380px;width:280px;height:158px">`, src)
		pages = append(pages, Page{Color: "#fafafa", HTML: fmt.Sprintf(`<h1 style="position:absolute;left:40px;top:30px;margin:0;color:#111;font:bold 48px sans-serif">Slide %d: results</h1>`, i+1) + body.String()})
	}
	return pages
}

// rasterize draws page n of in at w x h with a poppler tool (pdftoppm or
// pdftocairo).
func rasterize(t *testing.T, tool, in string, n, w, h int) image.Image {
	t.Helper()
	args := []string{"-png", "-singlefile", "-f", fmt.Sprint(n), "-l", fmt.Sprint(n),
		"-scale-to-x", fmt.Sprint(w), "-scale-to-y", fmt.Sprint(h), in}
	if tool == "pdftocairo" {
		args = append(args, "-") // pdftoppm writes to stdout without a file name
	}
	out, err := exec.Command(tool, args...).Output()
	if err != nil {
		t.Fatalf("%s page %d: %v", tool, n, err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// downscale averages k x k blocks.
func downscale(src image.Image, k int) image.Image {
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx()/k, b.Dy()/k))
	for y := 0; y < b.Dy()/k; y++ {
		for x := 0; x < b.Dx()/k; x++ {
			var r, g, bl uint32
			for j := 0; j < k; j++ {
				for i := 0; i < k; i++ {
					cr, cg, cb, _ := src.At(b.Min.X+x*k+i, b.Min.Y+y*k+j).RGBA()
					r, g, bl = r+cr>>8, g+cg>>8, bl+cb>>8
				}
			}
			n := uint32(k * k)
			dst.Set(x, y, color.RGBA{uint8(r / n), uint8(g / n), uint8(bl / n), 255})
		}
	}
	return dst
}

// upscale is bilinear scaling to w x h, as a browser scales an image.
func upscale(src image.Image, w, h int) image.Image {
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	at := func(x, y int) [3]float64 {
		x, y = min(max(x, 0), b.Dx()-1), min(max(y, 0), b.Dy()-1)
		r, g, bl, _ := src.At(b.Min.X+x, b.Min.Y+y).RGBA()
		return [3]float64{float64(r >> 8), float64(g >> 8), float64(bl >> 8)}
	}
	for y := 0; y < h; y++ {
		fy := (float64(y)+0.5)*float64(b.Dy())/float64(h) - 0.5
		y0, ty := int(math.Floor(fy)), fy-math.Floor(fy)
		for x := 0; x < w; x++ {
			fx := (float64(x)+0.5)*float64(b.Dx())/float64(w) - 0.5
			x0, tx := int(math.Floor(fx)), fx-math.Floor(fx)
			var c [3]uint8
			a, bb, cc, d := at(x0, y0), at(x0+1, y0), at(x0, y0+1), at(x0+1, y0+1)
			for i := range c {
				c[i] = uint8(math.Round((a[i]*(1-tx)+bb[i]*tx)*(1-ty) + (cc[i]*(1-tx)+d[i]*tx)*ty))
			}
			dst.Set(x, y, color.RGBA{c[0], c[1], c[2], 255})
		}
	}
	return dst
}

// psnr is the PSNR in dB of frames against refs, over the RGB samples of
// the rectangle r.
func psnr(frames, refs []image.Image, r image.Rectangle) float64 {
	var se float64
	var n int
	for i := range frames {
		b := refs[i].Bounds()
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				r1, g1, b1, _ := frames[i].At(frames[i].Bounds().Min.X+x, frames[i].Bounds().Min.Y+y).RGBA()
				r2, g2, b2, _ := refs[i].At(b.Min.X+x, b.Min.Y+y).RGBA()
				for _, d := range []float64{float64(r1>>8) - float64(r2>>8), float64(g1>>8) - float64(g2>>8), float64(b1>>8) - float64(b2>>8)} {
					se += d * d
				}
				n += 3
			}
		}
	}
	return 10 * math.Log10(255*255/(se/float64(n)))
}

// metrics sets the tab's viewport to w x h CSS pixels at one device pixel
// each.
func metrics(ctx context.Context, w, h int) error {
	_, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) (cdp.Empty, error) {
		return cdp.Call(ctx, t, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: int64(w), Height: int64(h), DeviceScaleFactor: 1})
	})
	return err
}

// screenshot loads url, waits for the promise ready, and takes a PNG.
func screenshot(ctx context.Context, url, ready string) (image.Image, error) {
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.Evaluate[chromedp.Void](ready, chromedp.EvalAwaitPromise)); err != nil {
		return nil, err
	}
	res, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) (page.CaptureScreenshotResult, error) {
		return cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{})
	})
	if err != nil {
		return nil, err
	}
	return png.Decode(bytes.NewReader(res.Data))
}
