package encode

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// WritePoster writes frame n of the finished video at src (at fps frames
// per second) to out as a PNG, for --poster: by default frame 0, the first
// frame of the first slide. src may also be a PNG sequence directory
// (SequencePattern), whose frame n is copied. A transparent video gives a
// transparent poster.
//
// ffmpeg seeks to half a frame before frame n, so the first frame it
// decodes at or after that time is frame n however the container rounds
// timestamps, without decoding the video from the start. out is written
// through a temporary file and renamed, like the video.
func WritePoster(ctx context.Context, ffmpegPath, src string, n, fps int, out string) error {
	if n < 0 || fps <= 0 {
		return fmt.Errorf("write poster %s: frame %d at %d fps is not a frame", out, n, fps)
	}
	if ffmpegPath == "" {
		ffmpegPath = DefaultFFmpeg
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return fmt.Errorf("write poster %s: %w", out, err)
	}
	temps := tempFiles(filepath.Base(absOut), ".png")
	temps.Sweep(filepath.Dir(absOut))
	f, err := os.CreateTemp(filepath.Dir(absOut), temps.Pattern())
	if err != nil {
		return fmt.Errorf("write poster %s: %w", out, err)
	}
	tmp := f.Name()
	err = f.Chmod(0o644)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = extractPosterFrame(ctx, ffmpegPath, src, n, fps, tmp)
	}
	if err == nil {
		err = os.Rename(tmp, absOut)
	}
	if err != nil {
		return errors.Join(fmt.Errorf("write poster %s (frame %d of %s): %w", out, n, src, err), os.Remove(tmp))
	}
	return nil
}

func extractPosterFrame(ctx context.Context, ffmpegPath, src string, n, fps int, dst string) error {
	if st, err := os.Stat(src); err == nil && st.IsDir() {
		for digits := 5; digits <= 10; digits++ {
			name := filepath.Join(src, fmt.Sprintf("out_%0*d.png", digits, n))
			if in, err := os.Open(name); err == nil {
				defer in.Close()
				return copyPosterFrame(dst, in)
			}
		}
		return fmt.Errorf("no frame %d in %s", n, src)
	}
	abs, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	// Half a frame early, in microseconds: ffmpeg's accurate seek drops
	// every frame before that time, so the first one left is frame n.
	seek := time.Duration(max(0, (2*int64(n)-1)*int64(time.Second)/(2*int64(fps))))
	in := ffmpeg.KwArgs{"ss": fmt.Sprintf("%.6f", seek.Seconds())}
	if strings.EqualFold(filepath.Ext(src), ".webm") {
		// ffmpeg's own VP9 decoder drops the alpha channel; libvpx's
		// keeps it.
		in["c:v"] = "libvpx-vp9"
	}
	args := ffmpeg.Input("file:"+abs, in).
		Output("file:"+dst, ffmpeg.KwArgs{"frames:v": 1, "update": 1, "f": "image2", "c:v": "png"}).
		GlobalArgs("-hide_banner", "-nostdin", "-nostats", "-loglevel", "error").
		OverWriteOutput().GetArgs()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, ffmpegPath, args...)
	cmd.Stderr = &stderr
	cmd.WaitDelay = DefaultGracePeriod
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return fmt.Errorf("ffmpeg: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	if st, err := os.Stat(dst); err != nil || st.Size() == 0 {
		return fmt.Errorf("the video has no frame %d", n)
	}
	return nil
}

func copyPosterFrame(dst string, r io.Reader) error {
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
