package encode

import (
	"fmt"
	"slices"
	"strings"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// rgbToBT709 converts RGB input to limited-range BT.709 yuv420p. Without
// it swscale uses BT.601 and leaves the stream untagged, and players,
// which assume BT.709 for HD, show shifted colours (pure red decodes as
// 255,23,0).
const rgbToBT709 = "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p"

// jpegToBT709 converts decoded JPEG frames, full-range BT.601 YCbCr, to
// limited-range BT.709 yuv420p. fast=1 changes the matrix and the range
// and nothing else, which is what the RGB path does too (the RGB is taken
// as it is, with no change of primaries or transfer). It costs about 1 ms
// a 1080p frame where swscale's matrix change costs 6. Its own format
// option gives yuv420p, resampling the chroma of a JPEG that is not 4:2:0,
// without a scaler after it (the filter would otherwise keep the
// decoder's yuvj420p).
const jpegToBT709 = "colorspace=all=bt709:iall=bt601-6-625:irange=pc:range=tv:fast=1:format=yuv420p"

// ffmpegArgs returns the arguments (without argv[0]) that make ffmpeg read
// raw frames from stdin and encode them into path. o must have its
// defaults applied. The muxer is chosen from path's extension.
//
// The input is declared as raw video at exactly FPS, and the output is
// forced to constant frame rate at the same FPS, so each frame written is
// exactly one output frame: nothing is dropped or duplicated.
func ffmpegArgs(o Options, path string) ([]string, error) {
	if !o.plainMP4() || o.BurnFile != "" {
		return formatArgs(o, path)
	}
	// The frames come as Matroska with a timestamp each (see mkv.go), so
	// a repeated frame crosses the pipe once.
	in := ffmpeg.Input("pipe:0", ffmpeg.KwArgs{"f": "matroska"})
	out := ffmpeg.KwArgs{
		"c:v":     o.Codec,
		"pix_fmt": "yuv420p",
		"crf":     o.CRF,
		"preset":  o.Preset,
		// Put the index first so a browser can start playing before the
		// whole file has downloaded.
		"movflags": "+faststart",
		// Our frames are BT.709: converted so by us (yuv420p input) or by
		// the filter below (RGB or JPEG input). Say so in the stream.
		"colorspace":      "bt709",
		"color_primaries": "bt709",
		"color_trc":       "bt709",
		"color_range":     "tv",
	}
	var filters []string
	if f := inputFilter(o.PixFmt); f != "" {
		filters = append(filters, f)
	}
	if o.VFR {
		// One output frame per frame written, lasting as long as it was
		// said to: a still slide is one long frame.
		out["fps_mode"] = "vfr"
		out["video_track_timescale"] = o.FPS * 1000
	} else {
		// Constant frame rate: the fps filter repeats each frame up to the
		// next one's timestamp (rounded to the nearest frame), so every
		// frame index exists in the output. -fps_mode cfr alone gets this
		// wrong once another filter has dropped the frames' durations.
		filters = append(filters, fmt.Sprintf("fps=%d", o.FPS))
		out["r"] = o.FPS
		out["fps_mode"] = "cfr"
	}
	if o.Frames > 0 {
		// Never more frames than asked for, whatever the last frame's
		// duration rounds to.
		out["frames:v"] = o.Frames
	}
	if len(filters) > 0 {
		out["vf"] = strings.Join(filters, ",")
	}
	mp4, err := FormatFor(path, "mp4")
	if err != nil {
		return nil, err
	}
	extra, eargs, err := o.extras(mp4)
	if err != nil {
		return nil, err
	}
	for k, v := range eargs {
		out[k] = v
	}
	// "file:" stops ffmpeg reading a colon in the path as a protocol name
	// (and the path is absolute, so it cannot start with "-" either).
	args := ffmpeg.Output(append([]*ffmpeg.Stream{in}, extra...), "file:"+path, out).
		// -nostdin: stdin carries frames, never keyboard commands.
		GlobalArgs("-hide_banner", "-nostdin", "-nostats", "-loglevel", "error").
		OverWriteOutput(). // the temporary file already exists: we created it
		GetArgs()
	return o.withMetadata(args)
}

// formatArgs is ffmpegArgs for every format but plain H.264 in MP4: the
// codec, pixel format and filters come from Format.Video.
func formatArgs(o Options, path string) ([]string, error) {
	f, err := FormatFor(o.Output, o.FormatName)
	if err != nil {
		return nil, err
	}
	fo := o.FormatOptions()
	if o.Codec != DefaultCodec {
		fo.CRF = o.CRF
	}
	if err := f.Check(fo); err != nil {
		return nil, err
	}
	v, err := f.Video(fo)
	if err != nil {
		return nil, err
	}
	out := ffmpeg.KwArgs{}
	for k, val := range v.Args {
		out[k] = val
	}
	filters := slices.Clone(v.Convert)
	if o.VFR {
		out["fps_mode"] = "vfr"
	} else {
		filters = append(filters, fmt.Sprintf("fps=%d", o.FPS))
		// A GIF sets its own, lower, frame rate in its Finish filters.
		if f.Name != "gif" {
			out["r"] = o.FPS
			out["fps_mode"] = "cfr"
			if o.Frames > 0 {
				out["frames:v"] = o.Frames
			}
		}
	}
	filters = append(filters, v.Finish...)
	if len(filters) > 0 {
		out["vf"] = strings.Join(filters, ",")
	}
	extra, eargs, err := o.extras(f)
	if err != nil {
		return nil, err
	}
	for k, val := range eargs {
		out[k] = val
	}
	in := ffmpeg.Input("pipe:0", ffmpeg.KwArgs{"f": "matroska"})
	args := ffmpeg.Output(append([]*ffmpeg.Stream{in}, extra...), "file:"+path, out).
		GlobalArgs("-hide_banner", "-nostdin", "-nostats", "-loglevel", "error").
		OverWriteOutput().
		GetArgs()
	return o.withMetadata(args)
}
