package encode

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deckreel/deckreel/internal/mediatest"
)

// These tests run the real ffmpeg (and ffprobe, through mediatest). They
// skip if it is missing, except under CI, where that fails them.

// realOptions returns options for the real ffmpeg writing into a fresh
// directory; the name has a colon and a space, which ffmpeg would otherwise
// take for a protocol and the shell for two words.
func realOptions(t *testing.T, w, h int) Options {
	t.Helper()
	mediatest.RequireFFmpeg(t)
	return Options{Width: w, Height: h, FPS: 30, Output: filepath.Join(t.TempDir(), "deck: take 1.mp4")}
}

// solid returns a w×h frame of colour c in the given input pixel format.
// yuv420p frames use limited-range BT.709, which the encoder tags the
// stream with.
func solid(pixFmt string, w, h int, c color.RGBA) []byte {
	switch pixFmt {
	case "rgba", "":
		return bytes.Repeat([]byte{c.R, c.G, c.B, 255}, w*h)
	case "bgra":
		return bytes.Repeat([]byte{c.B, c.G, c.R, 255}, w*h)
	case "rgb24":
		return bytes.Repeat([]byte{c.R, c.G, c.B}, w*h)
	case "yuv420p":
		r, g, b := float64(c.R), float64(c.G), float64(c.B)
		y := 16 + (46.559*r+156.629*g+15.812*b)/255
		cb := 128 + (-25.664*r-86.336*g+112*b)/255
		cr := 128 + (112*r-101.730*g-10.270*b)/255
		frame := bytes.Repeat([]byte{byte(math.Round(y))}, w*h)
		frame = append(frame, bytes.Repeat([]byte{byte(math.Round(cb))}, w*h/4)...)
		return append(frame, bytes.Repeat([]byte{byte(math.Round(cr))}, w*h/4)...)
	case JPEGPixFmt:
		// Full-range BT.601 YCbCr 4:2:0, as in Chrome's JPEG shots.
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(img, img.Rect, &image.Uniform{C: c}, image.Point{}, draw.Src)
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 100}); err != nil {
			panic(err)
		}
		return b.Bytes()
	}
	panic("unknown pixel format " + pixFmt)
}

// checkColour fails if the pixels at the centre and a corner of img are
// not within tol of want in every channel.
func checkColour(t *testing.T, what string, img *image.RGBA, want color.RGBA, tol int) {
	t.Helper()
	b := img.Bounds()
	for _, p := range []image.Point{{b.Dx() / 2, b.Dy() / 2}, {0, 0}, {b.Dx() - 1, b.Dy() - 1}} {
		got := img.RGBAAt(p.X, p.Y)
		if diff(got.R, want.R) > tol || diff(got.G, want.G) > tol || diff(got.B, want.B) > tol {
			t.Errorf("%s at %v = %v, want %v ± %d", what, p, got, want, tol)
			return
		}
	}
}

func diff(a, b uint8) int {
	d := int(a) - int(b)
	if d < 0 {
		return -d
	}
	return d
}

func gray(v uint8) color.RGBA { return color.RGBA{v, v, v, 255} }

