package encode

import (
	"slices"
	"testing"
)

func TestFFmpegArgs(t *testing.T) {
	common := []string{"-an", "-c:v", "libx264"}
	for _, tc := range []struct {
		name string
		opts Options
		want []string
	}{
		{
			name: "rgba defaults",
			opts: Options{Width: 320, Height: 240, FPS: 30},
			want: slices.Concat(
				[]string{"-f", "matroska", "-i", "pipe:0"},
				common,
				[]string{"-color_primaries", "bt709", "-color_range", "tv", "-color_trc", "bt709", "-colorspace", "bt709",
					"-crf", "18", "-fps_mode", "cfr", "-movflags", "+faststart", "-pix_fmt", "yuv420p", "-preset", "veryfast",
					"-r", "30", "-vf", "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,fps=30",
					"file:/tmp/.out.mp4.deckreel-1.tmp.mp4",
					"-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y"}),
		},
		{
			name: "yuv420p passes through, tagged BT.709, frame count capped",
			opts: Options{Width: 1920, Height: 1080, FPS: 60, PixFmt: "yuv420p", CRF: 23, Preset: "ultrafast", Frames: 600},
			want: slices.Concat(
				[]string{"-f", "matroska", "-i", "pipe:0"},
				common,
				[]string{"-color_primaries", "bt709", "-color_range", "tv", "-color_trc", "bt709", "-colorspace", "bt709",
					"-crf", "23", "-fps_mode", "cfr", "-frames:v", "600", "-movflags", "+faststart", "-pix_fmt", "yuv420p", "-preset", "ultrafast",
					"-r", "60", "-vf", "fps=60", "file:/tmp/.out.mp4.deckreel-1.tmp.mp4",
					"-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y"}),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ffmpegArgs(tc.opts.withDefaults(), "/tmp/.out.mp4.deckreel-1.tmp.mp4")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ffmpegArgs =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}
