package encode

import (
	"fmt"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// rgbToBT709 converts RGB input to limited-range BT.709 yuv420p. Without
// it swscale uses BT.601 and leaves the stream untagged, and players,
// which assume BT.709 for HD, show shifted colours (pure red decodes as
// 255,23,0).
const rgbToBT709 = "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p"

// ffmpegArgs returns the arguments (without argv[0]) that make ffmpeg read
// raw frames from stdin and encode them into path. o must have its
// defaults applied. The muxer is chosen from path's extension.
//
// The input is declared as raw video at exactly FPS, and the output is
// forced to constant frame rate at the same FPS, so each frame written is
// exactly one output frame: nothing is dropped or duplicated.
func ffmpegArgs(o Options, path string) []string {
	in := ffmpeg.Input("pipe:0", ffmpeg.KwArgs{
		"f":          "rawvideo",
		"pix_fmt":    o.PixFmt,
		"video_size": fmt.Sprintf("%dx%d", o.Width, o.Height),
		"framerate":  o.FPS,
	})
	out := ffmpeg.KwArgs{
		"an":       "",
		"c:v":      o.Codec,
		"pix_fmt":  "yuv420p",
		"crf":      o.CRF,
		"preset":   o.Preset,
		"r":        o.FPS,
		"fps_mode": "cfr",
		// Put the index first so a browser can start playing before the
		// whole file has downloaded.
		"movflags": "+faststart",
	}
	if isRGB(o.PixFmt) {
		out["vf"] = rgbToBT709
		out["colorspace"] = "bt709"
		out["color_primaries"] = "bt709"
		out["color_trc"] = "bt709"
		out["color_range"] = "tv"
	}
	// "file:" stops ffmpeg reading a colon in the path as a protocol name
	// (and the path is absolute, so it cannot start with "-" either).
	return in.Output("file:"+path, out).
		// -nostdin: stdin carries frames, never keyboard commands.
		GlobalArgs("-hide_banner", "-nostdin", "-nostats", "-loglevel", "error").
		OverWriteOutput(). // the temporary file already exists: we created it
		GetArgs()
}