// TestEncodeRealFFmpeg encodes 45 frames in 20 runs of repeated solid gray
// levels, replacing an existing file, and checks that every frame comes
// back in order with the right level: nothing dropped, duplicated or
// reordered.
func TestEncodeRealFFmpeg(t *testing.T) {
	o := realOptions(t, 320, 240)
	ctx := testContext(t)
	if err := os.WriteFile(o.Output, []byte("an old render"), 0o644); err != nil {
		t.Fatal(err)
	}
	runs := []int{1, 2, 1, 3, 1, 1, 4, 1, 2, 1, 1, 3, 1, 2, 1, 5, 1, 2, 1, 11}
	var levels []uint8 // expected gray level of each output frame
	for run, n := range runs {
		for range n {
			levels = append(levels, uint8(16+11*run))
		}
	}
	if len(levels) != 45 {
		t.Fatalf("test bug: %d frames, want 45", len(levels))
	}

	enc, err := Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Abort()
	for run, n := range runs {
		if err := enc.WriteFrame(solid("rgba", o.Width, o.Height, gray(uint8(16+11*run))), n); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	assertNoTemp(t, filepath.Dir(o.Output))
	if !enc.cmd.ProcessState.Exited() {
		t.Errorf("ffmpeg ended with %v", enc.cmd.ProcessState)
	}

	info, err := mediatest.ProbeVideo(ctx, o.Output)
	if err != nil {
		t.Fatal(err)
	}
	want := mediatest.VideoInfo{Frames: 45, Width: 320, Height: 240, FPS: 30, PixFmt: "yuv420p", Duration: 1500 * time.Millisecond}
	if d := info.Duration - want.Duration; d < -time.Second/30 || d > time.Second/30 {
		t.Errorf("duration %v, want %v", info.Duration, want.Duration)
	}
	info.Duration = want.Duration
	if info != want {
		t.Errorf("probe = %+v, want %+v", info, want)
	}

	frames, err := mediatest.ExtractFrames(ctx, o.Output)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != len(levels) {
		t.Fatalf("decoded %d frames, want %d", len(frames), len(levels))
	}
	for i, f := range frames {
		checkColour(t, fmt.Sprintf("frame %d", i), f, gray(levels[i]), 4)
	}

	// Single frames by number: the darkest and the brightest.
	for _, k := range []int{0, 44} {
		img, err := mediatest.ExtractFrame(ctx, o.Output, k)
		if err != nil {
			t.Fatal(err)
		}
		checkColour(t, fmt.Sprintf("extracted frame %d", k), img, gray(levels[k]), 4)
	}
}

// TestPixelFormatsRealFFmpeg checks each input layout, with colours, so a
// swapped channel or a wrong colour matrix shows.
func TestPixelFormatsRealFFmpeg(t *testing.T) {
	colours := []color.RGBA{{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}, {200, 120, 40, 255}}
	for _, pixFmt := range []string{"rgba", "bgra", "rgb24", "yuv420p", JPEGPixFmt} {
		t.Run(pixFmt, func(t *testing.T) {
			o := realOptions(t, 128, 96)
			o.PixFmt = pixFmt
			o.Frames = 2 * len(colours)
			frames := encodeRuns(t, o, colours, []int{2, 2, 2, 2})
			if len(frames) != 2*len(colours) {
				t.Fatalf("decoded %d frames, want %d", len(frames), 2*len(colours))
			}
			for i, f := range frames {
				checkColour(t, fmt.Sprintf("frame %d", i), f, colours[i/2], 8)
			}
		})
	}
}

func TestAbortKeepsExistingOutputRealFFmpeg(t *testing.T) {
	o := realOptions(t, 320, 240)
	if err := os.WriteFile(o.Output, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	enc, err := Start(testContext(t), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.WriteFrame(solid("rgba", o.Width, o.Height, gray(128)), 10); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := enc.Abort(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > DefaultGracePeriod {
		t.Errorf("Abort took %v: ffmpeg did not stop gracefully", took)
	}
	if !enc.cmd.ProcessState.Exited() {
		t.Errorf("ffmpeg ended with %v, want a normal exit after SIGINT", enc.cmd.ProcessState)
	}
	assertContent(t, o.Output, "precious")
	assertNoTemp(t, filepath.Dir(o.Output))
	assertGone(t, enc.cmd.Process.Pid)
}

func TestFailureKeepsExistingOutputRealFFmpeg(t *testing.T) {
	o := realOptions(t, 320, 240)
	o.Codec = "deckreel_no_such_encoder"
	if err := os.WriteFile(o.Output, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	enc, err := Start(testContext(t), o)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Abort()
	// ffmpeg gives up before encoding; the failure shows in WriteFrame or,
	// if the pipe absorbed every frame, in Close.
	for i := 0; i < 100 && err == nil; i++ {
		err = enc.WriteFrame(solid("rgba", o.Width, o.Height, gray(50)), 1)
	}
	if closeErr := enc.Close(); err == nil {
		err = closeErr
	}
	var fe *FFmpegError
	if !errors.As(err, &fe) || !strings.Contains(fe.Stderr, "deckreel_no_such_encoder") {
		t.Fatalf("error = %v, want an *FFmpegError quoting ffmpeg about the unknown encoder", err)
	}
	t.Logf("error as reported: %v", err)
	assertContent(t, o.Output, "precious")
	assertNoTemp(t, filepath.Dir(o.Output))
	assertGone(t, enc.cmd.Process.Pid)
}

func TestContextCancelRealFFmpeg(t *testing.T) {
	o := realOptions(t, 320, 240)
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	enc, err := Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Abort()
	pid := enc.cmd.Process.Pid
	if err := enc.WriteFrame(solid("rgba", o.Width, o.Height, gray(200)), 20); err != nil {
		t.Fatal(err)
	}

	cancel()
	// ffmpeg stops on its own accord, before Close is called.
	for deadline := time.Now().Add(o.withDefaults().GracePeriod + 5*time.Second); ; time.Sleep(10 * time.Millisecond) {
		if s := processState(t, pid); s == "Z" || s == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("ffmpeg still running after cancel")
		}
	}
	if err := enc.Close(); !errors.Is(err, context.Canceled) {
		t.Errorf("Close = %v, want context.Canceled", err)
	}
	if !enc.cmd.ProcessState.Exited() {
		t.Errorf("ffmpeg ended with %v, want a normal exit (graceful stop)", enc.cmd.ProcessState)
	}
	assertGone(t, pid)
	assertNoTemp(t, filepath.Dir(o.Output))
	if _, err := os.Stat(o.Output); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("output after cancel: %v, want none", err)
	}
}

// TestSkipRepeatsRealFFmpeg checks the skip-picture path: long runs of
// repeats come out as exactly that many frames, each decoding to its run's
// picture, the stream decodes without a single error, and repeats cost
// almost nothing in the file.
func TestSkipRepeatsRealFFmpeg(t *testing.T) {
	o := realOptions(t, 320, 240)
	runs := []int{1, 300, 1, 1, 50, 7}
	total := 0
	for _, r := range runs {
		total += r
	}
	o.Frames = total
	if !o.withDefaults().skipRepeats() {
		t.Fatal("default options do not use skip pictures")
	}
	ctx := testContext(t)
	enc, err := Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Abort()
	colours := []color.RGBA{{250, 30, 30, 255}, {30, 250, 30, 255}, {30, 30, 250, 255}, {240, 240, 240, 255}, {20, 20, 20, 255}, {200, 120, 40, 255}}
	for i, r := range runs {
		if err := enc.WriteFrame(solid("rgba", o.Width, o.Height, colours[i]), r); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	info, err := mediatest.ProbeVideo(ctx, o.Output)
	if err != nil {
		t.Fatal(err)
	}
	if info.Frames != total || info.FPS != 30 {
		t.Fatalf("probe = %+v, want %d frames at 30 fps", info, total)
	}
	if want := time.Duration(total) * time.Second / 30; (info.Duration - want).Abs() > 5*time.Millisecond {
		t.Errorf("duration %s, want %s", info.Duration, want)
	}
	frames, err := mediatest.ExtractFrames(ctx, o.Output)
	if err != nil {
		t.Fatal(err)
	}
	k := 0
	for i, r := range runs {
		for j := range r {
			if j == 0 || j == r-1 || j == r/2 {
				checkColour(t, fmt.Sprintf("run %d frame %d (output frame %d)", i, j, k), frames[k], colours[i], 8)
			}
			k++
		}
	}
	// Every picture must decode cleanly: a wrong frame_num or a malformed
	// skip slice makes ffmpeg's decoder complain.
	out, err := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-i", o.Output, "-f", "null", "-").CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) != 0 {
		t.Errorf("decoding reported errors: %v: %s", err, out)
	}
	st, err := os.Stat(o.Output)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() > 200<<10 {
		t.Errorf("%d frames of 6 solid pictures take %d bytes; repeats are not nearly free", total, st.Size())
	}
	t.Logf("%d frames, %d bytes", total, st.Size())
}

// TestStillVideoRealFFmpeg encodes one picture held for the whole video:
// the case where the encoder's own idea of the frame rate, taken from the
// input timestamps, would be wrong.
func TestStillVideoRealFFmpeg(t *testing.T) {
	o := realOptions(t, 320, 240)
	o.Frames = 90
	ctx := testContext(t)
	enc, err := Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Abort()
	if err := enc.WriteFrame(solid("rgba", o.Width, o.Height, color.RGBA{10, 200, 90, 255}), 90); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	info, err := mediatest.ProbeVideo(ctx, o.Output)
	if err != nil {
		t.Fatal(err)
	}
	if info.Frames != 90 || info.FPS != 30 || (info.Duration-3*time.Second).Abs() > 5*time.Millisecond {
		t.Errorf("probe = %+v, want 90 frames at 30 fps lasting 3s", info)
	}
}

// encodeRuns encodes runs[i] frames of colour colours[i] in o.PixFmt, in
// order, and returns the frames of the video, decoded.
func encodeRuns(t *testing.T, o Options, colours []color.RGBA, runs []int) []*image.RGBA {
	t.Helper()
	ctx := testContext(t)
	enc, err := Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Abort()
	for i, r := range runs {
		if err := enc.WriteFrame(solid(o.PixFmt, o.Width, o.Height, colours[i]), r); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	frames, err := mediatest.ExtractFrames(ctx, o.Output)
	if err != nil {
		t.Fatal(err)
	}
	return frames
}

// TestJPEGFramesRealFFmpeg sends JPEG files down each path the encoder
// builds: skip pictures (plain H.264 MP4 at a constant rate), ffmpegArgs
// (variable frame rate) and formatArgs (WebM, a GIF). Every frame must come
// back with its colour and its repeats, and a JPEG that ffmpeg cannot
// decode must fail the encode, not vanish from the video.
func TestJPEGFramesRealFFmpeg(t *testing.T) {
	colours := []color.RGBA{{250, 30, 30, 255}, {30, 250, 30, 255}, {30, 30, 250, 255}, {200, 120, 40, 255}}
	runs := []int{3, 1, 5, 2}
	for _, c := range []struct {
		name   string
		output string
		vfr    bool
		tol    int
	}{
		{"mp4 skip pictures", "v.mp4", false, 8},
		{"mp4 vfr", "v.mp4", true, 8},
		{"webm", "v.webm", false, 8},
		{"gif", "v.gif", false, 24},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := realOptions(t, 64, 48)
			o.Output = filepath.Join(filepath.Dir(o.Output), c.output)
			o.PixFmt, o.VFR, o.Frames = JPEGPixFmt, c.vfr, 11
			frames := encodeRuns(t, o, colours, runs)
			var want []color.RGBA
			for i, r := range runs {
				for range r {
					want = append(want, colours[i])
				}
			}
			if c.vfr {
				// One frame per run, each as long as its run.
				want = colours
			}
			if c.name == "gif" {
				// A GIF has its own, lower, frame rate: look at the first
				// and the last frame only.
				checkColour(t, "first frame", frames[0], colours[0], c.tol)
				checkColour(t, "last frame", frames[len(frames)-1], colours[len(colours)-1], c.tol)
				return
			}
			if len(frames) != len(want) {
				t.Fatalf("decoded %d frames, want %d", len(frames), len(want))
			}
			for i, f := range frames {
				checkColour(t, fmt.Sprintf("frame %d", i), f, want[i], c.tol)
			}
		})
	}
	t.Run("undecodable", func(t *testing.T) {
		o := realOptions(t, 64, 48)
		o.PixFmt, o.Frames = JPEGPixFmt, 3
		ctx := testContext(t)
		enc, err := Start(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		defer enc.Abort()
		good := solid(JPEGPixFmt, o.Width, o.Height, colours[0])
		// The header is intact (the frames stage reads only that); the
		// Huffman tables are not.
		bad := bytes.Clone(good)
		i := bytes.Index(bad, []byte{0xff, 0xc4})
		for k := i + 5; k < i+40; k++ {
			bad[k] = 0xff * byte(k%2)
		}
		werr := errors.Join(enc.WriteFrame(good, 1), enc.WriteFrame(bad, 1), enc.WriteFrame(good, 1))
		if err := errors.Join(werr, enc.Close()); err == nil {
			t.Fatal("an undecodable JPEG frame was encoded without an error")
		}
		if _, err := os.Stat(o.Output); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("output after a failed encode: %v", err)
		}
	})
}
